import LaurelSources

/// The points engine: a pure function of the parsed sources and an as-of date (FORMAT.md
/// sections 4 to 8). No I/O and no clock inside; every figure the portal shows comes from here.
public enum PointsEngine {
    /// Applies every entry dated on or before `asOf` in ledger order and reports the
    /// balance, stock, title, clawback and assertion errors of FORMAT.md 7.4.
    ///
    /// People are independent of each other except for a reward's stock, so the ledger is
    /// applied per group of people on `jobs` threads, then stock is checked in one pass in
    /// ledger order. The result does not depend on `jobs`.
    public static func compute(_ sources: PortalSources, asOf: Day, jobs: Int = 1) -> (PointsBook, [Diagnostic]) {
        let inputs = EngineInputs(sources: sources, asOf: asOf)
        let first = compute(inputs, partitions: max(1, min(jobs, max(1, sources.people.count))), stockInline: false)
        // A redemption beyond stock is an error and is left out (7.4): it must hold no units and
        // spend no points, which the per-person passes cannot know. Rare, so the ledger is then
        // applied again on one thread with stock checked as each redemption is applied.
        guard first.stockExceeded else { return (first.book, first.diagnostics) }
        let again = compute(inputs, partitions: 1, stockInline: true)
        return (again.book, again.diagnostics)
    }

    private static func compute(_ inputs: EngineInputs, partitions: Int, stockInline: Bool)
        -> (book: PointsBook, diagnostics: [Diagnostic], stockExceeded: Bool) {
        let sources = inputs.sources
        let asOf = inputs.asOf
        let outcomes = EntryOutcomes(count: sources.ledger.entries.count)
        var runs = Parallel.map(partitions, jobs: partitions) { k in
            var run = EngineRun(inputs: inputs, outcomes: outcomes, partition: k, of: partitions, stockInline: stockInline)
            run.applyLedger()
            run.finish()
            return run
        }
        var accounts = [PersonAccount](repeating: PersonAccount(), count: sources.people.count)
        // Each entry belongs to one run, so the runs' portions have no key in common: the
        // largest dictionary is taken over (moved, not copied) and the others added to it.
        var portions: [Int32: [Portion]] = [:]
        if let largest = runs.indices.max(by: { runs[$0].portions.count < runs[$1].portions.count }) {
            swap(&portions, &runs[largest].portions)
        }
        var bonuses = [TargetBonus?](repeating: nil, count: sources.targets.count)
        var diagnostics: [Diagnostic] = []
        for run in runs {
            for p in accounts.indices where p % partitions == run.partition { accounts[p] = run.accounts[p] }
            portions.merge(run.portions) { a, _ in a }
            for (t, bonus) in run.bonuses { bonuses[t] = bonus }
            diagnostics += run.diagnostics
        }
        let outcomeList = outcomes
        var stock = StockCheck(inputs: inputs, outcomes: outcomeList)
        if stockInline {
            stock.used = runs[0].stockUsed
        } else {
            stock.run()
            diagnostics += stock.diagnostics
        }
        let period = Period(kind: sources.settings.period, containing: asOf)
        let book = PointsBook(asOf: asOf, period: period, accounts: accounts, outcomes: outcomeList, bonuses: bonuses,
                              portions: portions, stockUsed: stock.used,
                              ranks: ranks(sources, accounts, in: period, asOf: asOf))
        return (book, diagnostics.sorted(), stock.exceeded)
    }

    /// Standard competition ranking (8.4) among the people eligible in `period`.
    public static func ranks(_ sources: PortalSources, _ accounts: [PersonAccount], in period: Period, asOf: Day) -> [Int?] {
        var eligible: [(person: Int, score: Int64)] = []
        for (p, person) in sources.people.enumerated() where isRanked(person, in: period, asOf: asOf) {
            eligible.append((p, accounts[p].score(in: period)))
        }
        eligible.sort { $0.score > $1.score }
        var ranks = [Int?](repeating: nil, count: sources.people.count)
        for (position, item) in eligible.enumerated() {
            if position > 0 && eligible[position - 1].score == item.score {
                ranks[item.person] = ranks[eligible[position - 1].person]
            } else {
                ranks[item.person] = position + 1
            }
        }
        return ranks
    }
}

/// Outcomes of every ledger entry, one per entry of `Ledger.entries`. Written from the
/// engine's threads (each entry belongs to exactly one person and so to one thread, which
/// alone reads and writes its slot), read-only once the engine returns. A class over one
/// buffer so a million outcomes are never copied.
public final class EntryOutcomes: @unchecked Sendable {
    @usableFromInline let slots: UnsafeMutableBufferPointer<EntryOutcome>

    init(count: Int) {
        slots = UnsafeMutableBufferPointer<EntryOutcome>.allocate(capacity: count)
        HugePages.advise(slots)
        slots.initialize(repeating: EntryOutcome())
    }

    deinit { slots.deallocate() }

    public var count: Int { slots.count }

    /// Inlinable: pages read a million outcomes from another module.
    public internal(set) subscript(i: Int) -> EntryOutcome {
        @inlinable @inline(__always) get { slots[i] }
        @inline(__always) set { slots[i] = newValue }
    }
}

/// Everything the engine's threads share, computed once and read-only.
struct EngineInputs: Sendable {
    let sources: PortalSources
    let entries: [LedgerEntry]
    let asOf: Day
    let rules: RuleTable
    /// Rules that some target sums (`metric:`).
    let isMetric: [Bool]
    /// Targets by (last day, rule id, person id): the order bonuses are paid in (4.4).
    let targetSchedule: [Int]
    /// The valid entries of each person (a reversal counts for the reversed entry's person),
    /// in ledger order: person p's are `byPerson[personStart[p]..<personStart[p + 1]]`.
    let byPerson: [Int32]
    let personStart: [Int]
    /// Each person's targets in the schedule's order.
    let targetsByPerson: [[Int32]]
    /// (metric rule, person) -> targets that sum that rule for that person.
    let targetsByMetric: [Int64: [Int]]
    /// Each target's period as day serials, first and last.
    let targetDays: [(first: Int32, last: Int32)]
    /// Per rule with a cap in some version, its place among those rules (-1 for the others),
    /// and how many they are: a person's cap windows are `capMonths[person * cappedRules + slot]`.
    let capSlot: [Int]
    let cappedRules: Int
    /// Per person, the date of their first entry with an error: later balance errors of that
    /// person follow from the missing entry and are not reported again.
    let firstInvalid: [Int32]

    init(sources: PortalSources, asOf: Day) {
        self.sources = sources
        entries = sources.ledger.entries
        self.asOf = asOf
        rules = RuleTable(sources.rules)
        var isMetric = [Bool](repeating: false, count: sources.rules.count)
        for r in sources.rules {
            if case .target(let m, _) = r.kind, m >= 0 { isMetric[Int(m)] = true }
        }
        self.isMetric = isMetric
        let targets = sources.targets
        // Rank rules and people by id once, so the sort compares integers.
        func idRanks(_ ids: [String]) -> [Int] {
            var ranks = [Int](repeating: 0, count: ids.count)
            for (rank, i) in ids.indices.sorted(by: { ids[$0].utf8.lexicographicallyPrecedes(ids[$1].utf8) }).enumerated() {
                ranks[i] = rank
            }
            return ranks
        }
        let ruleRank = idRanks(sources.rules.map(\.id)), personRank = idRanks(sources.people.map(\.id))
        targetSchedule = targets.indices.sorted { a, b in
            let ta = targets[a], tb = targets[b]
            if ta.period.lastDay != tb.period.lastDay { return ta.period.lastDay < tb.period.lastDay }
            let ra = ruleRank[Int(ta.rule)], rb = ruleRank[Int(tb.rule)]
            return ra != rb ? ra < rb : personRank[Int(ta.person)] < personRank[Int(tb.person)]
        }
        var byMetric: [Int64: [Int]] = [:]
        for (i, t) in targets.enumerated() {
            if case .target(let m, _) = sources.rules[Int(t.rule)].kind, m >= 0 {
                byMetric[Int64(m) << 32 | Int64(t.person), default: []].append(i)
            }
        }
        targetsByMetric = byMetric
        targetDays = targets.map { ($0.period.firstDay.serial, $0.period.lastDay.serial) }
        var slots = [Int](repeating: -1, count: sources.rules.count)
        var capped = 0
        for r in slots.indices where rules.hasCap[r] {
            slots[r] = capped
            capped += 1
        }
        capSlot = slots
        cappedRules = capped
        let people = sources.people.count
        // Group valid entries by person with a counting sort (stable: ledger order is kept).
        var owners = [Int32](repeating: -1, count: entries.count)
        var starts = [Int](repeating: 0, count: people + 1)
        for (i, e) in entries.enumerated() where e.isValid {
            let o = e.verb == .reverse ? (e.subject >= 0 ? Int(entries[Int(e.subject)].person) : -1) : Int(e.person)
            guard o >= 0 && o < people else { continue }
            owners[i] = Int32(o)
            starts[o + 1] += 1
        }
        for p in 0..<people { starts[p + 1] += starts[p] }
        var fill = starts
        var grouped = [Int32](repeating: 0, count: starts[people])
        for i in entries.indices where owners[i] >= 0 {
            let o = Int(owners[i])
            grouped[fill[o]] = Int32(i)
            fill[o] += 1
        }
        byPerson = grouped
        personStart = starts
        var mine = [[Int32]](repeating: [], count: people)
        for t in targetSchedule { mine[Int(targets[t].person)].append(Int32(t)) }
        targetsByPerson = mine
        var firstInvalid = [Int32](repeating: Int32.max, count: people)
        for e in entries where !e.isValid && e.person >= 0 && Int(e.person) < people {
            firstInvalid[Int(e.person)] = min(firstInvalid[Int(e.person)], e.date.serial)
        }
        self.firstInvalid = firstInvalid
    }

    func entries(of p: Int) -> ArraySlice<Int32> { byPerson[personStart[p]..<personStart[p + 1]] }
    func targets(of p: Int) -> [Int32] { targetsByPerson[p] }

    /// The person an entry concerns: its own, or for a reversal the reversed entry's.
    @inline(__always)
    func owner(of e: LedgerEntry) -> Int {
        if e.verb == .reverse { return e.subject >= 0 ? Int(entries[Int(e.subject)].person) : -1 }
        return Int(e.person)
    }

    func error(_ diagnostics: inout [Diagnostic], _ e: LedgerEntry, _ message: String) {
        let person = owner(of: e)
        if person >= 0 && firstInvalid[person] <= e.date.serial { return }
        diagnostics.append(sources.ledger.location(of: e).error(message))
    }
}

/// 5: stock is the one thing people share, so it is checked after the per-person passes,
/// over the redemptions that took effect and their reversals, in ledger order.
struct StockCheck {
    let inputs: EngineInputs
    let outcomes: EntryOutcomes
    var used: [Int64]
    var diagnostics: [Diagnostic] = []
    /// Some redemption went beyond stock (even if its error is not reported again).
    var exceeded = false

    init(inputs: EngineInputs, outcomes: EntryOutcomes) {
        self.inputs = inputs
        self.outcomes = outcomes
        used = Array(repeating: 0, count: inputs.sources.rewards.count)
    }

    mutating func run() {
        let entries = inputs.entries
        for i in entries.indices where outcomes[i].applied {
            let e = entries[i]
            switch e.verb {
            case .redeem:
                let r = Int(e.subject)
                if let stock = inputs.sources.rewards[r].stock, used[r] + e.qty > stock {
                    inputs.error(&diagnostics, e, StockCheck.message(inputs.sources.rewards[r], used: used[r], qty: e.qty))
                    exceeded = true
                }
                used[r] += e.qty
            case .reverse:
                let target = entries[Int(e.subject)]
                if target.verb == .redeem { used[Int(target.subject)] -= target.qty }
            default:
                break
            }
        }
    }

    static func message(_ reward: Reward, used: Int64, qty: Int64) -> String {
        let stock = reward.stock ?? 0
        return "reward '\(reward.id)' is out of stock: \(max(0, stock - used)) of \(stock) units left, this redemption takes \(qty)"
    }
}

/// Points given under one rule to one person in one calendar month (cap windows).
struct MonthPoints {
    var month: Int
    var points: Int64
}

/// One thread's pass over the ledger: the people `p` with `p % partitions == partition`.
struct EngineRun: Sendable {
    let inputs: EngineInputs
    let sources: PortalSources
    let entries: [LedgerEntry]
    let asOf: Day
    let rules: RuleTable
    let outcomes: EntryOutcomes
    let partition: Int
    let partitions: Int
    var diagnostics: [Diagnostic] = []

    /// Filled for this partition's people only.
    var accounts: [PersonAccount]
    var portions: [Int32: [Portion]] = [:]
    /// Spending entries (redeem, deduct) of each person, in ledger order.
    var spendings: [[Int32]]
    /// Running lifetime points per person ("lifetime points on a date", 8.4).
    var lifetime: [Int64]
    /// Cap windows: points given per (person, rule) per month, for rules with any cap
    /// (`EngineInputs.capSlot`).
    var capMonths: [[MonthPoints]]
    /// The month of the last entry applied: a person's entries come in date order, so mostly
    /// the same month as the one before.
    var months = MonthIndexCache()
    /// Target bookkeeping (4.4), per target index.
    /// Per person, how many of their targets are settled.
    var nextTarget: [Int]
    var metric: [Int64]
    var settled: [Bool]
    /// Bonuses paid, by target index.
    var bonuses: [(Int, TargetBonus)] = []
    /// With one partition: stock is checked as redemptions apply, and this counts units used.
    let stockInline: Bool
    var stockUsed: [Int64]

    init(inputs: EngineInputs, outcomes: EntryOutcomes, partition: Int, of partitions: Int, stockInline: Bool = false) {
        self.inputs = inputs
        sources = inputs.sources
        entries = inputs.entries
        asOf = inputs.asOf
        rules = inputs.rules
        self.outcomes = outcomes
        self.partition = partition
        self.partitions = partitions
        let people = sources.people.count
        accounts = Array(repeating: PersonAccount(), count: people)
        spendings = Array(repeating: [], count: people)
        lifetime = Array(repeating: 0, count: people)
        metric = Array(repeating: 0, count: sources.targets.count)
        settled = Array(repeating: false, count: sources.targets.count)
        nextTarget = Array(repeating: 0, count: people)
        capMonths = Array(repeating: [], count: people * inputs.cappedRules)
        self.stockInline = stockInline
        stockUsed = Array(repeating: 0, count: stockInline ? sources.rewards.count : 0)
    }

    @inline(__always) func isMine(_ person: Int) -> Bool { person >= 0 && person % partitions == partition }

    // MARK: the ledger pass

    /// Applies the ledger person by person (each person's entries in ledger order), so one
    /// person's lots stay in cache while their entries are applied.
    mutating func applyLedger() {
        let people = sources.people.count
        if stockInline {
            applyLedgerInLedgerOrder()
            return
        }
        var p = partition
        while p < people {
            applyLedger(of: p)
            p += partitions
        }
    }

    /// The whole ledger in ledger order on one thread: when some redemption went beyond stock,
    /// stock must be checked as each redemption is applied, across people.
    mutating func applyLedgerInLedgerOrder() {
        let people = sources.people.count
        var i = 0
        while i < entries.count {
            let date = entries[i].date
            if date > asOf { break }
            for p in 0..<people { settleTargets(of: p, before: date) }
            var end = i
            while end < entries.count && entries[end].date == date { end += 1 }
            for j in i..<end where entries[j].verb == .balance && entries[j].isValid { assertBalance(j) }
            for j in i..<end where entries[j].isValid && entries[j].verb != .balance && inputs.owner(of: entries[j]) >= 0 { apply(j) }
            i = end
        }
        for p in 0..<people { settleTargets(of: p, before: asOf) }
    }

    mutating func applyLedger(of p: Int) {
        let list = inputs.entries(of: p)
        accounts[p].entries.reserveCapacity(list.count)
        accounts[p].lots.reserveCapacity(list.count)
        // A person's entries lie far apart in the ledger (date order). Reading each one's day
        // and outcome here, in a loop whose loads do not wait for each other, fetches them
        // together instead of one miss per entry behind the work of the entry before. The
        // pass's samples fell by a third (decision 127); some wait is left, now in `apply`'s
        // first read of an entry.
        var touched: Int64 = 0
        for i in list {
            touched &+= Int64(entries[Int(i)].date.serial)
            touched &+= outcomes[Int(i)].points
        }
        Prefetch.keep(touched)
        var k = list.startIndex
        while k < list.endIndex {
            let date = entries[Int(list[k])].date
            if date > asOf { break }
            settleTargets(of: p, before: date)
            var end = k
            while end < list.endIndex && entries[Int(list[end])].date == date { end += 1 }
            // Balance assertions hold at the start of the day, before any entry of it.
            for j in k..<end where entries[Int(list[j])].verb == .balance { assertBalance(Int(list[j])) }
            for j in k..<end where entries[Int(list[j])].verb != .balance { apply(Int(list[j])) }
            k = end
        }
        settleTargets(of: p, before: asOf)
    }

    mutating func apply(_ i: Int) {
        let e = entries[i]
        switch e.verb {
        case .earn: earn(i, e)
        case .award:
            let p = Int(e.person)
            let lot = addLot(person: p, origin: Int32(i), date: e.date, points: e.points, expiry: sources.settings.expiry)
            lifetime[p] += e.points
            record(i, person: p, EntryOutcome(applied: true, points: e.points, lot: lot))
        case .deduct:
            let p = Int(e.person)
            guard let paid = spend(person: p, points: e.points, on: e.date, excluding: -1) else {
                let available = availableBalance(person: p, on: e.date)
                error(e, "deduction of \(e.points) points is above the available balance of \(sources.people[p].id): \(available) on \(e.date); a balance never goes negative")
                return
            }
            portions[Int32(i)] = paid
            spendings[p].append(Int32(i))
            lifetime[p] -= e.points
            record(i, person: p, EntryOutcome(applied: true, points: e.points))
        case .redeem: redeem(i, e)
        case .reverse: reverse(i, e)
        case .balance: break
        }
    }

    /// Stores what an entry did and lists it in the person's history.
    mutating func record(_ i: Int, person p: Int, _ outcome: EntryOutcome) {
        outcomes[i] = outcome
        accounts[p].entries.append(Int32(i))
    }

    mutating func earn(_ i: Int, _ e: LedgerEntry) {
        let p = Int(e.person)
        let r = Int(e.subject)
        guard let v = rules.versionInForce(rule: r, on: e.date) else { return }
        let version = rules.versions[v]
        let computed = version.per > 0 ? (max(e.amount, 0) / version.per) * version.points : e.qty * version.points
        var given = computed
        if rules.hasCap[r] {
            given = applyCap(person: p, rule: r, cap: version.cap, date: e.date, points: computed)
        }
        let lot = addLot(person: p, origin: Int32(i), date: e.date, points: given, expiry: version.expiry ?? sources.settings.expiry)
        lifetime[p] += given
        record(i, person: p, EntryOutcome(applied: true, points: given, capped: computed - given,
                                          ruleVersion: Int16(rules.position(of: v, rule: r)), lot: lot))
        if inputs.isMetric[r] && e.amount > 0, let targets = inputs.targetsByMetric[Int64(r) << 32 | Int64(p)] {
            for t in targets where inputs.targetDays[t].first <= e.date.serial && e.date.serial <= inputs.targetDays[t].last && !settled[t] {
                metric[t] += e.amount
            }
        }
    }

    /// 4.2: an entry gets min(points, max - already earned from the rule in the cap's window);
    /// "already earned" is what earlier entries were given, under any version, reversed or not.
    mutating func applyCap(person p: Int, rule r: Int, cap: Cap?, date: Day, points: Int64) -> Int64 {
        let key = p * inputs.cappedRules + inputs.capSlot[r]
        let month = months.monthIndex(of: date)
        var given = points
        if let cap {
            // The first month of the cap's window: the month, or the first of its quarter or year.
            let firstMonth: Int
            switch cap.per {
            case .month: firstMonth = month
            case .quarter: firstMonth = month - month % 3
            case .year: firstMonth = month - month % 12
            }
            var already: Int64 = 0
            for h in capMonths[key].reversed() {
                if h.month < firstMonth { break }
                already += h.points
            }
            given = max(0, min(points, cap.max - already))
        }
        EngineRun.record(given, month: month, in: &capMonths[key])
        return given
    }

    /// Adds points to the last month of a history, or starts a new month (in place).
    static func record(_ points: Int64, month: Int, in history: inout [MonthPoints]) {
        if let last = history.last, last.month == month {
            history[history.count - 1].points += points
        } else {
            history.append(MonthPoints(month: month, points: points))
        }
    }

    /// A redemption: title (5) and balance (8.2) here; stock is checked across people later.
    mutating func redeem(_ i: Int, _ e: LedgerEntry) {
        let p = Int(e.person)
        let reward = sources.rewards[Int(e.subject)]
        guard let costIndex = reward.costs.lastIndex(where: { $0.since <= e.date }) else { return }
        let cost = reward.costs[costIndex].cost * e.qty
        if let required = reward.requires {
            let title = sources.titles[Int(required)]
            if lifetime[p] < title.min {
                error(e, "reward '\(reward.id)' requires the title '\(title.id)' (\(title.min) lifetime points); \(sources.people[p].id) has \(lifetime[p]) on \(e.date)")
                return
            }
        }
        guard let paid = spend(person: p, points: cost, on: e.date, excluding: -1) else {
            let available = availableBalance(person: p, on: e.date)
            error(e, "redeeming '\(reward.id)' costs \(cost) points, but \(sources.people[p].id) has \(available) available on \(e.date)")
            return
        }
        if stockInline {
            let r = Int(e.subject)
            if let stock = reward.stock, stockUsed[r] + e.qty > stock {
                for portion in paid { accounts[p].lots[Int(portion.lot)].remaining += portion.points }
                error(e, StockCheck.message(reward, used: stockUsed[r], qty: e.qty))
                return
            }
            stockUsed[r] += e.qty
        }
        portions[Int32(i)] = paid
        spendings[p].append(Int32(i))
        record(i, person: p, EntryOutcome(applied: true, points: cost, ruleVersion: Int16(truncatingIfNeeded: costIndex)))
    }

    mutating func reverse(_ i: Int, _ e: LedgerEntry) {
        let t = Int(e.subject)
        guard t >= 0, outcomes[t].applied, !outcomes[t].isReversed else { return }
        let target = entries[t]
        let p = Int(target.person)
        switch target.verb {
        case .earn, .award:
            let lotIndex = Int(outcomes[t].lot)
            let lot = accounts[p].lots[lotIndex]
            let spent = lot.points - lot.remaining
            if spent > 0 {
                let available = availableBalance(person: p, on: e.date, excluding: lotIndex)
                guard available >= spent else {
                    let name = sources.ledger.idName(of: target) ?? "the entry"
                    error(e, "reversing \(name) takes back \(spent) points already spent from it, but \(sources.people[p].id) has only \(available) other points available on \(e.date)")
                    return
                }
                clawBack(person: p, lot: lotIndex, on: e.date)
            }
            accounts[p].lots[lotIndex].cancelled = true
            accounts[p].lots[lotIndex].remaining = 0
            lifetime[p] -= lot.points
            if target.verb == .earn, target.amount > 0,
               let targets = inputs.targetsByMetric[Int64(target.subject) << 32 | Int64(p)] {
                for k in targets where inputs.targetDays[k].first <= target.date.serial && target.date.serial <= inputs.targetDays[k].last && !settled[k] {
                    metric[k] -= target.amount
                }
            }
        case .redeem, .deduct:
            for portion in portions[Int32(t)] ?? [] {
                accounts[p].lots[Int(portion.lot)].remaining += portion.points
            }
            if target.verb == .deduct { lifetime[p] += target.points }
            if target.verb == .redeem && stockInline { stockUsed[Int(target.subject)] -= target.qty }
        case .reverse, .balance:
            return
        }
        var undone = outcomes[t]
        undone.reversedBy = Int32(i)
        outcomes[t] = undone
        record(i, person: p, EntryOutcome(applied: true))
    }

    /// 8.3: points spent from a cancelled lot are taken from the other available lots in the
    /// spending order, and the spendings that used it now name the lots that finally paid.
    mutating func clawBack(person p: Int, lot cancelled: Int, on day: Day) {
        for s in spendings[p] where !outcomes[Int(s)].isReversed {
            guard let paid = portions[s], paid.contains(where: { Int($0.lot) == cancelled }) else { continue }
            var rewritten: [Portion] = []
            for portion in paid {
                if Int(portion.lot) == cancelled {
                    rewritten += spend(person: p, points: portion.points, on: day, excluding: cancelled) ?? []
                } else {
                    rewritten.append(portion)
                }
            }
            portions[s] = rewritten
        }
    }

    // MARK: lots

    mutating func addLot(person p: Int, origin: Int32, date: Day, points: Int64, expiry: ExpiryPolicy) -> Int32 {
        let last = expiry.lastValidDay(forLotInMonth: months.monthIndex(of: date))?.serial ?? Int32.max
        accounts[p].lots.append(Lot(origin: origin, date: date, lastValidSerial: last, points: points, remaining: points))
        return Int32(accounts[p].lots.count - 1)
    }

    func availableBalance(person p: Int, on day: Day, excluding: Int = -1) -> Int64 {
        var total: Int64 = 0
        for (k, lot) in accounts[p].lots.enumerated() where k != excluding && lot.isAvailable(on: day) {
            total += lot.remaining
        }
        return total
    }

    /// 8.2: takes `points` from the available lots, earliest last day first (`never` last),
    /// ties by lot date then ledger order. Nil, and nothing taken, when there are not enough.
    mutating func spend(person p: Int, points: Int64, on day: Day, excluding: Int) -> [Portion]? {
        if points == 0 { return [] }
        var candidates: [Int] = []
        var total: Int64 = 0
        // The lots are read through a second reference only in this block: one still held
        // while a lot is changed below would make that change copy all the person's lots
        // (for every spending), and leave the copy with room for twice as many.
        do {
            let lots = accounts[p].lots
            for k in lots.indices where k != excluding && lots[k].isAvailable(on: day) {
                candidates.append(k)
                total += lots[k].remaining
            }
            guard total >= points else { return nil }
            // Lots are created in (date, ledger order), so the index breaks ties.
            candidates.sort { a, b in
                let la = lots[a].lastValidSerial, lb = lots[b].lastValidSerial
                return la != lb ? la < lb : a < b
            }
        }
        var left = points
        var paid: [Portion] = []
        for k in candidates where left > 0 {
            let take = min(left, accounts[p].lots[k].remaining)
            accounts[p].lots[k].remaining -= take
            paid.append(Portion(lot: Int32(k), points: take))
            left -= take
        }
        return paid
    }

    mutating func assertBalance(_ i: Int) {
        let e = entries[i]
        let p = Int(e.person)
        let computed = availableBalance(person: p, on: e.date)
        if computed != e.points {
            let difference = e.points - computed
            let sign = difference > 0 ? "+" : ""
            error(e, "balance assertion failed for \(sources.people[p].id) at the start of \(e.date): asserted \(e.points), computed \(computed), difference \(sign)\(difference) (asserted minus computed)")
            return
        }
        record(i, person: p, EntryOutcome(applied: true, points: computed))
    }

    // MARK: targets

    /// Pays the person's bonuses of every target period whose last day is before `day` (4.4),
    /// in order of last day, then rule id.
    mutating func settleTargets(of p: Int, before day: Day) {
        let schedule = inputs.targets(of: p)
        while nextTarget[p] < schedule.count {
            let t = Int(schedule[nextTarget[p]])
            let target = sources.targets[t]
            let last = target.period.lastDay
            guard last < day, last < asOf else { return }
            nextTarget[p] += 1
            settled[t] = true
            if let left = sources.people[p].left, left < last { continue }
            guard metric[t] >= target.target else { continue }
            let rule = sources.rules[Int(target.rule)]
            guard let v = rule.versionIndex(on: last), !rule.versions[v].retired else { continue }
            let version = rule.versions[v]
            let lot = addLot(person: p, origin: Int32(-(t + 1)), date: last, points: version.points,
                             expiry: version.expiry ?? sources.settings.expiry)
            bonuses.append((t, TargetBonus(rule: target.rule, person: target.person, period: target.period, target: target.target,
                                           metric: metric[t], version: Int16(v), points: version.points, lot: lot)))
            accounts[p].bonuses.append(Int32(t))
            lifetime[p] += version.points
        }
    }

    mutating func error(_ e: LedgerEntry, _ message: String) {
        inputs.error(&diagnostics, e, message)
    }

    // MARK: results

    /// Scores, lifetime, balance, expiring groups, title and badges of this partition's people.
    mutating func finish() {
        let kind = sources.settings.period
        for p in accounts.indices where isMine(p) {
            var scores = PeriodTotals(kind: kind)
            for lot in accounts[p].lots where !lot.cancelled {
                scores.add(lot.points, on: lot.date)
            }
            for i in accounts[p].entries {
                let e = entries[Int(i)]
                if e.verb == .deduct && e.person == Int32(p) && outcomes[Int(i)].applied && !outcomes[Int(i)].isReversed {
                    scores.add(-e.points, on: e.date)
                }
            }
            accounts[p].scores = scores.nonZero
            accounts[p].lifetime = accounts[p].scores.reduce(0) { $0 + $1.points }
            var groups: [Int32: Int64] = [:]
            for lot in accounts[p].lots where lot.isAvailable(on: asOf) {
                groups[lot.lastValidSerial, default: 0] += lot.remaining
            }
            accounts[p].balance = groups.values.reduce(0, +)
            accounts[p].expiring = groups.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                .map { ($0.key == Int32.max ? nil : Day(serial: $0.key), $0.value) }
            accounts[p].title = sources.titles.lastIndex { $0.min <= accounts[p].lifetime }
            accounts[p].badges = badges(of: p)
        }
    }

    /// Badges: the day the count of non-reversed earn entries of the rule first reached
    /// `count` (inside one calendar window when `within` is set).
    func badges(of p: Int) -> [(badge: Int, day: Day)] {
        var earned: [(Int, Day)] = []
        for (b, badge) in sources.badges.enumerated() {
            var window: Period?
            var count: Int64 = 0
            for i in accounts[p].entries {
                let e = entries[Int(i)]
                guard e.verb == .earn, e.subject == badge.rule, e.person == Int32(p), !outcomes[Int(i)].isReversed else { continue }
                if let kind = badge.within {
                    let w = Period(kind: kind, containing: e.date)
                    if w != window { window = w; count = 0 }
                }
                count += 1
                if count == badge.count {
                    earned.append((b, e.date))
                    break
                }
            }
        }
        return earned
    }
}

extension PointsEngine {
    /// 8.4: `leaderboard: true` and on the roster during the part of `period` up to `asOf`.
    public static func isRanked(_ person: Person, in period: Period, asOf: Day) -> Bool {
        isRanked(person, from: period.firstDay, to: period.lastDay, asOf: asOf)
    }

    /// The same with the period's first and last day worked out once (a leaderboard asks for
    /// every person of the roster).
    @inline(__always)
    public static func isRanked(_ person: Person, from first: Day, to last: Day, asOf: Day) -> Bool {
        guard person.leaderboard else { return false }
        if let left = person.left, left < first { return false }
        if let joined = person.joined, joined > last || joined > asOf { return false }
        return true
    }
}

/// Points per leaderboard period, added in (mostly) date order: the period of the last date is
/// kept, so a person's hundred lots need a few calendar conversions, not a hundred, and no
/// dictionary.
struct PeriodTotals {
    let kind: PeriodKind
    private var totals: [(period: Period, points: Int64)] = []
    private var current: (first: Int32, last: Int32, slot: Int) = (1, 0, -1)

    init(kind: PeriodKind) { self.kind = kind }

    mutating func add(_ points: Int64, on day: Day) {
        if day.serial < current.first || day.serial > current.last {
            let period = Period(kind: kind, containing: day)
            let slot = totals.firstIndex { $0.period == period } ?? {
                totals.append((period, 0))
                return totals.count - 1
            }()
            current = (period.firstDay.serial, period.lastDay.serial, slot)
        }
        totals[current.slot].points += points
    }

    /// The periods whose total is not zero, oldest first.
    var nonZero: [(period: Period, points: Int64)] {
        totals.filter { $0.points != 0 }.sorted { $0.period < $1.period }
    }
}
