import Foundation
import LaurelPoints
import LaurelSources

/// The inputs of a build that are not the engine's figures, hashed once from the source tree
/// before it is checked (docs/incremental.md).
public struct RenderInputs: Sendable {
    /// Every source file except the ledger files (portal.yaml, people, teams, rules, rewards,
    /// honours, targets, pages, assets), the as-of day, the audience and laurel itself.
    public let sources: UInt64
    /// `sources` without the as-of day: what a person's files start from, which hash the
    /// figures the as-of day changes on them instead (`PersonInputs`).
    public let sourcesApartFromAsOf: UInt64
    /// The ledger files: their paths and bytes.
    public let ledger: UInt64

    /// `build` names the laurel that renders (its version and executable), so that a new
    /// laurel renders everything again.
    public init(tree: SourceTree, asOf: Day, audience: Audience, build: String) {
        var files = ContentHash()
        var ledger = ContentHash()
        for path in tree.files.keys.sorted() {
            let bytes = tree.files[path] ?? []
            if path.hasPrefix("ledger/") {
                ledger.update("\(path)\u{0}\(bytes.count)\u{0}")
                ledger.update(bytes)
            } else {
                files.update("\(path)\u{0}\(bytes.count)\u{0}")
                files.update(bytes)
            }
        }
        func common(_ asOf: String) -> UInt64 {
            var common = ContentHash()
            common.update("laurel-render \(DependencyRecord.version)\u{0}\(build)\u{0}\(audience.rawValue)\u{0}\(asOf)\u{0}")
            common.update(RenderReuse.bytes(files.value))
            return common.value
        }
        sources = common(String(asOf.serial))
        sourcesApartFromAsOf = common("")
        self.ledger = ledger.value
    }
}

/// What a page or file is rendered from, beyond the theme and its own address. The default,
/// `.ledger`, is every input of the build: a page that is not classified is rendered whenever
/// anything changed, never shown stale.
enum PageInputs: Sendable {
    /// The sources and the theme, not the ledger (content pages, rules, the search index …).
    case sources
    /// Everything, the ledger included.
    case ledger
    /// The sources, and figures of the engine hashed by the page's builder (`FingerprintWriter`).
    case shows(UInt64)
    /// One leaderboard: its rows, and the periods it links to.
    case board(Board, isCurrent: Bool, all: [Period])
}

/// An incremental build (docs/incremental.md): the fingerprints of this build's files, and
/// the previous build's record to compare them with. A file whose fingerprint is the one the
/// previous build recorded for the same path is hard-linked from that build instead of being
/// rendered. Shared by the rendering threads.
public final class RenderReuse: @unchecked Sendable {
    private let previous: [String: UInt64]
    private let previousPatches: [String: RankPatch]
    private let lock = NSLock()
    private var current: [String: UInt64] = [:]
    private var currentPatches: [String: RankPatch] = [:]
    private var renderedCount = 0
    private var reusedCount = 0
    private var patchedCount = 0
    /// Hashes every page's fingerprint starts from: the sources and theme, and those with the ledger.
    let sourcesSalt: UInt64
    let ledgerSalt: UInt64
    /// `sourcesSalt` without the as-of day, for the files whose builders hash what the day
    /// decides on them: a person's files (`PersonInputs`) and the search index.
    let personSalt: UInt64

    /// `previous` nil: render everything (`--force`, or no usable record), and record it all.
    public init(inputs: RenderInputs, theme: Theme, previous: DependencyRecord?) {
        self.previous = previous?.fingerprints ?? [:]
        previousPatches = previous?.patches ?? [:]
        var s = ContentHash()
        s.update("sources\u{0}")
        s.update([inputs.sources, theme.fingerprint].flatMap(RenderReuse.bytes))
        sourcesSalt = s.value
        var person = ContentHash()
        person.update("person sources\u{0}")
        person.update([inputs.sourcesApartFromAsOf, theme.fingerprint].flatMap(RenderReuse.bytes))
        personSalt = person.value
        var l = ContentHash()
        l.update("ledger\u{0}")
        l.update([sourcesSalt, inputs.ledger].flatMap(RenderReuse.bytes))
        ledgerSalt = l.value
    }

    static func bytes(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// Files rendered, and files taken from the previous build unrendered.
    public var rendered: Int { lock.withLock { renderedCount } }
    public var reused: Int { lock.withLock { reusedCount } }
    /// Of the files rendered, person pages made by patching their rank into the previous page.
    public var patched: Int { lock.withLock { patchedCount } }

    /// This build's record, to be written beside it.
    public var record: DependencyRecord { lock.withLock { DependencyRecord(fingerprints: current, patches: currentPatches) } }

    /// Notes `path`'s fingerprint; true when the previous build made the same file from the
    /// same inputs and `sink` took it from there (the caller then renders nothing).
    func reuse(_ path: String, _ fingerprint: UInt64, sink: SiteSink) -> Bool {
        let same = previous[path] == fingerprint
        let kept = same && sink.keep(path)
        lock.withLock {
            current[path] = fingerprint
            if kept { reusedCount += 1 } else { renderedCount += 1 }
            // A kept page has the bytes, so the places, it had.
            if kept, let patch = previousPatches[path] { currentPatches[path] = patch }
        }
        return kept
    }

    /// The previous build's rank patch of `path`, when that page was made from the same inputs
    /// but for its rank values (`main`).
    func patch(_ path: String, main: UInt64) -> RankPatch? {
        guard let patch = previousPatches[path], patch.main == main else { return nil }
        return patch
    }

    /// Records where `path`'s rank is in this build's page; `patched` when the page was made
    /// by `RankPatch.apply` rather than rendered.
    func note(_ path: String, _ patch: RankPatch, patched: Bool) {
        lock.withLock {
            currentPatches[path] = patch
            if patched { patchedCount += 1 }
        }
    }

    /// `reuse` for a group of files made together (the search index): all or none are kept.
    func reuseAll(_ paths: [String], _ fingerprint: UInt64, sink: SiteSink) -> Bool {
        let same = !paths.isEmpty && paths.allSatisfy { previous[$0] == fingerprint }
        var kept = same
        if same {
            for path in paths where !sink.keep(path) {
                kept = false
                break
            }
        }
        lock.withLock {
            for path in paths { current[path] = fingerprint }
            if kept { reusedCount += paths.count } else { renderedCount += paths.count }
        }
        return kept
    }

    /// The fingerprint of a page or file at `path` made from `inputs` (with `template`, if any).
    func fingerprint(_ path: String, template: String, _ inputs: PageInputs, book: PointsBook) -> UInt64 {
        var words = FingerprintWriter()
        switch inputs {
        case .sources: words.word(sourcesSalt)
        case .ledger: words.word(ledgerSalt)
        case .shows(let figures):
            words.word(sourcesSalt)
            words.text("shows")
            words.word(figures)
        case .board(let board, let isCurrent, let all):
            words.word(sourcesSalt)
            words.text("board")
            words.period(board.period)
            words.int(board.category ?? -1)
            words.int(board.count)
            words.bool(isCurrent)
            words.int(all.count)
            for p in all { words.period(p) }
            words.int(board.order.count)
            for row in board.order {
                words.int(row.person)
                words.int64(row.score)
                words.int(row.rank)
            }
        }
        words.text(path)
        words.text(template)
        return words.value
    }
}

/// Values written without ambiguity (fixed widths, length-prefixed texts) and hashed: the
/// input of a fingerprint.
///
/// The bytes are hashed as they come, a few kilobytes at a time, so `value` can be asked
/// part way (a person's history, then their page, which goes on from it) without hashing the
/// start again, and the buffer stays in the cache. Where the pieces are cut depends only on
/// the bytes, so the same values give the same fingerprint.
struct FingerprintWriter: ~Copyable {
    private static let piece = 4096
    private var buffer = ByteWriter(capacity: FingerprintWriter.piece + 256)
    private var hash = ContentHash()

    init() {}

    mutating func reset() {
        buffer.removeAll()
        hash = ContentHash()
    }

    private mutating func flush() {
        hash.update(UnsafeRawBufferPointer(buffer.bytes))
        buffer.removeAll()
    }

    @inline(__always)
    mutating func word(_ v: UInt64) {
        if buffer.count >= FingerprintWriter.piece { flush() }
        let at = buffer.extend(by: 8)
        UnsafeMutableRawPointer(at).storeBytes(of: v.littleEndian, as: UInt64.self)
    }

    @inline(__always) mutating func int64(_ v: Int64) { word(UInt64(bitPattern: v)) }
    @inline(__always) mutating func int(_ v: Int) { word(UInt64(bitPattern: Int64(v))) }
    @inline(__always) mutating func int32(_ v: Int32) { word(UInt64(bitPattern: Int64(v))) }
    @inline(__always) mutating func bool(_ v: Bool) { buffer.append(v ? 1 : 0) }
    @inline(__always) mutating func day(_ d: Day) { int32(d.serial) }
    mutating func period(_ p: Period) {
        buffer.append(UInt8(PeriodKind.allCases.firstIndex(of: p.kind) ?? 0))
        int(p.index)
    }

    @inline(__always)
    mutating func bytes(_ b: UnsafeBufferPointer<UInt8>?) {
        guard let b else { return int(-1) }
        int(b.count)
        if b.count > FingerprintWriter.piece {
            flush()
            hash.update(UnsafeRawBufferPointer(b))
        } else {
            buffer.append(b)
        }
    }

    /// The pages published on the as-of day (path and index, in path order): what the day
    /// decides among the sources, for the files whose fingerprints leave the day out.
    mutating func published(_ site: SiteContext) {
        let published = site.published.sorted { $0.key < $1.key }
        int(published.count)
        for (path, i) in published {
            text(path)
            int(i)
        }
    }

    mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { bytes($0) }
    }

    /// The hash of everything written since the start (or `reset`).
    var value: UInt64 {
        mutating get {
            flush()
            return hash.value
        }
    }
}
