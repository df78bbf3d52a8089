import LaurelSources

/// A compiled theme template: a Mustache subset (variables, sections, inverted sections,
/// partials, comments) checked when the theme loads, so a typo is a `file:line` error and
/// never a blank page. UI strings (`{{t.key}}`) are resolved at compile time.
///
/// Written for speed: a department of 50,000 people renders millions of table rows, so names
/// are compiled to `ViewKey`s and output is appended as bytes.
public struct Template: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        case variable([ViewKey], raw: Bool)
        case current(raw: Bool)  // {{.}}
        case section([ViewKey], inverted: Bool, [Node])
    }

    /// The template lowered to a flat program: no reference-counted value per step, so
    /// rendering a million rows does not spend its time retaining and releasing.
    let ops: [Op]
    /// The literal text of every `.text` op, one after the other.
    let pool: [UInt8]
    public let name: String

    struct Op: Sendable {
        enum Kind: UInt8, Sendable { case text, variable, rawVariable, current, rawCurrent, section, inverted }
        var kind: Kind
        /// How many names in the path (1 to 3), and the names.
        var count: UInt8 = 0
        var k0: ViewKey = .site
        var k1: ViewKey = .site
        var k2: ViewKey = .site
        /// text: offset in `pool`; section: index of the op after its body.
        var a: Int32 = 0
        /// text: length.
        var b: Int32 = 0
    }

    /// A problem in a template, reported like a content error.
    public struct Problem: Error, Sendable {
        public let path: String
        public let line: Int
        public let column: Int
        public let message: String
        public var diagnostic: Diagnostic { Diagnostic(path: path, line: line, column: column, message: message) }
    }

    // MARK: compiling

    /// Compiles `name` from `sources` (template name -> (display path, text)), expanding
    /// partials (`{{> name}}` names a template under `partials/`) and UI strings.
    static func compile(_ name: String, sources: [String: (path: String, text: String)], strings: [String: String]) throws(Problem) -> Template {
        var compiler = Compiler(sources: sources, strings: strings)
        let nodes = try compiler.compile(name, stack: [])
        var ops: [Op] = []
        var pool: [UInt8] = []
        try lower(nodes, into: &ops, pool: &pool, path: sources[name]?.path ?? name)
        return Template(ops: ops, pool: pool, name: name)
    }

    static func lower(_ nodes: [Node], into ops: inout [Op], pool: inout [UInt8], path: String) throws(Problem) {
        func keyed(_ kind: Op.Kind, _ keys: [ViewKey]) throws(Problem) -> Op {
            guard (1...3).contains(keys.count) else {
                throw Problem(path: path, line: 1, column: 1, message: "names nest at most three deep: \(keys.map(\.rawValue).joined(separator: "."))")
            }
            return Op(kind: kind, count: UInt8(keys.count), k0: keys[0], k1: keys.count > 1 ? keys[1] : .site,
                      k2: keys.count > 2 ? keys[2] : .site)
        }
        // Adjacent text (around an expanded partial) becomes one op; never across a section's end.
        var previousWasText = false
        for node in nodes {
            defer { if case .text = node { previousWasText = true } else { previousWasText = false } }
            switch node {
            case .text(let bytes):
                if previousWasText {
                    ops[ops.count - 1].b += Int32(bytes.count)
                } else {
                    ops.append(Op(kind: .text, a: Int32(pool.count), b: Int32(bytes.count)))
                }
                pool.append(contentsOf: bytes)
            case .variable(let keys, let raw):
                ops.append(try keyed(raw ? .rawVariable : .variable, keys))
            case .current(let raw):
                ops.append(Op(kind: raw ? .rawCurrent : .current))
            case .section(let keys, let inverted, let children):
                let at = ops.count
                ops.append(try keyed(inverted ? .inverted : .section, keys))
                try lower(children, into: &ops, pool: &pool, path: path)
                ops[at].a = Int32(ops.count)
            }
        }
    }

    struct Compiler {
        let sources: [String: (path: String, text: String)]
        let strings: [String: String]

        func problem(_ path: String, _ text: [UInt8], _ offset: Int, _ message: String) -> Problem {
            let at = SourceText.location(ofByte: offset, in: text[...])
            return Problem(path: path, line: at.line, column: at.column, message: message)
        }

        mutating func compile(_ name: String, stack: [String]) throws(Problem) -> [Node] {
            guard let source = sources[name] else {
                throw Problem(path: name, line: 1, column: 1, message: "missing template \(name).mustache")
            }
            let bytes = Array(source.text.utf8)
            var i = 0
            var text: [UInt8] = []
            // Open sections: (keys, inverted, name, offset, nodes so far)
            var open: [(keys: [ViewKey], inverted: Bool, name: String, offset: Int, nodes: [Node])] = []
            var nodes: [Node] = []
            func flush() {
                if !text.isEmpty { nodes.append(.text(text)); text = [] }
            }
            while i < bytes.count {
                if bytes[i] == 123, i + 1 < bytes.count, bytes[i + 1] == 123 {  // {{
                    let start = i
                    let triple = i + 2 < bytes.count && bytes[i + 2] == 123
                    var j = i + (triple ? 3 : 2)
                    let close: [UInt8] = triple ? [125, 125, 125] : [125, 125]
                    var end = -1
                    while j + close.count <= bytes.count {
                        if bytes[j] == 125 && bytes[j..<j + close.count].elementsEqual(close) { end = j; break }
                        if bytes[j] == 10 { break }
                        j += 1
                    }
                    guard end >= 0 else {
                        throw problem(source.path, bytes, start, "unclosed tag: add \(triple ? "}}}" : "}}") on the same line")
                    }
                    var tag = String(decoding: bytes[(start + (triple ? 3 : 2))..<end], as: UTF8.self).trimmingWhitespace()
                    i = end + close.count
                    var sigil: Character = triple ? "&" : " "
                    if !triple, let first = tag.first, "#^/>!&".contains(first) {
                        sigil = first
                        tag = String(tag.dropFirst()).trimmingWhitespace()
                    }
                    // Mustache's standalone lines: a line holding only a section, partial or
                    // comment tag leaves no blank line behind.
                    if "#^/>!".contains(sigil) {
                        var lineStart = start
                        while lineStart > 0 && bytes[lineStart - 1] != 10 { lineStart -= 1 }
                        var lineEnd = i
                        while lineEnd < bytes.count && (bytes[lineEnd] == 32 || bytes[lineEnd] == 9 || bytes[lineEnd] == 13) { lineEnd += 1 }
                        let blankBefore = bytes[lineStart..<start].allSatisfy { $0 == 32 || $0 == 9 }
                        if blankBefore && (lineEnd == bytes.count || bytes[lineEnd] == 10) {
                            text.removeLast(start - lineStart)
                            i = min(lineEnd + 1, bytes.count)
                        }
                    }
                    if sigil == "!" { continue }
                    flush()
                    switch sigil {
                    case ">":
                        let partial = "partials/" + tag
                        if stack.contains(partial) || partial == name {
                            throw problem(source.path, bytes, start, "partial '\(tag)' includes itself")
                        }
                        guard sources[partial] != nil else {
                            throw problem(source.path, bytes, start, "unknown partial '\(tag)': add partials/\(tag).mustache to the theme")
                        }
                        nodes += try compile(partial, stack: stack + [name])
                    case "#", "^":
                        let keys = try keyPath(tag, source.path, bytes, start)
                        open.append((keys, sigil == "^", tag, start, nodes))
                        nodes = []
                    case "/":
                        guard let last = open.popLast() else {
                            throw problem(source.path, bytes, start, "'{{/\(tag)}}' closes no open section")
                        }
                        guard last.name == tag else {
                            throw problem(source.path, bytes, start, "'{{/\(tag)}}' closes '{{#\(last.name)}}'; close sections in the order they open")
                        }
                        let section = Node.section(last.keys, inverted: last.inverted, nodes)
                        nodes = last.nodes + [section]
                    default:
                        if tag == "." {
                            nodes.append(.current(raw: sigil == "&"))
                        } else if tag.hasPrefix("t.") {
                            let key = String(tag.dropFirst(2))
                            guard let string = strings[key] else {
                                throw problem(source.path, bytes, start, "unknown UI string '\(key)': add it to the theme's i18n files")
                            }
                            var escaped: [UInt8] = []
                            HTMLWriter.escape(string, into: &escaped)
                            nodes.append(.text(escaped))
                        } else {
                            nodes.append(.variable(try keyPath(tag, source.path, bytes, start), raw: sigil == "&"))
                        }
                    }
                } else {
                    text.append(bytes[i])
                    i += 1
                }
            }
            flush()
            if let unclosed = open.last {
                throw problem(source.path, bytes, unclosed.offset, "section '{{#\(unclosed.name)}}' is not closed: add {{/\(unclosed.name)}}")
            }
            return nodes
        }

        func keyPath(_ tag: String, _ path: String, _ bytes: [UInt8], _ offset: Int) throws(Problem) -> [ViewKey] {
            var keys: [ViewKey] = []
            if tag.split(separator: ".", omittingEmptySubsequences: false).count > 3 {
                throw problem(path, bytes, offset, "names nest at most three deep: {{\(tag)}}")
            }
            for part in tag.split(separator: ".", omittingEmptySubsequences: false) {
                guard let key = ViewKey(rawValue: String(part)) else {
                    let near = ViewKey.allCases.map(\.rawValue).filter { $0.hasPrefix(String(part.prefix(3))) }.prefix(6)
                    let hint = near.isEmpty ? "" : "; did you mean \(near.joined(separator: ", "))?"
                    throw problem(path, bytes, offset, "unknown name '\(part)' in {{\(tag)}}\(hint) (docs/themes.md lists every name)")
                }
                keys.append(key)
            }
            return keys
        }
    }

    // MARK: rendering

    /// Renders with `root` as the outermost context, appending to `out`.
    public func render(_ root: View, locale: PortalSettings.Locale, into out: inout [UInt8]) {
        var frames: [Frame] = []
        frames.reserveCapacity(16)
        ops.withUnsafeBufferPointer { ops in
            pool.withUnsafeBufferPointer { pool in
                Template.enter(root, ops, pool, 0..<ops.count, &frames, nil, locale, &out)
            }
        }
    }

    public func render(_ root: View, locale: PortalSettings.Locale) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16_384)
        render(root, locale: locale, into: &out)
        return out
    }

    typealias Field = (key: ViewKey, value: TemplateValue)

    /// One object on the context stack: its fields, borrowed for as long as its section runs
    /// (the object is kept alive by the caller), and which keys it has. Frames hold no
    /// references, so entering and leaving a row costs no reference counting.
    struct Frame {
        let fields: UnsafeBufferPointer<Field>
        let present: (UInt64, UInt64, UInt64)

        @inline(__always)
        func index(_ key: ViewKey) -> Int? {
            guard View.has(key, in: present) else { return nil }
            var i = 0
            while i < fields.count {
                if fields[i].key == key { return i }
                i += 1
            }
            return nil
        }
    }

    /// Runs `range` with `view` pushed as the innermost object.
    @inline(__always)
    static func enter(_ view: View, _ ops: UnsafeBufferPointer<Op>, _ pool: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                      _ frames: inout [Frame], _ item: TemplateValue?, _ locale: PortalSettings.Locale, _ out: inout [UInt8]) {
        view.fields.withUnsafeBufferPointer { fields in
            frames.append(Frame(fields: fields, present: view.present))
            run(ops, pool, range, &frames, item, locale, &out)
            frames.removeLast()
        }
    }

    /// The field a one-name op refers to: the innermost object that has the name.
    @inline(__always)
    static func locate(_ key: ViewKey, _ frames: [Frame]) -> UnsafePointer<Field>? {
        var level = frames.count - 1
        while level >= 0 {
            let frame = frames[level]
            if let i = frame.index(key), let base = frame.fields.baseAddress { return base + i }
            level -= 1
        }
        return nil
    }

    /// Mustache name resolution: the first object on the stack (innermost first) that has the
    /// first name, then down the dotted path.
    static func lookup(_ op: Op, _ frames: [Frame]) -> TemplateValue? {
        guard let first = locate(op.k0, frames)?.pointee.value else { return nil }
        guard op.count > 1 else { return first }
        guard case .object(let view) = first, let second = view.value(op.k1) else { return nil }
        guard op.count > 2 else { return second }
        guard case .object(let inner) = second else { return nil }
        return inner.value(op.k2)
    }

    static func run(_ ops: UnsafeBufferPointer<Op>, _ pool: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                    _ frames: inout [Frame], _ item: TemplateValue?, _ locale: PortalSettings.Locale, _ out: inout [UInt8]) {
        var pc = range.lowerBound
        while pc < range.upperBound {
            let op = ops[pc]
            switch op.kind {
            case .text:
                out.append(contentsOf: UnsafeBufferPointer(rebasing: pool[Int(op.a)..<Int(op.a + op.b)]))
                pc += 1
            case .variable, .rawVariable:
                if op.count == 1 {
                    // Written where it lies: no copy of the value.
                    if let field = locate(op.k0, frames) {
                        HTMLWriter.write(field.pointee.value, raw: op.kind == .rawVariable, locale: locale, into: &out)
                    }
                } else if let value = lookup(op, frames) {
                    HTMLWriter.write(value, raw: op.kind == .rawVariable, locale: locale, into: &out)
                }
                pc += 1
            case .current, .rawCurrent:
                if let item { HTMLWriter.write(item, raw: op.kind == .rawCurrent, locale: locale, into: &out) }
                pc += 1
            case .section, .inverted:
                let body = (pc + 1)..<Int(op.a)
                pc = Int(op.a)
                // Most sections test a flag or a plain value; only objects and lists are copied.
                var truthy = false
                var nested = false
                if op.count == 1 {
                    if let field = locate(op.k0, frames) {
                        truthy = field.pointee.value.isTruthy
                        switch field.pointee.value {
                        case .list, .rows, .object: nested = true
                        default: nested = false
                        }
                    }
                } else if let value = lookup(op, frames) {
                    truthy = value.isTruthy
                    nested = true
                }
                if op.kind == .inverted {
                    if !truthy { run(ops, pool, body, &frames, item, locale, &out) }
                    continue
                }
                guard truthy else { continue }
                guard nested, let value = lookup(op, frames) else {
                    run(ops, pool, body, &frames, item, locale, &out)
                    continue
                }
                switch value {
                case .list(let items):
                    for element in items {
                        if case .object(let view) = element {
                            enter(view, ops, pool, body, &frames, element, locale, &out)
                        } else {
                            run(ops, pool, body, &frames, element, locale, &out)
                        }
                    }
                case .rows(let rows):
                    // One view, refilled per row: its storage is reused from row to row.
                    var row = View(capacity: 16)
                    for i in 0..<rows.count {
                        row.removeAll()
                        rows.fill(i, &row)
                        // A row is an object: `{{.}}` inside it writes nothing, as for a list of objects.
                        enter(row, ops, pool, body, &frames, nil, locale, &out)
                    }
                case .object(let view):
                    enter(view, ops, pool, body, &frames, item, locale, &out)
                default:
                    run(ops, pool, body, &frames, item, locale, &out)
                }
            }
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

/// Writes template values as HTML bytes: escaping, number grouping and dates per locale.
enum HTMLWriter {
    static func escape(_ s: String, into out: inout [UInt8]) {
        // Native strings are read in place; only a bridged or lazy one is copied.
        if s.utf8.withContiguousStorageIfAvailable({ escape($0, into: &out) }) != nil { return }
        var copy = s
        copy.withUTF8 { escape($0, into: &out) }
    }

    static func escape(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { escape($0, into: &out) }
    }

    /// Copies runs of ordinary bytes at once; only `& < > " '` are replaced.
    static func escape(_ buffer: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var start = 0
        var i = 0
        while i < buffer.count {
            let entity: StaticString
            switch buffer[i] {
            case 38: entity = "&amp;"
            case 60: entity = "&lt;"
            case 62: entity = "&gt;"
            case 34: entity = "&quot;"
            case 39: entity = "&#39;"
            default:
                i += 1
                continue
            }
            if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<i])) }
            out.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
            i += 1
            start = i
        }
        if start < buffer.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<buffer.count])) }
    }

    static func write(_ value: TemplateValue, raw: Bool, locale: PortalSettings.Locale, into out: inout [UInt8]) {
        switch value {
        case .text(let s): escape(s, into: &out)  // even in {{{ }}}: text is never trusted
        case .html(let s):
            if raw {
                if s.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil { out.append(contentsOf: s.utf8) }
            } else {
                escape(s, into: &out)
            }
        case .number(let n): group(n, into: &out)
        case .signed(let n):
            if n > 0 { out.append(43) }
            group(n, into: &out)
        case .day(let d): day(d, locale, into: &out)
        case .period(let p): escape(LocaleFormat.period(p, locale), into: &out)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .slice(let bytes): escape(bytes, into: &out)
        case .textNumber(let text, let n):
            escape(text, into: &out)
            digits(n, into: &out)
        case .list, .rows, .object: break
        }
    }

    /// Every day from 2000 to 2099 already written in each locale: a build writes a date on
    /// every history row, a million of them, and most of the cost was the calendar arithmetic.
    /// Immutable once made (on first use, per locale).
    struct DayTable: Sendable {
        let first: Int32
        let offsets: [Int32]
        let bytes: [UInt8]

        init(_ locale: PortalSettings.Locale) {
            let first: Int32 = 10_957  // 2000-01-01, days after 1970-01-01
            let end: Int32 = 47_482    // 2100-01-01
            var offsets: [Int32] = [0]
            var bytes: [UInt8] = []
            offsets.reserveCapacity(Int(end - first) + 1)
            bytes.reserveCapacity(Int(end - first) * 18)
            for serial in first..<end {
                HTMLWriter.computeDay(Day(serial: serial), locale, into: &bytes)
                offsets.append(Int32(bytes.count))
            }
            self.first = first
            self.offsets = offsets
            self.bytes = bytes
        }

        @inline(__always)
        func write(_ d: Day, into out: inout [UInt8]) -> Bool {
            let i = Int(d.serial) - Int(first)
            guard i >= 0, i + 1 < offsets.count else { return false }
            bytes.withUnsafeBufferPointer { b in
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[Int(offsets[i])..<Int(offsets[i + 1])]))
            }
            return true
        }
    }

    static let zhDays = DayTable(.zhCN)
    static let enDays = DayTable(.en)

    /// A day in the locale, written as bytes (no string is made: pages have thousands).
    @inline(__always)
    static func day(_ d: Day, _ locale: PortalSettings.Locale, into out: inout [UInt8]) {
        let written: Bool
        switch locale {
        case .zhCN: written = zhDays.write(d, into: &out)
        case .en: written = enDays.write(d, into: &out)
        }
        if !written { computeDay(d, locale, into: &out) }
    }

    static func computeDay(_ d: Day, _ locale: PortalSettings.Locale, into out: inout [UInt8]) {
        let c = d.civil
        func digits(_ n: Int) {
            if n >= 10 { digits(n / 10) }
            out.append(UInt8(48 + n % 10))
        }
        switch locale {
        case .zhCN:
            digits(c.year); out.append(contentsOf: [0xE5, 0xB9, 0xB4])   // 年
            digits(c.month); out.append(contentsOf: [0xE6, 0x9C, 0x88])  // 月
            digits(c.day); out.append(contentsOf: [0xE6, 0x97, 0xA5])    // 日
        case .en:
            out.append(contentsOf: LocaleFormat.months[c.month - 1].utf8)
            out.append(32)
            digits(c.day)
            out.append(contentsOf: [44, 32])
            digits(c.year)
        }
    }

    /// A whole number without grouping (line numbers). Written in place: pages have thousands.
    static func digits(_ n: Int64, into out: inout [UInt8]) {
        if n < 0 { out.append(45) }
        var m = n.magnitude
        var width = 1
        var scale: UInt64 = 10
        while width < 20 && m >= scale { width += 1; scale = scale &* 10 }
        let end = out.count + width
        out.append(contentsOf: repeatElement(48, count: width))
        var i = end - 1
        repeat {
            out[i] = UInt8(48 + m % 10)
            m /= 10
            i -= 1
        } while m > 0
    }

    /// 1234567 -> "1,234,567", written in place.
    static func group(_ n: Int64, into out: inout [UInt8]) {
        if n < 0 { out.append(45) }
        var m = n.magnitude
        var width = 1
        var scale: UInt64 = 10
        while width < 20 && m >= scale { width += 1; scale = scale &* 10 }
        let total = width + (width - 1) / 3
        let end = out.count + total
        out.append(contentsOf: repeatElement(44, count: total))
        var i = end - 1
        var written = 0
        repeat {
            if written > 0 && written % 3 == 0 { i -= 1 }  // leave the comma
            out[i] = UInt8(48 + m % 10)
            m /= 10
            written += 1
            i -= 1
        } while m > 0
    }
}

/// Dates and periods in the portal's language.
public enum LocaleFormat {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func day(_ d: Day, _ locale: PortalSettings.Locale) -> String {
        let c = d.civil
        switch locale {
        case .zhCN: return "\(c.year)年\(c.month)月\(c.day)日"
        case .en: return "\(months[c.month - 1]) \(c.day), \(c.year)"
        }
    }

    public static func period(_ p: Period, _ locale: PortalSettings.Locale) -> String {
        switch (p.kind, locale) {
        case (.month, .zhCN): return "\(p.index / 12)年\(p.index % 12 + 1)月"
        case (.quarter, .zhCN): return "\(p.index / 4)年第\(p.index % 4 + 1)季度"
        case (.year, .zhCN): return "\(p.index)年"
        case (.month, .en): return "\(months[p.index % 12]) \(p.index / 12)"
        case (.quarter, .en): return "Q\(p.index % 4 + 1) \(p.index / 4)"
        case (.year, .en): return "\(p.index)"
        }
    }
}
