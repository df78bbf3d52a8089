import Foundation
import LaurelPoints
import LaurelSources

/// Where built files go: a staging folder, or memory in tests. Called from several threads,
/// each path once.
public protocol SiteSink: Sendable {
    /// Writes the file; `bytes` are valid only during the call.
    func write(_ path: String, _ bytes: UnsafeBufferPointer<UInt8>) throws
}

extension SiteSink {
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
    init(_ address: String, _ template: String, _ view: @escaping @Sendable () -> View) {
        self.address = address
        self.template = template
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
    public static func build(_ run: PortalRun, theme: Theme, contentAssets: [String: [UInt8]], jobs: Int, audience: Audience = .staff, sink: SiteSink) throws -> SiteStats {
        guard let book = run.book else { return SiteStats() }
        let site = SiteContext(sources: run.sources, book: book, theme: theme, audience: audience, jobs: jobs).withBodies(jobs: jobs)
        let sources = run.sources
        let boards = site.boards(jobs: jobs)
        let current = boards.first { $0.period == book.period && $0.category == nil }
            ?? Board(site.scores, sources, period: book.period, category: nil, asOf: book.asOf, nameOrder: Board.nameOrder(sources))
        let locale = site.locale

        var jobs_: [PageJob] = []
        let analytics = Analytics(site, boards: boards, jobs: jobs)
        jobs_.append(PageJob("", "home") { site.homePage(current, at: "").with(.honours, site.latestHonours(analytics, at: "")) })
        jobs_.append(PageJob(Address.tv, "tv") { site.tvPage(current, at: Address.tv).with(.honours, site.latestHonours(analytics, at: Address.tv)) })
        jobs_.append(PageJob(Address.people, "people") { site.peoplePage(at: Address.people, collation: Collation(locale)) })
        let roster = TeamRoster(current, sources)
        for t in sources.teams.indices {
            jobs_.append(PageJob(Address.team(sources.teams[t].id), "team") { site.teamPage(t, roster: roster, at: Address.team(sources.teams[t].id)) })
        }
        let allByKind = Dictionary(uniqueKeysWithValues: PeriodKind.allCases.map { ($0, site.scores.periods($0, asOf: book.asOf)) })
        for board in boards {
            let at = Address.board(board.period, category: board.category.map { site.scores.categories[$0] })
            let all = allByKind[board.period.kind] ?? []
            jobs_.append(PageJob(at, "leaderboard") { site.withExportLink(site.boardPage(board, at: at, isCurrent: board.period == book.period, all: all), BoardExport.file) })
        }
        jobs_.append(PageJob(Address.leaderboard, "leaderboard") { site.withExportLink(site.boardPage(current, at: Address.leaderboard, isCurrent: true, all: allByKind[book.period.kind] ?? []), BoardExport.file) })
        jobs_.append(PageJob(Address.leaderboards, "leaderboards") { site.archivePage(at: Address.leaderboards) })
        jobs_.append(PageJob(Address.rewards, "rewards") { site.rewardsPage(at: Address.rewards) })
        for r in sources.rewards.indices {
            jobs_.append(PageJob(Address.reward(sources.rewards[r].id), "reward") { site.rewardPage(r, at: Address.reward(sources.rewards[r].id)) })
        }
        jobs_.append(PageJob(Address.rules, "rules") { site.rulesPage(at: Address.rules) })
        for r in sources.rules.indices {
            jobs_.append(PageJob(Address.rule(sources.rules[r].id), "rule") { site.rulePage(r, at: Address.rule(sources.rules[r].id)) })
        }
        jobs_.append(PageJob(Address.changes, "changes") { site.changesPage(at: Address.changes) })
        let explanationPages = Set(site.explanations.compactMap { $0 })
        for i in site.published.values.sorted() where !explanationPages.contains(i) {
            let at = Address.page(sources.pages[i].path)
            jobs_.append(PageJob(at, "page") { site.contentPage(i, at: at) })
        }
        for kind in [ContentPage.Kind.training, .case, .news] {
            jobs_.append(PageJob(Address.kind(kind), "section") { site.sectionPage(kind, outcome: nil, at: Address.kind(kind)) })
        }
        for outcome in [ContentPage.Outcome.success, .failure] {
            jobs_.append(PageJob(Address.outcome(outcome), "section") { site.sectionPage(.case, outcome: outcome, at: Address.outcome(outcome)) })
        }
        jobs_.append(PageJob(Address.tags, "tags") { site.tagsPage(at: Address.tags) })
        for (tag, pages) in site.tagged.sorted(by: { $0.key < $1.key }) {
            jobs_.append(PageJob(Address.tag(tag), "tag") { site.tagPage(tag, pages: pages, at: Address.tag(tag)) })
        }
        // The fairness audit exists in the managers' build only (docs/audit.md).
        let audits = audience == .managers ? site.audits(jobs: jobs) : []
        for audit in audits {
            jobs_.append(PageJob(Address.audit(audit.period), "audit") { site.auditPage(audit, all: audits) })
        }
        jobs_.append(PageJob(Address.notFound, "404") { site.root(at: "", title: site.label("notfound.title"), absolute: true) })
        let analyticsJobs = analytics.jobs(site)
        jobs_ += analyticsJobs.pages
        jobs_.append(PageJob(Address.search, "search") { site.root(at: Address.search, title: site.label("search.title")) })
        let fixedJobs = jobs_
        let addresses = fixedJobs.count

        // Files made without templates; people.json is large, so these start first.
        let sitemapAddresses = (fixedJobs.map(\.address) + sources.people.map { Address.person($0.id) }).filter { $0 != Address.notFound && $0 != Address.search }
        var rawJobs: [(path: String, bytes: @Sendable () -> [UInt8])] = [
            ("data/people.json", { PeopleExport.bytes(sources, book) }),
            (Address.newsFeed, { site.newsFeed() }),
            (Address.sitemap, { Array(site.sitemap(sitemapAddresses).utf8) }),
        ]
        rawJobs += analyticsJobs.files
        let boardExport = BoardExport(sources)
        for board in boards {
            let at = Address.board(board.period, category: board.category.map { site.scores.categories[$0] })
            rawJobs.append((BoardExport.path(at), { boardExport.csv(board) }))
        }
        rawJobs.append((BoardExport.path(Address.leaderboard), { boardExport.csv(current) }))
        for audit in audits { rawJobs.append((Address.audit(audit.period) + "flags.csv", { AuditExport.csv(audit, sources) })) }
        for asset in theme.assets { rawJobs.append((Address.themeAssets + asset.path, { asset.bytes })) }
        for (path, bytes) in contentAssets.sorted(by: { $0.key < $1.key }) { rawJobs.append((Address.contentAssets + path, { bytes })) }
        let rawFiles = rawJobs

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
        return Parallel.map(total, jobs: jobs) { k -> Result<Int, Error> in
            do {
                if k < rawFiles.count {
                    let bytes = rawFiles[k].bytes()
                    try sink.write(rawFiles[k].path, bytes)
                    return .success(bytes.count)
                }
                // The search index, in one job: it writes all its files (docs/search.md).
                if k == rawFiles.count { return .success(searchFiles == 0 ? 0 : try SearchIndex.write(site, into: sink)) }
                let k = k - rawFiles.count - 1
                if k < fixedJobs.count {
                    let job = fixedJobs[k]
                    guard let t = theme.pages[job.template] else { return .success(0) }
                    let bytes = t.render(job.view(), locale: locale)
                    try sink.write(Address.file(job.address), bytes)
                    return .success(bytes.count)
                }
                var written = 0
                guard let t = theme.pages["person"] else { return .success(0) }
                var buffer = ByteWriter(capacity: 65_536)
                for p in personChunks[k - fixedJobs.count] {
                    let id = sources.people[p].id
                    buffer.removeAll()
                    t.render(site.withExportLink(site.personPage(p, support: support), HistoryExport.file), locale: locale, into: &buffer)
                    try sink.write(Address.file(Address.person(id)), buffer.bytes)
                    written += buffer.count
                    buffer.removeAll()
                    site.personFeed(p, support: support, into: &buffer)
                    try sink.write(Address.personFeed(id), buffer.bytes)
                    written += buffer.count
                    buffer.removeAll()
                    historyExport.write(p, site, support: support, into: &buffer)
                    try sink.write(HistoryExport.path(id), buffer.bytes)
                    written += buffer.count
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
