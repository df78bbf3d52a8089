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
    /// How deep sections nest (see `depth(of:)`).
    let depth: Int

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
        return Template(ops: ops, pool: pool, name: name, depth: depth(of: ops))
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
                            var escaped = ByteWriter(capacity: string.utf8.count + 16)
                            HTMLWriter.escape(string, into: &escaped)
                            nodes.append(.text(escaped.array))
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
        var writer = ByteWriter(capacity: 16_384)
        render(root, locale: locale, into: &writer)
        out.append(contentsOf: writer.bytes)
    }

    public func render(_ root: View, locale: PortalSettings.Locale) -> [UInt8] {
        var writer = ByteWriter(capacity: 16_384)
        render(root, locale: locale, into: &writer)
        return writer.array
    }

    /// Renders with `root` as the outermost context, appending to `out`.
    func render(_ root: View, locale: PortalSettings.Locale, into out: inout ByteWriter) {
        var frames = FrameStack(capacity: depth + 1)
        ops.withUnsafeBufferPointer { ops in
            pool.withUnsafeBufferPointer { pool in
                let program = Program(ops: ops, pool: pool, locale: locale)
                program.enter(root, 0..<ops.count, &frames, nil, &out)
            }
        }
    }

    /// How deep sections nest: the context stack never holds more than one object per open
    /// section, plus the root.
    static func depth(of ops: [Op]) -> Int {
        var ends: [Int] = []
        var deepest = 0
        for (pc, op) in ops.enumerated() {
            while let last = ends.last, last <= pc { ends.removeLast() }
            if op.kind == .section || op.kind == .inverted {
                ends.append(Int(op.a))
                deepest = max(deepest, ends.count)
            }
        }
        return deepest
    }

    typealias Field = (key: ViewKey, value: TemplateValue)

    /// One object on the context stack: its fields, borrowed for as long as its section runs
    /// (the object is kept alive by the caller, or by a `RowArena`), and which keys it has.
    /// Frames hold no references, so entering and leaving a row costs no reference counting.
    public struct Frame: @unchecked Sendable {
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

        /// The value of `key` in this object.
        @inline(__always)
        func value(_ key: ViewKey) -> TemplateValue? {
            guard let i = index(key) else { return nil }
            return fields[i].value
        }
    }

    /// The context stack: innermost object last. Its memory is allocated once per page, as
    /// deep as the template's sections nest.
    struct FrameStack: ~Copyable {
        private var base: UnsafeMutablePointer<Frame>
        private(set) var count = 0
        private var capacity: Int

        init(capacity: Int) {
            self.capacity = max(4, capacity)
            base = .allocate(capacity: self.capacity)
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }

        @inline(__always)
        mutating func push(_ frame: Frame) {
            if count == capacity { grow() }
            (base + count).initialize(to: frame)
            count += 1
        }

        @inline(__always)
        mutating func pop() {
            count -= 1
            (base + count).deinitialize(count: 1)
        }

        @inline(never)
        private mutating func grow() {
            let bigger = UnsafeMutablePointer<Frame>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = bigger
            capacity *= 2
        }

        /// The field a one-name op refers to: the innermost object that has the name.
        @inline(__always)
        func locate(_ key: ViewKey) -> UnsafePointer<Field>? {
            var level = count - 1
            while level >= 0 {
                let frame = base[level]
                if let i = frame.index(key), let fields = frame.fields.baseAddress { return fields + i }
                level -= 1
            }
            return nil
        }
    }

    /// A compiled template's ops and text while one page renders.
    struct Program {
        let ops: UnsafeBufferPointer<Op>
        let pool: UnsafeBufferPointer<UInt8>
        let locale: PortalSettings.Locale

        /// Runs `range` with `view` pushed as the innermost object.
        @inline(__always)
        func enter(_ view: View, _ range: Range<Int>, _ frames: inout FrameStack, _ item: TemplateValue?, _ out: inout ByteWriter) {
            view.withFields { fields in
                frames.push(Frame(fields: fields, present: view.present))
                run(range, &frames, item, &out)
                frames.pop()
            }
        }

        /// Mustache name resolution: the first object on the stack (innermost first) that has
        /// the first name, then down the dotted path.
        func lookup(_ op: Op, _ frames: borrowing FrameStack) -> TemplateValue? {
            guard let first = frames.locate(op.k0)?.pointee.value else { return nil }
            guard op.count > 1 else { return first }
            guard let second = Template.member(op.k1, of: first) else { return nil }
            guard op.count > 2 else { return second }
            return Template.member(op.k2, of: second)
        }

        func run(_ range: Range<Int>, _ frames: inout FrameStack, _ item: TemplateValue?, _ out: inout ByteWriter) {
            var pc = range.lowerBound
            while pc < range.upperBound {
                let op = ops[pc]
                switch op.kind {
                case .text:
                    out.append(UnsafeBufferPointer(rebasing: pool[Int(op.a)..<Int(op.a + op.b)]))
                    pc += 1
                case .variable, .rawVariable:
                    if op.count == 1 {
                        // Written where it lies: no copy of the value.
                        if let field = frames.locate(op.k0) {
                            HTMLWriter.write(field, raw: op.kind == .rawVariable, locale: locale, into: &out)
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
                        if let field = frames.locate(op.k0) {
                            truthy = field.pointee.value.isTruthy
                            switch field.pointee.value {
                            case .list, .rows, .object, .borrowed: nested = true
                            default: nested = false
                            }
                        }
                    } else if let value = lookup(op, frames) {
                        truthy = value.isTruthy
                        nested = true
                    }
                    if op.kind == .inverted {
                        if !truthy { run(body, &frames, item, &out) }
                        continue
                    }
                    guard truthy else { continue }
                    guard nested, let value = lookup(op, frames) else {
                        run(body, &frames, item, &out)
                        continue
                    }
                    switch value {
                    case .list(let items):
                        for element in items {
                            switch element {
                            case .object(let view): enter(view, body, &frames, element, &out)
                            case .borrowed(let frame):
                                frames.push(frame)
                                run(body, &frames, element, &out)
                                frames.pop()
                            default: run(body, &frames, element, &out)
                            }
                        }
                    case .rows(let rows):
                        // One view, refilled per row: its storage is reused from row to row.
                        var row = View(capacity: 16)
                        for i in 0..<rows.count {
                            row.removeAll()
                            rows.fill(i, &row)
                            // A row is an object: `{{.}}` inside it writes nothing, as for a list of objects.
                            enter(row, body, &frames, nil, &out)
                        }
                    case .object(let view):
                        enter(view, body, &frames, item, &out)
                    case .borrowed(let frame):
                        frames.push(frame)
                        run(body, &frames, item, &out)
                        frames.pop()
                    default:
                        run(body, &frames, item, &out)
                    }
                }
            }
        }
    }

    /// A name inside an object value.
    @inline(__always)
    static func member(_ key: ViewKey, of value: TemplateValue) -> TemplateValue? {
        switch value {
        case .object(let view): return view.value(key)
        case .borrowed(let frame): return frame.value(key)
        default: return nil
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
    static func escape(_ s: String, into out: inout ByteWriter) {
        // Native strings are read in place; only a bridged or lazy one is copied.
        if s.utf8.withContiguousStorageIfAvailable({ escape($0, into: &out) }) != nil { return }
        var copy = s
        copy.withUTF8 { escape($0, into: &out) }
    }

    /// Copies runs of ordinary bytes at once; only `& < > " '` are replaced.
    static func escape(_ buffer: UnsafeBufferPointer<UInt8>, into out: inout ByteWriter) {
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
            if start < i { out.append(UnsafeBufferPointer(rebasing: buffer[start..<i])) }
            out.append(entity)
            i += 1
            start = i
        }
        if start < buffer.count { out.append(UnsafeBufferPointer(rebasing: buffer[start..<buffer.count])) }
    }

    /// Writes a field's value where it lies: the cases rows use most are read in place,
    /// without copying the whole value out first.
    @inline(__always)
    static func write(_ field: UnsafePointer<Template.Field>, raw: Bool, locale: PortalSettings.Locale, into out: inout ByteWriter) {
        switch field.pointee.value {
        case .bytes(let bytes): escape(bytes.buffer, into: &out)
        case .bytesNumber(let text, let n):
            escape(text.buffer, into: &out)
            digits(n, into: &out)
        case .number(let n): group(n, into: &out)
        case .signed(let n):
            if n > 0 { out.append(43) }
            group(n, into: &out)
        case .day(let d): day(d, locale, into: &out)
        default: write(field.pointee.value, raw: raw, locale: locale, into: &out)
        }
    }

    static func write(_ value: TemplateValue, raw: Bool, locale: PortalSettings.Locale, into out: inout ByteWriter) {
        switch value {
        case .text(let s): escape(s, into: &out)  // even in {{{ }}}: text is never trusted
        case .html(let s):
            if raw {
                out.append(s)
            } else {
                escape(s, into: &out)
            }
        case .number(let n): group(n, into: &out)
        case .signed(let n):
            if n > 0 { out.append(43) }
            group(n, into: &out)
        case .placed(let slot, let n):
            let start = out.count
            group(n, into: &out)
            out.place(slot, start..<out.count)
        case .day(let d): day(d, locale, into: &out)
        case .placedDay(let slot, let d):
            let start = out.count
            day(d, locale, into: &out)
            out.place(slot, start..<out.count)
        case .period(let p): escape(LocaleFormat.period(p, locale), into: &out)
        case .bool(let b): out.append(b ? "true" : "false")
        case .bytes(let bytes): escape(bytes.buffer, into: &out)
        case .textNumber(let text, let n):
            escape(text, into: &out)
            digits(n, into: &out)
        case .bytesNumber(let text, let n):
            escape(text.buffer, into: &out)
            digits(n, into: &out)
        case .list, .rows, .object, .borrowed: break
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
            var bytes = ByteWriter(capacity: Int(end - first) * 18)
            offsets.reserveCapacity(Int(end - first) + 1)
            for serial in first..<end {
                HTMLWriter.computeDay(Day(serial: serial), locale, into: &bytes)
                offsets.append(Int32(bytes.count))
            }
            self.first = first
            self.offsets = offsets
            self.bytes = bytes.array
        }

        @inline(__always)
        func write(_ d: Day, into out: inout ByteWriter) -> Bool {
            let i = Int(d.serial) - Int(first)
            guard i >= 0, i + 1 < offsets.count else { return false }
            bytes.withUnsafeBufferPointer { b in
                out.append(UnsafeBufferPointer(rebasing: b[Int(offsets[i])..<Int(offsets[i + 1])]))
            }
            return true
        }
    }

    static let zhDays = DayTable(.zhCN)
    static let enDays = DayTable(.en)

    /// A day in the locale, written as bytes (no string is made: pages have thousands).
    @inline(__always)
    static func day(_ d: Day, _ locale: PortalSettings.Locale, into out: inout ByteWriter) {
        let written: Bool
        switch locale {
        case .zhCN: written = zhDays.write(d, into: &out)
        case .en: written = enDays.write(d, into: &out)
        }
        if !written { computeDay(d, locale, into: &out) }
    }

    static func computeDay(_ d: Day, _ locale: PortalSettings.Locale, into out: inout ByteWriter) {
        let c = d.civil
        switch locale {
        case .zhCN:
            digits(Int64(c.year), into: &out); out.append("年")
            digits(Int64(c.month), into: &out); out.append("月")
            digits(Int64(c.day), into: &out); out.append("日")
        case .en:
            out.append(LocaleFormat.months[c.month - 1])
            out.append(32)
            digits(Int64(c.day), into: &out)
            out.append(", ")
            digits(Int64(c.year), into: &out)
        }
    }

    /// How many decimal digits `m` has.
    @inline(__always)
    static func width(_ m: UInt64) -> Int {
        var width = 1
        var scale: UInt64 = 10
        while width < 20 && m >= scale { width += 1; scale = scale &* 10 }
        return width
    }

    /// A whole number without grouping (line numbers). Written in place: pages have thousands.
    static func digits(_ n: Int64, into out: inout ByteWriter) {
        if n < 0 { out.append(45) }
        var m = n.magnitude
        let count = width(m)
        let at = out.extend(by: count)
        var i = count - 1
        repeat {
            at[i] = UInt8(48 + m % 10)
            m /= 10
            i -= 1
        } while m > 0
    }

    /// 1234567 -> "1,234,567", written in place.
    static func group(_ n: Int64, into out: inout ByteWriter) {
        if n < 0 { out.append(45) }
        var m = n.magnitude
        let count = width(m)
        let total = count + (count - 1) / 3
        let at = out.extend(by: total)
        var i = total - 1
        var written = 0
        repeat {
            if written > 0 && written % 3 == 0 {
                at[i] = 44  // the comma
                i -= 1
            }
            at[i] = UInt8(48 + m % 10)
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
