import Yams

/// Text handling shared by every reader: FORMAT.md section 1 accepts UTF-8 with an optional
/// byte order mark and LF or CRLF line ends.
public enum SourceText {
    /// Decodes UTF-8, dropping a leading BOM. On invalid UTF-8 returns the line and column
    /// (in characters, from 1) of the first bad byte.
    public static func decode(_ bytes: [UInt8]) -> Result<String, Location> {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let bad = firstInvalidUTF8(body) {
            return .failure(location(ofByte: bad, in: body))
        }
        return .success(String(decoding: body, as: UTF8.self))
    }

    public struct Location: Error, Sendable {
        public let line: Int
        public let column: Int
    }

    /// Index of the first byte that is not part of valid UTF-8, if any.
    public static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? { firstInvalidUTF8(in: bytes) }

    /// Index of the first byte that is not part of valid UTF-8, in any buffer of bytes.
    static func firstInvalidUTF8<Bytes: RandomAccessCollection>(in bytes: Bytes) -> Int? where Bytes.Element == UInt8, Bytes.Index == Int {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let c = bytes[i]
            if c < 0x80 { i += 1; continue }
            let need: Int
            let minimum: UInt32
            var scalar: UInt32
            if c & 0xE0 == 0xC0 { need = 1; minimum = 0x80; scalar = UInt32(c & 0x1F) }
            else if c & 0xF0 == 0xE0 { need = 2; minimum = 0x800; scalar = UInt32(c & 0x0F) }
            else if c & 0xF8 == 0xF0 { need = 3; minimum = 0x10000; scalar = UInt32(c & 0x07) }
            else { return i }
            if i + need >= end { return i }
            for k in 1...need {
                let d = bytes[i + k]
                guard d & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(d & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
            i += need + 1
        }
        return nil
    }

    /// Line and column (characters) of the byte at `offset`.
    public static func location(ofByte offset: Int, in bytes: ArraySlice<UInt8>) -> Location {
        var line = 1
        var lineStart = bytes.startIndex
        var i = bytes.startIndex
        while i < offset {
            if bytes[i] == 10 { line += 1; lineStart = i + 1 }
            i += 1
        }
        var column = 1
        var j = lineStart
        while j < offset {
            if bytes[j] & 0xC0 != 0x80 { column += 1 }
            j += 1
        }
        return Location(line: line, column: column)
    }
}

/// A YAML file read strictly (FORMAT.md section 1): scalars are taken as written, unknown
/// and repeated keys and values of the wrong type are errors at their line and column.
public struct StrictYAML: Sendable {
    public var sink: DiagnosticSink
    /// Added to every line YAML reports: front matter starts on line 2 of its page.
    public var lineOffset = 0

    public init(path: String) { sink = DiagnosticSink(path: path) }

    /// Parses the file into a node tree, or reports why it cannot.
    public mutating func parse(_ bytes: [UInt8]) -> YAMLNode? {
        let text: String
        switch SourceText.decode(bytes) {
        case .success(let t): text = t
        case .failure(let at):
            sink.error(at.line, at.column, "the file is not valid UTF-8; save it as UTF-8")
            return nil
        }
        if text.utf8.contains(0) {
            let offset = Array(text.utf8).firstIndex(of: 0) ?? 0
            let at = SourceText.location(ofByte: offset, in: Array(text.utf8)[...])
            sink.error(at.line + lineOffset, at.column, "the file contains a NUL byte; it must be UTF-8 text")
            return nil
        }
        // FORMAT.md 1: lines end at LF or CRLF only; YAML would take a lone CR as a line end.
        let utf8 = Array(text.utf8)
        if let cr = utf8.indices.first(where: { utf8[$0] == 13 && ($0 + 1 == utf8.count || utf8[$0 + 1] != 10) }) {
            let at = SourceText.location(ofByte: cr, in: utf8[...])
            sink.error(at.line + lineOffset, at.column, "a carriage return (CR) without a line feed; end lines with LF or CRLF")
            return nil
        }
        if let at = YAMLAliasGuard.overflow(text) {
            sink.error(at.line + lineOffset, at.column,
                       "aliases repeat more than \(YAMLAliasGuard.maxRepeatedValues) values in this file; write the values out instead of nesting aliases (*name)")
            return nil
        }
        switch YAMLComposer.compose(text) {
        case .document(let node): return node
        case .empty: return nil
        case .unsure: break
        }
        // Errors, repeated keys, undefined aliases: Yams composes, and reports.
        do {
            // UTF-8 always: Yams's default encoding reads YAMS_DEFAULT_ENCODING from the environment.
            return try Yams.compose(yaml: text, .basic, .default, .utf8).map(StrictYAML.converted)
        } catch let error as YamlError {
            report(error, text: text)
        } catch {
            sink.error(1, 1, "cannot read YAML: \(error)")
        }
        return nil
    }

    private mutating func report(_ error: YamlError, text: String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let where_ = context.map { " \($0.text)" } ?? ""
            sink.error(mark.line + lineOffset, mark.column, "invalid YAML: \(problem)\(where_)")
        case let .reader(problem, offset, _, _):
            let at = SourceText.location(ofByte: offset ?? 0, in: Array(text.utf8)[...])
            sink.error(at.line + lineOffset, at.column, "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            // Yams names the repeated keys in an order that can change from run to run; the
            // repeats are found again in the text, each at its own line, in order.
            // Only the keys Yams named: it tells `1` from `"1"`, which the text alone does not.
            let repeats = YAMLAliasGuard.repeatedKeys(text).filter { duplicates.contains($0.key) }
            for r in repeats {
                sink.error(r.line + lineOffset, r.column, "repeated key '\(r.key)'; each key may appear once in a mapping, remove or merge the repeated one")
            }
            if repeats.isEmpty {  // only keys that are lists or mappings repeat
                // Yams's mark is the first repeated key's, which is only certain when there is one.
                let key = duplicates.count == 1 ? duplicates[0] : "<uncovertable>"
                let at = duplicates.count != 1 ? SourceText.Location(line: 1, column: 1)
                    : key == "<uncovertable>" ? SourceText.Location(line: context.mark.line, column: context.mark.column)
                    : StrictYAML.secondOccurrence(of: key, after: context.mark, in: text)
                let name = key == "<uncovertable>" ? "(a list or mapping used as a key)" : "'\(key)'"
                sink.error(at.line + lineOffset, at.column, "repeated key \(name); each key may appear once in a mapping, remove or merge the repeated one")
            }
        default:
            sink.error(1, 1, "invalid YAML: \(error)")
        }
    }

    /// libyaml names the first of two repeated keys; FORMAT.md reports the repeat, so look for
    /// the next line that starts a key of that name at the same column.
    static func secondOccurrence(of key: String, after mark: Mark, in text: String) -> SourceText.Location {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var lineNumber = mark.line + 1
        while lineNumber <= lines.count {
            let line = Array(lines[lineNumber - 1].unicodeScalars)
            let col = mark.column - 1
            if col < line.count {
                let rest = String(String.UnicodeScalarView(line[col...]))
                let prefixOK = line[..<col].allSatisfy { $0 == " " || $0 == "-" || $0 == "\t" }
                if prefixOK && (rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':")) {
                    return SourceText.Location(line: lineNumber, column: mark.column)
                }
            }
            lineNumber += 1
        }
        return SourceText.Location(line: mark.line, column: mark.column)
    }

    // MARK: typed access

    public static func position(_ node: YAMLNode) -> (line: Int, column: Int) {
        let m = node.mark
        return (m?.line ?? 1, m?.column ?? 1)
    }

    public mutating func error(at node: YAMLNode, _ message: String) {
        let p = StrictYAML.position(node)
        sink.error(p.line + lineOffset, p.column, message)
    }

    public mutating func sequence(_ node: YAMLNode, what: String) -> [YAMLNode]? {
        if case .sequence(let s) = node { return Array(s) }
        if case .scalar(let s) = node, s.string.isEmpty, s.style == .plain { return [] }
        error(at: node, "expected a list of \(what)")
        return nil
    }

    /// A mapping node with its keys checked against `allowed`.
    public mutating func mapping(_ node: YAMLNode, what: String, allowed: [String]) -> Fields? {
        guard case .mapping(let m) = node else {
            error(at: node, "expected \(what) as a mapping of `key: value` lines")
            return nil
        }
        var fields = Fields(node: node)
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                error(at: k, "expected a plain key in \(what)")
                continue
            }
            if !allowed.contains(ks.string) {
                error(at: k, "unknown key '\(ks.string)' in \(what); expected one of: \(allowed.joined(separator: ", "))")
                continue
            }
            fields.values[ks.string] = v
        }
        return fields
    }

    /// The checked keys of one mapping, read through `StrictYAML`'s typed getters.
    public struct Fields {
        public let node: YAMLNode
        public var values: [String: YAMLNode] = [:]
        public subscript(key: String) -> YAMLNode? { values[key] }
    }

    public mutating func required(_ f: Fields, _ key: String, what: String) -> YAMLNode? {
        if let v = f[key] { return v }
        error(at: f.node, "missing required key '\(key)' in \(what)")
        return nil
    }

    /// Any scalar as text; `null`-like empties are refused.
    public mutating func text(_ node: YAMLNode, what: String) -> String? {
        guard case .scalar(let s) = node else {
            error(at: node, "expected text for \(what), found a \(StrictYAML.kindName(node))")
            return nil
        }
        if s.style == .plain && (s.string.isEmpty || s.string == "~" || s.string == "null") {
            error(at: node, "expected text for \(what), found nothing")
            return nil
        }
        return s.string
    }

    public mutating func identifier(_ node: YAMLNode, what: String) -> String? {
        guard let t = text(node, what: what) else { return nil }
        guard Identifier.isValid(t) else {
            error(at: node, "'\(t)' is not a valid identifier for \(what): use \(Identifier.rule)")
            return nil
        }
        return t
    }

    /// A plain whole number within `range` (at most 12 digits, like the ledger's numbers).
    public mutating func whole(_ node: YAMLNode, what: String, range: ClosedRange<Int64>) -> Int64? {
        guard case .scalar(let s) = node, s.style == .plain,
              !s.string.isEmpty, s.string.utf8.count <= 12, s.string.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let n = Int64(s.string) else {
            error(at: node, "expected a whole number for \(what) (digits only, at most 12), found \(StrictYAML.shown(node))")
            return nil
        }
        guard range.contains(n) else {
            let hi = range.upperBound == Int64.max ? "" : " and at most \(range.upperBound)"
            error(at: node, "\(what) must be at least \(range.lowerBound)\(hi), found \(n)")
            return nil
        }
        return n
    }

    public mutating func bool(_ node: YAMLNode, what: String) -> Bool? {
        if case .scalar(let s) = node, s.style == .plain {
            if s.string == "true" { return true }
            if s.string == "false" { return false }
        }
        error(at: node, "expected true or false for \(what), found \(StrictYAML.shown(node))")
        return nil
    }

    public mutating func day(_ node: YAMLNode, what: String) -> Day? {
        guard let t = text(node, what: what) else { return nil }
        guard let d = Day(t) else {
            error(at: node, "expected a date YYYY-MM-DD for \(what), found '\(t)'")
            return nil
        }
        return d
    }

    public mutating func choice(_ node: YAMLNode, what: String, _ options: [String]) -> String? {
        guard let t = text(node, what: what) else { return nil }
        guard options.contains(t) else {
            error(at: node, "unknown \(what) '\(t)'; expected one of: \(options.joined(separator: ", "))")
            return nil
        }
        return t
    }

    /// How Yams composes `text` (`.unsure`: it refuses it), for tests comparing it with `YAMLComposer`.
    static func yamsComposition(_ text: String) -> YAMLComposer.Outcome {
        do {
            guard let node = try Yams.compose(yaml: text, .basic, .default, .utf8) else { return .empty }
            return .document(converted(node))
        } catch {
            return .unsure
        }
    }

    /// Yams's node as a `YAMLNode` (when `YAMLComposer` left the document to Yams, and Yams
    /// composed it after all).
    static func converted(_ node: Yams.Node) -> YAMLNode {
        func mark(_ m: Yams.Mark?) -> YAMLNode.Mark { YAMLNode.Mark(line: m?.line ?? 1, column: m?.column ?? 1) }
        switch node {
        case .scalar(let s):
            return .scalar(YAMLNode.Scalar(string: s.string, style: YAMLNode.Scalar.Style(rawValue: Int(s.style.rawValue)) ?? .any, mark: mark(s.mark)))
        case .mapping(let m):
            return .mapping(YAMLNode.Mapping(pairs: m.map { (converted($0.key), converted($0.value)) }, mark: mark(m.mark)))
        case .sequence(let s):
            return .sequence(YAMLNode.Sequence(nodes: s.map(converted), mark: mark(s.mark)))
        case .alias(let a):
            return .scalar(YAMLNode.Scalar(string: "", style: .any, mark: mark(a.mark)))
        }
    }

    static func kindName(_ node: YAMLNode) -> String {
        switch node {
        case .scalar: return "value"
        case .mapping: return "mapping"
        case .sequence: return "list"
        }
    }

    static func shown(_ node: YAMLNode) -> String {
        if case .scalar(let s) = node { return s.string.isEmpty ? "nothing" : "'\(s.string)'" }
        return "a \(kindName(node))"
    }
}
