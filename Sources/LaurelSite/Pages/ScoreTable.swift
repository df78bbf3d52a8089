import LaurelPoints
import LaurelSources

/// Scores per person, month and rule category, from the engine's lots and deductions, so every
/// leaderboard (any period kind, any category) is a sum over months of the same numbers the
/// engine computed.
struct ScoreTable: Sendable {
    /// Category names: the rules' categories, then `other` (awards without `rule:`, deductions).
    let categories: [String]
    let firstMonth: Int
    let monthCount: Int
    /// [person][month][category], flattened.
    private let points: [Int64]

    init(sources: PortalSources, book: PointsBook, jobs: Int = 1) {
        categories = ScoreTable.categoryOrder(sources)
        let categoryIndex = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        let other = categoryIndex["other"] ?? 0
        let ruleCategory = sources.rules.map { categoryIndex[$0.category] ?? other }
        var earliest = book.asOf
        for account in book.accounts {
            for lot in account.lots where lot.date < earliest { earliest = lot.date }
        }
        let first = earliest.monthIndex
        firstMonth = first
        monthCount = book.asOf.monthIndex - first + 1
        let c = categories.count, m = monthCount
        // People are independent: their rows are made in ranges on every core, then joined.
        let people = sources.people.count
        let chunk = max(256, people / max(1, jobs * 4))
        let ranges = stride(from: 0, to: people, by: chunk).map { $0..<min($0 + chunk, people) }
        // One table, each range of people filled by one job in place (no second copy).
        points = [Int64](unsafeUninitializedCapacity: people * m * c) { buffer, count in
            let shared = SharedTable(buffer: buffer)
            _ = Parallel.map(ranges.count, jobs: jobs) { k -> Bool in
                let range = ranges[k]
                let rows = UnsafeMutableBufferPointer(rebasing: shared.buffer[(range.lowerBound * m * c)..<(range.upperBound * m * c)])
                rows.initialize(repeating: 0)
                let entries = sources.ledger.entries
                var months = MonthIndexCache()
                for p in range {
                    let account = book.accounts[p]
                    let base = (p - range.lowerBound) * m * c
                    for lot in account.lots where !lot.cancelled && lot.points != 0 {
                        let category: Int
                        if let t = lot.targetIndex {
                            category = ruleCategory[Int(sources.targets[t].rule)]
                        } else {
                            let e = entries[Int(lot.origin)]
                            category = e.subject >= 0 ? ruleCategory[Int(e.subject)] : other
                        }
                        rows[base + (months.monthIndex(of: lot.date) - first) * c + category] += lot.points
                    }
                    for i in account.entries {
                        let e = entries[Int(i)]
                        guard e.verb == .deduct else { continue }
                        let outcome = book.outcomes[Int(i)]
                        if outcome.applied && !outcome.isReversed {
                            rows[base + (months.monthIndex(of: e.date) - first) * c + other] -= e.points
                        }
                    }
                }
                return true
            }
            count = people * m * c
        }
    }

    /// Categories in the order rules.yaml first names them, `other` last.
    static func categoryOrder(_ sources: PortalSources) -> [String] {
        var names: [String] = []
        for rule in sources.rules where !names.contains(rule.category) && rule.category != "other" { names.append(rule.category) }
        return names + ["other"]
    }

    /// The table's months a period covers (nil when none).
    func months(of period: Period) -> ClosedRange<Int>? {
        let from = max(period.firstDay.monthIndex, firstMonth) - firstMonth
        let to = min(period.lastDay.monthIndex - firstMonth, monthCount - 1)
        return from <= to ? from...to : nil
    }

    /// A person's score over the table's months of a period (`months(of:)`), in one category or
    /// all; a leaderboard works the months out once and asks for every person.
    func score(person p: Int, months: ClosedRange<Int>, category: Int?) -> Int64 {
        let c = categories.count
        let (from, to) = (months.lowerBound, months.upperBound)
        var total: Int64 = 0
        let base = p * monthCount * c
        for month in from...to {
            if let category {
                total += points[base + month * c + category]
            } else {
                for k in 0..<c { total += points[base + month * c + k] }
            }
        }
        return total
    }

    /// A person's score in each category over the table's months of a period, into `sums`
    /// (one per category, added to).
    func scores(person p: Int, months: ClosedRange<Int>, into sums: UnsafeMutableBufferPointer<Int64>) {
        let c = categories.count
        points.withUnsafeBufferPointer { points in
            let base = p * monthCount * c
            for month in months {
                for k in 0..<c { sums[k] += points[base + month * c + k] }
            }
        }
    }

    /// Points per category over a person's whole history (for guidance).
    func lifetimeByCategory(person p: Int) -> [Int64] {
        let c = categories.count
        var totals = [Int64](repeating: 0, count: c)
        let base = p * monthCount * c
        for month in 0..<monthCount {
            for k in 0..<c { totals[k] += points[base + month * c + k] }
        }
        return totals
    }

    /// Every period of `kind` from the first month with points to the as-of date.
    func periods(_ kind: PeriodKind, asOf: Day) -> [Period] {
        let first = Period(kind: kind, containing: Period(kind: .month, index: firstMonth).firstDay)
        let last = Period(kind: kind, containing: asOf)
        return first.index <= last.index ? (first.index...last.index).map { Period(kind: kind, index: $0) } : [last]
    }
}

/// One leaderboard: who is ranked in a period (and category), in display order.
struct Board: Sendable {
    let period: Period
    let category: Int?
    /// Ranked people in display order: score descending, then name, then id (FORMAT.md 8.4).
    /// Every ranked person, or only the first `limit` places when the board was made with one.
    let order: [(person: Int, score: Int64, rank: Int)]
    /// How many people the board ranks (also when `order` holds only the first places).
    let count: Int

    /// Each person's position when sorted by name, then id: ties on a board are shown in it.
    static func nameOrder(_ sources: PortalSources) -> [Int32] {
        // Names compared as `String`s, ids on ties; `CodePointKey` spares the normalization.
        let names = sources.people.map { CodePointKey($0.name) }
        let sorted = sources.people.indices.sorted { a, b in
            let (na, nb) = (names[a], names[b])
            return !CodePointKey.same(na, nb) ? CodePointKey.precedes(na, nb) : sources.people[a].id < sources.people[b].id
        }
        var order = [Int32](repeating: 0, count: sorted.count)
        for (position, p) in sorted.enumerated() { order[p] = Int32(position) }
        return order
    }

    /// `limit`: keep only the first places (category boards show the top 100 of 10,000; only
    /// those are sorted). A rank counts everyone above, so the places kept are exact.
    init(_ table: ScoreTable, _ sources: PortalSources, period: Period, category: Int?, asOf: Day, nameOrder: [Int32], limit: Int? = nil) {
        var eligible: [(person: Int, score: Int64)] = []
        eligible.reserveCapacity(sources.people.count)
        let (first, last) = (period.firstDay, period.lastDay)
        let months = table.months(of: period)
        for (p, person) in sources.people.enumerated() where PointsEngine.isRanked(person, from: first, to: last, asOf: asOf) {
            eligible.append((p, months.map { table.score(person: p, months: $0, category: category) } ?? 0))
        }
        self.init(period: period, category: category, eligible: eligible, nameOrder: nameOrder, byName: Board.byName(nameOrder), limit: limit)
    }

    /// Every board of `period`, all categories first and then each category in the table's
    /// order: each person's scores are summed once for all of them.
    static func all(_ table: ScoreTable, _ sources: PortalSources, period: Period, asOf: Day, nameOrder: [Int32], byName: [Int32], limit: Int) -> [Board] {
        let c = table.categories.count
        let (first, last) = (period.firstDay, period.lastDay)
        let months = table.months(of: period)
        var ranked: [Int] = []
        ranked.reserveCapacity(sources.people.count)
        for (p, person) in sources.people.enumerated() where PointsEngine.isRanked(person, from: first, to: last, asOf: asOf) { ranked.append(p) }
        // [ranked person][category]
        var sums = [Int64](repeating: 0, count: ranked.count * c)
        if let months {
            sums.withUnsafeMutableBufferPointer { sums in
                for (k, p) in ranked.enumerated() { table.scores(person: p, months: months, into: UnsafeMutableBufferPointer(rebasing: sums[(k * c)..<(k * c + c)])) }
            }
        }
        var boards: [Board] = []
        var eligible = [(person: Int, score: Int64)](repeating: (0, 0), count: ranked.count)
        for category in [nil] + (0..<c).map({ Optional($0) }) {
            for (k, p) in ranked.enumerated() {
                var score: Int64 = 0
                if let category { score = sums[k * c + category] } else { for j in 0..<c { score += sums[k * c + j] } }
                eligible[k] = (p, score)
            }
            boards.append(Board(period: period, category: category, eligible: eligible, nameOrder: nameOrder, byName: byName, limit: category == nil ? nil : limit))
        }
        return boards
    }

    /// Each name position's person: the inverse of `nameOrder`.
    static func byName(_ nameOrder: [Int32]) -> [Int32] {
        var people = [Int32](repeating: 0, count: nameOrder.count)
        for (p, position) in nameOrder.enumerated() where Int(position) < people.count && position >= 0 { people[Int(position)] = Int32(p) }
        return people
    }

    private init(period: Period, category: Int?, eligible: [(person: Int, score: Int64)], nameOrder: [Int32], byName: [Int32], limit: Int?) {
        self.period = period
        self.category = category
        var eligible = eligible
        count = eligible.count
        if let limit, limit > 0, eligible.count > limit {
            // Only scores at or above the limit-th highest can be shown.
            var scores = eligible.map(\.score)
            let threshold = Board.largest(limit, in: &scores)
            eligible.removeAll { $0.score < threshold }
        }
        Board.sort(&eligible, nameOrder: nameOrder, byName: byName)
        if let limit, eligible.count > limit { eligible.removeLast(eligible.count - limit) }
        var ranked: [(Int, Int64, Int)] = []
        ranked.reserveCapacity(eligible.count)
        for (i, item) in eligible.enumerated() {
            let rank = i > 0 && eligible[i - 1].score == item.score ? ranked[i - 1].2 : i + 1
            ranked.append((item.person, item.score, rank))
        }
        order = ranked
    }

    /// Score descending, then name order (a total order: name positions are distinct). When
    /// every score fits in 32 bits, both go into one 64-bit key and the keys are sorted as
    /// integers instead of the pairs with a comparison closure (the closure sort was a quarter
    /// of the boards' samples in a one-entry build at 10,000 people); the order is the same.
    static func sort(_ eligible: inout [(person: Int, score: Int64)], nameOrder: [Int32], byName: [Int32]) {
        let fits = byName.count == nameOrder.count && eligible.allSatisfy { $0.score >= Int64(Int32.min) && $0.score <= Int64(Int32.max) && nameOrder[$0.person] >= 0 }
        guard fits else {
            eligible.sort { a, b in a.score != b.score ? a.score > b.score : nameOrder[a.person] < nameOrder[b.person] }
            return
        }
        // Int32.max - score is in 0...2^32-1: smaller for a higher score.
        var keys = eligible.map { UInt64(Int64(Int32.max) - $0.score) << 32 | UInt64(UInt32(nameOrder[$0.person])) }
        keys.sort()
        for (i, key) in keys.enumerated() {
            eligible[i] = (Int(byName[Int(key & 0xFFFF_FFFF)]), Int64(Int32.max) - Int64(key >> 32))
        }
    }

    /// The k-th largest value (k from 1), by quickselect; reorders `values`.
    static func largest(_ k: Int, in values: inout [Int64]) -> Int64 {
        var low = 0, high = values.count - 1
        let target = k - 1  // index in descending order
        while low < high {
            // Median of three as the pivot, so sorted input stays linear.
            let mid = low + (high - low) / 2
            let pivot = max(min(values[low], values[mid]), min(max(values[low], values[mid]), values[high]))
            var i = low, j = high
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j { high = j } else if target >= i { low = i } else { return values[target] }
        }
        return values[target]
    }

    /// Team standings: total of the ranked members' scores, and per head.
    func teams(_ sources: PortalSources) -> [(team: Int, total: Int64, members: Int, rank: Int)] {
        var totals = [Int64](repeating: 0, count: sources.teams.count)
        var members = [Int](repeating: 0, count: sources.teams.count)
        for row in order {
            let t = Int(sources.people[row.person].team)
            guard t >= 0 else { continue }
            totals[t] += row.score
            members[t] += 1
        }
        let sorted = sources.teams.indices.filter { members[$0] > 0 }.sorted { a, b in
            totals[a] != totals[b] ? totals[a] > totals[b] : sources.teams[a].id < sources.teams[b].id
        }
        var out: [(Int, Int64, Int, Int)] = []
        for (i, t) in sorted.enumerated() {
            let rank = i > 0 && totals[sorted[i - 1]] == totals[t] ? out[i - 1].3 : i + 1
            out.append((t, totals[t], members[t], rank))
        }
        return out
    }
}

/// The score table's buffer, filled by several jobs at once, each in its own range of people.
private struct SharedTable: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Int64>
}
