import LaurelPoints
import LaurelSources

/// The before/after comparison `laurel what-if` prints and writes (docs/what-if.md): each
/// person's score, rank and balance, the per-category totals, the caps' cuts and the points
/// liability, under the current rules ("current") and the proposed ones ("proposed").
///
/// A managers' tool, never published: it lists everyone, also people who opted out of public
/// ranking (`leaderboard: false`), who have a score and a balance but no rank, as on the boards.
public struct WhatIfComparison: Sendable {
    /// One person of the roster.
    public struct PersonRow: Sendable, Equatable {
        public let id: String
        public let name: String
        public let teamId: String
        public let team: String
        public let scoreBefore: Int64
        public let scoreAfter: Int64
        public let rankBefore: Int?
        public let rankAfter: Int?
        public let balanceBefore: Int64
        public let balanceAfter: Int64

        public var scoreChange: Int64 { scoreAfter - scoreBefore }
        public var balanceChange: Int64 { balanceAfter - balanceBefore }
        /// Places gained on the period's board (positive: up); nil when not ranked. Whether
        /// someone is ranked depends on the roster only, never on the rules.
        public var places: Int? {
            guard let b = rankBefore, let a = rankAfter else { return nil }
            return b - a
        }
    }

    /// One figure before and after: a category's points, a rule's cap cuts, a total.
    public struct Figure: Sendable, Equatable {
        /// The category or rule id (empty for a total).
        public let id: String
        /// The rule's name (current rules first); the id for a category.
        public let name: String
        public let before: Int64
        public let after: Int64
        public var change: Int64 { after - before }
    }

    public let title: String
    /// The portal's locale (portal.yaml `locale:`): the language of the page set.
    public let locale: PortalSettings.Locale
    public let period: Period
    public let asOf: Day
    /// The proposed file's name (its last path component: no folder of the machine it ran on).
    public let proposedName: String
    /// Everyone on the roster, by proposed score (descending), then name, then id: the order
    /// of the proposed board, with people who are not ranked among them by score.
    public let people: [PersonRow]
    /// Score points in the period per category: the current rules' categories in their order,
    /// then any the proposal adds, `other` last.
    public let categories: [Figure]
    /// Points cut off by caps in the period, per rule that has a cap under either rules (or
    /// cut anything), current rules' order first.
    public let caps: [Figure]
    /// The sum of the categories: every score point of the period.
    public let scored: Figure
    public let capped: Figure
    /// Points outstanding at the as-of date (WhatIfSide.liability) and those held by people
    /// who left, which can never be redeemed.
    public let liability: Figure
    public let heldByLeavers: Figure
    public let added: [String]
    public let removed: [String]
    public let changed: [String]
    /// Errors the proposed rules would cause in the other sources (an earn under a rule the
    /// proposal retires, a redemption the smaller balance cannot pay): a build with the
    /// proposed rules would fail on these; the proposed figures leave those entries out.
    public let problems: [Diagnostic]
    /// Balance assertions of the ledger that do not hold under the proposed rules (they state
    /// balances under the current ones); not checked, only counted.
    public let assertionsNotHolding: Int

    init(sources: PortalSources, settings: PortalSettings, period: Period, asOf: Day, proposedPath: String,
         current: WhatIfSide, proposed: WhatIfSide, currentRules: [Rule], changes: RuleChanges,
         problems: [Diagnostic], assertionsNotHolding: Int) {
        title = settings.title
        locale = settings.locale
        self.period = period
        self.asOf = asOf
        var name = Substring(proposedPath)
        while name.count > 1 && name.hasSuffix("/") { name.removeLast() }
        proposedName = name.split(separator: "/").last.map(String.init) ?? String(name)
        var rows: [PersonRow] = []
        rows.reserveCapacity(sources.people.count)
        for (p, person) in sources.people.enumerated() {
            let t = Int(person.team)
            let team = t >= 0 && t < sources.teams.count ? sources.teams[t] : nil
            rows.append(PersonRow(id: person.id, name: person.name, teamId: team?.id ?? "", team: team?.name ?? "",
                                  scoreBefore: current.scores[p], scoreAfter: proposed.scores[p],
                                  rankBefore: current.ranks[p], rankAfter: proposed.ranks[p],
                                  balanceBefore: current.balances[p], balanceAfter: proposed.balances[p]))
        }
        rows.sort { a, b in
            if a.scoreAfter != b.scoreAfter { return a.scoreAfter > b.scoreAfter }
            return a.name != b.name ? a.name < b.name : a.id < b.id
        }
        people = rows

        var categoryNames = current.categories.map(\.name).filter { $0 != "other" }
        for c in proposed.categories where c.name != "other" && !categoryNames.contains(c.name) { categoryNames.append(c.name) }
        categoryNames.append("other")
        let before = Dictionary(current.categories.map { ($0.name, $0.points) }, uniquingKeysWith: +)
        let after = Dictionary(proposed.categories.map { ($0.name, $0.points) }, uniquingKeysWith: +)
        categories = categoryNames.map { Figure(id: $0, name: $0, before: before[$0] ?? 0, after: after[$0] ?? 0) }

        let capsBefore = Dictionary(current.rules.map { ($0.id, $0.capped) }, uniquingKeysWith: +)
        let capsAfter = Dictionary(proposed.rules.map { ($0.id, $0.capped) }, uniquingKeysWith: +)
        var hasCap = Set<String>()
        for rule in currentRules + sources.rules where rule.versions.contains(where: { $0.cap != nil }) { hasCap.insert(rule.id) }
        var ruleOrder = current.rules.map { ($0.id, $0.name) }
        for r in proposed.rules where !ruleOrder.contains(where: { $0.0 == r.id }) { ruleOrder.append((r.id, r.name)) }
        caps = ruleOrder.compactMap { id, name in
            let b = capsBefore[id] ?? 0, a = capsAfter[id] ?? 0
            guard hasCap.contains(id) || b != 0 || a != 0 else { return nil }
            return Figure(id: id, name: name, before: b, after: a)
        }
        scored = Figure(id: "", name: "", before: categories.reduce(0) { $0 + $1.before }, after: categories.reduce(0) { $0 + $1.after })
        capped = Figure(id: "", name: "", before: capsBefore.values.reduce(0, +), after: capsAfter.values.reduce(0, +))
        liability = Figure(id: "", name: "", before: current.liability, after: proposed.liability)
        heldByLeavers = Figure(id: "", name: "", before: current.heldByLeavers, after: proposed.heldByLeavers)
        added = changes.added
        removed = changes.removed
        changed = changes.changed
        self.problems = problems
        self.assertionsNotHolding = assertionsNotHolding
    }

    /// The people who gain the most places (`up`) or lose the most, at most `top` of them:
    /// by places moved, then by score change (the same direction), then name, then id.
    public func movers(up: Bool, top: Int) -> [PersonRow] {
        let moved = people.filter { row in
            guard let places = row.places else { return false }
            return up ? places > 0 : places < 0
        }
        let sorted = moved.sorted { a, b in
            let pa = abs(a.places ?? 0), pb = abs(b.places ?? 0)
            if pa != pb { return pa > pb }
            let ca = up ? a.scoreChange : -a.scoreChange, cb = up ? b.scoreChange : -b.scoreChange
            if ca != cb { return ca > cb }
            return a.name != b.name ? a.name < b.name : a.id < b.id
        }
        return Array(sorted.prefix(max(0, top)))
    }

    /// How many ranked people move up, move down, keep their place; and how many people's
    /// score changes at all.
    public var movement: (up: Int, down: Int, same: Int, scoreChanged: Int) {
        var up = 0, down = 0, same = 0, changed = 0
        for row in people {
            if let p = row.places { if p > 0 { up += 1 } else if p < 0 { down += 1 } else { same += 1 } }
            if row.scoreChange != 0 { changed += 1 }
        }
        return (up, down, same, changed)
    }

    /// True when no figure differs between the two sides.
    public var isUnchanged: Bool {
        people.allSatisfy { $0.scoreChange == 0 && $0.balanceChange == 0 && ($0.places ?? 0) == 0 }
            && categories.allSatisfy { $0.change == 0 } && caps.allSatisfy { $0.change == 0 }
            && liability.change == 0 && heldByLeavers.change == 0
    }
}
