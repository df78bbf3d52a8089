/// Every name a theme template can use. A template naming anything else fails to load with a
/// `file:line` error. docs/themes.md describes what each page's context holds.
public enum ViewKey: String, CaseIterable, Sendable {
    // Every page
    case site, links, title, lang, asof, period, description, canonical
    case home, people, leaderboard, leaderboards, rewards, rules, changes, training, cases, news, tags, tv, about
    case style, print, feed, sitemap
    // Which portal a page belongs to (Audience): `site.managers` is true in the managers' build
    case managers, audience
    // People and teams
    case id, name, url, team, teams, lead, members, count, person
    case balance, lifetime, score, rank, ranked, unranked, optedout, left, min, more, qty
    case honour, next, missing, progress, badges, badge, date
    case history, what, verb, rule, reward, version, since, memo, points, capped, reversed, reversal, source, entry
    case lots, lot, remaining, lastvalid, never, expired, cancelled, expiring, soon
    case affordable, nexttier, tier, tiers, guidance, category, categories, mentions
    case bonus, target, metric
    // Leaderboards
    case rows, top, kind, kinds, periods, previous, following, views, month, quarter, year, total, perhead, board, current
    case scores
    // Rewards and rules
    case cost, costs, stock, stockleft, requires, image, affordablecount, unlimited, soldout
    case versions, per, cap, capmax, capper, expiry, retired, active, fixed, rate, explanation, backlinks, change
    // Pages
    case pages, page, body, outcome, success, failure, tag, summary, kindlabel, draft
    // Home
    case expiringsoon, expiringtotal, latest, tabs
    // Period reports and honour rolls (docs/analytics.md)
    case analytics, honours, report, sections, chart, columns, cells, csv, figures, value, note, winners, titles, num
    // Fairness audit and exports (docs/audit.md, docs/exports.md)
    case audit, flags, why, figure, lines, approver, csvfile, shown
    // Search (docs/search.md): `links.search`
    case search
}
