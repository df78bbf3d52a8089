import LaurelPoints
import LaurelSources

/// The fingerprints of a person's three files (their page, their feed and their history CSV):
/// everything `personPage`, `personFeed` and `HistoryExport.write` read that is not already in
/// the sources salt (the roster, rules, rewards, titles, teams, pages, settings, theme).
/// The feed and the CSV show only the person's entries and bonuses: they have a fingerprint of
/// their own, so that a rank moved by someone else's points re-renders the page alone.
///
/// The as-of day itself is not in these fingerprints (decision 118): what it changes on a
/// person's files is, each where it is read (the current period, the pages published by then,
/// reward costs in force, which lots are available, expired or expiring soon, the feed's date
/// when there are no entries), and the day as the page writes it is a patch slot like the rank.
///
/// Each value below is named after the line of the page builders that reads it; a new read in
/// those builders needs a new line here (and `DependencyRecord.version` raised). The
/// incremental tests build over random changes both ways and compare every byte.
struct PersonInputs: Sendable {
    let salt: UInt64
    /// What the feed and the CSV start from: the sources salt only.
    let historySalt: UInt64
    /// Per ledger file, a hash of its path (`ledger/PATH:LINE` sources).
    let fileHashes: [UInt64]
    /// Per person, the digest of their history's entries (`HistoryDigests`).
    let historyDigests: [UInt64]

    init(_ site: SiteContext, reuse: RenderReuse, support: PersonPageSupport, jobs: Int) {
        var words = FingerprintWriter()
        words.word(reuse.personSalt)
        words.text("person")
        let asOf = site.book.asOf
        // What the as-of day decides for every person page: the current period (`site.period`,
        // the summary's score), the pages published by then (`site.published`: page lists,
        // guidance and mentions), the reward costs in force (`rewardCosts`, `rewardOffers`).
        words.period(site.book.period)
        words.published(site)
        for reward in site.sources.rewards { words.int64(reward.cost(on: asOf) ?? -1) }
        // Rewards within reach (`rewardsWithin`): stock used by everyone; with the person's
        // balance and lifetime below, and costs and titles in the sources salt, that is all
        // `isAvailable` and the costs compare.
        words.int(site.book.stockUsed.count)
        for used in site.book.stockUsed { words.int64(used) }
        // Board links and labels by period (`support.periodLabels`, `periodLinks`).
        for kind in PeriodKind.allCases {
            let periods = site.scores.periods(kind, asOf: site.book.asOf)
            words.int(periods.count)
            for p in periods { words.period(p) }
        }
        salt = words.value
        var history = FingerprintWriter()
        history.word(reuse.personSalt)
        history.text("person history")
        historySalt = history.value
        fileHashes = site.sourcePrefixes.map { ContentHash.of(Array($0.utf8)) }
        historyDigests = HistoryDigests.make(site, support: support, fileHashes: fileHashes, jobs: jobs)
    }

    /// The fingerprints of person `p`'s files: `history` for the feed and `history.csv`, which
    /// show only the person's entries and bonuses (with names, labels and settings from the
    /// sources salt), and `page` for the page, which shows those and much more (ranks, lots,
    /// guidance …).
    /// `main` is the page's fingerprint without its current-period rank values, `ranks` those
    /// values (the slots of `RankPatch`, -1 when not shown): a page whose `main` is unchanged
    /// differs from the previous one only in the digits of its rank.
    func fingerprints(_ p: Int, _ site: SiteContext, support: PersonPageSupport, into words: inout FingerprintWriter)
        -> (page: UInt64, history: UInt64, main: UInt64, ranks: [Int64]) {
        words.reset()
        words.word(historySalt)
        words.int(p)
        let book = site.book
        let account = book.accounts[p]
        let entries = site.sources.ledger.entries
        // The history (page, feed and CSV): every entry with its outcome, the entries it
        // reverses or is reversed by (`HistoryDigests`), and the target bonuses.
        words.int(account.entries.count)
        words.word(historyDigests[p])
        words.int(account.bonuses.count)
        for t in account.bonuses {
            guard let bonus = book.bonuses[Int(t)] else {
                words.int(-1)
                continue
            }
            words.int(Int(t))
            words.int32(bonus.rule)
            words.int(Int(bonus.version))
            words.period(bonus.period)
            words.int64(bonus.target)
            words.int64(bonus.metric)
            words.int64(bonus.points)
        }
        var history = words.value
        // A feed without entries is dated the as-of day: in the feed's and CSV's fingerprint
        // only, so that the page (which goes on from `words`) is still patched.
        if account.entries.isEmpty {
            var dated = ContentHash()
            dated.update(RenderReuse.bytes(history) + RenderReuse.bytes(UInt64(bitPattern: Int64(book.asOf.serial))))
            history = dated.value
        }
        // The page: the history above, and the rest of what it shows.
        words.word(salt)
        // The summary.
        words.int64(account.balance)
        words.int64(account.lifetime)
        words.int(account.title ?? -1)
        words.int64(account.score(in: book.period))
        // The current-period ranks: only whether each is shown (and is not zero, which a
        // section would test) is in `main`; their values are hashed last.
        let ranks = PersonInputs.currentRanks(p, site, support: support)
        for rank in ranks { words.int(rank < 0 ? -1 : rank == 0 ? 0 : 1) }
        words.int(account.badges.count)
        for badge in account.badges {
            words.int(badge.badge)
            words.day(badge.day)
        }
        // Scores by period, with the rank on each period's board.
        words.int(account.scores.count)
        for item in account.scores {
            words.period(item.period)
            words.int64(item.points)
            words.int32(item.period == book.period ? -2 : support.ranks[item.period]?[p] ?? 0)
        }
        // Lots (the page shows the available ones, with where each came from) and expiry.
        words.int(account.lots.count)
        for lot in account.lots {
            words.int64(lot.points)
            words.int64(lot.remaining)
            words.int32(lot.origin)
            words.day(lot.date)
            words.int32(lot.lastValidSerial)
            words.bool(lot.cancelled)
            // Which lots are shown, and marked expired, on the as-of day.
            words.bool(lot.isAvailable(on: book.asOf))
            words.bool(lot.lastValid.map { $0 < book.asOf } ?? false)
            if lot.origin >= 0 { entry(entries[Int(lot.origin)], into: &words) }
        }
        words.int(account.expiring.count)
        for group in account.expiring {
            words.int32(group.lastValid?.serial ?? Int32.max)
            words.int64(group.points)
            // `soon` on the page: within 31 days of the as-of day.
            words.bool(group.lastValid.map { $0.serial - book.asOf.serial <= 31 } ?? false)
        }
        // Guidance depends on the team's averages (everyone's points): the guidance itself,
        // as the page shows it.
        var views = ViewDigest(capacity: 1024)
        words.word(views.digest(View([(.guidance, .list(site.guidance(p, support: support, at: Address.person(site.sources.people[p].id))))]), salt: 3))
        let main = words.value
        for rank in ranks { words.int64(rank) }
        return (words.value, history, main, ranks)
    }

    /// The values of `RankPatch`'s slots on person `p`'s page, as `personPage` shows them: the
    /// summary's current rank, the rank in the current period's row of the scores table
    /// (-1 when the page does not show it), and the as-of day's serial.
    static func currentRanks(_ p: Int, _ site: SiteContext, support: PersonPageSupport) -> [Int64] {
        let book = site.book
        let summary = book.ranks[p].map { Int64($0) } ?? -1
        var row: Int64 = -1
        if book.accounts[p].scores.contains(where: { $0.period == book.period }),
           let rank = support.ranks[book.period]?[p], rank > 0 {
            row = Int64(rank)
        }
        return [summary, row, Int64(book.asOf.serial)]
    }

    @inline(__always)
    private func entry(_ e: LedgerEntry, into words: inout FingerprintWriter) {
        HistoryDigests.entry(e, fileHashes: fileHashes, into: &words)
    }
}
