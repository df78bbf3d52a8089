@testable import LaurelSources
import Testing

/// `Day` converts through `CalendarTable` for 1900–2199 and through Hinnant's formulas
/// outside it: both must give the same calendar on every day.
@Suite("Calendar table")
struct CalendarTableTests {
    static let tableStart = Day(formulaYear: CalendarTable.firstYear, month: 1, day: 1).serial
    static let tableEnd = Day(formulaYear: CalendarTable.firstYear + CalendarTable.years, month: 1, day: 1).serial

    @Test("every day of the table, and a year beyond each end, converts as the formulas do")
    func agreesWithFormulas() {
        var mismatches = 0
        for serial in (CalendarTableTests.tableStart - 400)...(CalendarTableTests.tableEnd + 400) {
            let day = Day(serial: serial)
            let c = day.civil
            let f = day.formulaCivil
            if c != f { mismatches += 1 }
            let back = Day(civilYear: c.year, month: c.month, day: c.day)
            if back != day { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test("a day count past a month's end goes on linearly, as the formula does")
    func linearPastMonthEnd() {
        for (year, month) in [(1899, 12), (1900, 1), (2026, 2), (2028, 2), (2100, 2), (2199, 12), (2200, 1)] {
            for day in [0, 1, 28, 29, 30, 31, 32, 62] {
                #expect(Day(civilYear: year, month: month, day: day) == Day(formulaYear: year, month: month, day: day),
                        "\(year)-\(month) day \(day)")
            }
        }
    }

    @Test("a lot's last valid day by month arithmetic is the calendar's, for every policy")
    func expiryByMonth() {
        let policies: [ExpiryPolicy] = [.never, .endOf(.month), .endOf(.quarter), .endOf(.year), .months(1), .months(2), .months(11), .months(12), .months(25), .months(1200)]
        var mismatches: [String] = []
        for serial in stride(from: Day(year: 1899, month: 11, day: 1)!.serial, through: Day(year: 2201, month: 2, day: 1)!.serial, by: 3) {
            let day = Day(serial: serial)
            for policy in policies where policy.lastValidDay(forLotInMonth: day.monthIndex) != policy.lastValidDay(forLotOn: day) {
                mismatches.append("\(policy) \(day)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("known dates: leap days, century years, the Unix epoch")
    func knownDates() {
        #expect(Day(year: 1970, month: 1, day: 1)?.serial == 0)
        #expect(Day(year: 2000, month: 2, day: 29) != nil)
        #expect(Day(year: 2100, month: 2, day: 29) == nil)
        #expect(Day(year: 2026, month: 11, day: 28)?.description == "2026-11-28")
        #expect(Day(serial: -1).description == "1969-12-31")
        #expect(Day(year: 1, month: 1, day: 1)?.description == "0001-01-01")
        #expect(Day(year: 9999, month: 12, day: 31)?.description == "9999-12-31")
        #expect(Period(kind: .quarter, containing: Day(year: 2026, month: 11, day: 28)!).lastDay.description == "2026-12-31")
    }
}
