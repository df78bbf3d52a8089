/// A calendar date in the portal's time zone. FORMAT.md has no times of day,
/// so a day is just a serial number: days since 1970-01-01.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let serial: Int32

    public init(serial: Int32) { self.serial = serial }

    /// The day of a valid civil date; `nil` when month or day is out of range.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Day.daysIn(year: year, month: month) else { return nil }
        self.init(civilYear: year, month: month, day: day)
    }

    /// The day `day` of a month (1 is its first; the count goes on linearly past the month's
    /// end, as Hinnant's formula does), from `CalendarTable` for the years it covers.
    init(civilYear year: Int, month: Int, day: Int) {
        if let first = CalendarTable.firstDay(year: year, month: month) {
            self.init(serial: first &+ Int32(truncatingIfNeeded: day - 1))
        } else {
            self.init(formulaYear: year, month: month, day: day)
        }
    }

    /// Howard Hinnant's days_from_civil, for dates already known to be valid.
    init(formulaYear year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        serial = Int32(era * 146_097 + doe - 719_468)
    }

    /// Parses `YYYY-MM-DD` exactly (ten characters, a real date).
    public init?<S: StringProtocol>(_ text: S) {
        let bytes = Array(text.utf8)
        guard let day = bytes.withUnsafeBufferPointer({ Day(bytes: $0[...]) }) else { return nil }
        self = day
    }

    /// Parses `YYYY-MM-DD` from ten bytes.
    public init?(bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        guard bytes.count == 10 else { return nil }
        let b = bytes.startIndex
        func digit(_ i: Int) -> Int? {
            let c = bytes[b + i]
            return (c >= 48 && c <= 57) ? Int(c - 48) : nil
        }
        guard bytes[b + 4] == 45, bytes[b + 7] == 45,
              let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
              let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9)
        else { return nil }
        self.init(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1)
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// (year, month 1-12, day 1-31), from `CalendarTable` for the years it covers.
    public var civil: (year: Int, month: Int, day: Int) {
        CalendarTable.civil(serial) ?? formulaCivil
    }

    /// Hinnant's civil_from_days.
    var formulaCivil: (year: Int, month: Int, day: Int) {
        let z = Int(serial) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { civil.year }
    /// Months since year 0: year * 12 + month - 1.
    public var monthIndex: Int { let c = civil; return c.year * 12 + c.month - 1 }

    public func adding(days: Int) -> Day { Day(serial: serial + Int32(days)) }

    public var description: String {
        let c = civil
        return Day.pad(c.year, 4) + "-" + Day.pad(c.month, 2) + "-" + Day.pad(c.day, 2)
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    public static func < (a: Day, b: Day) -> Bool { a.serial < b.serial }
}

/// The calendar units FORMAT.md uses for leaderboards, caps, targets and expiry.
public enum PeriodKind: String, Sendable, CaseIterable, Hashable {
    case month, quarter, year
}

/// One calendar month, quarter or year, e.g. `2026-03`, `2026-Q1`, `2026`.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let kind: PeriodKind
    /// month: year*12+month-1; quarter: year*4+quarter-1; year: the year.
    public let index: Int

    public init(kind: PeriodKind, index: Int) {
        self.kind = kind
        self.index = index
    }

    public init(kind: PeriodKind, containing day: Day) {
        let c = day.civil
        self.kind = kind
        switch kind {
        case .month: index = c.year * 12 + c.month - 1
        case .quarter: index = c.year * 4 + (c.month - 1) / 3
        case .year: index = c.year
        }
    }

    /// Parses a period name of the given kind (`2026-03`, `2026-Q1`, `2026`).
    public init?(kind: PeriodKind, name: String) {
        let u = Array(name.utf8)
        func number(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= u.count else { return nil }
            var n = 0
            for i in r {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                n = n * 10 + Int(u[i] - 48)
            }
            return n
        }
        switch kind {
        case .year:
            guard u.count == 4, let y = number(0..<4), y >= 1 else { return nil }
            index = y
        case .month:
            guard u.count == 7, u[4] == 45, let y = number(0..<4), let m = number(5..<7),
                  y >= 1, (1...12).contains(m) else { return nil }
            index = y * 12 + m - 1
        case .quarter:
            guard u.count == 7, u[4] == 45, u[5] == 81, let y = number(0..<4), let q = number(6..<7),
                  y >= 1, (1...4).contains(q) else { return nil }
            index = y * 4 + q - 1
        }
        self.kind = kind
    }

    private var firstMonth: (year: Int, month: Int) {
        switch kind {
        case .month: return (index / 12, index % 12 + 1)
        case .quarter: return (index / 4, (index % 4) * 3 + 1)
        case .year: return (index, 1)
        }
    }

    private var monthCount: Int {
        switch kind {
        case .month: return 1
        case .quarter: return 3
        case .year: return 12
        }
    }

    public var firstDay: Day {
        let f = firstMonth
        return Day(civilYear: f.year, month: f.month, day: 1)
    }

    public var lastDay: Day {
        let f = firstMonth
        let m = f.month + monthCount - 1
        return Day(civilYear: f.year, month: m, day: Day.daysIn(year: f.year, month: m))
    }

    public func contains(_ day: Day) -> Bool { Period(kind: kind, containing: day) == self }

    public var next: Period { Period(kind: kind, index: index + 1) }
    public var previous: Period { Period(kind: kind, index: index - 1) }

    public var description: String {
        switch kind {
        case .month: return Day.pad(index / 12, 4) + "-" + Day.pad(index % 12 + 1, 2)
        case .quarter: return Day.pad(index / 4, 4) + "-Q" + String(index % 4 + 1)
        case .year: return Day.pad(index, 4)
        }
    }

    public static func < (a: Period, b: Period) -> Bool {
        a.kind == b.kind ? a.index < b.index : a.firstDay < b.firstDay
    }
}

/// How long a lot stays available (FORMAT.md section 8.1).
public enum ExpiryPolicy: Hashable, Sendable, CustomStringConvertible {
    case never
    case endOf(PeriodKind)
    case months(Int)

    public init?(_ text: String) {
        switch text {
        case "never": self = .never
        case "month": self = .endOf(.month)
        case "quarter": self = .endOf(.quarter)
        case "year": self = .endOf(.year)
        default:
            guard text.hasPrefix("months:") else { return nil }
            let digits = text.dropFirst(7)
            guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let n = Int(digits), (1...1200).contains(n) else { return nil }
            self = .months(n)
        }
    }

    /// The last day of validity of a lot dated `day`; `nil` for `never`.
    public func lastValidDay(forLotOn day: Day) -> Day? {
        switch self {
        case .never: return nil
        case .endOf(let kind): return Period(kind: kind, containing: day).lastDay
        case .months(let n):
            return Period(kind: .month, index: day.monthIndex + n).lastDay
        }
    }

    /// `lastValidDay(forLotOn:)` for a lot dated in month `month` (`Day.monthIndex`): the same
    /// day, by month arithmetic and `CalendarTable` instead of a calendar conversion (the
    /// engine adds a lot for every earn).
    public func lastValidDay(forLotInMonth month: Int) -> Day? {
        let next: Int  // the month after the last month of validity
        switch self {
        case .never: return nil
        case .endOf(.month): next = month + 1
        case .endOf(.quarter): next = month - month % 3 + 3
        case .endOf(.year): next = month - month % 12 + 12
        case .months(let n): next = month + n + 1
        }
        return Day(serial: Day(civilYear: next / 12, month: next % 12 + 1, day: 1).serial - 1)
    }

    public var description: String {
        switch self {
        case .never: return "never"
        case .endOf(let kind): return kind.rawValue
        case .months(let n): return "months:\(n)"
        }
    }
}

/// `Day.monthIndex` for days that mostly come in order (a person's lots, a ledger): the
/// bounds of the last month are kept, so most days cost two comparisons, not a calendar
/// conversion.
public struct MonthIndexCache: Sendable {
    private var first: Int32 = 1
    private var last: Int32 = 0
    private var index = 0

    public init() {}

    public mutating func monthIndex(of day: Day) -> Int {
        if day.serial < first || day.serial > last {
            index = day.monthIndex
            let period = Period(kind: .month, index: index)
            first = period.firstDay.serial
            last = period.lastDay.serial
        }
        return index
    }
}

/// The first day of every month from 1900 to 2199, and the date of every day from 1970 to
/// 2099, so the calendar conversions a build makes millions of times (a lot's expiry, a
/// period's last day, every date a page shows) are a table lookup instead of Hinnant's
/// formulas, which cost about a hundred instructions each. Days outside these years use the
/// formulas; `CalendarTableTests` checks both agree on every day of the tables and around
/// their ends.
enum CalendarTable {
    static let firstYear = 1900
    static let years = 300
    /// `starts[k]`: the serial of the first day of month k, counted from January of
    /// `firstYear`; one more entry closes the last month.
    static let starts: [Int32] = (0...(years * 12)).map { k in
        Day(formulaYear: firstYear + k / 12, month: k % 12 + 1, day: 1).serial
    }

    @inline(__always)
    static func firstDay(year: Int, month: Int) -> Int32? {
        let k = (year &- firstYear) &* 12 &+ month &- 1
        guard year >= firstYear, year < firstYear + years, month >= 1, month <= 12 else { return nil }
        return starts.withUnsafeBufferPointer { $0[k] }
    }

    /// For every day of 1970 to 2099 (the days a department's ledger has), its year, month
    /// and day packed as `(year - 1900) << 9 | month << 5 | day`: one load instead of a search.
    static let dailyStart = Day(formulaYear: 1970, month: 1, day: 1).serial
    static let daily: [UInt32] = {
        let end = Day(formulaYear: 2100, month: 1, day: 1).serial
        var packed: [UInt32] = []
        packed.reserveCapacity(Int(end - dailyStart))
        for year in 1970..<2100 {
            for month in 1...12 {
                for day in 1...Day.daysIn(year: year, month: month) {
                    packed.append(UInt32(year - firstYear) << 9 | UInt32(month) << 5 | UInt32(day))
                }
            }
        }
        return packed
    }()

    @inline(__always)
    static func civil(_ serial: Int32) -> (year: Int, month: Int, day: Int)? {
        let offset = Int(serial) - Int(dailyStart)
        if let packed = daily.withUnsafeBufferPointer({ offset >= 0 && offset < $0.count ? $0[offset] : nil }) {
            return (firstYear + Int(packed >> 9), Int(packed >> 5 & 15), Int(packed & 31))
        }
        return starts.withUnsafeBufferPointer { s -> (year: Int, month: Int, day: Int)? in
            guard let low = s.first, let high = s.last, serial >= low, serial < high else { return nil }
            // Months are 28 to 31 days: the estimate is the right month or the one before or after.
            let offset = Int(serial - low)
            // 146,097 days make 4,800 months in the Gregorian calendar.
            var k = min(offset * 4_800 / 146_097, s.count - 2)
            while k > 0 && s[k] > serial { k -= 1 }
            while s[k + 1] <= serial { k += 1 }
            return (firstYear + k / 12, k % 12 + 1, Int(serial - s[k]) + 1)
        }
    }
}
