import LaurelSources

/// The points engine: a pure function of the parsed sources and an as-of date (FORMAT.md
/// sections 4 to 8). No I/O and no clock inside; every figure the portal shows comes from here.
public enum PointsEngine {
    /// Applies every entry dated on or before `asOf` in ledger order and reports the
    /// balance, stock, title, clawback and assertion errors of FORMAT.md 7.4.
    public static func compute(_ sources: PortalSources, asOf: Day) -> (PointsBook, [Diagnostic]) {
        var run = EngineRun(sources: sources, asOf: asOf)
        run.applyLedger()
        let book = run.finish()
        return (book, run.diagnostics.sorted())
    }
}

/// Points given under one rule to one person in one calendar month (cap windows).
struct MonthPoints {
    var month: Int
    var points: Int64
}

/// The mutable state of one engine run, kept out of sight of callers.
struct EngineRun {
    let sources: PortalSources
    let entries: [LedgerEntry]
    let asOf: Day
    var diagnostics: [Diagnostic] = []

    var accounts: [PersonAccount]
    var outcomes: [EntryOutcome]
    var portions: [Int32: [Portion]] = [:]
    /// Spending entries (redeem, deduct) of each person, in ledger order.
    var spendings: [[Int32]]
    var stockUsed: [Int64]
    /// Running lifetime points per person ("lifetime points on a date", 8.4).
    var lifetime: [Int64]

    /// Cap windows: points given per (person, rule) per month, for rules with any cap.
    var capMonths: [Int64: [MonthPoints]] = [:]
    let rules: RuleTable
    /// Rules that some target sums (`metric:`).
    let isMetric: [Bool]
    /// Target bookkeeping (4.4).
    let targetSchedule: [Int]  // indices into sources.targets by (last day, rule id, person id)
    var nextTarget = 0
    var metric: [Int64]  // per target
    var settled: [Bool]  // per target
    let targetsByMetric: [Int64: [Int]]  // (metric rule, person) -> targets
    var bonuses: [TargetBonus] = []
    /// Per person, the date of their first entry with an error: later balance errors of that
    /// person follow from the missing entry and are not reported again.
    var firstInvalid: [Int32]

    init(sources: PortalSources, asOf: Day) {
        self.sources = sources
        self.entries = sources.ledger.entries
        self.asOf = asOf
        let people = sources.people.count
        accounts = Array(repeating: PersonAccount(), count: people)
        outcomes = Array(repeating: EntryOutcome(), count: entries.count)
        spendings = Array(repeating: [], count: people)
        stockUsed = Array(repeating: 0, count: sources.rewards.count)
        lifetime = Array(repeating: 0, count: people)
        rules = RuleTable(sources.rules)
        var isMetric = [Bool](repeating: false, count: sources.rules.count)
        for r in sources.rules {
            if case .target(let m, _) = r.kind, m >= 0 { isMetric[Int(m)] = true }
        }
        self.isMetric = isMetric
        let targets = sources.targets
        targetSchedule = targets.indices.sorted { a, b in
            let ta = targets[a], tb = targets[b]
            if ta.period.lastDay != tb.period.lastDay { return ta.period.lastDay < tb.period.lastDay }
            let ra = sources.rules[Int(ta.rule)].id, rb = sources.rules[Int(tb.rule)].id
            if ra != rb { return ra.utf8.lexicographicallyPrecedes(rb.utf8) }
            return sources.people[Int(ta.person)].id.utf8.lexicographicallyPrecedes(sources.people[Int(tb.person)].id.utf8)
        }
        metric = Array(repeating: 0, count: targets.count)
        settled = Array(repeating: false, count: targets.count)
        var byMetric: [Int64: [Int]] = [:]
        for (i, t) in targets.enumerated() {
            if case .target(let m, _) = sources.rules[Int(t.rule)].kind, m >= 0 {
                byMetric[Int64(m) << 32 | Int64(t.person), default: []].append(i)
            }
        }
        targetsByMetric = byMetric
        var firstInvalid = [Int32](repeating: Int32.max, count: people)
        for e in entries where !e.isValid && e.person >= 0 && Int(e.person) < people {
            firstInvalid[Int(e.person)] = min(firstInvalid[Int(e.person)], e.date.serial)
        }
        self.firstInvalid = firstInvalid
    }

    // MARK: the ledger pass

    mutating func applyLedger() {
        var i = 0
        while i < entries.count {
            let date = entries[i].date
            if date > asOf { break }
            settleTargets(before: date)
            var end = i
            while end < entries.count && entries[end].date == date { end += 1 }
            // Balance assertions hold at the start of the day, before any entry of it.
            for j in i..<end where entries[j].verb == .balance && entries[j].isValid {
                assertBalance(j)
            }
            for j in i..<end where entries[j].isValid && entries[j].verb != .balance {
                apply(j)
            }
            i = end
        }
        settleTargets(before: asOf)
    }

    mutating func apply(_ i: Int) {
        let e = entries[i]
        switch e.verb {
        case .earn: earn(i, e)
        case .award:
            let p = Int(e.person)
            outcomes[i].points = e.points
            outcomes[i].lot = addLot(person: p, origin: Int32(i), date: e.date, points: e.points, expiry: sources.settings.expiry)
            lifetime[p] += e.points
            outcomes[i].applied = true
            accounts[p].entries.append(Int32(i))
        case .deduct:
            let p = Int(e.person)
            guard let paid = spend(person: p, points: e.points, on: e.date, excluding: -1) else {
                let available = availableBalance(person: p, on: e.date)
                error(e, "deduction of \(e.points) points is above the available balance of \(sources.people[p].id): \(available) on \(e.date); a balance never goes negative")
                return
            }
            portions[Int32(i)] = paid
            spendings[p].append(Int32(i))
            outcomes[i].points = e.points
            lifetime[p] -= e.points
            outcomes[i].applied = true
            accounts[p].entries.append(Int32(i))
        case .redeem: redeem(i, e)
        case .reverse: reverse(i, e)
        case .balance: break
        }
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
        outcomes[i].points = given
        outcomes[i].capped = computed - given
        outcomes[i].ruleVersion = Int16(rules.position(of: v, rule: r))
        outcomes[i].lot = addLot(person: p, origin: Int32(i), date: e.date, points: given,
                                 expiry: version.expiry ?? sources.settings.expiry)
        lifetime[p] += given
        outcomes[i].applied = true
        accounts[p].entries.append(Int32(i))
        if isMetric[r] && e.amount > 0, let targets = targetsByMetric[Int64(r) << 32 | Int64(p)] {
            for t in targets where sources.targets[t].period.contains(e.date) && !settled[t] {
                metric[t] += e.amount
            }
        }
    }

    /// 4.2: an entry gets min(points, max - already earned from the rule in the cap's window);
    /// "already earned" is what earlier entries were given, under any version, reversed or not.
    mutating func applyCap(person p: Int, rule r: Int, cap: Cap?, date: Day, points: Int64) -> Int64 {
        let key = Int64(p) << 32 | Int64(r)
        let month = date.monthIndex
        var given = points
        if let cap {
            let firstMonth = Period(kind: cap.per, containing: date).firstDay.monthIndex
            var already: Int64 = 0
            for h in (capMonths[key] ?? []).reversed() {
                if h.month < firstMonth { break }
                already += h.points
            }
            given = max(0, min(points, cap.max - already))
        }
        EngineRun.record(given, month: month, in: &capMonths[key, default: []])
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

    mutating func redeem(_ i: Int, _ e: LedgerEntry) {
        let p = Int(e.person)
        let reward = sources.rewards[Int(e.subject)]
        guard let unit = reward.cost(on: e.date) else { return }
        outcomes[i].ruleVersion = Int16(truncatingIfNeeded: reward.costs.lastIndex { $0.since <= e.date } ?? -1)
        let cost = unit * e.qty
        var ok = true
        if let stock = reward.stock, stockUsed[Int(e.subject)] + e.qty > stock {
            let left = max(0, stock - stockUsed[Int(e.subject)])
            error(e, "reward '\(reward.id)' is out of stock: \(left) of \(stock) units left, this redemption takes \(e.qty)")
            ok = false
        }
        if let required = reward.requires {
            let title = sources.titles[Int(required)]
            if lifetime[p] < title.min {
                error(e, "reward '\(reward.id)' requires the title '\(title.id)' (\(title.min) lifetime points); \(sources.people[p].id) has \(lifetime[p]) on \(e.date)")
                ok = false
            }
        }
        guard ok else { return }
        guard let paid = spend(person: p, points: cost, on: e.date, excluding: -1) else {
            let available = availableBalance(person: p, on: e.date)
            error(e, "redeeming '\(reward.id)' costs \(cost) points, but \(sources.people[p].id) has \(available) available on \(e.date)")
            return
        }
        portions[Int32(i)] = paid
        spendings[p].append(Int32(i))
        stockUsed[Int(e.subject)] += e.qty
        outcomes[i].points = cost
        outcomes[i].applied = true
        accounts[p].entries.append(Int32(i))
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
               let targets = targetsByMetric[Int64(target.subject) << 32 | Int64(p)] {
                for k in targets where sources.targets[k].period.contains(target.date) && !settled[k] {
                    metric[k] -= target.amount
                }
            }
        case .redeem, .deduct:
            for portion in portions[Int32(t)] ?? [] {
                accounts[p].lots[Int(portion.lot)].remaining += portion.points
            }
            if target.verb == .redeem { stockUsed[Int(target.subject)] -= target.qty }
            if target.verb == .deduct { lifetime[p] += target.points }
        case .reverse, .balance:
            return
        }
        outcomes[t].reversedBy = Int32(i)
        outcomes[i].applied = true
        accounts[p].entries.append(Int32(i))
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
        let last = expiry.lastValidDay(forLotOn: date)?.serial ?? Int32.max
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
        let lots = accounts[p].lots
        var candidates: [Int] = []
        var total: Int64 = 0
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
        var left = points
        var paid: [Portion] = []
        for k in candidates where left > 0 {
            let take = min(left, lots[k].remaining)
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
        outcomes[i].applied = true
        outcomes[i].points = computed
        accounts[p].entries.append(Int32(i))
        if computed != e.points {
            let difference = e.points - computed
            let sign = difference > 0 ? "+" : ""
            error(e, "balance assertion failed for \(sources.people[p].id) at the start of \(e.date): asserted \(e.points), computed \(computed), difference \(sign)\(difference) (asserted minus computed)")
            outcomes[i].applied = false
        }
    }

    // MARK: targets

    /// Pays the bonuses of every target period whose last day is before `day` (4.4).
    mutating func settleTargets(before day: Day) {
        while nextTarget < targetSchedule.count {
            let t = targetSchedule[nextTarget]
            let target = sources.targets[t]
            let last = target.period.lastDay
            guard last < day, last < asOf else { return }
            nextTarget += 1
            settled[t] = true
            let person = sources.people[Int(target.person)]
            if let left = person.left, left < last { continue }
            guard metric[t] >= target.target else { continue }
            let rule = sources.rules[Int(target.rule)]
            guard let v = rule.versionIndex(on: last), !rule.versions[v].retired else { continue }
            let version = rule.versions[v]
            let p = Int(target.person)
            let bonusIndex = bonuses.count
            let lot = addLot(person: p, origin: Int32(-(bonusIndex + 1)), date: last, points: version.points,
                             expiry: version.expiry ?? sources.settings.expiry)
            bonuses.append(TargetBonus(rule: target.rule, person: target.person, period: target.period, target: target.target,
                                       metric: metric[t], version: Int16(v), points: version.points, lot: lot))
            accounts[p].bonuses.append(Int32(bonusIndex))
            lifetime[p] += version.points
        }
    }

    mutating func error(_ e: LedgerEntry, _ message: String) {
        var person = Int(e.person)
        if e.verb == .reverse, e.subject >= 0 { person = Int(entries[Int(e.subject)].person) }
        if person >= 0 && firstInvalid[person] <= e.date.serial { return }
        diagnostics.append(sources.ledger.location(of: e).error(message))
    }

    // MARK: results

    mutating func finish() -> PointsBook {
        let kind = sources.settings.period
        let current = Period(kind: kind, containing: asOf)
        for p in accounts.indices {
            var scores: [Period: Int64] = [:]
            for lot in accounts[p].lots where !lot.cancelled {
                scores[Period(kind: kind, containing: lot.date), default: 0] += lot.points
            }
            for i in accounts[p].entries {
                let e = entries[Int(i)]
                if e.verb == .deduct && e.person == Int32(p) && outcomes[Int(i)].applied && !outcomes[Int(i)].isReversed {
                    scores[Period(kind: kind, containing: e.date), default: 0] -= e.points
                }
            }
            accounts[p].scores = scores.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
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
        return PointsBook(asOf: asOf, period: current, accounts: accounts, outcomes: outcomes, bonuses: bonuses,
                          portions: portions, stockUsed: stockUsed, ranks: ranks(in: current))
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

    /// Standard competition ranking (8.4) among the people eligible in `period`.
    func ranks(in period: Period) -> [Int?] {
        var eligible: [(person: Int, score: Int64)] = []
        for (p, person) in sources.people.enumerated() where PointsEngine.isRanked(person, in: period, asOf: asOf) {
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

extension PointsEngine {
    /// 8.4: `leaderboard: true` and on the roster during the part of `period` up to `asOf`.
    public static func isRanked(_ person: Person, in period: Period, asOf: Day) -> Bool {
        guard person.leaderboard else { return false }
        if let left = person.left, left < period.firstDay { return false }
        if let joined = person.joined, joined > period.lastDay || joined > asOf { return false }
        return true
    }
}
