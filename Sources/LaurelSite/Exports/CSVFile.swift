/// A spreadsheet export (docs/exports.md): UTF-8 with a byte order mark, so that Excel in
/// zh-CN reads it as UTF-8; RFC 4180 records (CRLF after every record, a field in double
/// quotes when it holds a comma, a quote, CR or LF, quotes doubled inside); and safe against
/// formula injection (OWASP "CSV Injection"): a text cell that begins with `=`, `+`, `-`, `@`,
/// a tab or a carriage return gets a leading `'`, so no spreadsheet evaluates it.
///
/// Numbers are written as numbers (a negative score stays `-20`, never `'-20`): only text
/// that came from a source file, a ledger memo or a CRM export is neutralised.
public struct CSVFile: Sendable {
    /// One cell: text from the sources (neutralised, quoted when needed) or a whole number.
    public enum Cell: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case text(String)
        case number(Int64)
        public init(stringLiteral value: String) { self = .text(value) }
        public init(integerLiteral value: Int64) { self = .number(value) }
        public static func optional(_ n: Int64?) -> Cell { n.map { .number($0) } ?? .text("") }
    }

    public private(set) var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A file with its header row.
    public init(header: [String]) {
        append(header.map { .text($0) })
    }

    public mutating func append(_ row: [Cell]) {
        for (i, cell) in row.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            switch cell {
            case .number(let n): bytes.append(contentsOf: String(n).utf8)
            case .text(let s): CSVFile.appendText(s, to: &bytes)
            }
        }
        bytes.append(contentsOf: [13, 10])
    }

    /// The field as written: `'` before a formula prefix, then quoted if it needs quotes.
    static func appendText(_ s: String, to out: inout [UInt8]) {
        let utf8 = s.utf8
        let (needsQuotes, formula) = CSVFile.shape(utf8)
        if needsQuotes { out.append(UInt8(ascii: "\"")) }
        if formula { out.append(UInt8(ascii: "'")) }
        for b in utf8 {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        if needsQuotes { out.append(UInt8(ascii: "\"")) }
    }

    /// The same field written into a page buffer: the person exports (10,000 files, a million
    /// rows) are written from the ledger's bytes in place, without a `String` per cell.
    static func appendText(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout ByteWriter) {
        let (needsQuotes, formula) = CSVFile.shape(utf8)
        if needsQuotes { out.append(UInt8(ascii: "\"")) }
        if formula { out.append(UInt8(ascii: "'")) }
        if needsQuotes {
            for b in utf8 {
                if b == UInt8(ascii: "\"") { out.append(b) }
                out.append(b)
            }
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(utf8)
        }
    }

    /// Whether a text field needs quotes (RFC 4180) and a `'` (it starts like a formula).
    @inline(__always)
    static func shape<Bytes: Sequence>(_ utf8: Bytes) -> (quotes: Bool, formula: Bool) where Bytes.Element == UInt8 {
        var needsQuotes = false, first: UInt8?
        for b in utf8 {
            if first == nil { first = b }
            if b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 10 || b == 13 {
                needsQuotes = true
                break
            }
        }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13: return (needsQuotes, true)
        default: return (needsQuotes, false)
        }
    }

    /// One field alone (tests, and callers that assemble rows themselves).
    public static func field(_ s: String) -> String {
        var out: [UInt8] = []
        appendText(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
