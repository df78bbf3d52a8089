import CCmark
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The only owner of libcmark: Markdown text in, HTML text out. Every cmark pointer is
/// created and freed inside one call; none escapes this file.
public enum Markdown {
    /// Safe mode (the default of libcmark 0.30+: raw HTML is dropped, `javascript:` links
    /// are removed) and UTF-8 validation. The unsafe option is never set.
    static let options: Int32 = CMARK_OPT_DEFAULT | CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SOURCEPOS

    /// A link or image of a document: its destination and the line (from 1) it is written on.
    public struct LinkReference: Sendable, Hashable {
        public let destination: String
        public let line: Int
        public let isImage: Bool
    }

    /// What to do with a link's destination when rendering.
    public enum LinkRewrite: Sendable {
        /// Keep it as written.
        case keep
        /// Replace the destination (an internal link made relative).
        case replace(String)
        /// Drop the link but keep its text (a link to a page that is not published).
        case unlink
    }

    /// The links and images of a document, with the line each is written on.
    public static func links(in text: String) -> [LinkReference] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return withDocument(text) { root in
            var found: [LinkReference] = []
            walk(root) { node in
                let type = cmark_node_get_type(node)
                guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE else { return }
                let destination = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                // libcmark 0.30 gives links their own line; older ones only give blocks theirs.
                let own = Int(cmark_node_get_start_line(node))
                let line = own > 0 ? own : lineMentioning(destination, within: enclosingBlockLines(node), in: lines)
                found.append(LinkReference(destination: destination, line: line, isImage: type == CMARK_NODE_IMAGE))
            }
            return found
        } ?? []
    }

    /// Renders a document as HTML in safe mode, rewriting link destinations first. Pipe tables
    /// (GitHub's syntax, which libcmark lacks) become HTML tables whose cells are rendered the
    /// same way, so they are as safe as the rest.
    public static func html(_ text: String, rewrite: (String) -> LinkRewrite = { _ in .keep }) -> String {
        let (body, tables) = PipeTables.extract(text)
        var html = render(body, rewrite: rewrite)
        for (n, table) in tables.enumerated() {
            html = html.replacingOccurrences(of: "<p>\(PipeTables.placeholder(n))</p>\n",
                                             with: table.html { inline($0, rewrite: rewrite) })
        }
        return html
    }

    /// One line of Markdown rendered without its paragraph.
    static func inline(_ text: String, rewrite: (String) -> LinkRewrite) -> String {
        var html = render(text, rewrite: rewrite)
        if html.hasPrefix("<p>") && html.hasSuffix("</p>\n") { html = String(html.dropFirst(3).dropLast(5)) }
        return html
    }

    private static func render(_ text: String, rewrite: (String) -> LinkRewrite) -> String {
        withDocument(text) { root in
            var unlink: [OpaquePointer] = []
            walk(root) { node in
                let type = cmark_node_get_type(node)
                guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE else { return }
                let destination = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                switch rewrite(destination) {
                case .keep: break
                case .replace(let url): _ = cmark_node_set_url(node, url)
                case .unlink: unlink.append(node)
                }
            }
            for node in unlink {
                while let child = cmark_node_first_child(node) {
                    _ = cmark_node_insert_before(node, child)
                }
                cmark_node_free(node)
            }
            guard let rendered = cmark_render_html(root, options & ~CMARK_OPT_SOURCEPOS) else { return "" }
            defer { free(rendered) }
            return String(cString: rendered)
        } ?? ""
    }

    private static func withDocument<T>(_ text: String, _ body: (OpaquePointer) -> T) -> T? {
        var copy = text
        return copy.withUTF8 { buffer -> T? in
            let root = buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parse_document(chars.baseAddress, chars.count, options)
            }
            guard let root else { return nil }
            defer { cmark_node_free(root) }
            return body(root)
        }
    }

    private static func walk(_ root: OpaquePointer, _ visit: (OpaquePointer) -> Void) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        var nodes: [OpaquePointer] = []
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) { nodes.append(node) }
        }
        // Visit after iterating, so a visitor may change the tree.
        for node in nodes { visit(node) }
    }

    /// The first and last line of the innermost node around `node` that has lines.
    private static func enclosingBlockLines(_ node: OpaquePointer) -> ClosedRange<Int> {
        var current: OpaquePointer? = node
        while let n = current {
            let line = Int(cmark_node_get_start_line(n))
            if line > 0 { return line...max(line, Int(cmark_node_get_end_line(n))) }
            current = cmark_node_parent(n)
        }
        return 1...1
    }

    /// For a libcmark without inline lines: the line of the block that names the link. Only the
    /// block's own lines are searched (searching on to the end of the document for every link
    /// took quadratic time on a page of many links: docs/fuzzing.md).
    private static func lineMentioning(_ destination: String, within block: ClosedRange<Int>, in lines: [Substring]) -> Int {
        guard !destination.isEmpty else { return block.lowerBound }
        var i = max(block.lowerBound, 1)
        while i <= min(block.upperBound, lines.count) {
            if lines[i - 1].contains(destination) { return i }
            i += 1
        }
        return block.lowerBound
    }
}

/// GitHub-style pipe tables: a header row, a delimiter row (`| --- | :-: |`), body rows.
struct PipeTables {
    struct Table {
        var header: [String]
        var rows: [[String]]

        func html(_ cell: (String) -> String) -> String {
            var label = header.joined(separator: " / ")
            for (bad, good) in [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;")] {
                label = label.replacingOccurrences(of: bad, with: good)
            }
            var out = "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"\(label)\">\n<table>\n<thead>\n<tr>"
            for h in header { out += "<th scope=\"col\">" + cell(h) + "</th>" }
            out += "</tr>\n</thead>\n<tbody>\n"
            for row in rows {
                out += "<tr>"
                for i in header.indices { out += "<td>" + cell(i < row.count ? row[i] : "") + "</td>" }
                out += "</tr>\n"
            }
            return out + "</tbody>\n</table>\n</div>\n"
        }
    }

    static func placeholder(_ n: Int) -> String { "LAURELPIPETABLE\(n)X" }

    /// The text with each table replaced by a placeholder paragraph, and the tables.
    static func extract(_ text: String) -> (String, [Table]) {
        guard text.contains("|") else { return (text, []) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        var tables: [Table] = []
        var fence: String?
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingSpaces()
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let mark = String(trimmed.prefix(3))
                fence = fence == nil ? mark : (fence == mark ? nil : fence)
            }
            if fence == nil, i + 1 < lines.count, line.contains("|"), isDelimiter(lines[i + 1]) {
                let header = cells(line)
                if header.count == cells(lines[i + 1]).count {
                    var rows: [[String]] = []
                    var j = i + 2
                    while j < lines.count, lines[j].contains("|"), !lines[j].trimmingSpaces().isEmpty {
                        rows.append(cells(lines[j]))
                        j += 1
                    }
                    if !(out.last?.trimmingSpaces().isEmpty ?? true) { out.append("") }
                    out.append(placeholder(tables.count))
                    out.append("")
                    tables.append(Table(header: header, rows: rows))
                    i = j
                    continue
                }
            }
            out.append(line)
            i += 1
        }
        return (out.joined(separator: "\n"), tables)
    }

    static func isDelimiter(_ line: String) -> Bool {
        let parts = cells(line)
        return !parts.isEmpty && parts.allSatisfy { part in
            var p = Substring(part)
            if p.hasPrefix(":") { p = p.dropFirst() }
            if p.hasSuffix(":") { p = p.dropLast() }
            return !p.isEmpty && p.allSatisfy { $0 == "-" }
        }
    }

    /// The cells of a row: split on `|` (not `\|`), outer pipes dropped, cells trimmed.
    static func cells(_ line: String) -> [String] {
        var row = line.trimmingSpaces()
        if row.hasPrefix("|") { row.removeFirst() }
        if row.hasSuffix("|") && !row.hasSuffix("\\|") { row.removeLast() }
        var cells: [String] = []
        var current = ""
        var escaped = false
        for c in row {
            if escaped {
                current.append(c == "|" ? "|" : "\\")
                if c != "|" { current.append(c) }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "|" {
                cells.append(current.trimmingSpaces())
                current = ""
            } else {
                current.append(c)
            }
        }
        if escaped { current.append("\\") }
        cells.append(current.trimmingSpaces())
        return cells
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}

