import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LaurelSite
import LaurelSources

/// What `laurel serve` builds from.
public struct PreviewSettings: Sendable {
    public var content: String
    public var themes: String
    public var theme: String
    /// The day to compute for; nil is today in portal.yaml's time zone, at each rebuild.
    public var asOf: Day?
    public var jobs: Int
    public var audience: Audience
    /// From this many people on, the pages someone is looking at (and the edited page) are
    /// rendered first and served before the rest of the portal is rendered.
    public var firstPassPeople: Int
    /// Print only problems, not what each rebuild did.
    public var quiet = false

    public init(content: String = "Content", themes: String = "Themes", theme: String = "default", asOf: Day? = nil,
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, audience: Audience = .staff, firstPassPeople: Int = 1000) {
        self.content = content
        self.themes = themes
        self.theme = theme
        self.asOf = asOf
        self.jobs = jobs
        self.audience = audience
        self.firstPassPeople = firstPassPeople
    }
}

/// Builds the portal in memory for `laurel serve` and rebuilds it after changes. It keeps the
/// checked sources and the computed points: an edit of Markdown pages alone reads those pages
/// again and renders without reading the ledger or computing a figure; any other change is a
/// full check. Either way the pages someone is looking at are rendered and served first on a
/// large portal, then every page. Used from one thread at a time.
public final class Preview: @unchecked Sendable {
    public let settings: PreviewSettings
    public let site: LiveSite
    /// Lines for the terminal.
    private let say: @Sendable (String) -> Void
    /// The files the open pages show (their reload scripts are waiting): rendered first.
    public var looking: @Sendable () -> Set<String> = { [] }
    /// Whether a newer change is waiting: a full render then stops early and is done again.
    public var superseded: @Sendable () -> Bool = { false }

    private var run: PortalRun?
    /// The files under pages/ the run was made from.
    private var pagesTree = SourceTree(files: [:])
    private var theme: Theme?
    private var themeProblems: [Diagnostic] = []
    private var assets: [String: [UInt8]] = [:]
    /// The score table and leaderboards of the run's points: kept while only pages change.
    private var cache = PointsRenderCache()
    /// Content files as of the last read (a deleted file that was never read is an editor's
    /// temporary file, and changes nothing).
    private var known: Set<String> = []
    /// Whether the last render of the whole portal was given up for a newer change.
    private var interrupted = false
    private var lastPrinted: [Diagnostic] = []

    public init(settings: PreviewSettings, site: LiveSite, say: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.site = site
        self.say = say
    }

    /// How one build went, for the terminal and the benchmark.
    public struct Outcome: Sendable {
        public enum Kind: String, Sendable { case full, pages, nothing }
        public var kind: Kind
        /// Reading, checking and computing (full), or reading the edited pages again.
        public var modelSeconds = 0.0
        /// The first pass (the pages being looked at), when there was one.
        public var firstSeconds: Double?
        public var firstFiles = 0
        /// Every page.
        public var allSeconds: Double?
        public var errors = 0
        public var files = 0
    }

    /// Reads, checks, computes and renders everything.
    @discardableResult
    public func buildAll() -> Outcome {
        var outcome = Outcome(kind: .full)
        let clock = ContinuousClock()
        let start = clock.now
        let tree: SourceTree
        do {
            tree = try SourceTree.read(folder: settings.content)
        } catch {
            run = nil
            let problem = Diagnostic(path: settings.content, line: 1, column: 1, message: "\(error)")
            report([problem])
            site.fail([problem])
            outcome.errors = 1
            return outcome
        }
        // The previous sources and points are not needed any more: free them before the check
        // makes new ones (a quarter of a gigabyte at 10,000 people).
        run = nil
        cache = PointsRenderCache()
        known = Set(tree.files.keys)
        pagesTree = SourceTree(label: tree.label, files: tree.files.filter { $0.key.hasPrefix("pages/") })
        assets = tree.assets
        let checked = PortalRun.check(consume tree, asOf: settings.asOf.map { .day($0) } ?? .today(Date()), jobs: settings.jobs)
        let (theme, themeProblems) = Theme.load(themes: settings.themes, name: settings.theme, locale: checked.sources.settings.locale)
        self.theme = theme
        self.themeProblems = themeProblems
        run = checked
        outcome.modelSeconds = seconds(clock.now - start)
        publish(first: [], &outcome)
        summarize(outcome)
        return outcome
    }

    /// Rebuilds after `changes`: the pages alone when only Markdown pages changed and the
    /// sources were read before, otherwise everything.
    @discardableResult
    public func apply(_ changes: Set<Watcher.Change>) -> Outcome {
        var pages: [String] = []
        var full = false
        for change in changes.sorted(by: { ($0.root, $0.path) < ($1.root, $1.path) }) {
            guard change.root == "content" else { full = true; continue }
            let path = change.path
            var info = stat()
            let exists = lstat(settings.content + "/" + path, &info) == 0
            let isFile = exists && (info.st_mode & S_IFMT) == S_IFREG
            if !exists && !known.contains(path) && !known.contains(where: { $0.hasPrefix(path + "/") }) { continue }
            if path.hasPrefix("pages/") && path.hasSuffix(".md") && (isFile || !exists) && !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                pages.append(path)
            } else {
                full = true
            }
        }
        if full || (!pages.isEmpty && (run == nil || theme == nil)) {
            progress("… rebuilding: \(describe(changes))")
            return buildAll()
        }
        guard !pages.isEmpty, run != nil else {
            // Nothing changed after all (an editor's temporary file), but a render given up
            // for it must still be done.
            guard interrupted, run != nil else { return Outcome(kind: .nothing) }
            var outcome = Outcome(kind: .pages)
            publish(first: [], &outcome)
            summarize(outcome)
            return outcome
        }
        guard let run else { return Outcome(kind: .nothing) }
        progress("… \(pages.joined(separator: ", ")) changed")
        var outcome = Outcome(kind: .pages)
        let clock = ContinuousClock()
        let start = clock.now
        var edited = pagesTree
        var addresses: Set<String> = []
        for path in pages {
            if let bytes = Preview.readRegularFile(settings.content + "/" + path) {
                edited.files[path] = bytes
                known.insert(path)
            } else {
                edited.files[path] = nil
                known.remove(path)
            }
            let page = String(path.dropFirst("pages/".count).dropLast(".md".count))
            addresses.insert(Address.file(Address.page(page)))
            for rule in run.sources.rules where rule.page == page { addresses.insert(Address.file(Address.rule(rule.id))) }
        }
        let updated = run.replacingPages(edited, previous: pagesTree)
        pagesTree = edited
        self.run = updated
        outcome.modelSeconds = seconds(clock.now - start)
        publish(first: addresses, &outcome)
        summarize(outcome)
        return outcome
    }

    /// Prints the problems and renders, or shows the errors on every page.
    private func publish(first edited: Set<String>, _ outcome: inout Outcome) {
        guard let run else { return }
        let problems = (run.diagnostics + themeProblems).sorted()
        report(problems)
        let errors = problems.filter { $0.severity == .error }
        outcome.errors = errors.count
        guard errors.isEmpty, let theme, run.book != nil else {
            site.fail(errors.isEmpty ? [Diagnostic(path: settings.themes + "/" + settings.theme, line: 1, column: 1, message: "the theme could not be loaded")] : errors)
            interrupted = false
            return
        }
        let clock = ContinuousClock()
        let assets = self.assets, cache = self.cache
        if run.sources.people.count >= settings.firstPassPeople {
            let first = edited.union(looking())
            if !first.isEmpty {
                let start = clock.now
                let sink = MemorySink()
                if render(run, theme, assets, cache, into: sink, only: { first.contains($0) }) {
                    site.update(sink.files)
                    outcome.firstFiles = sink.files.count
                }
                outcome.firstSeconds = seconds(clock.now - start)
            }
        }
        let start = clock.now
        let superseded = self.superseded
        let sink = LiveSink(site: site)
        guard render(run, theme, assets, cache, into: sink, only: { _ in !superseded() }), !superseded() else {
            interrupted = true
            progress("… a newer change is waiting; rendering again")
            return
        }
        let written = sink.written
        site.finish(written: written)
        // The old pages' memory goes back to the system: malloc keeps freed pieces per thread
        // arena otherwise, and serve would grow by hundreds of megabytes over the first edits.
        Preview.trimMemory()
        interrupted = false
        outcome.allSeconds = seconds(clock.now - start)
        outcome.files = written.count
    }

    private func render(_ run: PortalRun, _ theme: Theme, _ assets: [String: [UInt8]], _ cache: PointsRenderCache,
                        into sink: SiteSink, only: @escaping @Sendable (String) -> Bool) -> Bool {
        do {
            _ = try SiteBuilder.build(run, theme: theme, contentAssets: assets, jobs: settings.jobs, audience: settings.audience, sink: sink, only: only, cache: cache)
        } catch {
            let problem = Diagnostic(path: settings.content, line: 1, column: 1, message: "rendering failed: \(error)")
            report([problem])
            site.fail([problem])
            return false
        }
        return true
    }

    /// The problems on the terminal, as `laurel check` prints them; once each time they change.
    private func report(_ problems: [Diagnostic]) {
        guard problems != lastPrinted else { return }
        let had = lastPrinted.contains { $0.severity == .error }
        lastPrinted = problems
        for d in problems { say(d.description) }
        let errors = problems.filter { $0.severity == .error }.count
        if errors > 0 {
            say("\(errors) error\(errors == 1 ? "" : "s"): every page shows \(errors == 1 ? "it" : "them") until \(errors == 1 ? "it is" : "they are") fixed")
        } else if had {
            say("fixed: the pages are back")
        }
    }

    private func summarize(_ o: Outcome) {
        guard o.errors == 0, let all = o.allSeconds else { return }
        var parts = [o.kind == .full ? String(format: "checked in %.3f s", o.modelSeconds) : String(format: "pages read again in %.3f s", o.modelSeconds)]
        if let first = o.firstSeconds { parts.append(String(format: "%d open or edited files rendered first in %.3f s", o.firstFiles, first)) }
        parts.append(String(format: "all %d files in %.3f s", o.files, all))
        progress("rebuilt: " + parts.joined(separator: ", "))
    }

    private func progress(_ line: String) { if !settings.quiet { say(line) } }

    private func describe(_ changes: Set<Watcher.Change>) -> String {
        let names = changes.map { ($0.root == "content" ? "" : "theme: ") + ($0.path.isEmpty ? "(everything)" : $0.path) }.sorted()
        return names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
    }

    private func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    /// glibc's malloc_trim(0), looked up at run time (the Glibc module does not declare it).
    private static func trimMemory() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        #endif
    }

    /// A regular file's bytes (not a link, as SourceTree.read does not follow links either).
    static func readRegularFile(_ path: String) -> [UInt8]? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }
}
