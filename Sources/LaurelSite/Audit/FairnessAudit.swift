import LaurelPoints
import LaurelSources

/// One flag of the fairness audit: a pattern a careful manager may want to look at, with the
/// ledger entries behind it. A flag is a reason to look, never proof of wrongdoing.
public struct AuditFlag: Sendable, Equatable {
    /// The patterns of docs/audit.md, in the order the audit page shows them.
    public enum Kind: String, Sendable, CaseIterable {
        case outlier, cap, pair, team, reversal
        case lastDays = "last-days"
        case repeated = "repeat"
    }
    public var kind: Kind
    /// The person the flag is about: the scored person, or for `pair` the receiver and for
    /// `team` the approver.
    public var person: Int
    /// `pair`: the approver (`team` names the approver as `person`); -1 otherwise.
    public var approver: Int = -1
    /// The share's numerator and denominator (windows at the cap of windows, awards to the
    /// pair or the team of all the approver's awards, reversed of entries, points in the last
    /// days of points earned, occurrences of the amount).
    public var count: Int64 = 0
    public var total: Int64 = 0
    /// `outlier`: the score; `repeat`: the repeated `amount:`.
    public var value: Int64 = 0
    /// `outlier`: the median score and the distance in robust standard deviations.
    public var median: Double = 0
    public var deviations: Double = 0
    /// `repeat`: the rule.
    public var rule: Int = -1
    /// The ledger entries behind the flag (indices into `Ledger.entries`), the most telling first.
    public var entries: [Int32] = []
}

/// The fairness audit of one leaderboard period, or cumulative (`period == nil`): every flag
/// of docs/audit.md, computed from the engine's outcomes and the ledger alone (a pure
/// function). People who opted out of the leaderboard are audited like everyone else.
public struct FairnessAudit: Sendable {
    public let period: Period?
    public let flags: [AuditFlag]
    /// People on the roster in the scope (the outlier flag's population).
    public let people: Int

    /// Fewer people than this and the outlier flag is not computed: a median and a MAD of a
    /// handful of scores say nothing.
    public static let outlierPopulation = 5
    /// MAD × 1.4826 estimates the standard deviation of normally distributed scores.
    public static let madScale = 1.4826

    public init(_ sources: PortalSources, _ book: PointsBook, period: Period?) {
        self.period = period
        let t = sources.settings.audit
        let entries = sources.ledger.entries
        let outcomes = book.outcomes
        let last = period.map { min($0.lastDay, book.asOf) } ?? book.asOf
        let range = FairnessAudit.entries(entries, from: period?.firstDay, through: last)
        let peopleCount = sources.people.count
        var flags: [AuditFlag] = []

        // Scores far outside the distribution.
        var population: [(person: Int, score: Int64)] = []
        for (p, person) in sources.people.enumerated() {
            if let joined = person.joined, joined > last { continue }
            if let period, let left = person.left, left < period.firstDay { continue }
            population.append((p, period.map { book.accounts[p].score(in: $0) } ?? book.accounts[p].lifetime))
        }
        people = population.count
        if population.count >= FairnessAudit.outlierPopulation {
            let median = FairnessAudit.median(population.map { Double($0.score) })
            let mad = FairnessAudit.median(population.map { abs(Double($0.score) - median) })
            if mad > 0 {
                let limit = Double(t.outlierMAD) / 1000
                for item in population {
                    let z = (Double(item.score) - median) / (FairnessAudit.madScale * mad)
                    guard abs(z) > limit else { continue }
                    flags.append(AuditFlag(kind: .outlier, person: item.person, value: item.score, median: median, deviations: z))
                }
            }
        }
        var outlierIndex = [Int](repeating: -1, count: peopleCount)
        for (k, f) in flags.enumerated() { outlierIndex[f.person] = k }

        // One pass over the scope's entries for every other flag.
        struct Window: Hashable { var person: Int32, rule: Int32, first: Int32 }
        var windows: [Window: (points: Int64, reached: Bool)] = [:]
        windows.reserveCapacity(range.count / 2)
        var windowCount = [Int64](repeating: 0, count: peopleCount)
        var reachedEntries = [[Int32]](repeating: [], count: peopleCount)
        var scored = [Int64](repeating: 0, count: peopleCount)        // earn and award entries
        var reversedEntries = [[Int32]](repeating: [], count: peopleCount)
        var earned = [Int64](repeating: 0, count: peopleCount)        // points of earn entries
        var earnCount = [Int64](repeating: 0, count: peopleCount)
        var lateEntries = [[Int32]](repeating: [], count: peopleCount)
        var latePoints = [Int64](repeating: 0, count: peopleCount)
        // Earn entries with an amount, sorted by (person, rule, amount) after the pass: a run
        // of equal keys is a repeated amount. (A dictionary of arrays made an array per entry.)
        struct Amount: Comparable {
            var person: Int32, rule: Int32, amount: Int64, entry: Int32
            static func < (a: Amount, b: Amount) -> Bool {
                (a.person, a.rule, a.amount, a.entry) < (b.person, b.rule, b.amount, b.entry)
            }
            func sameKey(_ o: Amount) -> Bool { person == o.person && rule == o.rule && amount == o.amount }
        }
        var amounts: [Amount] = []
        var awardsBy: [Int: [Int32]] = [:]
        let kind = sources.settings.period
        for i in range {
            let e = entries[i]
            let o = outcomes[i]
            guard o.applied, e.person >= 0 else { continue }
            let p = Int(e.person)
            switch e.verb {
            case .earn:
                if outlierIndex[p] >= 0 && o.points != 0 && !o.isReversed { flags[outlierIndex[p]].entries.append(Int32(i)) }
                scored[p] += 1
                if o.isReversed { reversedEntries[p].append(Int32(i)) }
                let rule = sources.rules[Int(e.subject)]
                if o.ruleVersion >= 0, Int(o.ruleVersion) < rule.versions.count, let cap = rule.versions[Int(o.ruleVersion)].cap {
                    let w = Window(person: e.person, rule: e.subject, first: Period(kind: cap.per, containing: e.date).firstDay.serial)
                    let slot: Dictionary<Window, (points: Int64, reached: Bool)>.Index
                    if let found = windows.index(forKey: w) {
                        slot = found
                    } else {
                        windowCount[p] += 1
                        windows[w] = (0, false)
                        slot = windows.index(forKey: w) ?? windows.startIndex
                    }
                    windows.values[slot].points += o.points
                    if !windows.values[slot].reached && (o.capped > 0 || windows.values[slot].points >= cap.max) {
                        windows.values[slot].reached = true
                        reachedEntries[p].append(Int32(i))
                    }
                }
                if !o.isReversed {
                    earned[p] += o.points
                    earnCount[p] += 1
                    if Int64(Period(kind: kind, containing: e.date).lastDay.serial - e.date.serial) < t.lastDays {
                        latePoints[p] += o.points
                        lateEntries[p].append(Int32(i))
                    }
                }
                if e.amount >= 0 { amounts.append(Amount(person: e.person, rule: e.subject, amount: e.amount, entry: Int32(i))) }
            case .award:
                if outlierIndex[p] >= 0 && !o.isReversed { flags[outlierIndex[p]].entries.append(Int32(i)) }
                scored[p] += 1
                if o.isReversed { reversedEntries[p].append(Int32(i)) }
                if e.by >= 0 { awardsBy[Int(e.by), default: []].append(Int32(i)) }
            case .deduct:
                if outlierIndex[p] >= 0 && !o.isReversed { flags[outlierIndex[p]].entries.append(Int32(i)) }
            case .redeem, .reverse, .balance:
                break
            }
        }
        // The outlier's largest entries first: they are what moved the score.
        for k in flags.indices {
            flags[k].entries.sort { a, b in
                let pa = FairnessAudit.points(entries[Int(a)], outcomes[Int(a)]), pb = FairnessAudit.points(entries[Int(b)], outcomes[Int(b)])
                return abs(pa) != abs(pb) ? abs(pa) > abs(pb) : a < b
            }
        }

        func share(_ count: Int64, _ total: Int64, above threshold: Int64) -> Bool { total > 0 && count * 1000 > threshold * total }
        for p in 0..<peopleCount {
            if windowCount[p] >= t.capWindows && share(Int64(reachedEntries[p].count), windowCount[p], above: t.capShare) {
                flags.append(AuditFlag(kind: .cap, person: p, count: Int64(reachedEntries[p].count), total: windowCount[p], entries: reachedEntries[p]))
            }
        }
        for approver in awardsBy.keys.sorted() {
            guard let given = awardsBy[approver], Int64(given.count) >= t.awardCount else { continue }
            var byReceiver: [Int32: [Int32]] = [:]
            for i in given { byReceiver[entries[Int(i)].person, default: []].append(i) }
            for receiver in byReceiver.keys.sorted() {
                guard let pair = byReceiver[receiver], share(Int64(pair.count), Int64(given.count), above: t.pairShare) else { continue }
                flags.append(AuditFlag(kind: .pair, person: Int(receiver), approver: approver, count: Int64(pair.count), total: Int64(given.count), entries: pair))
            }
            let team = sources.people[approver].team
            let ownTeam = team >= 0 ? given.filter { sources.people[Int(entries[Int($0)].person)].team == team } : []
            if share(Int64(ownTeam.count), Int64(given.count), above: t.teamShare) {
                flags.append(AuditFlag(kind: .team, person: approver, count: Int64(ownTeam.count), total: Int64(given.count), entries: ownTeam))
            }
        }
        for p in 0..<peopleCount {
            if scored[p] >= t.minEntries && share(Int64(reversedEntries[p].count), scored[p], above: t.reversalShare) {
                flags.append(AuditFlag(kind: .reversal, person: p, count: Int64(reversedEntries[p].count), total: scored[p], entries: reversedEntries[p]))
            }
            if earnCount[p] >= t.minEntries && share(latePoints[p], earned[p], above: t.lastDaysShare) {
                flags.append(AuditFlag(kind: .lastDays, person: p, count: latePoints[p], total: earned[p], entries: lateEntries[p]))
            }
        }
        amounts.sort()
        var run = 0
        while run < amounts.count {
            let key = amounts[run]
            var end = run + 1
            while end < amounts.count && amounts[end].sameKey(key) { end += 1 }
            if Int64(end - run) >= t.repeatCount {
                flags.append(AuditFlag(kind: .repeated, person: Int(key.person), count: Int64(end - run), value: key.amount, rule: Int(key.rule),
                                       entries: amounts[run..<end].map(\.entry)))
            }
            run = end
        }
        // Dictionary order never reaches the output: kind, person, approver, rule, amount.
        let kinds = AuditFlag.Kind.allCases
        flags.sort { a, b in
            let ka = kinds.firstIndex(of: a.kind) ?? 0, kb = kinds.firstIndex(of: b.kind) ?? 0
            if ka != kb { return ka < kb }
            if a.person != b.person { return a.person < b.person }
            if a.approver != b.approver { return a.approver < b.approver }
            if a.rule != b.rule { return a.rule < b.rule }
            return a.value < b.value
        }
        self.flags = flags
    }

    /// The entries dated from `first` (nil: the beginning) through `last`: the ledger is in
    /// date order, so two binary searches.
    static func entries(_ entries: [LedgerEntry], from first: Day?, through last: Day) -> Range<Int> {
        func lowerBound(_ serial: Int32) -> Int {
            var lo = 0, hi = entries.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if entries[mid].date.serial < serial { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        let start = first.map { lowerBound($0.serial) } ?? 0
        let end = last.serial == Int32.max ? entries.count : lowerBound(last.serial + 1)
        return start..<max(start, end)
    }

    /// The points an entry moved a score by (earn after the cap, award, minus a deduction).
    static func points(_ e: LedgerEntry, _ o: EntryOutcome) -> Int64 {
        switch e.verb {
        case .earn: return o.points
        case .award: return e.points
        case .deduct: return -e.points
        default: return 0
        }
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
