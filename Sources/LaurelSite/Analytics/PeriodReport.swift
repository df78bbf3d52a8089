import LaurelPoints
import LaurelSources

/// What the rules did in each month of the score table, gathered in one pass over the ledger's
/// outcomes and one over the accounts' lots, so that each period report only adds up months
/// (a year's report costs twelve additions per figure, not a pass over a million entries).
struct MonthlyFigures: Sendable {
    /// One manual award or deduction that took effect and was not reversed.
    struct Manual: Sendable {
        var month: Int32
        var approver: Int32
        var isAward: Bool
        var points: Int64
    }

    let firstMonth: Int
    let monthCount: Int
    let categories: Int
    let rules: Int
    let rewards: Int
    /// [month][category]: the score points of everyone (ScoreTable), summed over people.
    private(set) var points: [Int64]
    /// [month][rule]: points cut off by caps (EntryOutcome.capped of earns not reversed).
    private(set) var capped: [Int64]
    /// [month][rule]: target bonuses paid (by the date of their lot) and their points.
    private(set) var bonusCount: [Int64]
    private(set) var bonusPoints: [Int64]
    /// [month][reward]: units and points of redemptions not reversed.
    private(set) var redeemUnits: [Int64]
    private(set) var redeemPoints: [Int64]
    /// [month]: points of lots whose last valid day is in that month and before the as-of date,
    /// left unspent: they expired.
    private(set) var expired: [Int64]
    /// Manual awards and deductions, in ledger order.
    private(set) var manual: [Manual] = []
    /// Points available at the as-of date that expire within the next three months: per last
    /// valid day, the points and how many people hold them.
    private(set) var expiring: [(lastValid: Day, points: Int64, people: Int)] = []

    init(sources: PortalSources, book: PointsBook, table: ScoreTable) {
        firstMonth = table.firstMonth
        monthCount = table.monthCount
        categories = table.categories.count
        rules = sources.rules.count
        rewards = sources.rewards.count
        let m = monthCount
        points = [Int64](repeating: 0, count: m * categories)
        for p in sources.people.indices {
            for month in 0..<m {
                for c in 0..<categories {
                    points[month * categories + c] += table.score(person: p, months: month...month, category: c)
                }
            }
        }
        capped = [Int64](repeating: 0, count: m * rules)
        bonusCount = capped
        bonusPoints = capped
        redeemUnits = [Int64](repeating: 0, count: m * rewards)
        redeemPoints = redeemUnits
        expired = [Int64](repeating: 0, count: m)
        var months = MonthIndexCache()
        let first = firstMonth
        func month(_ day: Day) -> Int? {
            let i = months.monthIndex(of: day) - first
            return i >= 0 && i < m ? i : nil
        }
        let entries = sources.ledger.entries
        for (i, e) in entries.enumerated() {
            let outcome = book.outcomes[i]
            guard outcome.applied, !outcome.isReversed, let k = month(e.date) else { continue }
            switch e.verb {
            case .earn where e.subject >= 0 && outcome.capped != 0:
                capped[k * rules + Int(e.subject)] += outcome.capped
            case .redeem where e.subject >= 0:
                redeemUnits[k * rewards + Int(e.subject)] += e.qty
                redeemPoints[k * rewards + Int(e.subject)] += outcome.points
            case .award, .deduct:
                manual.append(Manual(month: Int32(k), approver: e.by, isAward: e.verb == .award, points: outcome.points))
            default:
                break
            }
        }
        for bonus in book.bonuses {
            guard let bonus, bonus.person >= 0, Int(bonus.person) < book.accounts.count else { continue }
            let lots = book.accounts[Int(bonus.person)].lots
            guard bonus.lot >= 0, Int(bonus.lot) < lots.count, !lots[Int(bonus.lot)].cancelled,
                  let k = month(lots[Int(bonus.lot)].date), bonus.rule >= 0 else { continue }
            bonusCount[k * rules + Int(bonus.rule)] += 1
            bonusPoints[k * rules + Int(bonus.rule)] += bonus.points
        }
        let asOf = book.asOf
        for account in book.accounts {
            for lot in account.lots where !lot.cancelled && lot.remaining > 0 && lot.lastValidSerial < asOf.serial {
                if let k = month(Day(serial: lot.lastValidSerial)) { expired[k] += lot.remaining }
            }
        }
        // "The next three months": up to the same day three calendar months after the as-of date.
        let c = asOf.civil
        let later = c.month + 3 > 12 ? (c.year + 1, c.month + 3 - 12) : (c.year, c.month + 3)
        let horizon = Day(year: later.0, month: later.1, day: min(c.day, Day.daysIn(year: later.0, month: later.1))) ?? asOf
        var byDay: [Int32: (points: Int64, people: Int)] = [:]
        for account in book.accounts {
            for group in account.expiring {
                guard let d = group.lastValid, d <= horizon, group.points > 0 else { continue }
                byDay[d.serial, default: (0, 0)].points += group.points
                byDay[d.serial, default: (0, 0)].people += 1
            }
        }
        expiring = byDay.keys.sorted().map { (Day(serial: $0), byDay[$0]?.points ?? 0, byDay[$0]?.people ?? 0) }
    }

    /// The table's months a period covers, or nil.
    func months(of period: Period) -> ClosedRange<Int>? {
        let from = max(period.firstDay.monthIndex - firstMonth, 0)
        let to = min(period.lastDay.monthIndex - firstMonth, monthCount - 1)
        return from <= to ? from...to : nil
    }

    /// Sums `width` columns of a [month][column] table over a range of months.
    static func sum(_ table: [Int64], width: Int, months: ClosedRange<Int>?) -> [Int64] {
        var out = [Int64](repeating: 0, count: width)
        guard let months else { return out }
        for m in months {
            for k in 0..<width { out[k] += table[m * width + k] }
        }
        return out
    }
}

/// The figures of one period's report (docs/analytics.md): what was earned, by whom and how
/// evenly, and what the rules did. A value computed from the engine's results (the score table,
/// outcomes, lots, bonuses), with no I/O; the page and the CSV files are made from it.
///
/// "The people of a period" are those the roster covers in the part of the period up to the
/// as-of date (FORMAT.md 8.4's rule without `leaderboard:`): people who opted out of public
/// ranking are counted in every figure here but never named.
struct PeriodReport: Sendable {
    struct Bin: Sendable, Equatable {
        /// Scores from `low` to `high`, both included.
        var low: Int64
        var high: Int64
        var people: Int
    }

    struct TeamFigures: Sendable {
        var team: Int
        var people: Int
        var earners: Int
        var total: Int64
        var perHead: Int64 { people > 0 ? total / Int64(people) : 0 }
    }

    struct ApproverFigures: Sendable {
        var approver: Int32
        var awards = 0
        var awardPoints: Int64 = 0
        var deductions = 0
        var deductionPoints: Int64 = 0
    }

    let period: Period
    /// Score points per category (ScoreTable's order), this period and the previous one.
    let categoryTotals: [Int64]
    let previousTotals: [Int64]
    /// The twelve months ending with the period's last month (or the as-of month): per month,
    /// points per category.
    let trend: [(month: Period, byCategory: [Int64])]
    /// The people of the period, and how many of them earned points (a positive score in some
    /// category), in all and per category.
    let people: Int
    let earners: Int
    let categoryEarners: [Int]
    let histogram: [Bin]
    /// Twice the median score (a median of an even count may end in .5).
    let twiceMedian: Int64?
    /// How many people the top 10 % are, and the share of all points they hold in 1/1000
    /// (nil when the period's points add up to zero or less).
    let topCount: Int
    let topShare: Int64?
    /// The Gini coefficient of the scores (negative ones counted as 0), in 1/1000.
    let gini: Int64?
    /// Teams with people in the period, by total descending, then id.
    let teams: [TeamFigures]
    /// Points cut off by caps, and target bonuses paid (count, points), per rule.
    let capped: [Int64]
    let bonusCount: [Int64]
    let bonusPoints: [Int64]
    /// Points that expired: lots last valid in the period (and before the as-of date) left unspent.
    let expired: Int64
    /// Units and points redeemed per reward.
    let redeemUnits: [Int64]
    let redeemPoints: [Int64]
    /// Manual awards and deductions per approver, by approver name then id.
    let approvers: [ApproverFigures]

    var total: Int64 { categoryTotals.reduce(0, +) }
    var previousTotal: Int64 { previousTotals.reduce(0, +) }

    init(_ period: Period, sources: PortalSources, book: PointsBook, table: ScoreTable, monthly: MonthlyFigures, nameOrder: [Int32]) {
        self.period = period
        let c = table.categories.count
        let months = monthly.months(of: period)
        categoryTotals = MonthlyFigures.sum(monthly.points, width: c, months: months)
        previousTotals = MonthlyFigures.sum(monthly.points, width: c, months: monthly.months(of: period.previous))
        let lastMonth = min(period.lastDay, book.asOf).monthIndex
        trend = ((lastMonth - 11)...lastMonth).map { index in
            let month = Period(kind: .month, index: index)
            return (month, MonthlyFigures.sum(monthly.points, width: c, months: monthly.months(of: month)))
        }

        // One pass over the people: scores, participation and teams together.
        var scores: [Int64] = []
        var earners = 0
        var categoryEarners = [Int](repeating: 0, count: c)
        var teamPeople = [Int](repeating: 0, count: sources.teams.count)
        var teamEarners = teamPeople
        var teamTotals = [Int64](repeating: 0, count: sources.teams.count)
        let (first, last) = (period.firstDay, period.lastDay)
        for (p, person) in sources.people.enumerated() where PeriodReport.isOnRoster(person, from: first, to: last, asOf: book.asOf) {
            var score: Int64 = 0
            var earned = false
            if let months {
                for k in 0..<c {
                    let s = table.score(person: p, months: months, category: k)
                    score += s
                    if s > 0 {
                        categoryEarners[k] += 1
                        earned = true
                    }
                }
            }
            scores.append(score)
            if earned { earners += 1 }
            let t = Int(person.team)
            if t >= 0 && t < teamTotals.count {
                teamPeople[t] += 1
                teamTotals[t] += score
                if earned { teamEarners[t] += 1 }
            }
        }
        people = scores.count
        self.earners = earners
        self.categoryEarners = categoryEarners
        scores.sort()
        histogram = PeriodReport.histogram(scores)
        twiceMedian = PeriodReport.twiceMedian(scores)
        (topCount, topShare) = PeriodReport.topShare(scores)
        gini = PeriodReport.gini(scores)
        teams = sources.teams.indices.filter { teamPeople[$0] > 0 }
            .map { TeamFigures(team: $0, people: teamPeople[$0], earners: teamEarners[$0], total: teamTotals[$0]) }
            .sorted { a, b in a.total != b.total ? a.total > b.total : sources.teams[a.team].id < sources.teams[b.team].id }

        capped = MonthlyFigures.sum(monthly.capped, width: monthly.rules, months: months)
        bonusCount = MonthlyFigures.sum(monthly.bonusCount, width: monthly.rules, months: months)
        bonusPoints = MonthlyFigures.sum(monthly.bonusPoints, width: monthly.rules, months: months)
        expired = MonthlyFigures.sum(monthly.expired, width: 1, months: months)[0]
        redeemUnits = MonthlyFigures.sum(monthly.redeemUnits, width: monthly.rewards, months: months)
        redeemPoints = MonthlyFigures.sum(monthly.redeemPoints, width: monthly.rewards, months: months)
        var byApprover: [Int32: ApproverFigures] = [:]
        if let months {
            for item in monthly.manual where months.contains(Int(item.month)) {
                var figures = byApprover[item.approver] ?? ApproverFigures(approver: item.approver)
                if item.isAward {
                    figures.awards += 1
                    figures.awardPoints += item.points
                } else {
                    figures.deductions += 1
                    figures.deductionPoints += item.points
                }
                byApprover[item.approver] = figures
            }
        }
        // Sorted by the approver's place in name order (an award without `by:` last).
        approvers = byApprover.values.sorted { a, b in
            let ka = a.approver >= 0 && Int(a.approver) < nameOrder.count ? nameOrder[Int(a.approver)] : Int32.max
            let kb = b.approver >= 0 && Int(b.approver) < nameOrder.count ? nameOrder[Int(b.approver)] : Int32.max
            return ka != kb ? ka < kb : a.approver < b.approver
        }
    }

    /// The people of a period: on the roster in its part up to the as-of date (FORMAT.md 8.4),
    /// whatever their `leaderboard:` choice.
    static func isOnRoster(_ person: Person, from first: Day, to last: Day, asOf: Day) -> Bool {
        if let left = person.left, left < first { return false }
        if let joined = person.joined, joined > last || joined > asOf { return false }
        return true
    }

    /// About ten bins of a round width (1, 2 or 5 times a power of ten) from the lowest score
    /// to the highest; `sorted` ascending.
    static func histogram(_ sorted: [Int64]) -> [Bin] {
        guard let low = sorted.first, let high = sorted.last else { return [] }
        let spread = high - low + 1
        var width: Int64 = 1
        var scale: Int64 = 1
        search: while scale < 1_000_000_000_000_000 {
            for step: Int64 in [1, 2, 5] where step * scale * 10 >= spread {
                width = step * scale
                break search
            }
            scale *= 10
            width = scale
        }
        // Bins start at a multiple of the width (floor division, for negative scores too).
        var start = low >= 0 ? low / width * width : -((-low + width - 1) / width) * width
        var bins: [Bin] = []
        var i = 0
        while start <= high {
            let end = start + width - 1
            var count = 0
            while i < sorted.count && sorted[i] <= end {
                count += 1
                i += 1
            }
            bins.append(Bin(low: start, high: end, people: count))
            start += width
        }
        return bins
    }

    static func twiceMedian(_ sorted: [Int64]) -> Int64? {
        let n = sorted.count
        guard n > 0 else { return nil }
        return n % 2 == 1 ? 2 * sorted[n / 2] : sorted[n / 2 - 1] + sorted[n / 2]
    }

    /// The top 10 % (at least one person, rounded up) and their share of all points.
    static func topShare(_ sorted: [Int64]) -> (Int, Int64?) {
        let n = sorted.count
        guard n > 0 else { return (0, nil) }
        let k = (n + 9) / 10
        let top = sorted.suffix(k).reduce(0, +)
        let total = sorted.reduce(0, +)
        return (k, total > 0 ? thousandths(top, of: total) : nil)
    }

    /// G = Σ (2i − n − 1)·x_i / (n·Σx) over the scores ascending (i from 1), negative scores
    /// as 0: 0 when everyone has the same, towards 1 when one person holds everything.
    static func gini(_ sorted: [Int64]) -> Int64? {
        let n = sorted.count
        let xs = sorted.map { max($0, 0) }
        let total = xs.reduce(0, +)
        guard n > 0, total > 0 else { return nil }
        var weighted = 0.0
        for (i, x) in xs.enumerated() { weighted += Double(2 * (i + 1) - n - 1) * Double(x) }
        return Int64((weighted * 1000 / (Double(n) * Double(total))).rounded(.toNearestOrAwayFromZero))
    }

    /// part/whole in 1/1000, rounded half away from zero.
    static func thousandths(_ part: Int64, of whole: Int64) -> Int64? {
        guard whole != 0 else { return nil }
        return Int64((Double(part) * 1000 / Double(whole)).rounded(.toNearestOrAwayFromZero))
    }
}
