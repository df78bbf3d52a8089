import Foundation
import LaurelPoints
import LaurelSources

/// Where built files go: a staging folder, or memory in tests. Called from several threads,
/// each path once.
public protocol SiteSink: Sendable {
    /// Writes the file; `bytes` are valid only during the call.
    func write(_ path: String, _ bytes: UnsafeBufferPointer<UInt8>) throws
    /// Takes `path` unchanged from the previous build instead of writing it; false when it
    /// cannot (then the file is rendered and written). See `RenderReuse`.
    func keep(_ path: String) -> Bool
    /// The bytes of `path` in the previous build, when they are the bytes that build recorded
    /// for it (to patch a person page's rank, `RankPatch`); nil otherwise.
    func previous(_ path: String) -> [UInt8]?
}

extension SiteSink {
    public func keep(_ path: String) -> Bool { false }
    public func previous(_ path: String) -> [UInt8]? { nil }

    public func write(_ path: String, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try write(path, $0) }
    }
}

/// Files kept in memory (tests, fixtures).
public final class MemorySink: SiteSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String: [UInt8]] = [:]
    public init() {}
    public func write(_ path: String, _ bytes: UnsafeBufferPointer<UInt8>) throws {
        let copy = Array(bytes)
        lock.lock()
        defer { lock.unlock() }
        stored[path] = copy
    }
    public var files: [String: [UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// One page to render: its address, its template and how to build its values.
struct PageJob: Sendable {
    let address: String
    let template: String
    let view: @Sendable () -> View
    /// What the page shows besides the theme (`RenderReuse`); unclassified pages depend on everything.
    let inputs: PageInputs
    init(_ address: String, _ template: String, inputs: PageInputs = .ledger, _ view: @escaping @Sendable () -> View) {
        self.address = address
        self.template = template
        self.inputs = inputs
        self.view = view
    }
}

/// What a build wrote.
public struct SiteStats: Sendable {
    public var pages = 0
    public var files = 0
    public var bytes = 0
}

/// Renders the portal: every page of docs/themes.md through the theme's templates, plus the
/// export, feeds, sitemap and assets, in parallel, into a sink.
public enum SiteBuilder {
    /// `only`, when given, chooses the files to render by path (`laurel serve` renders what
    /// an edit touched first); the others are skipped before any work is spent on them.
    /// With `reuse`, a file whose inputs are those the previous build recorded for it is taken
    /// from that build instead of rendered (docs/incremental.md); the bytes are the same.
    public static func build(_ run: PortalRun, theme: Theme, contentAssets: [String: [UInt8]], jobs: Int, audience: Audience = .staff, sink: SiteSink,
                             only: (@Sendable (String) -> Bool)? = nil, cache: PointsRenderCache? = nil, reuse: RenderReuse? = nil) throws -> SiteStats {
        guard let book = run.book else { return SiteStats() }
        let kept = cache?.kept
        let site = SiteContext(sources: run.sources, book: book, theme: theme, audience: audience, jobs: jobs, scores: kept?.scores).withBodies(jobs: jobs)
        let sources = run.sources
        let boards = kept?.boards ?? site.boards(jobs: jobs)
        let current = boards.first { $0.period == book.period && $0.category == nil }
            ?? Board(site.scores, sources, period: book.period, category: nil, asOf: book.asOf, nameOrder: Board.nameOrder(sources))
        let locale = site.locale

        var jobs_: [PageJob] = []
        let analytics = kept?.analytics ?? Analytics(site, boards: boards, jobs: jobs)
        if kept == nil { cache?.keep(PointsRenderCache.Kept(scores: site.scores, boards: boards, analytics: analytics)) }
        jobs_.append(PageJob("", "home") { site.homePage(current, at: "").with(.honours, site.latestHonours(analytics, at: "")) })
        jobs_.append(PageJob(Address.tv, "tv") { site.tvPage(current, at: Address.tv).with(.honours, site.latestHonours(analytics, at: Address.tv)) })
        // The people index shows, of the engine's figures, each person's title only.
        let titles: PageInputs = reuse == nil ? .ledger : .shows({
            var words = FingerprintWriter()
            for account in book.accounts { words.int(account.title ?? -1) }
            return words.value
        }())
        jobs_.append(PageJob(Address.people, "people", inputs: titles) { site.peoplePage(at: Address.people, collation: Collation(locale)) })
        let roster = TeamRoster(current, sources)
        for t in sources.teams.indices {
            jobs_.append(PageJob(Address.team(sources.teams[t].id), "team") { site.teamPage(t, roster: roster, at: Address.team(sources.teams[t].id)) })
        }
        let allByKind = Dictionary(uniqueKeysWithValues: PeriodKind.allCases.map { ($0, site.scores.periods($0, asOf: book.asOf)) })
        for board in boards {
            let at = Address.board(board.period, category: board.category.map { site.scores.categories[$0] })
            let all = allByKind[board.period.kind] ?? []
            jobs_.append(PageJob(at, "leaderboard", inputs: .board(board, isCurrent: board.period == book.period, all: all)) { site.withExportLink(site.boardPage(board, at: at, isCurrent: board.period == book.period, all: all), BoardExport.file) })
        }
        jobs_.append(PageJob(Address.leaderboard, "leaderboard", inputs: .board(current, isCurrent: true, all: allByKind[book.period.kind] ?? [])) { site.withExportLink(site.boardPage(current, at: Address.leaderboard, isCurrent: true, all: allByKind[book.period.kind] ?? []), BoardExport.file) })
        jobs_.append(PageJob(Address.leaderboards, "leaderboards") { site.archivePage(at: Address.leaderboards) })
        jobs_.append(PageJob(Address.rewards, "rewards") { site.rewardsPage(at: Address.rewards) })
        for r in sources.rewards.indices {
            jobs_.append(PageJob(Address.reward(sources.rewards[r].id), "reward") { site.rewardPage(r, at: Address.reward(sources.rewards[r].id)) })
        }
        jobs_.append(PageJob(Address.rules, "rules", inputs: .sources) { site.rulesPage(at: Address.rules) })
        for r in sources.rules.indices {
            jobs_.append(PageJob(Address.rule(sources.rules[r].id), "rule", inputs: .sources) { site.rulePage(r, at: Address.rule(sources.rules[r].id)) })
        }
        jobs_.append(PageJob(Address.changes, "changes", inputs: .sources) { site.changesPage(at: Address.changes) })
        let explanationPages = Set(site.explanations.compactMap { $0 })
        for i in site.published.values.sorted() where !explanationPages.contains(i) {
            let at = Address.page(sources.pages[i].path)
            jobs_.append(PageJob(at, "page", inputs: .sources) { site.contentPage(i, at: at) })
        }
        for kind in [ContentPage.Kind.training, .case, .news] {
            jobs_.append(PageJob(Address.kind(kind), "section", inputs: .sources) { site.sectionPage(kind, outcome: nil, at: Address.kind(kind)) })
        }
        for outcome in [ContentPage.Outcome.success, .failure] {
            jobs_.append(PageJob(Address.outcome(outcome), "section", inputs: .sources) { site.sectionPage(.case, outcome: outcome, at: Address.outcome(outcome)) })
        }
        jobs_.append(PageJob(Address.tags, "tags", inputs: .sources) { site.tagsPage(at: Address.tags) })
        for (tag, pages) in site.tagged.sorted(by: { $0.key < $1.key }) {
            jobs_.append(PageJob(Address.tag(tag), "tag", inputs: .sources) { site.tagPage(tag, pages: pages, at: Address.tag(tag)) })
        }
        // The fairness audit exists in the managers' build only (docs/audit.md).
        let audits = audience == .managers ? site.audits(jobs: jobs) : []
        for audit in audits {
            jobs_.append(PageJob(Address.audit(audit.period), "audit") { site.auditPage(audit, all: audits) })
        }
        jobs_.append(PageJob(Address.notFound, "404", inputs: .sources) { site.root(at: "", title: site.label("notfound.title"), absolute: true) })
        let analyticsJobs = analytics.jobs(site)
        jobs_ += analyticsJobs.pages
        jobs_.append(PageJob(Address.search, "search", inputs: .sources) { site.root(at: Address.search, title: site.label("search.title")) })
        let fixedJobs = jobs_
        let addresses = fixedJobs.count

        // Files made without templates; people.json is large, so these start first.
        let sitemapAddresses = (fixedJobs.map(\.address) + sources.people.map { Address.person($0.id) }).filter { $0 != Address.notFound && $0 != Address.search }
        var rawJobs: [(path: String, bytes: @Sendable () -> [UInt8])] = [
            ("data/people.json", { PeopleExport.bytes(sources, book) }),
            (Address.newsFeed, { site.newsFeed() }),
            (Address.sitemap, { Array(site.sitemap(sitemapAddresses).utf8) }),
        ]
        // What each raw file is made from (`RenderReuse`), by path; the rest depend on everything.
        var rawInputs: [String: PageInputs] = [Address.newsFeed: .sources]
        rawJobs += analyticsJobs.files
        let boardExport = BoardExport(sources)
        for board in boards {
            let at = Address.board(board.period, category: board.category.map { site.scores.categories[$0] })
            rawJobs.append((BoardExport.path(at), { boardExport.csv(board) }))
            rawInputs[BoardExport.path(at)] = .board(board, isCurrent: board.period == book.period, all: [])
        }
        rawJobs.append((BoardExport.path(Address.leaderboard), { boardExport.csv(current) }))
        rawInputs[BoardExport.path(Address.leaderboard)] = .board(current, isCurrent: true, all: [])
        for audit in audits { rawJobs.append((Address.audit(audit.period) + "flags.csv", { AuditExport.csv(audit, sources) })) }
        for asset in theme.assets {
            rawJobs.append((Address.themeAssets + asset.path, { asset.bytes }))
            rawInputs[Address.themeAssets + asset.path] = .sources
        }
        for (path, bytes) in contentAssets.sorted(by: { $0.key < $1.key }) {
            rawJobs.append((Address.contentAssets + path, { bytes }))
            rawInputs[Address.contentAssets + path] = .sources
        }
        let rawFiles = rawJobs
        let rawFileInputs = rawInputs

        // Person pages are most of the work: render them in chunks on every core, small enough
        // (64 people, a few milliseconds) that no core is left finishing a long one alone.
        let people = sources.people.count
        let chunk = 64
        let personChunks = stride(from: 0, to: people, by: chunk).map { $0..<min($0 + chunk, people) }
        let searchFiles = theme.pages["search"] == nil ? 0 : SearchIndex.files(site).count
        let total = rawFiles.count + 1 + fixedJobs.count + personChunks.count
        // History rows refer to the ledger's memos and ids in place: they stay pinned while
        // every page is rendered.
        let results = sources.ledger.storage.withUnsafeBufferPointer { ledgerTexts in
        let support = PersonPageSupport(site, boards: boards, ledgerTexts: ledgerTexts)
        let historyExport = HistoryExport(site)
        let personInputs = reuse.map { PersonInputs(site, reuse: $0, support: support, jobs: jobs) }
        return Parallel.map(total, jobs: jobs) { k -> Result<Int, Error> in
            do {
                if k < rawFiles.count {
                    if let only, !only(rawFiles[k].path) { return .success(0) }
                    let path = rawFiles[k].path
                    if let reuse, reuse.reuse(path, reuse.fingerprint(path, template: "", rawFileInputs[path] ?? .ledger, book: book), sink: sink) {
                        return .success(0)
                    }
                    let bytes = rawFiles[k].bytes()
                    try sink.write(rawFiles[k].path, bytes)
                    return .success(bytes.count)
                }
                // The search index, in one job: it writes all its files (docs/search.md).
                if k == rawFiles.count {
                    guard searchFiles > 0 else { return .success(0) }
                    if let only, !SearchIndex.files(site).contains(where: only) { return .success(0) }
                    if let reuse, reuse.reuseAll(SearchIndex.files(site), SearchIndex.fingerprint(site, reuse: reuse), sink: sink) {
                        return .success(0)
                    }
                    return .success(try SearchIndex.write(site, into: sink))
                }
                let k = k - rawFiles.count - 1
                if k < fixedJobs.count {
                    let job = fixedJobs[k]
                    guard let t = theme.pages[job.template] else { return .success(0) }
                    if let only, !only(Address.file(job.address)) { return .success(0) }
                    let path = Address.file(job.address)
                    if let reuse, reuse.reuse(path, reuse.fingerprint(path, template: job.template, job.inputs, book: book), sink: sink) {
                        return .success(0)
                    }
                    let bytes = t.render(job.view(), locale: locale)
                    try sink.write(Address.file(job.address), bytes)
                    return .success(bytes.count)
                }
                var written = 0
                guard let t = theme.pages["person"] else { return .success(0) }
                var buffer = ByteWriter(capacity: 65_536)
                var words = FingerprintWriter()
                for p in personChunks[k - fixedJobs.count] {
                    let id = sources.people[p].id
                    if let only, !only(Address.file(Address.person(id))) && !only(Address.personFeed(id)) && !only(HistoryExport.path(id)) { continue }
                    // The page's fingerprint, and the feed's and CSV's (`PersonInputs`).
                    let inputs = personInputs.map { $0.fingerprints(p, site, support: support, into: &words) }
                    func unchanged(_ path: String, _ fingerprint: UInt64?) -> Bool {
                        guard let reuse, let fingerprint else { return false }
                        return reuse.reuse(path, fingerprint, sink: sink)
                    }
                    let page = Address.file(Address.person(id))
                    if !unchanged(page, inputs?.page) {
                        // Only the rank moved: the previous page with the rank's digits replaced.
                        if let reuse, let inputs, let patch = reuse.patch(page, main: inputs.main),
                           let old = sink.previous(page), let (bytes, next) = patch.apply(to: old, values: inputs.ranks, locale: locale) {
                            try sink.write(page, bytes)
                            reuse.note(page, next, patched: true)
                            written += bytes.count
                        } else {
                            buffer.removeAll()
                            t.render(site.withExportLink(site.personPage(p, support: support), HistoryExport.file), locale: locale, into: &buffer)
                            try sink.write(page, buffer.bytes)
                            if let reuse, let inputs {
                                reuse.note(page, RankPatch(main: inputs.main, values: inputs.ranks, placed: buffer.placed), patched: false)
                            }
                            written += buffer.count
                        }
                    }
                    let feed = Address.personFeed(id)
                    if !unchanged(feed, inputs?.history) {
                        buffer.removeAll()
                        site.personFeed(p, support: support, into: &buffer)
                        try sink.write(feed, buffer.bytes)
                        written += buffer.count
                    }
                    let history = HistoryExport.path(id)
                    if !unchanged(history, inputs?.history) {
                        buffer.removeAll()
                        historyExport.write(p, site, support: support, into: &buffer)
                        try sink.write(history, buffer.bytes)
                        written += buffer.count
                    }
                }
                return .success(written)
            } catch {
                return .failure(error)
            }
        }
        }
        var stats = SiteStats()
        for result in results {
            switch result {
            case .success(let n): stats.bytes += n
            case .failure(let error): throw error
            }
        }
        stats.pages = addresses + people
        stats.files = stats.pages + 2 * people + rawFiles.count + searchFiles
        return stats
    }
}

/// What rendering computes from the points alone, the score table, every leaderboard and the
/// honour rolls (most of the time a render of a few pages takes at 10,000 people), kept
/// between renders whose sources differ in pages/ only: `laurel serve` after an edit of
/// Markdown. The caller keeps the promise: a new cache whenever anything but pages/ changed
/// (ledger, YAML, theme, as-of, audience).
public final class PointsRenderCache: @unchecked Sendable {
    struct Kept: Sendable {
        let scores: ScoreTable
        let boards: [Board]
        let analytics: Analytics
    }
    private let lock = NSLock()
    private var stored: Kept?
    public init() {}
    var kept: Kept? { lock.withLock { stored } }
    func keep(_ value: Kept) { lock.withLock { stored = value } }
}

/// Renders a whole portal into memory: for tests, the fuzzer and tools.
public enum SiteRenderer {
    public static func render(_ run: PortalRun, theme: Theme, jobs: Int = 1, audience: Audience = .staff) throws -> [OutputFile] {
        let sink = MemorySink()
        _ = try SiteBuilder.build(run, theme: theme, contentAssets: [:], jobs: jobs, audience: audience, sink: sink)
        return sink.files.sorted { $0.key < $1.key }.map { OutputFile(path: $0.key, bytes: $0.value) }
    }

    /// The export alone, when no theme is at hand.
    public static func render(_ run: PortalRun) -> [OutputFile] {
        guard let book = run.book else { return [] }
        return [OutputFile(path: "data/people.json", text: PeopleExport.json(run.sources, book))]
    }
}
