import Foundation

/// Parsed ledger chunks kept between builds (docs/incremental.md, decision 122): a nightly
/// change appends to one file, and parsing the million lines that did not change was half of
/// `laurel check`.
///
/// A chunk's entries are a function of its bytes and of what its lines are resolved against
/// (the roster, rules and rewards, all from the YAML files) and of laurel itself. The key of a
/// chunk hashes all of those: `salt` (the laurel that parses, given by the caller) with every
/// YAML file's path and bytes (`SourcesLoader`), then the chunk's own bytes. A chunk with any
/// diagnostic is never kept, so a kept chunk is always a clean one.
///
/// Files are `FOLDER/KEY.chunk`, binary: a header with the key, the entry and line counts, a
/// checksum of the entries and where the chunk began in the storage of the build that kept it,
/// then the entries as they were parsed. Anything that does not match (size, key, checksum, an entry's verb or
/// flags, an offset outside the chunk) is no cache: the chunk is parsed. Shared by the
/// parsing threads.
public final class ParsedLedgerCache: @unchecked Sendable {
    let folder: String
    let salt: UInt64
    /// Whether kept chunks are read (`--force` trusts nothing from earlier builds, and only writes).
    let reads: Bool
    /// Whether chunks parsed now are kept: not for the first build of an output, so a portal
    /// built once (or a benchmark's fresh build) does not write its ledger a second time; from
    /// the first incremental build on, only chunks not kept yet are written.
    let writes: Bool
    private let lock = NSLock()
    private var usedKeys: Set<UInt64> = []
    private var hitCount = 0
    private var missCount = 0
    private var stores = 0

    static let magic: UInt64 = 0x6C61_7572_656C_0001  // "laurel", format 1

    public init(folder: String, salt: UInt64, reads: Bool = true, writes: Bool = true) {
        self.folder = folder
        self.salt = salt
        self.reads = reads
        self.writes = writes
        isUseful = writes || (reads && FileManager.default.fileExists(atPath: folder))
    }

    /// False when nothing can be read or written (a fresh output's first build): chunks are
    /// then not even hashed.
    public let isUseful: Bool

    /// Chunks taken from the cache and chunks parsed, in this build.
    public var hits: Int { lock.withLock { hitCount } }
    public var misses: Int { lock.withLock { missCount } }

    func key(_ chunk: UnsafeBufferPointer<UInt8>, yaml: UInt64) -> UInt64 {
        var h = ContentHash()
        let head = [salt, yaml]
        head.withUnsafeBytes { h.update($0) }
        h.update(UnsafeRawBufferPointer(chunk))
        return h.value
    }

    private func path(_ key: UInt64) -> String { folder + "/" + ContentHash.hex(key) + ".chunk" }

    /// The chunk `range` of `storage` as parsed before, with its offsets and file index made
    /// this build's; nil when it is not kept (or not trusted: such a file is removed, and
    /// written again by `store`).
    /// What a parsed entry may name: the counts of people, rules and rewards it was resolved against.
    struct Bounds {
        let people: Int32
        let rules: Int32
        let rewards: Int32
    }

    func load(_ key: UInt64, range: Range<Int>, fileIndex: Int32, bounds: Bounds) -> ChunkParser.Result? {
        lock.withLock { _ = usedKeys.insert(key) }
        guard reads, let data = FileManager.default.contents(atPath: path(key)) else { return miss() }
        let stride = MemoryLayout<LedgerEntry>.stride
        let parsed: ChunkParser.Result? = data.withUnsafeBytes { raw -> ChunkParser.Result? in
            let header = ParsedLedgerCache.headerWords * 8
            guard raw.count >= header else { return nil }
            let words = (0..<ParsedLedgerCache.headerWords).map { raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self) }
            let count = Int(truncatingIfNeeded: words[2]), lines = Int(truncatingIfNeeded: words[3])
            let origin = Int(truncatingIfNeeded: words[5])
            guard words[0] == ParsedLedgerCache.magic, words[1] == key, count >= 0, lines >= 0, lines < Int(Int32.max / 2), origin >= 0,
                  count <= (raw.count - header) / stride, raw.count == header + count * stride else { return nil }
            let body = UnsafeRawBufferPointer(rebasing: raw[header...])
            var check = ContentHash()
            check.update(body)
            guard check.value == words[4] else { return nil }
            // Only values the parser makes are bound as entries: a verb and a flag byte.
            let verbAt = MemoryLayout<LedgerEntry>.offset(of: \LedgerEntry.verb) ?? -1
            let validAt = MemoryLayout<LedgerEntry>.offset(of: \LedgerEntry.isValid) ?? -1
            guard verbAt >= 0, validAt >= 0 else { return nil }
            for i in 0..<count {
                guard body[i * stride + verbAt] < UInt8(Verb.allCases.count), body[i * stride + validAt] <= 1 else { return nil }
            }
            var entries = [LedgerEntry](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0, let to = buffer.baseAddress, let from = body.baseAddress {
                    UnsafeMutableRawPointer(to).copyMemory(from: from, byteCount: count * stride)
                }
                initialized = count
            }
            // Offsets were into the storage of the build that kept the chunk, which began at
            // `origin` there; here it begins at `range.lowerBound`.
            let size = range.count
            for i in entries.indices {
                func moved(_ start: Int32, _ length: Int) -> Int32? {
                    guard start >= 0 else { return start == -1 ? -1 : nil }
                    let within = Int(start) - origin
                    guard within >= 0, within + length <= size else { return nil }
                    return Int32(truncatingIfNeeded: within + range.lowerBound)
                }
                // Only what the parser makes: lengths, line, date and names in range (a file
                // edited by hand, checksum and all, must not crash the build).
                let e = entries[i]
                guard e.memoLength >= 0, e.idLength >= 0, e.referenceLength >= 0, e.id == -1,
                      e.line >= 1, Int(e.line) <= lines, (-719_162...2_932_896).contains(e.date.serial),
                      e.person >= -1, e.person < bounds.people, e.by >= -1, e.by < bounds.people,
                      e.subject >= -1, e.subject < (e.verb == .redeem ? bounds.rewards : e.verb == .reverse ? 0 : bounds.rules),
                      e.qty >= 0, e.amount >= -1, e.points >= 0 else { return nil }
                guard let memo = moved(entries[i].memoStart, Int(entries[i].memoLength)),
                      let id = moved(entries[i].idStart, Int(entries[i].idLength)),
                      let reference = moved(entries[i].referenceStart, Int(entries[i].referenceLength)) else { return nil }
                entries[i].memoStart = memo
                entries[i].idStart = id
                entries[i].referenceStart = reference
                entries[i].file = fileIndex
            }
            return ChunkParser.Result(entries: entries, diagnostics: [], lineCount: lines)
        }
        guard let parsed else {
            unlink(path(key))
            return miss()
        }
        lock.withLock { hitCount += 1 }
        return parsed
    }

    private func miss() -> ChunkParser.Result? {
        lock.withLock { missCount += 1 }
        return nil
    }

    static let headerWords = 6

    /// Keeps a clean chunk just parsed from `range`, unless a file of that key is there
    /// already (its content is the key's); a failure to write only loses the cache.
    func store(_ key: UInt64, _ result: ChunkParser.Result, range: Range<Int>) {
        guard writes, result.diagnostics.isEmpty, access(path(key), F_OK) != 0 else { return }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Two identical chunks of one build have one key: each writes its own temporary file.
        let temporary = path(key) + ".\(lock.withLock { () -> Int in stores += 1; return stores }).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        var ok = true
        result.entries.withUnsafeBytes { body in
            var check = ContentHash()
            check.update(body)
            let words: [UInt64] = [ParsedLedgerCache.magic, key, UInt64(result.entries.count), UInt64(result.lineCount),
                                   check.value, UInt64(range.lowerBound)]
            words.withUnsafeBytes { ok = ok && ParsedLedgerCache.writeAll(fd, $0) }
            ok = ok && ParsedLedgerCache.writeAll(fd, body)
        }
        ok = close(fd) == 0 && ok
        if !ok || rename(temporary, path(key)) != 0 { unlink(temporary) }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }

    /// Removes the kept chunks this build did not use (older ledgers), after the ledger is read.
    func removeUnused() {
        let used = lock.withLock { usedKeys }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            guard name.hasSuffix(".chunk") || name.hasSuffix(".tmp") else { continue }
            let hex = name.prefix(16)
            if name.hasSuffix(".chunk"), name.count == 22, let key = UInt64(hex, radix: 16), used.contains(key) { continue }
            unlink(folder + "/" + name)
        }
    }
}
