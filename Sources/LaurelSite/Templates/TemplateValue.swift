import LaurelSources

/// A value a theme template can show. Text is always escaped when written; only `.html`
/// (markup Laurel made itself, such as rendered Markdown) is written as it is.
public enum TemplateValue: Sendable {
    /// Untrusted or plain text: escaped for HTML text and attributes.
    case text(String)
    /// Trusted markup made by Laurel (libcmark's safe output): written unescaped by `{{{ }}}`.
    case html(String)
    /// A whole number, grouped by thousands (1,234).
    case number(Int64)
    /// A whole number with its sign (+20, −15): changes of points.
    case signed(Int64)
    /// A whole number written as `.number`, whose places in the output are noted in the page's
    /// `ByteWriter` under `slot` (`placed`): a person page's current rank, which a later build
    /// may patch in place instead of rendering the page again (docs/incremental.md).
    case placed(slot: UInt8, Int64)
    /// A calendar day, formatted for the portal's locale.
    case day(Day)
    /// A day written as `.day`, whose places are noted like `.placed`'s: the as-of day every
    /// page shows, which a later build may patch into a person page (docs/incremental.md).
    case placedDay(slot: UInt8, Day)
    /// A leaderboard period, formatted for the portal's locale (2026-Q1 → "2026 Q1" / "2026年第1季度").
    case period(Period)
    case bool(Bool)
    /// Text followed by a number, like a ledger line's source `ledger/2026-Q1.ledger:12`.
    case textNumber(String, Int64)
    /// Text kept by a `RowArena` (a label, a ledger memo): escaped like `.text`, and copied
    /// without reference counting, which a million history rows would otherwise pay for.
    case bytes(BorrowedBytes)
    /// `.textNumber` with its text kept by a `RowArena`.
    case bytesNumber(BorrowedBytes, Int64)
    /// An object kept by a `RowArena` (a rule's link shared by thousands of rows).
    case borrowed(Template.Frame)
    case list([TemplateValue])
    /// Rows made on demand into one reused view (see `RowList`).
    case rows(RowList)
    case object(View)

    /// Whether a section `{{#name}}` renders (and `{{^name}}` does not).
    var isTruthy: Bool {
        switch self {
        case .text(let s), .html(let s): return !s.isEmpty
        case .bytes(let b): return b.count > 0
        case .textNumber, .bytesNumber: return true
        case .number(let n), .signed(let n), .placed(_, let n): return n != 0
        case .bool(let b): return b
        case .list(let l): return !l.isEmpty
        case .rows(let r): return r.count > 0
        case .day, .placedDay, .period, .object, .borrowed: return true
        }
    }
}

/// A template object: named values, looked up by `ViewKey`. Small and built per row.
///
/// Mustache looks a name up in every object on the stack, innermost first, and most names a
/// row template asks for (`reversed`, `capped`, `memo`…) are absent from most rows; a bit per
/// key answers "not here" without scanning the fields.
///
/// The fields are the first `count` elements of `storage`. A row view is emptied and filled
/// again a million times: emptying only sets `count` to zero, and the next row overwrites the
/// old fields in place, where `removeAll` went through the runtime's generic destruction of
/// every (key, value) pair (2 % of a build's instructions).
public struct View: Sendable {
    private var storage: [(key: ViewKey, value: TemplateValue)]
    public private(set) var count = 0
    private(set) var present: (UInt64, UInt64, UInt64) = (0, 0, 0)

    public init(_ fields: [(ViewKey, TemplateValue)] = []) {
        storage = []
        storage.reserveCapacity(fields.count)
        for (key, value) in fields { set(key, value) }
    }

    public init(capacity: Int) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    /// The fields, in the order they were first set.
    public var fields: ArraySlice<(key: ViewKey, value: TemplateValue)> { storage[0..<count] }

    /// The fields as a buffer, for as long as `body` runs.
    @inline(__always)
    func withFields<R>(_ body: (UnsafeBufferPointer<Template.Field>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }

    @inline(__always)
    func has(_ key: ViewKey) -> Bool { View.has(key, in: present) }

    @inline(__always)
    static func has(_ key: ViewKey, in present: (UInt64, UInt64, UInt64)) -> Bool {
        let bit = Int(key.ordinal)
        let word: UInt64
        switch bit >> 6 {
        case 0: word = present.0
        case 1: word = present.1
        default: word = present.2
        }
        return word & (1 << UInt64(bit & 63)) != 0
    }

    private mutating func mark(_ key: ViewKey, _ on: Bool) {
        let bit = Int(key.ordinal)
        let mask: UInt64 = 1 << UInt64(bit & 63)
        switch bit >> 6 {
        case 0: present.0 = on ? present.0 | mask : present.0 & ~mask
        case 1: present.1 = on ? present.1 | mask : present.1 & ~mask
        default: present.2 = on ? present.2 | mask : present.2 & ~mask
        }
    }

    @inline(__always)
    public func index(_ key: ViewKey) -> Int? {
        guard has(key) else { return nil }
        return withFields { Template.Frame(fields: $0, present: present).index(key) }
    }

    @inline(__always)
    public func value(_ key: ViewKey) -> TemplateValue? {
        guard let i = index(key) else { return nil }
        return storage[i].value
    }

    public mutating func set(_ key: ViewKey, _ value: TemplateValue?) {
        guard let value else { return }
        if let i = index(key) {
            storage[i].value = value
        } else {
            if count < storage.count {
                storage[count] = (key, value)
            } else {
                storage.append((key, value))
            }
            count += 1
            mark(key, true)
        }
    }

    /// Empties the view and keeps its storage, for a row filled again and again. The old
    /// fields stay in the storage until they are overwritten (or the view goes).
    public mutating func removeAll() {
        count = 0
        present = (0, 0, 0)
    }

    public subscript(key: ViewKey) -> TemplateValue? {
        get { value(key) }
        set {
            if let newValue {
                set(key, newValue)
            } else if let i = index(key) {
                storage.remove(at: i)
                count -= 1
                mark(key, false)
            }
        }
    }
}

/// Rows made one at a time into a reused view, for tables of a million lines (a person's
/// history): no object per row stays alive, and no array of rows is built.
public final class RowList: Sendable {
    public let count: Int
    let fill: @Sendable (Int, inout View) -> Void

    /// `fill(i, &view)` sets row `i`'s values in an empty view.
    public init(count: Int, fill: @escaping @Sendable (Int, inout View) -> Void) {
        self.count = count
        self.fill = fill
    }

}

extension ViewKey {
    /// The key's position in `allCases`, for the presence bits of `View`.
    @inline(__always)
    var ordinal: UInt8 { unsafeBitCast(self, to: UInt8.self) }
}

extension TemplateValue {
    public static func text(_ s: String?) -> TemplateValue? { s.map { .text($0) } }
    public static func list(_ views: [View]) -> TemplateValue { .list(views.map { .object($0) }) }
}
