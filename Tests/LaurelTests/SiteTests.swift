import Foundation
import Testing
@testable import LaurelSite
import LaurelSources

/// A rendered portal in memory, and what the site-wide checks need of its HTML: tags with
/// their attributes, links resolved against the output's files.
struct RenderedSite: Sendable {
    var files: [String: [UInt8]]
    /// portal.yaml's base-url: the 404 page links through it (a server shows that page at any
    /// address, where relative links break), so links under it on 404.html are internal.
    var baseURL: String?

    init(_ outputs: [OutputFile]) {
        files = Dictionary(uniqueKeysWithValues: outputs.map { ($0.path, $0.bytes) })
    }

    init(files: [String: [UInt8]], baseURL: String? = nil) {
        self.files = files
        self.baseURL = baseURL
    }

    var paths: [String] { files.keys.sorted() }
    var htmlPaths: [String] { paths.filter { $0.hasSuffix(".html") } }

    func text(_ path: String) -> String? { files[path].map { String(decoding: $0, as: UTF8.self) } }

    // MARK: locations

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let themes = repository.appendingPathComponent("Themes").path
    static let demoContent = repository.appendingPathComponent("Content").path

    static func defaultTheme(_ locale: PortalSettings.Locale) throws -> Theme {
        let (theme, diagnostics) = Theme.load(themes: themes, name: "default", locale: locale)
        guard let theme else { throw FixtureError.diagnostics(diagnostics.map(\.description)) }
        return theme
    }

    /// Renders a checked run with Themes/default in its locale, content assets included as
    /// `laurel build` copies them.
    static func render(_ run: PortalRun, assets: [String: [UInt8]] = [:], jobs: Int = 2) throws -> RenderedSite {
        guard !run.hasErrors else { throw FixtureError.diagnostics(run.diagnostics.map(\.description)) }
        let sink = MemorySink()
        _ = try SiteBuilder.build(run, theme: try defaultTheme(run.sources.settings.locale), contentAssets: assets, jobs: jobs, sink: sink)
        return RenderedSite(files: sink.files, baseURL: run.sources.settings.baseURL)
    }

    // MARK: a small HTML tokenizer

    struct Tag: Sendable {
        var name: String
        var attributes: [(name: String, value: String)]
        func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
    }

    /// Every start tag of a document, with its attributes (names lower-cased, values with the
    /// basic entities decoded). Comments and the doctype are skipped.
    static func tags(_ html: [UInt8]) -> [Tag] {
        var found: [Tag] = []
        var i = 0
        let n = html.count
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 || b == 12 }
        func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
        while i < n {
            guard html[i] == 60, i + 1 < n else { i += 1; continue }  // <
            if html[i + 1] == 33 {  // <! comment or doctype
                if i + 3 < n, html[i + 2] == 45, html[i + 3] == 45 {
                    var j = i + 4
                    while j + 2 < n, !(html[j] == 45 && html[j + 1] == 45 && html[j + 2] == 62) { j += 1 }
                    i = j + 3
                } else {
                    while i < n, html[i] != 62 { i += 1 }
                }
                continue
            }
            guard isLetter(html[i + 1]) else { i += 1; continue }
            var j = i + 1
            while j < n, !isSpace(html[j]), html[j] != 62, html[j] != 47 { j += 1 }
            var tag = Tag(name: String(decoding: html[(i + 1)..<j], as: UTF8.self).lowercased(), attributes: [])
            while j < n {
                while j < n, isSpace(html[j]) || html[j] == 47 { j += 1 }
                if j >= n || html[j] == 62 { break }
                let nameStart = j
                while j < n, !isSpace(html[j]), html[j] != 61, html[j] != 62, html[j] != 47 { j += 1 }
                let name = String(decoding: html[nameStart..<j], as: UTF8.self).lowercased()
                while j < n, isSpace(html[j]) { j += 1 }
                var value = ""
                if j < n, html[j] == 61 {  // =
                    j += 1
                    while j < n, isSpace(html[j]) { j += 1 }
                    if j < n, html[j] == 34 || html[j] == 39 {
                        let quote = html[j]
                        let start = j + 1
                        j = start
                        while j < n, html[j] != quote { j += 1 }
                        value = String(decoding: html[start..<min(j, n)], as: UTF8.self)
                        j += 1
                    } else {
                        let start = j
                        while j < n, !isSpace(html[j]), html[j] != 62 { j += 1 }
                        value = String(decoding: html[start..<j], as: UTF8.self)
                    }
                }
                tag.attributes.append((name, decodeEntities(value)))
            }
            found.append(tag)
            i = j + 1
        }
        return found
    }

    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Attributes that name another resource.
    static let urlAttributes: Set<String> = ["href", "src", "action", "formaction", "poster", "data", "srcset", "background", "cite", "longdesc", "manifest", "xlink:href"]

    /// A relative link resolved against the folder of `file`: the output path it names, or nil
    /// when it climbs out of the portal.
    static func resolve(_ link: String, from file: String) -> String? {
        var parts = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init)
        for component in link.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            case ".": continue
            default: parts.append(String(component).removingPercentEncoding ?? String(component))
            }
        }
        return parts.joined(separator: "/")
    }

    /// Whether a URL names something outside the portal: it has a scheme or is protocol-relative.
    static func isExternal(_ url: String) -> Bool {
        let trimmed = Array(url.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        if trimmed.starts(with: Array("//".utf8)) || trimmed.starts(with: Array("\\\\".utf8)) { return true }
        // A scheme: a letter, then letters, digits, + . -, then a colon before any / ? #.
        guard let first = trimmed.first, (first | 0x20) >= 97, (first | 0x20) <= 122 else { return false }
        for b in trimmed.dropFirst() {
            if b == 58 { return true }  // :
            let letter = (b | 0x20) >= 97 && (b | 0x20) <= 122
            if !(letter || (b >= 48 && b <= 57) || b == 43 || b == 46 || b == 45) { return false }
        }
        return false
    }

    // MARK: checks

    /// Internal links (href, src) that do not lead to a file of the output, or lead to a folder
    /// instead of an explicit `index.html`, or to a fragment the target lacks.
    func brokenLinks() -> [String] {
        var problems: [String] = []
        var idCache: [String: Set<String>] = [:]
        func ids(_ path: String) -> Set<String> {
            if let cached = idCache[path] { return cached }
            let set = Set(RenderedSite.tags(files[path] ?? []).compactMap { $0.attribute("id") })
            idCache[path] = set
            return set
        }
        for path in htmlPaths {
            for tag in RenderedSite.tags(files[path] ?? []) {
                for (name, value) in tag.attributes where name == "href" || name == "src" {
                    var link = value
                    var base = path
                    if let absolute = portalAddress(value, on: path) {
                        link = absolute
                        base = "index.html"
                    }
                    if RenderedSite.isExternal(link) { continue }  // checked by externalReferences
                    var target = link
                    var fragment: String?
                    if let hash = target.firstIndex(of: "#") {
                        fragment = String(target[target.index(after: hash)...])
                        target = String(target[..<hash])
                    }
                    if let q = target.firstIndex(of: "?") { target = String(target[..<q]) }
                    let file: String
                    if target.isEmpty {
                        guard fragment != nil else {
                            problems.append("\(path): <\(tag.name) \(name)=\"\">: empty link")
                            continue
                        }
                        file = path
                    } else {
                        guard let resolved = RenderedSite.resolve(target, from: base) else {
                            problems.append("\(path): \(name)=\"\(value)\" climbs out of the portal")
                            continue
                        }
                        if target.hasSuffix("/") {
                            problems.append("\(path): \(name)=\"\(value)\" names a folder, not index.html")
                            continue
                        }
                        guard files[resolved] != nil else {
                            problems.append("\(path): \(name)=\"\(value)\" -> \(resolved) does not exist")
                            continue
                        }
                        file = resolved
                    }
                    if let fragment, !fragment.isEmpty, file.hasSuffix(".html"), !ids(file).contains(fragment) {
                        problems.append("\(path): \(name)=\"\(value)\": \(file) has no id=\"\(fragment)\"")
                    }
                }
            }
        }
        return problems
    }

    /// References to anything outside the portal, scripts, inline handlers and embedded
    /// content. The theme's empty `data:,` favicon (it stops browsers asking the server for
    /// /favicon.ico) is the one data: URL allowed.
    func externalReferences() -> [String] {
        var problems: [String] = []
        for path in htmlPaths {
            let bytes = files[path] ?? []
            let lower = String(decoding: bytes, as: UTF8.self).lowercased()
            // The search page (docs/search.md) is the one page with a form and scripts: only
            // script files of the portal itself (their src is checked below), no inline code.
            let search = path == Address.file(Address.search)
            for banned in ["<script", "<iframe", "<object", "<embed", "<base ", "<form", "<applet", "<svg", "<math"] where lower.contains(banned) {
                if search, banned == "<form" || banned == "<script" { continue }
                problems.append("\(path): contains \(banned)")
            }
            if search, lower.components(separatedBy: "<script").count != lower.components(separatedBy: "<script src=\"").count
                || lower.components(separatedBy: "<script").count != lower.components(separatedBy: "></script>").count {
                problems.append("\(path): a script without src, or with code inside")
            }
            for tag in RenderedSite.tags(bytes) {
                for (name, value) in tag.attributes {
                    if name.hasPrefix("on") { problems.append("\(path): <\(tag.name) \(name)=…> inline handler") }
                    if name == "style", value.lowercased().contains("url(") || value.lowercased().contains("expression(") {
                        problems.append("\(path): <\(tag.name) style=\"\(value)\">")
                    }
                    guard RenderedSite.urlAttributes.contains(name) else { continue }
                    let favicon = tag.name == "link" && tag.attribute("rel") == "icon" && name == "href" && value == "data:,"
                    if RenderedSite.isExternal(value) && !favicon && portalAddress(value, on: path) == nil {
                        problems.append("\(path): <\(tag.name) \(name)=\"\(value)\"> points outside the portal")
                    }
                }
                if tag.name == "meta", tag.attribute("http-equiv")?.lowercased() == "refresh",
                   let content = tag.attribute("content"), content.lowercased().contains("url") {
                    problems.append("\(path): meta refresh to \(content)")
                }
                if tag.name == "link", let rel = tag.attribute("rel"), ["preconnect", "dns-prefetch", "prefetch", "preload", "import"].contains(rel) {
                    problems.append("\(path): <link rel=\"\(rel)\">")
                }
            }
        }
        for path in paths where path.hasSuffix(".css") {
            let css = (text(path) ?? "").lowercased()
            for banned in ["@import", "url(", "http:", "https:", "expression("] where css.contains(banned) {
                problems.append("\(path): \(banned)")
            }
        }
        return problems
    }

    /// A link of 404.html through base-url, as a path relative to the portal's root; nil for
    /// any other link or page.
    func portalAddress(_ link: String, on path: String) -> String? {
        guard path == "404.html", let baseURL, link.hasPrefix(baseURL) else { return nil }
        let rest = String(link.dropFirst(baseURL.count))
        return RenderedSite.isExternal(rest) ? nil : rest
    }

    /// Pages without exactly one <h1>, one <main>, or the expected <html lang>.
    func structureProblems(lang: String) -> [String] {
        var problems: [String] = []
        for path in htmlPaths {
            let bytes = files[path] ?? []
            let tags = RenderedSite.tags(bytes)
            let h1 = tags.filter { $0.name == "h1" }.count
            let main = tags.filter { $0.name == "main" }.count
            let html = tags.filter { $0.name == "html" }
            let title = tags.filter { $0.name == "title" }.count
            if h1 != 1 { problems.append("\(path): \(h1) <h1>") }
            if main != 1 { problems.append("\(path): \(main) <main>") }
            if title != 1 { problems.append("\(path): \(title) <title>") }
            if html.count != 1 || html.first?.attribute("lang") != lang {
                problems.append("\(path): <html lang> is \(html.map { $0.attribute("lang") ?? "none" }), expected \(lang)")
            }
            if !String(decoding: bytes.prefix(15), as: UTF8.self).lowercased().hasPrefix("<!doctype html>") {
                problems.append("\(path): does not start with <!doctype html>")
            }
            if tags.filter({ $0.name == "meta" && $0.attribute("charset")?.lowercased() == "utf-8" }).count != 1 {
                problems.append("\(path): no <meta charset=\"utf-8\">")
            }
            // ids are unique, and every id reference names one of them.
            var ids: [String: Int] = [:]
            for tag in tags { if let id = tag.attribute("id") { ids[id, default: 0] += 1 } }
            for (id, count) in ids where count > 1 { problems.append("\(path): id=\"\(id)\" \(count) times") }
            for tag in tags {
                for name in ["aria-labelledby", "aria-describedby", "aria-controls", "for", "headers"] {
                    for ref in (tag.attribute(name) ?? "").split(separator: " ") where ids[String(ref)] == nil {
                        problems.append("\(path): <\(tag.name) \(name)=\"\(ref)\"> names no element")
                    }
                }
            }
        }
        return problems
    }

    /// The sitemap's addresses (absolute with base-url, else relative) that name no file.
    func sitemapProblems(baseURL: String?) -> [String] {
        guard let xml = text("sitemap.xml") else { return ["no sitemap.xml"] }
        var problems: [String] = []
        for match in xml.matches(of: /<loc>([^<]*)<\/loc>/) {
            var loc = RenderedSite.decodeEntities(String(match.1))
            if let baseURL {
                guard loc.hasPrefix(baseURL) else { problems.append("\(loc) is not under \(baseURL)"); continue }
                loc = String(loc.dropFirst(baseURL.count))
            }
            if files[loc] == nil { problems.append("sitemap names \(loc), which does not exist") }
        }
        return problems
    }
}

/// The demo department (Content/) built with Themes/default at as-of 2026-11-29, as
/// `laurel build` would publish it, checked page by page.
@Suite("Whole site: the demo department")
struct SiteTests {
    static let asOf = Day("2026-11-29")!

    static func demoTree(locale: String? = nil) throws -> SourceTree {
        var tree = try SourceTree.read(folder: RenderedSite.demoContent, label: "Content")
        if let locale {
            let portal = String(decoding: tree.files["portal.yaml"] ?? [], as: UTF8.self)
            guard portal.contains("\nlocale: zh-CN\n") else { throw FixtureError.diagnostics(["Content/portal.yaml has no 'locale: zh-CN' line"]) }
            tree.files["portal.yaml"] = Array(portal.replacingOccurrences(of: "\nlocale: zh-CN\n", with: "\nlocale: \(locale)\n").utf8)
        }
        return tree
    }

    static func demoRun(locale: String? = nil) throws -> PortalRun {
        PortalRun.check(try demoTree(locale: locale), asOf: .day(asOf))
    }

    /// Built once and shared by the tests of this suite.
    static let chinese: Result<RenderedSite, any Error> = Result { try RenderedSite.render(try demoRun()) }
    static let english: Result<RenderedSite, any Error> = Result { try RenderedSite.render(try demoRun(locale: "en")) }

    @Test("the demo checks clean and renders every kind of page")
    func rendersEverything() throws {
        let run = try Self.demoRun()
        #expect(run.diagnostics.map(\.description) == [])
        let site = try Self.chinese.get()
        for path in ["index.html", "404.html", "people/index.html", "leaderboard/index.html", "leaderboard/archive/index.html",
                     "rewards/index.html", "rules/index.html", "rule-changes/index.html", "tags/index.html", "tv/index.html",
                     "training/index.html", "cases/index.html", "cases/success/index.html", "cases/failure/index.html",
                     "news/index.html", "news/feed.xml", "sitemap.xml", "data/people.json", "theme/style.css", "theme/print.css",
                     "about/index.html", "leaderboard/2026-Q4/index.html", "leaderboard/2026-11/index.html", "leaderboard/2026/index.html"] {
            #expect(site.files[path] != nil, "\(path) is missing")
        }
        for person in run.sources.people {
            #expect(site.files["people/\(person.id)/index.html"] != nil)
            #expect(site.files["people/\(person.id)/feed.xml"] != nil)
        }
        for team in run.sources.teams { #expect(site.files["teams/\(team.id)/index.html"] != nil) }
        for rule in run.sources.rules { #expect(site.files["rules/\(rule.id)/index.html"] != nil) }
        for reward in run.sources.rewards { #expect(site.files["rewards/\(reward.id)/index.html"] != nil) }
        // A rule's explanation page is part of the rule's page, not a page of its own.
        #expect(site.files["rules/deal-won/index.html"] != nil)
        #expect(site.paths.filter { $0.hasPrefix("rules/") }.count == run.sources.rules.count + 1)
        // No page is published twice under another name, and nothing but the known kinds of file.
        for path in site.paths {
            // JavaScript only for the search page: its script and its index (docs/search.md).
            let script = path == "theme/search.js" || (path.hasPrefix(Address.search) && path.hasSuffix(".js"))
            #expect(path.hasSuffix(".html") || path.hasSuffix(".xml") || path.hasSuffix(".json") || path.hasSuffix(".css") || path.hasSuffix(".csv") || script, "\(path)")
            #expect(!path.hasPrefix("/") && !path.contains("//") && !path.contains(".."), "\(path)")
        }
    }

    @Test("(a) every internal link and image resolves to a file of the output, index.html explicit")
    func internalLinksResolve() throws {
        let site = try Self.chinese.get()
        #expect(site.htmlPaths.count > 100)
        let broken = site.brokenLinks()
        #expect(broken.isEmpty, "\(broken.count) broken links:\n\(broken.prefix(30).joined(separator: "\n"))")
        #expect(site.sitemapProblems(baseURL: "https://portal.example.internal/points/").isEmpty)
    }

    @Test("the link checker itself finds broken, folder and fragment links")
    func linkCheckerWorks() {
        var site = RenderedSite(files: [
            "index.html": Array(##"<a href="people/index.html">p</a><a href="#main">m</a><main id="main"></main>"##.utf8),
            "people/index.html": Array(##"<a href="../index.html#nope">x</a><a href="../teams/">t</a><img src="../../x.png"><a href="../gone/index.html">g</a>"##.utf8),
        ])
        #expect(site.brokenLinks().count == 4)
        site.files["people/index.html"] = Array(##"<a href='../index.html#main'>ok</a><link rel="icon" href="data:,">"##.utf8)
        #expect(site.brokenLinks() == [])
        #expect(site.externalReferences() == [])
        site.files["x.html"] = Array(#"<a href="HTTPS://x">x</a><img src=//cdn/x.png><div onclick="x()"></div><a href=" javascript:x">j</a><img src="data:image/png;base64,AA">"#.utf8)
        #expect(site.externalReferences().count == 5)
    }

    @Test("(b) no page references anything outside the portal, runs a script or has an inline handler")
    func nothingExternal() throws {
        let site = try Self.chinese.get()
        let problems = site.externalReferences()
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.prefix(30).joined(separator: "\n"))")
        // The favicon is the only data: URL, and the theme does use it on every page.
        for path in site.htmlPaths {
            let html = site.text(path) ?? ""
            #expect(html.components(separatedBy: "data:").count - 1 == 1, "\(path)")
            #expect(html.contains(#"<link rel="icon" href="data:,">"#), "\(path)")
        }
    }

    @Test("the 404 page links through base-url (a server shows it at any address); no other page does")
    func notFoundPage() throws {
        let site = try Self.chinese.get()
        let base = "https://portal.example.internal/points/"
        let links = RenderedSite.tags(site.files["404.html"] ?? []).compactMap { $0.attribute("href") }
        #expect(!links.isEmpty)
        for link in links where link != "data:," && !link.hasPrefix("#") {
            #expect(link.hasPrefix(base), "\(link)")
        }
        for path in site.htmlPaths where path != "404.html" {
            #expect(!(site.text(path) ?? "").contains(base), "\(path)")
        }
        // Without base-url the 404 page's links are relative to the portal's root.
        let plain = try RenderedSite.render(Fixture.spec.run(asOf: "2026-03-31"))
        #expect(plain.text("404.html")?.contains(#"<a class="brand" href="index.html">"#) == true)
        #expect(plain.brokenLinks() == [])
    }

    /// Links of the Atom feeds (`href` of `<link>`) resolved as a feed reader does: against
    /// the feed's own address, or under base-url.
    static func feedLinkProblems(_ site: RenderedSite, baseURL: String?) -> [String] {
        var problems: [String] = []
        for path in site.paths where path.hasSuffix("feed.xml") {
            let xml = site.text(path) ?? ""
            for match in xml.matches(of: /<link[^>]*href="([^"]*)"/) {
                let href = RenderedSite.decodeEntities(String(match.1))
                let target: String?
                if let baseURL, href.hasPrefix(baseURL) {
                    target = String(href.dropFirst(baseURL.count))
                } else if RenderedSite.isExternal(href) {
                    problems.append("\(path): \(href) is outside the portal")
                    continue
                } else {
                    target = RenderedSite.resolve(href, from: path)
                }
                if target.map({ site.files[$0] == nil }) ?? true {
                    problems.append("\(path): \(href) -> \(target ?? "outside") does not exist")
                }
            }
        }
        return problems
    }

    @Test("with base-url, every link of the Atom feeds is absolute and names a file of the portal")
    func feedLinksWithBaseURL() throws {
        let site = try Self.chinese.get()
        #expect(site.paths.filter { $0.hasSuffix("feed.xml") }.count == 32)
        let problems = Self.feedLinkProblems(site, baseURL: "https://portal.example.internal/points/")
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    @Test("without base-url, the links of the Atom feeds resolve from the feed's own address")
    func feedLinksWithoutBaseURL() throws {
        let fixture = Fixture.spec
            .ledger("2026-01-05 earn zhang-wei deal-won amount:250000 id:crm-1\n")
            .with("pages/news/launch.md", "---\ntitle: Launch\ndate: 2026-01-02\n---\nThe portal is open.\n")
        let site = try RenderedSite.render(fixture.run(asOf: "2026-03-31"))
        #expect(site.baseURL == nil)
        let problems = Self.feedLinkProblems(site, baseURL: nil)
        // Without base-url, feed links are relative to the feed, as feed readers resolve them.
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("page summaries in lists drop Markdown markup but keep the text's own characters")
    func summaries() throws {
        let fixture = Fixture.spec.with("pages/news/a.md", """
        ---
        title: A
        date: 2026-01-02
        ---
        **Bold** and [a rule](rule:deal-won) and `code`.

        Second paragraph.
        """).with("pages/news/b.md", """
        ---
        title: B
        date: 2026-01-03
        ---
        Win rate > 30% with C# tools, snake_case names and 5 * 3 [sic].
        """)
        let site = try RenderedSite.render(fixture.run(asOf: "2026-03-31"))
        let news = try #require(site.text("news/index.html"))
        #expect(news.contains("<p class=\"item-summary\">Bold and a rule and code.</p>"))
        #expect(news.contains("<p class=\"item-summary\">Win rate &gt; 30% with C# tools, snake_case names and 5 * 3 [sic].</p>"))
    }

    @Test("(c) every page has exactly one <h1>, one <main> and <html lang=\"zh-CN\">")
    func pageStructure() throws {
        let site = try Self.chinese.get()
        let problems = site.structureProblems(lang: "zh-CN")
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.prefix(30).joined(separator: "\n"))")
    }

    @Test("(d) data/people.json is PeopleExport's output, byte for byte")
    func peopleExport() throws {
        let run = try Self.demoRun()
        let book = try #require(run.book)
        let site = try Self.chinese.get()
        #expect(site.files["data/people.json"] == Array(PeopleExport.json(run.sources, book).utf8))
        // And what SiteRenderer gives without a theme.
        #expect(SiteRenderer.render(run).first?.bytes == site.files["data/people.json"])
        let decoded = try JSONDecoder().decode(ExportedPeople.self, from: Data(site.files["data/people.json"] ?? []))
        #expect(decoded.asOf == "2026-11-29")
        #expect(decoded.period == "2026-Q4")
        #expect(decoded.people.map(\.id) == run.sources.people.map(\.id).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test("(e) the same build twice gives the same bytes, and so do 1 and 2 jobs")
    func deterministic() throws {
        // One theme for every build: the files on disk may change while the tests run.
        let theme = try RenderedSite.defaultTheme(.zhCN)
        func build(jobs: Int) throws -> RenderedSite {
            RenderedSite(try SiteRenderer.render(try Self.demoRun(), theme: theme, jobs: jobs))
        }
        let first = try build(jobs: 2)
        let again = try build(jobs: 2)
        let single = try build(jobs: 1)
        let many = try build(jobs: 5)
        for other in [again, single, many] {
            #expect(other.paths == first.paths)
            let differing = first.paths.filter { first.files[$0] != other.files[$0] }
            #expect(differing.isEmpty, "differ: \(differing.prefix(10))")
        }
    }

    @Test("(f) in English everything renders with lang=\"en\", links resolve and nothing is external")
    func english() throws {
        let run = try Self.demoRun(locale: "en")
        #expect(run.diagnostics.map(\.description) == [])
        #expect(run.sources.settings.locale == .en)
        let site = try Self.english.get()
        let chinese = try Self.chinese.get()
        #expect(site.paths == chinese.paths)
        let structure = site.structureProblems(lang: "en")
        #expect(structure.isEmpty, "\(structure.prefix(30).joined(separator: "\n"))")
        let broken = site.brokenLinks()
        #expect(broken.isEmpty, "\(broken.prefix(30).joined(separator: "\n"))")
        let external = site.externalReferences()
        #expect(external.isEmpty, "\(external.prefix(30).joined(separator: "\n"))")
        for path in site.htmlPaths {
            let html = site.text(path) ?? ""
            #expect(html.contains("<html lang=\"en\">"), "\(path)")
            #expect(html.contains("Nov 29, 2026"), "\(path)")
        }
        // Theme strings, days and periods are English: apart from the portal's own title (and
        // content, which stays as written) the 404 page and the archive have no Chinese.
        let title = run.sources.settings.title
        for path in ["404.html", "leaderboard/archive/index.html", "tags/index.html"] {
            let html = (site.text(path) ?? "").replacingOccurrences(of: title, with: "")
            let chinese = html.unicodeScalars.filter { (0x4E00...0x9FFF).contains($0.value) || (0x3000...0x303F).contains($0.value) }
            #expect(chinese.isEmpty, "\(path): \(chinese.prefix(40).map { String($0) }.joined())")
        }
        let home = site.text("index.html") ?? ""
        #expect(home.contains("Data as of <strong>Nov 29, 2026</strong>"))
        #expect(home.contains("Q4 2026"))
        #expect(home.contains("Nov 2026"))
        let board = site.text("leaderboard/index.html") ?? ""
        #expect(board.contains("<h1>Q4 2026 Leaderboard</h1>"))
        // The export does not depend on the locale.
        #expect(site.files["data/people.json"] == chinese.files["data/people.json"])
    }

    @Test("pages are all reachable by following links from the home page")
    func reachable() throws {
        let site = try Self.chinese.get()
        var seen: Set<String> = ["index.html"]
        var queue = ["index.html"]
        while let path = queue.popLast() {
            for tag in RenderedSite.tags(site.files[path] ?? []) {
                for (name, value) in tag.attributes where (name == "href" || name == "src") && !RenderedSite.isExternal(value) {
                    let target = String(value.split(separator: "#", omittingEmptySubsequences: false).first ?? "")
                    guard !target.isEmpty, let file = RenderedSite.resolve(target, from: path), site.files[file] != nil,
                          !seen.contains(file) else { continue }
                    seen.insert(file)
                    if file.hasSuffix(".html") { queue.append(file) }
                }
            }
        }
        let orphans = site.htmlPaths.filter { !seen.contains($0) && $0 != "404.html" }
        #expect(orphans.isEmpty, "pages no link reaches: \(orphans)")
    }
}

@Suite("Leaderboards: only the places shown are sorted")
struct BoardSelectionTests {
    @Test("the k-th largest score agrees with sorting, with ties, runs and negative scores")
    func kthLargest() {
        var generator = PropRNG(seed: 7)
        for round in 0..<400 {
            let n = 1 + Int(generator.next() % 300)
            let spread = [3, 50, 1_000_000][round % 3]
            var values = (0..<n).map { _ in Int64(generator.next() % UInt64(spread)) - Int64(spread / 3) }
            if round % 7 == 0 { values.sort() }
            if round % 11 == 0 { values.sort(by: >) }
            let sorted = values.sorted(by: >)
            for k in [1, 2, n / 2 + 1, n].filter({ $0 >= 1 && $0 <= n }) {
                var copy = values
                #expect(Board.largest(k, in: &copy) == sorted[k - 1], "n \(n) k \(k)")
                #expect(copy.sorted() == values.sorted())
            }
        }
    }
}

@Suite("Person page history order")
struct HistoryOrderTests {
    @Test("newest first across 1970 and across centuries; a target bonus before its day's entries")
    func newestFirst() throws {
        let run = Fixture.spec.ledger("""
            1969-12-31 award li-na 5 by:zhang-wei "before 1970"
            1970-01-01 award li-na 6 by:zhang-wei "the epoch"
            2026-01-05 award li-na 7 by:zhang-wei "this year"
            2026-01-05 award li-na 8 by:zhang-wei "same day, later line"
            """).run(asOf: "2026-06-30")
        #expect(!run.hasErrors, "\(run.diagnostics)")
        let site = RenderedSite(try SiteRenderer.render(run, theme: RenderedSite.defaultTheme(.zhCN)))
        let html = try #require(site.text("people/li-na/index.html"))
        let order = ["same day, later line", "this year", "the epoch", "before 1970"].map { memo in
            html.range(of: memo).map { html.distance(from: html.startIndex, to: $0.lowerBound) } ?? -1
        }
        #expect(order.allSatisfy { $0 >= 0 }, "\(order)")
        #expect(order == order.sorted(), "\(order)")
    }
}
