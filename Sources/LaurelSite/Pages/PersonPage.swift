import LaurelPoints
import LaurelSources

/// Everything person pages share that is computed once: ranks per period, team averages per
/// category (for guidance), training pages per tag.
struct PersonPageSupport: Sendable {
    /// Rank of each person in each leaderboard period of the portal's kind.
    let ranks: [Period: [Int32]]
    /// Per team, the average lifetime points per category of its members.
    let teamAverages: [[Double]]
    /// Published training pages by tag, in title order.
    let trainingByTag: [String: [Int]]
    /// Links from a person page (all at the same depth) to rules, rewards and teams, made once.
    let ruleLinks: [View]
    /// What history rows share, kept in `arena` so rows refer to it without reference
    /// counting: per rule its link (`.borrowed`), and with `version` (from 1) and `since` for
    /// each version; per reward its link; per verb its label; per ledger file `ledger/PATH:`.
    let arena = RowArena()
    let rowRules: [TemplateValue]
    /// Rule r's versions are `rowRuleVersions[ruleVersionStart[r]..<ruleVersionStart[r + 1]]`.
    let rowRuleVersions: [TemplateValue]
    let ruleVersionStart: [Int]
    let rowRewards: [TemplateValue]
    let rowVerbs: [TemplateValue]
    let rowSources: [BorrowedBytes]
    /// The ledger's memos and ids (`Ledger.storage`), pinned by the build while it renders.
    let ledgerTexts: BorrowedBytes
    /// Per reward: its cost in force, and its link with `cost` and `tier` as the affordable
    /// list and the next tier show it (nil cost: not offered).
    let rewardCosts: [Int64?]
    let rewardOffers: [View]
    /// Per published page, its item as a person page lists it (guidance, mentions).
    let pageItems: [Int: View]
    /// Per leaderboard period, its name and the link to its board from a person page.
    let periodLabels: [Period: TemplateValue]
    let periodLinks: [Period: TemplateValue]
    let teamLinks: [TemplateValue?]
    /// The values every person page shares (site, links).
    let root: View
    /// `ledger/PATH:` per ledger file, and the verbs in the locale.
    let sourcePrefixes: [String]
    let verbLabels: [String]
    let bonusLabel: String

    /// `ledgerTexts` must stay valid while pages are rendered with this support.
    init(_ site: SiteContext, boards: [Board], ledgerTexts texts: UnsafeBufferPointer<UInt8>) {
        var ranks: [Period: [Int32]] = [:]
        for board in boards where board.category == nil {
            var r = [Int32](repeating: 0, count: site.sources.people.count)
            for row in board.order { r[row.person] = Int32(row.rank) }
            ranks[board.period] = r
        }
        self.ranks = ranks
        let c = site.scores.categories.count
        var sums = [[Double]](repeating: [Double](repeating: 0, count: c), count: site.sources.teams.count)
        var counts = [Double](repeating: 0, count: site.sources.teams.count)
        for (p, person) in site.sources.people.enumerated() where person.team >= 0 {
            let totals = site.scores.lifetimeByCategory(person: p)
            for k in 0..<c { sums[Int(person.team)][k] += Double(totals[k]) }
            counts[Int(person.team)] += 1
        }
        teamAverages = sums.enumerated().map { t, s in s.map { counts[t] > 0 ? $0 / counts[t] : 0 } }
        var byTag: [String: [Int]] = [:]
        for (path, i) in site.published.sorted(by: { $0.key < $1.key }) where site.sources.pages[i].kind == .training {
            _ = path
            for tag in site.sources.pages[i].tags { byTag[tag, default: []].append(i) }
        }
        trainingByTag = byTag
        let at = Address.person("x")
        ruleLinks = site.sources.rules.indices.map { site.ruleLink($0, from: at) }
        let arena = arena
        rowRules = ruleLinks.map { .borrowed(arena.object($0)) }
        var versions: [TemplateValue] = []
        var versionStart = [0]
        for r in site.sources.rules.indices {
            for v in site.sources.rules[r].versions.indices {
                var link = site.ruleLink(r, from: at)
                link.set(.version, .number(Int64(v + 1)))
                link.set(.since, .day(site.sources.rules[r].versions[v].since))
                versions.append(.borrowed(arena.object(link)))
            }
            versionStart.append(versions.count)
        }
        rowRuleVersions = versions
        ruleVersionStart = versionStart
        rowRewards = site.sources.rewards.indices.map { .borrowed(arena.object(site.rewardLink($0, from: at))) }
        ledgerTexts = BorrowedBytes(texts)
        rewardCosts = site.sources.rewards.map { $0.cost(on: site.book.asOf) }
        rewardOffers = site.sources.rewards.indices.map { r in
            var view = site.rewardLink(r, from: at)
            if let cost = site.sources.rewards[r].cost(on: site.book.asOf) { view.set(.cost, .number(cost)) }
            view.set(.tier, .text(site.label("tier." + site.sources.rewards[r].tier.rawValue)))
            return view
        }
        var labels: [Period: TemplateValue] = [:], links: [Period: TemplateValue] = [:]
        for kind in PeriodKind.allCases {
            for period in site.scores.periods(kind, asOf: site.book.asOf) {
                labels[period] = .bytes(arena.bytes(LocaleFormat.period(period, site.locale)))
                links[period] = .bytes(arena.bytes(Address.link(from: at, to: Address.board(period))))
            }
        }
        periodLabels = labels
        periodLinks = links
        var items: [Int: View] = [:]
        for i in site.published.values { items[i] = site.item(i, from: at) }
        pageItems = items
        teamLinks = site.sources.teams.indices.map { site.teamLink(Int32($0), from: at) }
        root = site.root(at: at, title: "")
        sourcePrefixes = site.sourcePrefixes
        verbLabels = Verb.allCases.map { site.label("verb." + $0.name) }
        bonusLabel = site.label("verb.bonus")
        rowVerbs = verbLabels.map { .bytes(arena.bytes($0)) }
        rowSources = sourcePrefixes.map { arena.bytes($0) }
    }

    /// An entry's `ledger/PATH:LINE`.
    @inline(__always)
    func source(_ e: LedgerEntry) -> TemplateValue { .bytesNumber(rowSources[Int(e.file)], Int64(e.line)) }

    /// The bytes of `start..<start+length` in the ledger's texts (nil: none, or out of range).
    @inline(__always)
    func text(_ start: Int32, _ length: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard start >= 0, length >= 0, Int(start) + Int(length) <= ledgerTexts.count else { return nil }
        return UnsafeBufferPointer(rebasing: ledgerTexts.buffer[Int(start)..<Int(start) + Int(length)])
    }
}

extension SiteContext {
    /// The person page: "explain my balance" — every figure with the ledger line it came from.
    func personPage(_ p: Int, support: PersonPageSupport) -> View {
        let person = sources.people[p]
        let account = book.accounts[p]
        let at = Address.person(person.id)
        var root = support.root
        root.set(.title, .text(person.name))

        var summary = personLink(p, from: at)
        summary.set(.team, person.team >= 0 ? support.teamLinks[Int(person.team)] : nil)
        summary.set(.balance, .number(account.balance))
        summary.set(.lifetime, .number(account.lifetime))
        summary.set(.score, .number(account.score(in: book.period)))
        // The current ranks are `.placed`, so a later build can patch them (`RankPatch`).
        if let rank = book.ranks[p] {
            summary.set(.rank, .placed(slot: 0, Int64(rank)))
            summary.set(.ranked, .bool(true))
        }
        summary.set(.optedout, .bool(!person.leaderboard))
        summary.set(.left, person.left.map { .day($0) })
        summary.set(.feed, .text(Address.link(from: at, to: Address.personFeed(person.id))))
        if let t = account.title { summary.set(.honour, .object(View([(.name, .text(sources.titles[t].name))]))) }
        let nextIndex = account.title.map { $0 + 1 } ?? 0
        if nextIndex < sources.titles.count {
            let next = sources.titles[nextIndex]
            let floor = account.title.map { sources.titles[$0].min } ?? 0
            let span = max(1, next.min - floor)
            let progress = max(0, min(100, (account.lifetime - floor) * 100 / span))
            summary.set(.next, .object(View([(.name, .text(next.name)), (.min, .number(next.min)),
                                             (.missing, .number(max(0, next.min - account.lifetime))), (.progress, .number(progress))])))
        }
        root.set(.person, .object(summary))
        root.set(.badges, .list(account.badges.map { View([(.name, .text(sources.badges[$0.badge].name)), (.date, .day($0.day))]) }))
        // Scores and lots are rows made on demand into one view, like the history: a person has
        // dozens of each.
        let scores = account.scores
        let current = book.period
        root.set(.scores, .rows(RowList(count: scores.count) { row, view in
            let item = scores[scores.count - 1 - row]
            view.set(.period, support.periodLabels[item.period] ?? .period(item.period))
            view.set(.score, .number(item.points))
            view.set(.url, support.periodLinks[item.period] ?? .text(Address.link(from: at, to: Address.board(item.period))))
            if let rank = support.ranks[item.period]?[p], rank > 0 {
                view.set(.rank, item.period == current ? .placed(slot: 1, Int64(rank)) : .number(Int64(rank)))
            }
        }))
        root.set(.history, .rows(history(p, at: at, support: support)))
        // The lots that make up the balance: unspent, not cancelled, not expired.
        let asOf = book.asOf
        let lots = account.lots.reversed().filter { $0.isAvailable(on: asOf) }
        let site = self
        root.set(.lots, .rows(RowList(count: lots.count) { row, view in
            let lot = lots[row]
            view.set(.date, .day(lot.date))
            view.set(.points, .number(lot.points))
            view.set(.remaining, .number(lot.remaining))
            view.set(.cancelled, .bool(lot.cancelled))
            view.set(.source, site.lotSource(lot, support: support))
            if let last = lot.lastValid {
                view.set(.lastvalid, .day(last))
                view.set(.expired, .bool(last < asOf))
            } else {
                view.set(.never, .bool(true))
            }
        }))
        root.set(.expiring, .list(account.expiring.map { group in
            var view = View([(.points, .number(group.points))])
            if let day = group.lastValid {
                view.set(.lastvalid, .day(day))
                view.set(.soon, .bool(day.serial - book.asOf.serial <= 31))
            } else {
                view.set(.never, .bool(true))
            }
            return view
        }))
        let (affordable, nextTier) = rewardsWithin(p, support: support)
        root.set(.affordable, .list(affordable))
        root.set(.nexttier, nextTier.map { .object($0) })
        root.set(.guidance, .list(guidance(p, support: support, at: at)))
        root.set(.mentions, .list(pagesByPerson[p].map { support.pageItems[$0] ?? item($0, from: at) }))
        return root
    }

    /// Where a lot came from: the ledger line of its entry, or the target it rewarded.
    func lotSource(_ lot: Lot, support: PersonPageSupport) -> TemplateValue {
        if let t = lot.targetIndex { return .text(sources.rules[Int(sources.targets[t].rule)].name + " · " + sources.targets[t].period.description) }
        return support.source(sources.ledger.entries[Int(lot.origin)])
    }

    /// Every entry of the person, newest first, with target bonuses in their place. A person
    /// has hundreds of lines and a department millions, so rows are made while the template
    /// writes them, into one reused view.
    func history(_ p: Int, at: String, support: PersonPageSupport) -> RowList {
        let account = book.accounts[p]
        // Newest first: by day, a target bonus (dated the last day of its period) after the
        // entries of that day in reading order, so first here; then latest ledger position first.
        var order: [UInt64] = []
        order.reserveCapacity(account.entries.count + account.bonuses.count)
        // The day takes the top 31 bits: serials of the years 1 to 9999 (-719,162 to
        // 2,932,896) biased by 2^30 are positive and below 2^31, so days before 1970 sort
        // before later ones too.
        func key(_ day: Day, bonus: Bool, _ index: Int) -> UInt64 {
            UInt64(UInt32(truncatingIfNeeded: Int64(day.serial) + (1 << 30)) & 0x7FFF_FFFF) << 33
                | (bonus ? 1 << 32 : 0) | UInt64(UInt32(index))
        }
        let entries = sources.ledger.entries
        let outcomes = book.outcomes
        // A person's entries, outcomes and texts lie far apart (in ledger order). Reading what
        // the rows will need here, in one loop whose loads do not wait for each other, lets the
        // processor fetch them from memory together instead of one cache miss per row later.
        var touched: Int64 = 0
        for (k, i) in account.entries.enumerated() {
            let e = entries[Int(i)]
            order.append(key(e.date, bonus: false, k))
            touched &+= outcomes[Int(i)].points
            if let text = support.text(e.memoStart >= 0 ? e.memoStart : e.idStart, 1), let first = text.first { touched &+= Int64(first) }
        }
        Prefetch.keep(touched)
        for t in account.bonuses {
            guard let bonus = book.bonuses[Int(t)] else { continue }
            order.append(key(bonus.period.lastDay, bonus: true, Int(t)))
        }
        order.sort(by: >)
        let site = self
        return RowList(count: order.count) { [order] row, view in
            let k = order[row]
            let index = Int(k & 0xFFFF_FFFF)
            if k & (1 << 32) != 0 {
                site.bonusRow(index, support: support, into: &view)
            } else {
                site.entryRow(Int(account.entries[index]), support: support, into: &view)
            }
        }
    }

    /// One ledger entry of a person's history.
    func entryRow(_ i: Int, support: PersonPageSupport, into view: inout View) {
        let entries = sources.ledger.entries
        let e = entries[i]
        let outcome = book.outcomes[i]
        view.set(.date, .day(e.date))
        view.set(.what, support.rowVerbs[Int(e.verb.rawValue)])
        view.set(.source, support.source(e))
        if let memo = support.text(e.memoStart, e.memoLength) {
            // A memo with `\"` or `\\` is unescaped into a string (rare).
            view.set(.memo, memo.contains(92) ? .text(sources.ledger.memo(of: e)) : .bytes(BorrowedBytes(memo)))
        }
        if e.id >= 0, let id = support.text(e.idStart, Int32(e.idLength)) { view.set(.id, .bytes(BorrowedBytes(id))) }
        switch e.verb {
        case .earn:
            let v = Int(outcome.ruleVersion)
            let r = Int(e.subject)
            let version = support.ruleVersionStart[r] + v
            view.set(.rule, v >= 0 && version < support.ruleVersionStart[r + 1] ? support.rowRuleVersions[version] : support.rowRules[r])
            view.set(.points, .signed(outcome.points))
            if outcome.capped > 0 { view.set(.capped, .number(outcome.capped)) }
        case .award:
            if e.subject >= 0 { view.set(.rule, support.rowRules[Int(e.subject)]) }
            view.set(.points, .signed(e.points))
        case .deduct:
            view.set(.points, .signed(-e.points))
        case .redeem:
            view.set(.reward, support.rowRewards[Int(e.subject)])
            view.set(.points, .signed(-outcome.points))
        case .reverse:
            let target = entries[Int(e.subject)]
            view.set(.points, .signed(book.reversalEffect(of: Int(e.subject), in: entries)))
            view.set(.entry, .object(View([(.date, .day(target.date)), (.source, support.source(target)),
                                           (.what, support.rowVerbs[Int(target.verb.rawValue)])])))
        case .balance:
            view.set(.points, .number(e.points))
        }
        if outcome.isReversed {
            let r = entries[Int(outcome.reversedBy)]
            view.set(.reversed, .bool(true))
            view.set(.reversal, .object(View([(.date, .day(r.date)), (.source, support.source(r))])))
        }
    }

    /// A target bonus in a person's history.
    func bonusRow(_ t: Int, support: PersonPageSupport, into view: inout View) {
        guard let bonus = book.bonuses[t] else { return }
        var rule = support.ruleLinks[Int(bonus.rule)]
        rule.set(.version, .number(Int64(bonus.version) + 1))
        view.set(.date, .day(bonus.period.lastDay))
        view.set(.what, .text(support.bonusLabel))
        view.set(.rule, .object(rule))
        view.set(.points, .signed(bonus.points))
        view.set(.source, .text("targets.yaml"))
        view.set(.bonus, .object(View([(.period, .period(bonus.period)), (.target, .number(bonus.target)), (.metric, .number(bonus.metric))])))
    }

    /// Rewards the person can redeem now, and how far the next tier is.
    func rewardsWithin(_ p: Int, support: PersonPageSupport) -> ([View], View?) {
        let account = book.accounts[p]
        var affordable: [View] = []
        var bestTier = -1
        let tiers = Reward.Tier.allCases
        for (r, reward) in sources.rewards.enumerated() {
            guard let cost = support.rewardCosts[r], cost <= account.balance, isAvailable(r, for: p) else { continue }
            affordable.append(support.rewardOffers[r])
            bestTier = max(bestTier, tiers.firstIndex(of: reward.tier) ?? 0)
        }
        guard bestTier + 1 < tiers.count else { return (affordable, nil) }
        let nextTier = tiers[bestTier + 1]
        var cheapest: Int?
        for r in sources.rewards.indices where sources.rewards[r].tier == nextTier && isAvailable(r, for: p) {
            if cheapest == nil || (support.rewardCosts[r] ?? .max) < (cheapest.flatMap { support.rewardCosts[$0] } ?? .max) { cheapest = r }
        }
        guard let cheapest, let cost = support.rewardCosts[cheapest] else { return (affordable, nil) }
        var view = support.rewardOffers[cheapest]
        view.set(.missing, .number(max(0, cost - account.balance)))
        return (affordable, view)
    }

    /// In stock and, if it requires a title, held by the person.
    func isAvailable(_ r: Int, for p: Int) -> Bool {
        let reward = sources.rewards[r]
        if let stock = reward.stock, book.stockUsed[r] >= stock { return false }
        if let required = reward.requires, book.accounts[p].lifetime < sources.titles[Int(required)].min { return false }
        return true
    }

    /// At most this many training pages are suggested per weak category.
    static let guidancePages = 3

    /// Training pages for the categories where the person is furthest below their team's
    /// average (lifetime points per category), at most two categories.
    func guidance(_ p: Int, support: PersonPageSupport, at: String) -> [View] {
        let team = Int(sources.people[p].team)
        guard team >= 0 else { return [] }
        let mine = scores.lifetimeByCategory(person: p)
        let average = support.teamAverages[team]
        var weak: [(category: Int, ratio: Double)] = []
        for (k, name) in scores.categories.enumerated() where support.trainingByTag[name] != nil && average[k] > 0 {
            let ratio = Double(mine[k]) / average[k]
            if ratio < 1 { weak.append((k, ratio)) }
        }
        weak.sort { $0.ratio != $1.ratio ? $0.ratio < $1.ratio : $0.category < $1.category }
        return weak.prefix(2).map { w in
            let name = scores.categories[w.category]
            let pages = (support.trainingByTag[name] ?? []).prefix(SiteContext.guidancePages)
            return View([(.name, .text(category(name))), (.pages, .list(pages.map { support.pageItems[$0] ?? item($0, from: at) }))])
        }
    }
}
