import LaurelSources

/// `laurel new`: a Markdown page with complete front matter for its kind (FORMAT.md
/// section 9), which passes `laurel check` as written.
public enum NewPage {
    /// The kinds of page `laurel new` writes, and the folder under pages/ of each.
    public enum Kind: String, Sendable, CaseIterable {
        case training, `case`, news, rulePage = "rule-page"

        var folder: String {
            switch self {
            case .training: return "training"
            case .case: return "cases"
            case .news: return "news"
            case .rulePage: return "rules"
            }
        }

        var pageKind: ContentPage.Kind {
            switch self {
            case .training: return .training
            case .case: return .case
            case .news: return .news
            case .rulePage: return .rule
            }
        }
    }

    public struct Request: Sendable {
        public var kind: Kind
        public var title: String
        public var slug: String?
        public var outcome: ContentPage.Outcome?
        public var rules: [String] = []
        public var people: [String] = []
        /// The page's date: `--date`, or today in portal.yaml's time zone.
        public var date: Day
        public init(kind: Kind, title: String, slug: String? = nil, outcome: ContentPage.Outcome? = nil,
                    rules: [String] = [], people: [String] = [], date: Day) {
            self.kind = kind
            self.title = title
            self.slug = slug
            self.outcome = outcome
            self.rules = rules
            self.people = people
            self.date = date
        }
    }

    /// The file to write.
    public struct Page: Sendable {
        /// Relative to the content folder, e.g. `pages/training/first-call.md`.
        public var path: String
        public var text: String
        /// Said after the path, e.g. that rules.yaml now connects a rule page.
        public var note: String?
        /// rules.yaml with `page: rules/ID` added to the rule, when a rule page was not
        /// connected yet: an unconnected pages/rules/ID.md would take the rule's own address.
        public var rules: [UInt8]?
    }

    /// Why no page was made.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The page for `request` in `content`, or why it cannot be made (the file exists, an
    /// unknown rule or person, a bad slug).
    public static func make(_ request: Request, content: SourceTree) -> Result<Page, Failure> {
        let title = LedgerText.clean(request.title)
        guard !title.isEmpty else { return .failure(Failure(description: "the title is empty; give the page a title in quotes")) }
        let roster = Roster(content)
        for id in request.rules where !roster.rules.contains(id) {
            return .failure(Failure(description: "unknown rule '\(id)'; --rule names an id of rules.yaml"))
        }
        for id in request.people where !roster.people.contains(id) {
            return .failure(Failure(description: "unknown person '\(id)'; --person names an id of people.yaml"))
        }
        switch (request.kind, request.outcome) {
        case (.case, nil):
            return .failure(Failure(description: "a case study needs --outcome success or --outcome failure"))
        case (.training, .some), (.news, .some), (.rulePage, .some):
            return .failure(Failure(description: "--outcome belongs to case studies only (laurel new case …)"))
        default: break
        }
        let folder = "pages/" + request.kind.folder
        let slug: String
        var note: String?
        var rulesEdit: [UInt8]?
        if request.kind == .rulePage {
            guard request.rules.count == 1, let rule = request.rules.first else {
                return .failure(Failure(description: "a rule page explains one rule: give it with --rule ID (the page is pages/rules/ID.md)"))
            }
            if let given = request.slug, given != rule {
                return .failure(Failure(description: "a rule page is named after its rule: pages/rules/\(rule).md; leave out --slug"))
            }
            slug = rule
            switch roster.rulePages[rule] {
            case "rules/" + rule: break
            case let other?:
                return .failure(Failure(description: "rule '\(rule)' is explained by pages/\(other).md already (its page: in rules.yaml)"))
            case nil:
                guard let edited = connect(rule, in: content, page: Array(text(request, title: title, locale: roster.locale).utf8)) else {
                    return .failure(Failure(description: "rule '\(rule)' has no page: in rules.yaml, and laurel could not add it; add `page: rules/\(rule)` to the rule, then run laurel new again"))
                }
                rulesEdit = edited.bytes
                note = "rules.yaml line \(edited.line): added `page: rules/\(rule)` to rule '\(rule)', so that the page explains it"
            }
        } else if let given = request.slug {
            guard Identifier.isValid(given) else {
                return .failure(Failure(description: "--slug '\(given)' is not usable in an address: use \(Identifier.rule)"))
            }
            slug = given
        } else if let words = wordSlug(title) {
            slug = words
        } else {
            var n = 1
            while content.files["\(folder)/\(request.date)-\(n).md"] != nil { n += 1 }
            slug = "\(request.date)-\(n)"
        }
        let path = "\(folder)/\(slug).md"
        if content.files[path] != nil {
            return .failure(Failure(description: "\(content.display(path)) already exists; laurel new never overwrites a page\(request.kind == .rulePage ? "" : " (choose another --slug)")"))
        }
        return .success(Page(path: path, text: text(request, title: title, locale: roster.locale), note: note, rules: rulesEdit))
    }

    /// rules.yaml with a `page: rules/ID` line after the rule's `id:` line, at its indent; nil
    /// when the rule is not written as `- id: ID` or the result does not read back.
    static func connect(_ rule: String, in content: SourceTree, page: [UInt8]) -> (bytes: [UInt8], line: Int)? {
        guard let bytes = content.files["rules.yaml"] else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The rule's `- id: ID` line (the style of every rules.yaml laurel documents).
        func idLine(_ l: String) -> Int? {
            let body = l.hasSuffix("\r") ? String(l.dropLast()) : l
            let scalars = Array(body.unicodeScalars)
            var i = 0
            while i < scalars.count, scalars[i] == " " { i += 1 }
            guard i < scalars.count, scalars[i] == "-" else { return nil }
            i += 1
            while i < scalars.count, scalars[i] == " " { i += 1 }
            let rest = String(String.UnicodeScalarView(scalars[i...]))
            let value = rest.hasPrefix("id:") ? rest.dropFirst(3).split(separator: "#").first.map { String($0).trimmed(" \t") } : nil
            return value == rule ? i : nil
        }
        guard let index = lines.indices.first(where: { idLine(lines[$0]) != nil }), let indent = idLine(lines[index]) else { return nil }
        let at = (line: index + 1, column: indent + 1)
        let crlf = lines[at.line - 1].hasSuffix("\r")
        lines.insert(String(repeating: " ", count: indent) + "page: rules/\(rule)" + (crlf ? "\r" : ""), at: at.line)
        let edited = Array(lines.joined(separator: "\n").utf8)
        var tree = content
        tree.files["rules.yaml"] = edited
        tree.files["pages/rules/\(rule).md"] = page  // the page: of a rule must exist
        let (check, problems) = PortalSources.load(tree, jobs: 1)
        guard !problems.contains(where: { $0.path.hasSuffix("rules.yaml") }),
              let again = check.ruleIndex.find(rule), check.rules[Int(again)].page == "rules/" + rule else { return nil }
        return (edited, at.line + 1)
    }

    /// `Closing the deal` -> `closing-the-deal`; nil when the title has letters outside ASCII
    /// (a Chinese title gets a slug by date instead: pinyin would need a dictionary, and its
    /// guesses for names are often wrong).
    static func wordSlug(_ title: String) -> String? {
        guard title.unicodeScalars.allSatisfy({ $0.isASCII }) else { return nil }
        var words: [String] = []
        var word = ""
        for c in title.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") { word.unicodeScalars.append(c) } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        var slug = ""
        for w in words {
            let next = slug.isEmpty ? w : slug + "-" + w
            if next.utf8.count > Identifier.maxLength { break }
            slug = next
        }
        return slug.isEmpty ? nil : slug
    }

    static func text(_ r: Request, title: String, locale: PortalSettings.Locale) -> String {
        var lines = ["---", "title: " + yamlQuoted(title), "kind: \(r.kind.pageKind.rawValue)"]
        if let outcome = r.outcome { lines.append("outcome: \(outcome.rawValue)") }
        lines.append("date: \(r.date)")
        lines.append("tags: []")
        if r.kind != .rulePage { lines.append("rules: [\(r.rules.joined(separator: ", "))]") }
        lines.append("people: [\(r.people.joined(separator: ", "))]")
        lines.append("---")
        let zh = locale == .zhCN
        switch r.kind {
        case .case:
            lines += zh ? ["## 经过", "", "（写下发生了什么。）", "", "## 结果", "", "（写下结果。）", "", "## 启示", "", "（写下可以学到什么。）"]
                : ["## What happened", "", "(Write what happened.)", "", "## Result", "", "(Write the result.)", "", "## Lessons", "", "(Write what others can learn.)"]
        case .rulePage:
            lines += zh ? ["（说明这条规则：做什么得分、怎么计算、有什么限制。）"] : ["(Explain the rule: what earns points, how they are counted, what limits apply.)"]
        case .training, .news:
            lines += zh ? ["（在这里写正文。）"] : ["(Write the page here.)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar: `"` and `\` escaped; the title has no control characters.
    static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            if c == "\"" || c == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(c)
        }
        return out + "\""
    }

    /// The ids `--rule` and `--person` may name, read leniently from the sources (the full
    /// check runs on the new page afterwards).
    struct Roster {
        var rules: Set<String> = []
        var people: Set<String> = []
        var rulePages: [String: String] = [:]
        var locale = PortalSettings.Locale.en

        init(_ tree: SourceTree) {
            let (sources, _) = PortalSources.load(tree, jobs: 1)
            rules = Set(sources.rules.map(\.id))
            people = Set(sources.people.map(\.id))
            for r in sources.rules { if let p = r.page { rulePages[r.id] = p } }
            locale = sources.settings.locale
        }
    }
}
