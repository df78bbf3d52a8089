import LaurelSources

/// Amounts as CRM exports write them: `1,234,567.89`, `¥1,234,567`, `RMB 12 000`, `1.234,50`
/// with a decimal comma. The ledger's `amount:` is a whole number, so decimals are cut off
/// (truncated toward zero): a rate rule's points, floor(amount / per) * points with a whole
/// `per`, are the same for 1999.99 as for 1999, so no point is lost or invented by it.
public struct AmountFormat: Sendable {
    /// `.` (default) or `,`: the other one, spaces and apostrophes group thousands.
    public var decimalMark: Character = "."
    public init(decimalMark: Character = ".") { self.decimalMark = decimalMark }

    /// Currency signs and codes around a number: removed before it is read.
    static let currencyWords = ["CNY", "RMB", "USD", "EUR", "HKD", "JPY", "GBP", "元", "人民币", "万元"]
    static let currencySigns: Set<Character> = ["¥", "￥", "$", "€", "£", "＄"]
    static let groupMarks: Set<Character> = [" ", "\u{00A0}", "\u{202F}", "'", "’", "，"]

    public enum Failure: Error, Sendable, Equatable {
        case empty
        case negative
        case notANumber(String)
        case tooLarge
    }

    /// The whole-number amount, decimals truncated.
    public func parse(_ raw: String) -> Result<Int64, Failure> {
        // Plain digits (most exports) need none of the work below.
        if !raw.isEmpty, raw.utf8.count <= LedgerReader.maxDigits, raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int64(raw) {
            return .success(n)
        }
        var text = raw.trimmed(" \t\u{00A0}")
        if text.isEmpty { return .failure(.empty) }
        if text.hasSuffix("万元") {
            return .failure(.notANumber(raw))  // a scale word would multiply silently: refused
        }
        for word in AmountFormat.currencyWords {
            if text.hasPrefix(word) { text.removeFirst(word.count) }
            if text.hasSuffix(word) { text.removeLast(word.count) }
        }
        text = text.trimmed(" \t\u{00A0}")
        var negative = false
        if text.hasPrefix("-") || text.hasPrefix("−") { negative = true; text.removeFirst() }
        if text.hasPrefix("(") && text.hasSuffix(")") { negative = true; text = String(text.dropFirst().dropLast()) }
        text = String(text.filter { !AmountFormat.currencySigns.contains($0) }).trimmed(" \t\u{00A0}")
        if text.hasPrefix("-") { negative = true; text.removeFirst() }
        let groupMark: Character = decimalMark == "." ? "," : "."
        var whole = ""
        var seenDecimal = false
        var fraction = ""
        for c in text {
            if c == decimalMark {
                if seenDecimal { return .failure(.notANumber(raw)) }
                seenDecimal = true
            } else if c == groupMark || AmountFormat.groupMarks.contains(c) {
                if seenDecimal { return .failure(.notANumber(raw)) }
            } else if let d = c.asciiDigit {
                if seenDecimal { fraction.append(Character(String(d))) } else { whole.append(Character(String(d))) }
            } else {
                return .failure(.notANumber(raw))
            }
        }
        if whole.isEmpty && fraction.isEmpty { return .failure(.notANumber(raw)) }
        let digits = whole.drop { $0 == "0" }
        if digits.count > LedgerReader.maxDigits { return .failure(.tooLarge) }
        let value = Int64(digits.isEmpty ? "0" : String(digits)) ?? 0
        if negative && (value > 0 || fraction.contains { $0 != "0" }) { return .failure(.negative) }
        return .success(value)
    }
}

extension Character {
    /// 0-9 for an ASCII digit.
    var asciiDigit: Int? {
        guard let a = asciiValue, a >= 48, a <= 57 else { return nil }
        return Int(a - 48)
    }
}

/// A date format of a map: `YYYY`, `MM` / `M` (month, two digits / one or two), `DD` / `D`
/// (day), `MMM` (Jan … Dec), and any other character standing for itself, such as
/// `YYYY-MM-DD`, `MM/DD/YYYY`, `DD.MM.YYYY`, `YYYY/M/D` or `YYYY年M月D日`. Text after the date
/// that starts with a space (a time of day, `2026-11-30 17:45:00`) is ignored: the ledger has
/// days only.
public struct DateFormat: Sendable, CustomStringConvertible {
    enum Piece: Sendable, Equatable {
        case year, month2, month, monthName, day2, day, literal(Character)
    }
    let pieces: [Piece]
    public let description: String

    public init?(_ format: String) {
        var pieces: [Piece] = []
        var rest = Substring(format)
        func take(_ token: String, _ piece: Piece) -> Bool {
            guard rest.hasPrefix(token) else { return false }
            rest.removeFirst(token.count)
            pieces.append(piece)
            return true
        }
        while let c = rest.first {
            if take("YYYY", .year) || take("MMM", .monthName) || take("MM", .month2) || take("M", .month)
                || take("DD", .day2) || take("D", .day) { continue }
            if c.isLetter && c.isASCII { return nil }  // a token we do not know, such as YY
            pieces.append(.literal(c))
            rest.removeFirst()
        }
        guard pieces.contains(.year), pieces.contains(where: { $0 == .month2 || $0 == .month || $0 == .monthName }),
              pieces.contains(where: { $0 == .day2 || $0 == .day }) else { return nil }
        self.pieces = pieces
        description = format
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    public func parse(_ raw: String) -> Day? {
        var text = Substring(raw.trimmed(" \t"))
        var year = 0, month = 0, day = 0
        func digits(min: Int, max: Int) -> Int? {
            var n = 0, count = 0
            while count < max, let d = text.first?.asciiDigit {
                n = n * 10 + d
                count += 1
                text.removeFirst()
            }
            return count >= min ? n : nil
        }
        for piece in pieces {
            switch piece {
            case .year: guard let n = digits(min: 4, max: 4) else { return nil }; year = n
            case .month2: guard let n = digits(min: 2, max: 2) else { return nil }; month = n
            case .month: guard let n = digits(min: 1, max: 2) else { return nil }; month = n
            case .day2: guard let n = digits(min: 2, max: 2) else { return nil }; day = n
            case .day: guard let n = digits(min: 1, max: 2) else { return nil }; day = n
            case .monthName:
                let name = text.prefix(3).lowercased()
                guard let i = DateFormat.monthNames.firstIndex(of: name) else { return nil }
                month = i + 1
                text.removeFirst(3)
            case .literal(let c):
                guard text.first == c else { return nil }
                text.removeFirst()
            }
        }
        if let next = text.first, next != " " && next != "T" { return nil }
        return Day(year: year, month: month, day: day)
    }
}

/// `zoho-{Record Id}` or `{Deal Name} · {Account Name}`: text with column names in braces.
/// `{{` and `}}` stand for a brace itself.
public struct FieldTemplate: Sendable {
    public enum Part: Sendable, Equatable {
        case text(String)
        case column(String)
    }
    public let parts: [Part]

    public enum Failure: Error, Sendable { case unclosed, empty }

    public static func parse(_ text: String) -> Result<FieldTemplate, Failure> {
        var parts: [Part] = []
        var literal = ""
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if c == "{" && chars.first == "{" { chars.removeFirst(); literal.append("{"); continue }
            if c == "}" && chars.first == "}" { chars.removeFirst(); literal.append("}"); continue }
            if c == "{" {
                guard let close = chars.firstIndex(of: "}") else { return .failure(.unclosed) }
                let name = String(chars[chars.startIndex..<close]).trimmed(" ")
                if name.isEmpty { return .failure(.empty) }
                if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
                parts.append(.column(name))
                chars = chars[(close + 1)...]
            } else {
                literal.append(c)
            }
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        return .success(FieldTemplate(parts: parts))
    }

    public var columns: [String] { parts.compactMap { if case .column(let c) = $0 { return c } else { return nil } } }
}
