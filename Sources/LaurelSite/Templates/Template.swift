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

    let nodes: [Node]
    public let name: String

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
        return Template(nodes: nodes, name: name)
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
        var stack: [TemplateValue] = [.object(root)]
        Template.render(nodes, &stack, locale, &out)
    }

    public func render(_ root: View, locale: PortalSettings.Locale) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16_384)
        render(root, locale: locale, into: &out)
        return out
    }

    static func lookup(_ keys: [ViewKey], _ stack: [TemplateValue]) -> TemplateValue? {
        guard let first = keys.first else { return nil }
        var found: TemplateValue?
        for value in stack.reversed() {
            if case .object(let view) = value, let v = view.value(first) { found = v; break }
        }
        var i = 1
        while i < keys.count, let current = found {
            guard case .object(let view) = current else { return nil }
            found = view.value(keys[i])
            i += 1
        }
        return found
    }

    static func render(_ nodes: [Node], _ stack: inout [TemplateValue], _ locale: PortalSettings.Locale, _ out: inout [UInt8]) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                out.append(contentsOf: bytes)
            case .variable(let keys, let raw):
                if let value = lookup(keys, stack) { HTMLWriter.write(value, raw: raw, locale: locale, into: &out) }
            case .current(let raw):
                if let value = stack.last { HTMLWriter.write(value, raw: raw, locale: locale, into: &out) }
            case .section(let keys, let inverted, let children):
                let value = lookup(keys, stack)
                let truthy = value?.isTruthy ?? false
                if inverted {
                    if !truthy { render(children, &stack, locale, &out) }
                    continue
                }
                guard truthy, let value else { continue }
                switch value {
                case .list(let items):
                    for item in items {
                        stack.append(item)
                        render(children, &stack, locale, &out)
                        stack.removeLast()
                    }
                case .object:
                    stack.append(value)
                    render(children, &stack, locale, &out)
                    stack.removeLast()
                default:
                    render(children, &stack, locale, &out)
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
    @inline(__always)
    static func escape(_ s: String, into out: inout [UInt8]) {
        for c in s.utf8 {
            switch c {
            case 38: out.append(contentsOf: [38, 97, 109, 112, 59])              // &amp;
            case 60: out.append(contentsOf: [38, 108, 116, 59])                  // &lt;
            case 62: out.append(contentsOf: [38, 103, 116, 59])                  // &gt;
            case 34: out.append(contentsOf: [38, 113, 117, 111, 116, 59])        // &quot;
            case 39: out.append(contentsOf: [38, 35, 51, 57, 59])                // &#39;
            default: out.append(c)
            }
        }
    }

    static func write(_ value: TemplateValue, raw: Bool, locale: PortalSettings.Locale, into out: inout [UInt8]) {
        switch value {
        case .text(let s): escape(s, into: &out)  // even in {{{ }}}: text is never trusted
        case .html(let s): if raw { out.append(contentsOf: s.utf8) } else { escape(s, into: &out) }
        case .number(let n): group(n, into: &out)
        case .signed(let n):
            if n > 0 { out.append(43) }
            group(n, into: &out)
        case .day(let d): escape(LocaleFormat.day(d, locale), into: &out)
        case .period(let p): escape(LocaleFormat.period(p, locale), into: &out)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .list, .object: break
        }
    }

    /// 1234567 -> "1,234,567".
    static func group(_ n: Int64, into out: inout [UInt8]) {
        if n < 0 { out.append(45) }
        var digits: [UInt8] = []
        var m = n.magnitude
        repeat {
            digits.append(UInt8(48 + m % 10))
            m /= 10
        } while m > 0
        for (i, d) in digits.reversed().enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(44) }
            out.append(d)
        }
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
