import Foundation

/// Time zones are IANA names; only the command line turns one into "today".
public enum TimeZoneCheck {
    public static func isKnown(_ name: String) -> Bool { TimeZone(identifier: name) != nil }

    /// Today's date in the named time zone, for the default `--as-of`.
    public static func today(in name: String, now: Date) -> Day? {
        guard let zone = TimeZone(identifier: name) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        guard let y = c.year, let m = c.month, let d = c.day else { return nil }
        return Day(year: y, month: m, day: d)
    }
}
