import Foundation
import LaurelServe
import LaurelSite
import LaurelSources
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `laurel serve` (docs/serve.md): the path resolver, content types, the error page, the
/// reload script, and a real session on an ephemeral port of 127.0.0.1 that rebuilds after an
/// edit. Waits are generous (a loaded two-core machine): each polls until it holds or 90 s pass.
@Suite("Serve: the live preview", .serialized)
struct ServeTests {
    // MARK: the path resolver

    @Test("paths that climb out of the built site or hide a separator are refused", arguments: [
        "/..", "/../etc/passwd", "/people/../../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E/x", "/.%2e/x", "/%2e/x",
        "/a%2fb", "/a%2F..%2F..%2Fetc", "/..%5c..%5cetc", "/a\\b", "/a%5cb", "/a%00b", "/a%0ab", "/%ff", "/a%zz",
        "/a%", "/.git/config", "/people/.hidden", "relative", "",
    ])
    func refused(_ raw: String) {
        #expect(RequestPath.resolve(raw) == .refused)
    }

    @Test("paths of the site map to its files; folders to index.html")
    func resolved() {
        #expect(RequestPath.resolve("/") == .file("index.html"))
        #expect(RequestPath.resolve("/people/li-na/") == .file("people/li-na/index.html"))
        #expect(RequestPath.resolve("/people/li-na") == .file("people/li-na"))
        #expect(RequestPath.resolve("/theme/style.css") == .file("theme/style.css"))
        #expect(RequestPath.resolve("//theme//style.css") == .file("theme/style.css"))
        #expect(RequestPath.resolve("/tags/%E6%96%B0%E5%AE%A2%E6%88%B7/") == .file("tags/新客户/index.html"))
        #expect(RequestPath.resolve("/a..b/c.d") == .file("a..b/c.d"))
    }

    @Test("content types carry the charset of text files")
    func contentTypes() {
        let expected = [
            "index.html": "text/html; charset=utf-8", "theme/style.css": "text/css; charset=utf-8",
            "theme/search.js": "text/javascript; charset=utf-8", "theme/logo.svg": "image/svg+xml; charset=utf-8",
            "sitemap.xml": "application/xml; charset=utf-8", "data/people.json": "application/json; charset=utf-8",
            "people/li-na/history.csv": "text/csv; charset=utf-8", "assets/a.png": "image/png", "assets/b.JPG": "image/jpeg",
            "assets/c.jpeg": "image/jpeg", "assets/d.gif": "image/gif", "assets/e.webp": "image/webp", "favicon.ico": "image/x-icon",
            "theme/f.woff2": "font/woff2", "theme/f.woff": "font/woff", "theme/f.ttf": "font/ttf", "assets/noextension": "application/octet-stream",
        ]
        for (path, type) in expected { #expect(ContentType.of(path) == type, "\(path)") }
    }

    // MARK: served pages

    @Test("the error page escapes what it quotes: markup, quotes, bidi overrides, control characters")
    func errorPageEscapes() {
        let hostile = Diagnostic(path: "Content/pages/news/x.md", line: 2, column: 8,
                                 message: "expected a date, found '<script>alert(\"x\")</script>' \u{202E}gnp.exe\u{1B}[31m & more")
        let page = ServedPages.errorPage([hostile])
        #expect(!page.contains("<script"))
        #expect(page.contains("Content/pages/news/x.md:2:8: error: expected a date, found &#39;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;"))
        #expect(page.contains("U+202Egnp.exe") && page.contains("U+001B[31m") && page.contains("&amp; more"))
        #expect(!page.contains("\u{202E}") && !page.contains("\u{1B}"))
    }

    @Test("the reload script goes before the last </body>, with the page's path safely quoted")
    func injection() {
        let html = Array("<html><body><p>x</p></body></html>\n".utf8)
        let out = String(decoding: ServedPages.inject(html, path: "tags/新</script>/index.html", hash: "00ff"), as: UTF8.self)
        #expect(out == "<html><body><p>x</p><script id=\"\(ServedPages.scriptMarker)\" src=\"/__laurel/reload.js\" "
                + "data-path=\"tags/新&lt;/script&gt;/index.html\" data-since=\"00ff\"></script></body></html>\n",
                "the path is escaped: it cannot close the element early")
        let bare = String(decoding: ServedPages.inject(Array("no body".utf8), path: "x", hash: "1"), as: UTF8.self)
        #expect(bare.hasPrefix("no body<script"))
    }

    @Test("built output never has the reload script; only what serve answers does")
    func builtOutputHasNoReloadScript() throws {
        let sandbox = try Sandbox()
        let run = PortalRun.check(try SourceTree.read(folder: sandbox.content), asOf: .day(try #require(Day(ServeTests.asOf))))
        let theme = try #require(Theme.load(themes: sandbox.themes, name: "default", locale: run.sources.settings.locale).0)
        let files = try SiteRenderer.render(run, theme: theme)
        #expect(files.count > 100)
        for file in files {
            #expect(!String(decoding: file.bytes, as: UTF8.self).contains("__laurel"), "\(file.path)")
            #expect(!String(decoding: file.bytes, as: UTF8.self).contains(ServedPages.scriptMarker), "\(file.path)")
        }
    }

    @Test("while the sources have errors, HTML and missing paths answer the error page; other files stay")
    func answers() throws {
        let site = LiveSite()
        ServeTests.fill(site, ["index.html": "<html><body>home</body></html>", "tags/新客户/index.html": "<p>tag</p>",
                               "theme/style.css": "body{}", Address.notFound: "<p>portal 404</p>"])
        #expect(site.answer(.file("index.html")).status == 200)
        let folder = site.answer(RequestPath.resolve("/tags/%E6%96%B0%E5%AE%A2%E6%88%B7"))
        #expect(folder.status == 301 && folder.location == "/tags/%E6%96%B0%E5%AE%A2%E6%88%B7/")
        let missing = site.answer(.file("nope/index.html"))
        #expect(missing.status == 404 && String(decoding: missing.body, as: UTF8.self) == "<p>portal 404</p>")
        #expect(site.answer(.refused).status == 403)
        site.fail([Diagnostic(path: "Content/ledger/a.ledger", line: 3, column: 1, message: "unknown person 'x'")])
        for path in ["index.html", "tags/新客户/index.html", "nope/index.html", "nope.png"] {
            let answer = site.answer(.file(path))
            #expect(answer.status == 500 && String(decoding: answer.body, as: UTF8.self).contains("Content/ledger/a.ledger:3:1: error: unknown person &#39;x&#39;"), "\(path)")
        }
        #expect(site.answer(.file("theme/style.css")).status == 200, "the theme's CSS is still served")
        ServeTests.fill(site, ["index.html": "<html><body>home again</body></html>"])
        #expect(site.answer(.file("index.html")).status == 200)
        #expect(site.answer(.file("theme/style.css")).status == 404, "a full render's files replace the old set")
    }

    /// Fills a live site as a whole-portal render does: each file in place, then done.
    static func fill(_ site: LiveSite, _ files: [String: String]) {
        for (path, text) in files { site.put(path, Array(text.utf8)) }
        site.finish(written: Set(files.keys))
    }

    // MARK: pages alone read again

    @Test("reading pages/ again after an edit gives what a full check gives, and renders the same bytes")
    func replacingPagesMatchesFullCheck() throws {
        let base = Fixture.spec.with("pages/training/call.md", """
            ---
            title: First call
            tags: [sales]
            rules: [deal-won]
            ---
            See [the other](page:news/other).
            """).with("pages/news/other.md", "---\ntitle: Other\ndate: 2025-02-01\n---\nText.\n")
        let before = base.run(asOf: "2025-03-31")
        let edits: [Fixture] = [
            base.with("pages/training/call.md", "---\ntitle: \"Renamed <b>\"\ntags: [sales, new]\n---\nNo link now.\n"),
            base.with("pages/training/call.md", "---\ntitle: Broken\ndate: 2025-13-01\n---\n"),
            base.without("pages/news/other.md"),
            base.with("pages/rules/deal-won.md", "---\ntitle: Deal won explained\n---\nWhy.\n"),
        ]
        let pagesOf = { (f: Fixture) in SourceTree(label: f.label, files: f.tree.files.filter { $0.key.hasPrefix("pages/") }) }
        let theme = try RenderedSite.defaultTheme(.zhCN)
        // The score table and leaderboards kept from the render before the edit.
        let cache = PointsRenderCache()
        _ = try SiteBuilder.build(before, theme: theme, contentAssets: [:], jobs: 2, sink: MemorySink(), cache: cache)
        for edited in edits {
            let full = edited.run(asOf: "2025-03-31")
            let quick = before.replacingPages(pagesOf(edited), previous: pagesOf(base))
            #expect(quick.diagnostics == full.diagnostics)
            #expect(quick.sources.pages.map(\.path) == full.sources.pages.map(\.path))
            #expect(quick.sources.pages.map(\.title) == full.sources.pages.map(\.title))
            guard !full.hasErrors else { continue }
            let quickSink = MemorySink()
            _ = try SiteBuilder.build(quick, theme: theme, contentAssets: [:], jobs: 2, sink: quickSink, cache: cache)
            let a = quickSink.files, b = Dictionary(uniqueKeysWithValues: try SiteRenderer.render(full, theme: theme).map { ($0.path, $0.bytes) })
            #expect(a.keys.sorted() == b.keys.sorted())
            for (path, bytes) in b { #expect(a[path] == bytes, "\(path)") }
            // A render of chosen paths gives those files alone, with the same bytes.
            let some = MemorySink()
            let chosen: Set<String> = ["index.html", "training/call/index.html", "people/li-na/index.html"]
            _ = try SiteBuilder.build(quick, theme: theme, contentAssets: [:], jobs: 2, sink: some, only: { chosen.contains($0) }, cache: cache)
            #expect(Set(some.files.keys).isSuperset(of: chosen.intersection(b.keys)))
            #expect(some.files.keys.allSatisfy { chosen.contains($0) || $0.hasPrefix("people/li-na/") })
            for (path, bytes) in some.files { #expect(b[path] == bytes, "\(path)") }
        }
    }

    // MARK: the watcher

    @Test("the watcher reports a saved file, with inotify and by polling", arguments: [false, true])
    func watcher(polling: Bool) async throws {
        let sandbox = try Sandbox()
        let watcher = Watcher(roots: [Watcher.Root(folder: sandbox.content, name: "content"), Watcher.Root(folder: sandbox.themes + "/default", name: "theme")],
                              polling: polling)
        #expect(watcher.usesInotify == !polling)
        let seen = Seen()
        let loop = Task.detached {
            while !watcher.isStopped { seen.add(watcher.next()) }
        }
        defer { watcher.stop() }
        let content = { (path: String) in Watcher.Change(root: "content", path: path) }
        try sandbox.edit("pages/training/first-call.md") { $0 + "\nOne more line.\n" }
        FileManager.default.createFile(atPath: sandbox.content + "/pages/.swap.md", contents: Data("x".utf8))
        try await eventually { seen.contains(content("pages/training/first-call.md")) }
        try FileManager.default.createDirectory(atPath: sandbox.content + "/pages/new-folder", withIntermediateDirectories: true)
        // inotify reports the new folder (and watches it from then on); polling sees files only.
        if !polling { try await eventually { seen.contains(content("pages/new-folder")) } }
        FileManager.default.createFile(atPath: sandbox.content + "/pages/new-folder/page.md", contents: Data("---\ntitle: New\n---\n".utf8))
        try await eventually { seen.contains(content("pages/new-folder/page.md")) }
        let themeFile = sandbox.themes + "/default/static/style.css"
        try Data((try String(contentsOfFile: themeFile, encoding: .utf8) + "\n/* edited */\n").utf8).write(to: URL(fileURLWithPath: themeFile))
        try await eventually { seen.contains(Watcher.Change(root: "theme", path: "static/style.css")) }
        #expect(!seen.all.contains { $0.path.contains(".swap") }, "hidden files are not changes")
        watcher.stop()
        await loop.value
        #expect(watcher.next().isEmpty, "a stopped watcher returns at once")
    }

    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var changes = Set<Watcher.Change>()
        func add(_ more: Set<Watcher.Change>) { lock.withLock { changes.formUnion(more) } }
        func contains(_ change: Watcher.Change) -> Bool { lock.withLock { changes.contains(change) } }
        var all: Set<Watcher.Change> { lock.withLock { changes } }
    }

    // MARK: rebuilds

    @Test("page edits re-read pages alone, other edits check everything, and a render given up is done again")
    func rebuildKinds() throws {
        let sandbox = try Sandbox()
        let site = LiveSite()
        let preview = Preview(settings: sandbox.settings, site: site, say: { _ in })
        let newer = Switch(true)
        preview.superseded = { newer.on }
        #expect(preview.buildAll().allSeconds == nil, "given up: a newer change is waiting")
        #expect(site.file("index.html") == nil)
        newer.on = false
        // vim's test file, created and deleted before serve looks: nothing to read, but the
        // render given up for it is done now.
        let nothing = preview.apply([Watcher.Change(root: "content", path: "pages/training/4913")])
        #expect(nothing.allSeconds != nil)
        #expect(site.file("index.html") != nil)
        #expect(preview.apply([Watcher.Change(root: "content", path: "pages/training/4913")]).kind == .nothing)

        try sandbox.edit("pages/training/first-call.md") { $0.replacingOccurrences(of: "title: 第一次电话拜访", with: "title: 改过的标题") }
        let page = preview.apply([Watcher.Change(root: "content", path: "pages/training/first-call.md")])
        #expect(page.kind == .pages && page.errors == 0)
        #expect(page.firstFiles >= 1, "the edited page is rendered first")
        #expect(String(decoding: site.file("training/first-call/index.html") ?? [], as: UTF8.self).contains("改过的标题"))
        #expect(String(decoding: site.file("training/index.html") ?? [], as: UTF8.self).contains("改过的标题"))

        let ledger = preview.apply([Watcher.Change(root: "content", path: "ledger/2025/2025-Q1.ledger")])
        #expect(ledger.kind == .full)
        let theme = preview.apply([Watcher.Change(root: "theme", path: "templates/page.mustache")])
        #expect(theme.kind == .full)
    }

    final class Switch: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Bool
        init(_ value: Bool) { self.value = value }
        var on: Bool {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    // MARK: a real session

    @Test("a session serves the portal over HTTP and refuses escapes on the wire")
    func servesOverHTTP() async throws {
        let sandbox = try Sandbox()
        // A link out of the content folder: SourceTree does not follow it, so it is not served.
        try FileManager.default.createDirectory(atPath: sandbox.content + "/assets", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: sandbox.root + "/secret.txt", contents: Data("TOP-SECRET-BYTES".utf8))
        try FileManager.default.createSymbolicLink(atPath: sandbox.content + "/assets/secret.txt", withDestinationPath: sandbox.root + "/secret.txt")
        FileManager.default.createFile(atPath: sandbox.content + "/assets/logo.png", contents: Data([0x89, 0x50, 0x4E, 0x47]))
        let session = try sandbox.session()
        let port = try await session.start()
        defer { Task { await session.stop() } }

        let home = try HTTP.get(port, "/")
        #expect(home.status == 200)
        #expect(home.header("content-type") == "text/html; charset=utf-8")
        #expect(home.body.contains("id=\"\(ServedPages.scriptMarker)\""))
        let script = try HTTP.get(port, ServedPages.scriptEndpoint)
        #expect(script.status == 200 && script.header("content-type") == "text/javascript; charset=utf-8")
        #expect(script.body.contains(ServedPages.changesEndpoint) && script.body.contains("location.reload()"))
        let css = try HTTP.get(port, "/theme/style.css")
        #expect(css.status == 200 && css.header("content-type") == "text/css; charset=utf-8")
        #expect(!css.body.contains(ServedPages.scriptMarker))
        #expect(try HTTP.get(port, "/assets/logo.png").header("content-type") == "image/png")
        #expect(try HTTP.get(port, "/sitemap.xml").header("content-type") == "application/xml; charset=utf-8")
        #expect(try HTTP.get(port, "/data/people.json").header("content-type") == "application/json; charset=utf-8")
        let folder = try HTTP.get(port, "/people")
        #expect(folder.status == 301 && folder.header("location") == "/people/")
        #expect(try HTTP.get(port, "/people/").status == 200)
        let missing = try HTTP.get(port, "/no/such/page/")
        #expect(missing.status == 404 && missing.header("content-type") == "text/html; charset=utf-8")
        for raw in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/theme/..%2f..%2fetc/passwd", "/..\\..\\etc\\passwd", "/a%00.html"] {
            let answer = try HTTP.get(port, raw)
            #expect(answer.status == 403 || answer.status == 400, "\(raw): \(answer.status)")
            #expect(!answer.body.contains("root:"), "\(raw)")
        }
        let link = try HTTP.get(port, "/assets/secret.txt")
        #expect(link.status == 404 && !link.body.contains("TOP-SECRET-BYTES"))
        #expect(try HTTP.request(port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").status == 405)
    }

    @Test("after an edit the page is rebuilt and its reload request answers; errors replace every page until fixed")
    func rebuildsAfterEdits() async throws {
        let sandbox = try Sandbox()
        let session = try sandbox.session()
        let port = try await session.start()
        defer { Task { await session.stop() } }
        let page = "/training/first-call/"
        let first = try HTTP.get(port, page)
        #expect(first.status == 200)
        let hash = try #require(first.body.range(of: "data-since=\"").map { String(first.body[$0.upperBound...].prefix(16)) })

        // The reload script's request is held open until the page changes.
        let waiting = Task.detached { try HTTP.get(port, "/__laurel/changes?path=training/first-call/index.html&since=\(hash)") }
        try sandbox.edit("pages/training/first-call.md") { $0.replacingOccurrences(of: "title: 第一次电话拜访", with: "title: 第一次电话拜访（新版）") }
        #expect(try await waiting.value.body == "reload\n")
        try await eventually { try HTTP.get(port, page).body.contains("第一次电话拜访（新版）") }
        // The section's list follows with the rest of the portal.
        try await eventually { try HTTP.get(port, "/training/").body.contains("第一次电话拜访（新版）") }

        // A hostile value that breaks the page: every page shows the error, escaped.
        try sandbox.edit("pages/training/first-call.md") { $0.replacingOccurrences(of: "date: 2025-01-06", with: "date: \"<script>alert(1)</script>\"") }
        try await eventually { try HTTP.get(port, "/").status == 500 }
        let broken = try HTTP.get(port, "/rules/")
        #expect(broken.status == 500)
        #expect(broken.body.contains("first-call.md:"))
        #expect(broken.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!broken.body.contains("<script>alert"))
        #expect(broken.body.contains(ServedPages.scriptMarker), "the error page reloads itself when fixed")
        #expect(try HTTP.get(port, "/theme/style.css").status == 200, "the theme's files are still served")

        // Fixed: the portal comes back.
        try sandbox.edit("pages/training/first-call.md") { $0.replacingOccurrences(of: "date: \"<script>alert(1)</script>\"", with: "date: 2025-01-06") }
        try await eventually { try HTTP.get(port, "/rules/").status == 200 }
        #expect(try HTTP.get(port, page).body.contains("第一次电话拜访（新版）"))

        // A ledger edit is a full check: an error in it shows, its fix brings the pages back.
        let ledger = "ledger/2025/2025-Q1.ledger"
        try sandbox.edit(ledger) { $0 + "2025-03-31 earn nobody training id:serve-test-1\n" }
        try await eventually { try HTTP.get(port, page).status == 500 }
        #expect(try HTTP.get(port, page).body.contains("2025-Q1.ledger:"))
        try sandbox.edit(ledger) { $0.replacingOccurrences(of: "2025-03-31 earn nobody training id:serve-test-1\n", with: "") }
        try await eventually { try HTTP.get(port, page).status == 200 }
    }

    @Test("a second session on a busy port is refused with a clear error")
    func busyPortInProcess() async throws {
        let sandbox = try Sandbox()
        let session = try sandbox.session()
        let port = try await session.start()
        defer { Task { await session.stop() } }
        #expect {
            _ = try ServeSession(settings: sandbox.settings, host: "127.0.0.1", port: port, say: { _ in })
        } throws: { error in
            "\(error)".contains("port \(port) on 127.0.0.1 is already in use")
        }
    }

    @Test("laurel serve: a busy port exits 2 with a clear message; SIGINT and SIGTERM stop it with 0")
    func commandLine() throws {
        let sandbox = try Sandbox()
        let binary = try LaurelBinary.path.get()
        let log = sandbox.root + "/serve.out"
        let running = try Subprocess(binary, ["serve", "--content", sandbox.content, "--themes", sandbox.themes, "--as-of", ServeTests.asOf, "--port", "0"], output: log)
        var port: UInt16 = 0
        try waitFor {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            guard let r = text.range(of: "http://127.0.0.1:") else { return false }
            port = UInt16(text[r.upperBound...].prefix { $0.isNumber }) ?? 0
            return port != 0
        }
        #expect(try HTTP.get(port, "/").status == 200)
        let second = try Subprocess(binary, ["serve", "--content", sandbox.content, "--themes", sandbox.themes, "--port", String(port)], output: sandbox.root + "/second.out")
        #expect(second.wait() == 2)
        let message = (try? String(contentsOfFile: sandbox.root + "/second.out", encoding: .utf8)) ?? ""
        #expect(message.contains("port \(port) on 127.0.0.1 is already in use"), "\(message)")
        running.signal(SIGINT)
        #expect(running.wait() == 0)
        let again = try Subprocess(binary, ["serve", "--content", sandbox.content, "--themes", sandbox.themes, "--as-of", ServeTests.asOf, "--port", String(port)], output: sandbox.root + "/again.out")
        try waitFor { ((try? String(contentsOfFile: sandbox.root + "/again.out", encoding: .utf8)) ?? "").contains("serving") }
        again.signal(SIGTERM)
        #expect(again.wait() == 0)
    }

    // MARK: support

    static let asOf = "2025-03-31"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// A scratch copy of the demo with only its 2025-Q1 ledger, and of the themes.
    final class Sandbox {
        let root: String
        var content: String { root + "/content" }
        var themes: String { root + "/themes" }
        var settings: PreviewSettings {
            PreviewSettings(content: content, themes: themes, theme: "default", asOf: Day(ServeTests.asOf), jobs: 2, firstPassPeople: 0)
        }

        init() throws {
            let fm = FileManager.default
            root = fm.temporaryDirectory.appendingPathComponent("laurel-serve-" + UUID().uuidString).path
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
            try fm.copyItem(atPath: ServeTests.repository + "/Content", toPath: content)
            try fm.copyItem(atPath: ServeTests.repository + "/Themes", toPath: themes)
            for path in try fm.subpathsOfDirectory(atPath: content + "/ledger") where path.hasSuffix(".ledger") && path != "2025/2025-Q1.ledger" {
                try fm.removeItem(atPath: content + "/ledger/" + path)
            }
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func session() throws -> ServeSession {
            try ServeSession(settings: settings, host: "127.0.0.1", port: 0, say: { _ in })
        }

        /// Rewrites a content file the way an editor saves: a new file renamed over the old.
        func edit(_ path: String, _ change: (String) -> String) throws {
            let full = content + "/" + path
            let text = try String(contentsOfFile: full, encoding: .utf8)
            let changed = change(text)
            precondition(changed != text, "the edit of \(path) changes nothing")
            try Data(changed.utf8).write(to: URL(fileURLWithPath: full), options: .atomic)
        }
    }

    /// A child process with its output in a file.
    final class Subprocess {
        let process = Process()
        init(_ binary: String, _ arguments: [String], output: String) throws {
            FileManager.default.createFile(atPath: output, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            try handle.close()
        }
        func signal(_ number: Int32) { kill(process.processIdentifier, number) }
        func wait() -> Int32 {
            let deadline = Date().addingTimeInterval(90)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { process.terminate(); process.waitUntilExit(); return -1 }
            return process.terminationStatus
        }
        deinit { if process.isRunning { process.terminate() } }
    }

    /// A plain HTTP/1.1 client over a socket: sends paths exactly as written (`..` and all).
    enum HTTP {
        struct Answer {
            let status: Int
            let headers: [String: String]
            let body: String
            func header(_ name: String) -> String? { headers[name.lowercased()] }
        }

        static func get(_ port: UInt16, _ path: String) throws -> Answer {
            try request(port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        }

        struct Failure: Error { let what: String }

        static func request(_ port: UInt16, _ text: String) throws -> Answer {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(what: "socket") }
            defer { close(fd) }
            var timeout = timeval(tv_sec: 90, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw Failure(what: "connect to \(port): \(errno)") }
            let bytes = Array(text.utf8)
            guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw Failure(what: "send") }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { break }
                received += buffer[..<n]
            }
            guard let split = received.indices.first(where: { received[$0...].starts(with: [13, 10, 13, 10]) }) else {
                throw Failure(what: "no answer to \(text.prefix(40))")
            }
            let head = String(decoding: received[..<split], as: UTF8.self).components(separatedBy: "\r\n")
            let status = Int(head[0].split(separator: " ").dropFirst().first ?? "") ?? 0
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return Answer(status: status, headers: headers, body: String(decoding: received[(split + 4)...], as: UTF8.self))
        }
    }
}

/// Polls `condition` until it holds, or fails after 90 s.
func eventually(_ condition: () throws -> Bool, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
    let deadline = Date().addingTimeInterval(90)
    while Date() < deadline {
        if (try? condition()) == true { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("still not so after 90 s", sourceLocation: sourceLocation)
    throw CancellationError()
}

func waitFor(_ condition: () throws -> Bool, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let deadline = Date().addingTimeInterval(90)
    while Date() < deadline {
        if (try? condition()) == true { return }
        Thread.sleep(forTimeInterval: 0.05)
    }
    Issue.record("still not so after 90 s", sourceLocation: sourceLocation)
    throw CancellationError()
}
