import LaurelMarkdown
import LaurelPoints
import LaurelSources

/// What every page builder reads: the checked sources, the engine's results, the theme and
/// the derived tables. Read-only, shared by the rendering threads.
struct SiteContext: Sendable {
    let sources: PortalSources
    let book: PointsBook
    let theme: Theme
    /// Which portal is being built: the staff portal, or the managers' one (docs/managers.md).
    let audience: Audience
    let scores: ScoreTable
    let locale: PortalSettings.Locale
    /// Pages that are published (not drafts, not dated after the as-of date), by path.
    let published: [String: Int]
    /// For each rule, the index of its explanation page, if any.
    let explanations: [Int?]
    /// Pages naming each rule / person in front matter or in links.
    let pagesByRule: [[Int]]
    let pagesByPerson: [[Int]]
    /// Rendered page bodies (HTML), by page index; nil for unpublished pages.
    let bodies: [String?]
    /// Plain-text summaries of the published pages, by page index.
    let summaries: [String]
    /// Published pages that link to each page (`page:` links), by page index.
    let backlinks: [[Int]]
    /// Links to every person's and team's page from pages 0 to 3 folders deep (leaderboards
    /// list thousands of people; each link is made once, not once per board).
    let personURLs: [[String]]
    let teamURLs: [[String]]

    /// `scores`, when given, is this book's table, kept from an earlier render (`PointsRenderCache`).
    init(sources: PortalSources, book: PointsBook, theme: Theme, audience: Audience = .staff, jobs: Int = 1, scores: ScoreTable? = nil) {
        self.sources = sources
        self.book = book
        self.theme = theme
        self.audience = audience
        locale = sources.settings.locale
        self.scores = scores ?? ScoreTable(sources: sources, book: book, jobs: jobs)
        var published: [String: Int] = [:]
        for (i, page) in sources.pages.enumerated() where !page.draft && (page.date.map { $0 <= book.asOf } ?? true) {
            published[page.path] = i
        }
        self.published = published
        var explanations = [Int?](repeating: nil, count: sources.rules.count)
        for (r, rule) in sources.rules.enumerated() {
            if let path = rule.page { explanations[r] = published[path] }
        }
        self.explanations = explanations
        var byRule = [[Int]](repeating: [], count: sources.rules.count)
        var byPerson = [[Int]](repeating: [], count: sources.people.count)
        for (i, page) in sources.pages.enumerated() where published[page.path] == i {
            var rules = Set(page.rules.map(Int.init)), people = Set(page.people.map(Int.init))
            for link in Markdown.links(in: page.body) {
                switch InternalLink(link.destination) {
                case .rule(let id): if let r = sources.ruleIndex.find(id) { rules.insert(Int(r)) }
                case .person(let id): if let p = sources.peopleIndex.find(id) { people.insert(Int(p)) }
                default: break
                }
            }
            for r in rules.sorted() where explanations[r] != i { byRule[r].append(i) }
            for p in people.sorted() { byPerson[p].append(i) }
        }
        pagesByRule = byRule
        pagesByPerson = byPerson
        bodies = []  // filled by `withBodies`
        summaries = []
        var linking = [[Int]](repeating: [], count: sources.pages.count)
        for (i, page) in sources.pages.enumerated() where published[page.path] == i {
            var targets = Set<Int>()
            for link in Markdown.links(in: page.body) {
                if case .page(let path) = InternalLink(link.destination), let j = published[path], j != i { targets.insert(j) }
            }
            for j in targets { linking[j].append(i) }
        }
        backlinks = linking.map { $0.sorted() }
        personURLs = (0...3).map { depth in
            let from = String(repeating: "x/", count: depth)
            return sources.people.map { Address.link(from: from, to: Address.person($0.id)) }
        }
        teamURLs = (0...3).map { depth in
            let from = String(repeating: "x/", count: depth)
            return sources.teams.map { Address.link(from: from, to: Address.team($0.id)) }
        }
    }

    private init(copy: SiteContext, bodies: [String?], summaries: [String]) {
        sources = copy.sources
        book = copy.book
        theme = copy.theme
        audience = copy.audience
        scores = copy.scores
        locale = copy.locale
        published = copy.published
        explanations = copy.explanations
        pagesByRule = copy.pagesByRule
        pagesByPerson = copy.pagesByPerson
        backlinks = copy.backlinks
        personURLs = copy.personURLs
        teamURLs = copy.teamURLs
        self.bodies = bodies
        self.summaries = summaries
    }

    /// Renders every published page's Markdown once (its links depend on where it is shown).
    func withBodies(jobs: Int) -> SiteContext {
        let pages = sources.pages
        let bodies = Parallel.map(pages.count, jobs: jobs) { [self] i -> String? in
            guard published[pages[i].path] == i else { return nil }
            let page = pages[i]
            // A rule's explanation is shown on the rule's page; other pages at their own address.
            let at = sources.rules.firstIndex { $0.page == page.path }.map { Address.rule(sources.rules[$0].id) } ?? Address.page(page.path)
            return markdown(page.body, at: at)
        }
        let summaries = Parallel.map(pages.count, jobs: jobs) { i in PageSummary.first(pages[i].body) }
        return SiteContext(copy: self, bodies: bodies, summaries: summaries)
    }

    // MARK: labels and links

    func label(_ key: String) -> String { theme.string(key) }

    func category(_ name: String) -> String { theme.strings["category." + name] ?? name }

    func expiry(_ policy: ExpiryPolicy) -> String {
        switch policy {
        case .never: return label("expiry.never")
        case .endOf(let kind): return label("expiry." + kind.rawValue)
        case .months(let n): return label("expiry.months").replacingOccurrences(of: "{n}", with: String(n))
        }
    }

    /// Markdown rendered for a page shown at `at`: internal links become relative links.
    func markdown(_ text: String, at: String) -> String {
        Markdown.html(text) { destination in
            guard let link = InternalLink(destination) else { return .keep }
            if let target = address(of: link) { return .replace(Address.link(from: at, to: target)) }
            return .unlink
        }
    }

    /// Where an internal link points, or nil when its target is not published.
    func address(of link: InternalLink) -> String? {
        switch link {
        case .rule(let id): return sources.ruleIndex.find(id).map { _ in Address.rule(id) }
        case .person(let id): return sources.peopleIndex.find(id).map { _ in Address.person(id) }
        case .team(let id): return sources.teamIndex.find(id).map { _ in Address.team(id) }
        case .reward(let id): return sources.rewardIndex.find(id).map { _ in Address.reward(id) }
        case .page(let path):
            guard let i = published[path] else { return nil }
            if let r = explanations.firstIndex(of: i) { return Address.rule(sources.rules[r].id) }
            return Address.page(path)
        case .invalid: return nil
        }
    }

    /// The values every page has: site, title and links relative to `at` (absolute, from
    /// portal.yaml's base-url, for the 404 page, which a server shows at any address).
    func root(at: String, title: String, absolute: Bool = false) -> View {
        let base = absolute ? sources.settings.baseURL : nil
        func link(_ to: String) -> TemplateValue { .text(base.map { $0 + Address.file(to) } ?? Address.link(from: at, to: to)) }
        var links = View([
            (.home, link(Address.home)), (.people, link(Address.people)), (.leaderboard, link(Address.leaderboard)),
            (.leaderboards, link(Address.leaderboards)), (.rewards, link(Address.rewards)), (.rules, link(Address.rules)),
            (.changes, link(Address.changes)), (.training, link(Address.kind(.training))), (.cases, link(Address.kind(.case))),
            (.news, link(Address.kind(.news))), (.tags, link(Address.tags)), (.tv, link(Address.tv)),
            (.style, link(Address.themeAssets + "style.css")), (.print, link(Address.themeAssets + "print.css")),
            (.sitemap, link(Address.sitemap)),
            (.audit, link(Address.audit)),
            (.search, link(Address.search)),
        ])
        links.set(.honours, link(Address.honours))
        // The managers' pages are linked only in their own build (docs/analytics.md).
        if audience == .managers { links.set(.analytics, link(Address.analytics)) }
        let site = View([(.title, .text(sources.settings.title)), (.lang, .text(locale.rawValue)),
                         (.asof, .placedDay(slot: RankPatch.asOfSlot, book.asOf)), (.period, .period(book.period)),
                         (.managers, .bool(audience == .managers)), (.audience, .text(audience.rawValue))])
        return View([(.site, .object(site)), (.links, .object(links)), (.title, .text(title))])
    }

    // MARK: shared pieces

    static func depth(_ at: String) -> Int {
        var depth = 0
        for c in at.utf8 where c == 47 { depth += 1 }
        return depth
    }

    func personLink(_ p: Int, from at: String) -> View {
        let person = sources.people[p]
        let depth = SiteContext.depth(at)
        let url = depth < personURLs.count ? personURLs[depth][p] : Address.link(from: at, to: Address.person(person.id))
        return View([(.name, .text(person.name)), (.url, .text(url)), (.id, .text(person.id))])
    }

    func teamLink(_ t: Int32, from at: String) -> TemplateValue? {
        guard t >= 0 else { return nil }
        let team = sources.teams[Int(t)]
        let depth = SiteContext.depth(at)
        let url = depth < teamURLs.count ? teamURLs[depth][Int(t)] : Address.link(from: at, to: Address.team(team.id))
        return .object(View([(.name, .text(team.name)), (.url, .text(url))]))
    }

    func ruleLink(_ r: Int, from at: String) -> View {
        let rule = sources.rules[r]
        return View([(.name, .text(rule.name)), (.url, .text(Address.link(from: at, to: Address.rule(rule.id)))), (.id, .text(rule.id))])
    }

    func rewardLink(_ r: Int, from at: String) -> View {
        let reward = sources.rewards[r]
        return View([(.name, .text(reward.name)), (.url, .text(Address.link(from: at, to: Address.reward(reward.id))))])
    }

    /// A leaderboard row.
    func row(_ p: Int, score: Int64, rank: Int, from at: String, balance: Bool = false) -> View {
        var view = personLink(p, from: at)
        view.set(.team, teamLink(sources.people[p].team, from: at))
        view.set(.score, .number(score))
        view.set(.rank, .number(Int64(rank)))
        if balance { view.set(.balance, .number(book.accounts[p].balance)) }
        return view
    }

    /// A list item for a Markdown page.
    func item(_ i: Int, from at: String) -> View {
        let page = sources.pages[i]
        var view = View([(.title, .text(page.title)), (.url, .text(Address.link(from: at, to: address(of: .page(page.path)) ?? Address.page(page.path)))),
                         (.kindlabel, .text(label("kind." + page.kind.rawValue)))])
        view.set(.date, page.date.map { .day($0) })
        view.set(.outcome, page.outcome.map { .text(label("outcome." + $0.rawValue)) })
        if i < summaries.count { view.set(.summary, .text(summaries[i])) }
        return view
    }

    func teamRows(_ board: Board, from at: String) -> [View] {
        board.teams(sources).map { t in
            var view = View([(.rank, .number(Int64(t.rank))), (.total, .number(t.total)), (.count, .number(Int64(t.members))),
                             (.perhead, .number(t.members > 0 ? t.total / Int64(t.members) : 0))])
            let team = sources.teams[t.team]
            view.set(.name, .text(team.name))
            view.set(.url, .text(Address.link(from: at, to: Address.team(team.id))))
            return view
        }
    }

    /// `ledger/PATH:` for each ledger file.
    var sourcePrefixes: [String] { sources.ledger.files.map { "ledger/" + $0.path + ":" } }
}

/// A plain-text summary of a Markdown body: its first paragraph with the Markdown syntax
/// (headings, quotes, emphasis, code, links) taken out and ordinary characters kept.
enum PageSummary {
    static func first(_ body: String, limit: Int = 120) -> String {
        var text = ""
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            var trimmed = line.trimmingCharacters()
            if trimmed.isEmpty { if !text.isEmpty { break } else { continue } }
            if trimmed.hasPrefix("---") || trimmed.hasPrefix("|") { continue }
            while trimmed.hasPrefix("#") || trimmed.hasPrefix(">") { trimmed = String(trimmed.dropFirst()).trimmingWhitespace() }
            text += (text.isEmpty ? "" : " ") + trimmed
        }
        var plain = text.replacingOccurrences(of: #"!?\[([^\]]*)\]\([^)]*\)"#, with: "$1", options: .regularExpression)
        for mark in ["**", "__", "`"] { plain = plain.replacingOccurrences(of: mark, with: "") }
        return plain.count > limit ? String(plain.prefix(limit)) + "…" : plain
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).trimmingWhitespace() }
}
