import Foundation
import LaurelMarkdown

/// Reads `pages/**/*.md` (FORMAT.md section 9): front matter, kinds, and the internal links
/// `rule:`, `person:`, `team:`, `reward:` and `page:` that must resolve.
struct PageReader {
    let tree: SourceTree
    let sources: PortalSources
    var diagnostics: [Diagnostic] = []
    /// Links found in each page body, checked once every page is known.
    private var pendingLinks: [(path: String, display: String, links: [Markdown.LinkReference])] = []

    init(tree: SourceTree, sources: PortalSources) {
        self.tree = tree
        self.sources = sources
    }

    static let keys = ["title", "kind", "outcome", "date", "tags", "rules", "people", "draft"]

    static func defaultKind(for path: String) -> ContentPage.Kind {
        switch path.split(separator: "/").first.map(String.init) {
        case "rules": return .rule
        case "training": return .training
        case "cases": return .case
        case "news": return .news
        default: return .page
        }
    }

    mutating func read(_ file: String) -> ContentPage? {
        let display = tree.display(file)
        var sink = DiagnosticSink(path: display)
        defer { diagnostics += sink.diagnostics }
        let path = String(file.dropFirst("pages/".count).dropLast(".md".count))
        guard PagePath.isValid(path) else {
            sink.error(1, 1, "page file names become addresses: use letters, digits, '.', '_' and '-' in pages/\(path).md")
            return nil
        }
        let text: String
        switch SourceText.decode(tree.files[file] ?? []) {
        case .success(let t): text = t.replacingOccurrences(of: "\r\n", with: "\n")
        case .failure(let at):
            sink.error(at.line, at.column, "the file is not valid UTF-8; save it as UTF-8")
            return nil
        }
        // FORMAT.md 1: lines end at LF or CRLF only (CommonMark would take a lone CR as one).
        if let cr = text.utf8.firstIndex(of: 13) {
            let utf8 = Array(text.utf8)
            let at = SourceText.location(ofByte: text.utf8.distance(from: text.utf8.startIndex, to: cr), in: utf8[...])
            sink.error(at.line, at.column, "a carriage return (CR) without a line feed; end lines with LF or CRLF")
            return nil
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == "---" else {
            sink.error(1, 1, "expected front matter: a first line '---', YAML with at least title:, and a closing '---'")
            return nil
        }
        guard let close = lines.dropFirst().firstIndex(where: { $0 == "---" }) else {
            sink.error(1, 1, "the front matter opened on line 1 is not closed; add a line '---' after it")
            return nil
        }
        let frontText = lines[1..<close].joined(separator: "\n")
        let body = lines[(close + 1)...].joined(separator: "\n")
        lines = []
        var y = StrictYAML(path: display)
        y.lineOffset = 1
        defer { diagnostics += y.sink.diagnostics }
        guard let node = y.parse(Array(frontText.utf8)) else {
            if y.sink.diagnostics.isEmpty { sink.error(2, 1, "the front matter is empty; it needs at least title:") }
            return nil
        }
        guard let f = y.mapping(node, what: "front matter", allowed: PageReader.keys) else { return nil }
        var ok = true
        let title = y.required(f, "title", what: "front matter").flatMap { y.text($0, what: "title") }
        if title == nil { ok = false }
        var kind = PageReader.defaultKind(for: path)
        if let n = f["kind"] {
            if let k = y.choice(n, what: "kind", ContentPage.Kind.allCases.map(\.rawValue)), let parsed = ContentPage.Kind(rawValue: k) {
                kind = parsed
            } else { ok = false }
        }
        var outcome: ContentPage.Outcome?
        if let n = f["outcome"] {
            if kind != .case {
                y.error(at: n, "outcome: belongs to case studies only (kind: case)")
                ok = false
            } else if let o = y.choice(n, what: "outcome", ["success", "failure"]) {
                outcome = ContentPage.Outcome(rawValue: o)
            } else { ok = false }
        } else if kind == .case {
            y.error(at: node, "a case study needs outcome: success or outcome: failure")
            ok = false
        }
        let date = f["date"].flatMap { y.day($0, what: "date") }
        if f["date"] != nil && date == nil { ok = false }
        let tags = identifiers(&y, f["tags"], what: "tag") ?? []
        var rules: [Int32] = []
        for (id, n) in identifierNodes(&y, f["rules"], what: "rule") {
            if let r = sources.ruleIndex.find(id) { rules.append(r) } else {
                y.error(at: n, "unknown rule '\(id)'; rules: names ids of rules.yaml")
                ok = false
            }
        }
        var people: [Int32] = []
        for (id, n) in identifierNodes(&y, f["people"], what: "person") {
            if let p = sources.peopleIndex.find(id) { people.append(p) } else {
                y.error(at: n, "unknown person '\(id)'; people: names ids of people.yaml")
                ok = false
            }
        }
        let draft = f["draft"].flatMap { y.bool($0, what: "draft") } ?? false
        pendingLinks.append((path, display, Markdown.links(in: body)))
        guard ok, let title, y.sink.diagnostics.isEmpty else { return nil }
        return ContentPage(path: path, title: title, kind: kind, outcome: outcome, date: date, tags: tags, rules: rules,
                           people: people, draft: draft, body: body, bodyLine: close + 2,
                           location: SourceLocation(path: display, line: 1, column: 1))
    }

    private func identifierNodes(_ y: inout StrictYAML, _ node: YAMLNode?, what: String) -> [(String, YAMLNode)] {
        guard let node else { return [] }
        guard let list = y.sequence(node, what: "\(what) ids") else { return [] }
        return list.compactMap { n in y.identifier(n, what: what).map { ($0, n) } }
    }

    private func identifiers(_ y: inout StrictYAML, _ node: YAMLNode?, what: String) -> [String]? {
        identifierNodes(&y, node, what: what).map(\.0)
    }

    /// FORMAT.md 9: an internal link to an unknown target is an error at the link's line.
    mutating func checkLinks(_ pages: [ContentPage]) {
        let known = Set(tree.paths(under: "pages", suffix: ".md").map { String($0.dropFirst(6).dropLast(3)) })
        for (path, display, links) in pendingLinks {
            let bodyLine = bodyStart(of: path)
            for link in links {
                guard let target = InternalLink(link.destination) else { continue }
                let line = link.line + bodyLine - 1
                var message: String?
                switch target {
                case .rule(let id): if sources.ruleIndex.find(id) == nil { message = "unknown rule '\(id)' in link rule:\(id)" }
                case .person(let id): if sources.peopleIndex.find(id) == nil { message = "unknown person '\(id)' in link person:\(id)" }
                case .team(let id): if sources.teamIndex.find(id) == nil { message = "unknown team '\(id)' in link team:\(id)" }
                case .reward(let id): if sources.rewardIndex.find(id) == nil { message = "unknown reward '\(id)' in link reward:\(id)" }
                case .page(let p): if !known.contains(p) { message = "unknown page '\(p)' in link page:\(p); it names a file pages/\(p).md" }
                case .invalid(let why): message = why
                }
                if let message {
                    diagnostics.append(Diagnostic(path: display, line: line, column: 1, message: message))
                }
            }
        }
    }

    private func bodyStart(of path: String) -> Int {
        guard let bytes = tree.files["pages/" + path + ".md"] else { return 1 }
        // The line after the closing '---' of the front matter.
        var line = 1
        var dashes = 0
        var start = 0
        for (i, c) in bytes.enumerated() where c == 10 {
            let content = bytes[start..<i].filter { $0 != 13 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
            if content.elementsEqual("---".utf8) {
                dashes += 1
                if dashes == 2 { return line + 1 }
            }
            line += 1
            start = i + 1
        }
        return line
    }
}

/// The internal link forms of FORMAT.md section 9.
public enum InternalLink: Equatable, Sendable {
    case rule(String), person(String), team(String), reward(String), page(String)
    case invalid(String)

    /// Nil for an ordinary (external or relative) link.
    public init?(_ destination: String) {
        guard let colon = destination.firstIndex(of: ":") else { return nil }
        let scheme = destination[..<colon]
        let value = String(destination[destination.index(after: colon)...])
        let idCheck: (String, (String) -> InternalLink) -> InternalLink = { what, make in
            Identifier.isValid(value) ? make(value) : .invalid("'\(value)' is not a valid \(what) id in link \(scheme):\(value)")
        }
        switch scheme {
        case "rule": self = idCheck("rule") { .rule($0) }
        case "person": self = idCheck("person") { .person($0) }
        case "team": self = idCheck("team") { .team($0) }
        case "reward": self = idCheck("reward") { .reward($0) }
        case "page": self = PagePath.isValid(value) ? .page(value) : .invalid("'\(value)' is not a page path in link page:\(value); write page:training/first-call")
        default: return nil
        }
    }
}
