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
    /// A calendar day, formatted for the portal's locale.
    case day(Day)
    /// A leaderboard period, formatted for the portal's locale (2026-Q1 → "2026 Q1" / "2026年第1季度").
    case period(Period)
    case bool(Bool)
    /// UTF-8 text inside a larger buffer (a memo or an id in the ledger's bytes): escaped like
    /// `.text`, without making a string per line.
    case slice(ArraySlice<UInt8>)
    /// Text followed by a number, like a ledger line's source `ledger/2026-Q1.ledger:12`.
    case textNumber(String, Int64)
    case list([TemplateValue])
    case object(View)

    /// Whether a section `{{#name}}` renders (and `{{^name}}` does not).
    var isTruthy: Bool {
        switch self {
        case .text(let s), .html(let s): return !s.isEmpty
        case .slice(let s): return !s.isEmpty
        case .textNumber: return true
        case .number(let n), .signed(let n): return n != 0
        case .bool(let b): return b
        case .list(let l): return !l.isEmpty
        case .day, .period, .object: return true
        }
    }
}

/// A template object: named values, looked up by `ViewKey`. Small and built per row.
public struct View: Sendable {
    public private(set) var fields: [(key: ViewKey, value: TemplateValue)]

    public init(_ fields: [(ViewKey, TemplateValue)] = []) {
        self.fields = fields.map { (key: $0.0, value: $0.1) }
    }

    public init(capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    @inline(__always)
    public func index(_ key: ViewKey) -> Int? {
        fields.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                if buffer[i].key == key { return i }
                i += 1
            }
            return nil
        }
    }

    @inline(__always)
    public func value(at i: Int) -> TemplateValue { fields[i].value }

    @inline(__always)
    public func value(_ key: ViewKey) -> TemplateValue? {
        guard let i = index(key) else { return nil }
        return fields[i].value
    }

    public mutating func set(_ key: ViewKey, _ value: TemplateValue?) {
        guard let value else { return }
        if let i = index(key) { fields[i].value = value } else { fields.append((key, value)) }
    }

    public subscript(key: ViewKey) -> TemplateValue? {
        get { value(key) }
        set {
            if let newValue { set(key, newValue) } else if let i = index(key) { fields.remove(at: i) }
        }
    }
}

extension TemplateValue {
    public static func text(_ s: String?) -> TemplateValue? { s.map { .text($0) } }
    public static func list(_ views: [View]) -> TemplateValue { .list(views.map { .object($0) }) }
}
