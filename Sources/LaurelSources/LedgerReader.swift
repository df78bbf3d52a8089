import Dispatch
import Synchronization

/// Reads `ledger/**/*.ledger` (FORMAT.md section 7): the syntax of 7.1, the verbs of 7.2,
/// the order of 7.3 and every check that does not depend on balances. Balance, stock, title
/// and clawback checks belong to the points engine.
public struct LedgerReader: Sendable {
    public let references: References
    /// How many chunks run at once; 1 reads sequentially. The result does not depend on it.
    public let jobs: Int

    /// What ledger lines may name, resolved from the YAML files.
    public struct References: Sendable {
        public var people: [Person]
        public var peopleIndex: SymbolTable
        public var rules: [Rule]
        public var ruleIndex: SymbolTable
        public var rewards: [Reward]
        public var rewardIndex: SymbolTable
        /// Flat copies for the per-line checks.
        public var ruleTable: RuleTable
        public var joined: [Int32]
        public var left: [Int32]

        public init(people: [Person], peopleIndex: SymbolTable, rules: [Rule], ruleIndex: SymbolTable,
                    rewards: [Reward], rewardIndex: SymbolTable) {
            self.people = people
            self.peopleIndex = peopleIndex
            self.rules = rules
            self.ruleIndex = ruleIndex
            self.rewards = rewards
            self.rewardIndex = rewardIndex
            ruleTable = RuleTable(rules)
            joined = people.map { $0.joined?.serial ?? Int32.min }
            left = people.map { $0.left?.serial ?? Int32.max }
        }
    }

    public init(references: References, jobs: Int) {
        self.references = references
        self.jobs = max(1, jobs)
    }

    /// The most points one entry may compute to, and the highest cost of one redemption.
    public static let pointsLimit: Int64 = 1_000_000_000
    /// Ledger numbers have at most this many digits.
    public static let maxDigits = 12
    /// Files larger than this are refused (offsets are 32-bit).
    public static let maxFileSize = 1 << 30
    static let chunkSize = 1 << 22

    /// Parses every ledger file of `tree` and puts the entries in ledger order. The ledger
    /// files move out of `tree` into the ledger's storage (a department's ledger is hundreds
    /// of megabytes; it is held once).
    /// The ledger files' bytes one after the other, and what could not be taken.
    public struct Gathered: Sendable {
        var storage: [UInt8] = []
        var files: [LedgerFile] = []
        var diagnostics: [Diagnostic] = []
    }

    /// The ledger files taken out of a source tree while they are gathered: read by the
    /// threads that copy them, and let go as a whole once every piece is copied.
    public final class Files: @unchecked Sendable {
        public internal(set) var files: [(path: String, display: String, bytes: [UInt8])]

        /// Lets go of the files' bytes (once they are gathered).
        public func release() { files = [] }

        /// Moves `ledger/**/*.ledger` out of `tree`, in path order.
        public init(taking tree: inout SourceTree) {
            files = tree.paths(under: "ledger", suffix: ".ledger").map { path in
                (path, tree.display(path), tree.files.removeValue(forKey: path) ?? [])
            }
        }
    }

    /// How the ledger files go into one buffer, in path order: each file's place, and pieces
    /// of at most 8 MB that any core can copy (beside the YAML files being parsed), so the
    /// copy, most of it the kernel zeroing fresh pages, is not left to one core.
    public struct GatherPlan: Sendable {
        public let total: Int
        var gathered = Gathered()
        /// (file in `Files`, offset in the file, byte count, offset in the buffer)
        let pieces: [(file: Int, from: Int, count: Int, to: Int)]
        public var pieceCount: Int { pieces.count }
        public init(_ taken: Files, pieceSize: Int = 8 << 20) {
            var total = 0
            var pieces: [(file: Int, from: Int, count: Int, to: Int)] = []
            for (i, file) in taken.files.enumerated() {
                let size = file.bytes.count
                if total + size > LedgerReader.maxFileSize {
                    gathered.diagnostics.append(Diagnostic(path: file.display, line: 1, column: 1,
                                                           message: "the ledger files add up to more than 1 GiB; archive old years into a separate portal"))
                    continue
                }
                gathered.files.append(LedgerFile(path: String(file.path.dropFirst("ledger/".count)),
                                                 displayPath: file.display, range: total..<total + size))
                var from = 0
                while from < size {
                    let count = min(max(1, pieceSize), size - from)
                    pieces.append((i, from, count, total + from))
                    from += count
                }
                total += size
            }
            self.total = total
            self.pieces = pieces
        }

        /// Copies piece `k`; pieces go to disjoint parts of `buffer`, so any thread may copy any.
        public func copy(_ k: Int, from taken: Files, into buffer: UnsafeMutableBufferPointer<UInt8>) {
            let piece = pieces[k]
            taken.files[piece.file].bytes.withUnsafeBufferPointer { source in
                guard let from = source.baseAddress, let to = buffer.baseAddress,
                      piece.from + piece.count <= source.count, piece.to + piece.count <= buffer.count else { return }
                (to + piece.to).initialize(from: from + piece.from, count: piece.count)
            }
        }

        /// The gathered ledger, once every piece is copied into `storage`.
        public func finish(_ storage: [UInt8]) -> Gathered {
            var gathered = gathered
            gathered.storage = storage
            return gathered
        }
    }

    /// `cache`: chunks parsed by an earlier build, and the hash of the YAML files their lines
    /// were resolved against (`ParsedLedgerCache`).
    public func read(_ gathered: consuming Gathered, cache given: (ParsedLedgerCache, UInt64)? = nil) -> (Ledger, [Diagnostic]) {
        let cache = given.flatMap { $0.0.isUseful ? $0 : nil }
        let storage = gathered.storage
        let files = gathered.files
        var diagnostics = gathered.diagnostics
        // Split files into chunks at line ends so large files parse on every core.
        struct Chunk: Sendable { let file: Int; let range: Range<Int> }
        var chunks: [Chunk] = []
        for (f, file) in files.enumerated() {
            var start = storage[file.range].starts(with: [0xEF, 0xBB, 0xBF]) ? file.range.lowerBound + 3 : file.range.lowerBound
            let end = file.range.upperBound
            while start < end {
                var stop = min(start + LedgerReader.chunkSize, end)
                while stop < end && storage[stop - 1] != 10 { stop += 1 }
                chunks.append(Chunk(file: f, range: start..<stop))
                start = stop
            }
        }
        var parsed = Parallel.map(chunks.count, jobs: jobs) { [storage, files, references, chunks] i in
            let chunk = chunks[i]
            return storage.withUnsafeBufferPointer { p in
                var key: UInt64 = 0
                if let (kept, yaml) = cache {
                    key = kept.key(UnsafeBufferPointer(rebasing: p[chunk.range]), yaml: yaml)
                    let bounds = ParsedLedgerCache.Bounds(people: Int32(references.people.count), rules: Int32(references.rules.count),
                                                          rewards: Int32(references.rewards.count))
                    if let result = kept.load(key, range: chunk.range, fileIndex: Int32(chunk.file), bounds: bounds) { return result }
                }
                let result = ChunkParser(bytes: p, fileIndex: Int32(chunk.file), displayPath: files[chunk.file].displayPath,
                                         references: references).parse(chunk.range)
                cache?.0.store(key, result, range: chunk.range)
                return result
            }
        }
        cache?.0.removeUnused()

        // Line numbers count from each chunk; make them count from each file.
        var lineOffsets: [Int32] = []
        var lineOffset = 0
        var previousFile = -1
        for (i, result) in parsed.enumerated() {
            if chunks[i].file != previousFile { lineOffset = 0; previousFile = chunks[i].file }
            lineOffsets.append(Int32(lineOffset))
            for d in result.diagnostics {
                diagnostics.append(Diagnostic(path: d.path, line: d.line + lineOffset, column: d.column, message: d.message))
            }
            lineOffset += result.lineCount
        }
        // The chunks' entries move out of `parsed`, so each chunk is freed once it is ordered.
        var chunkEntries: [[LedgerEntry]] = []
        chunkEntries.reserveCapacity(parsed.count)
        for i in parsed.indices {
            chunkEntries.append(parsed[i].entries)
            parsed[i].entries = []
        }
        let valid = checkDateOrder(chunkEntries, chunkFiles: chunks.map(\.file), lineOffsets: lineOffsets,
                                   files: files, into: &diagnostics)
        let ordered = LedgerReader.ledgerOrder(&chunkEntries, lineOffsets: lineOffsets, valid: valid, jobs: jobs)
        var ledger = Ledger(storage: storage, files: files, entries: ordered)
        resolveIds(&ledger, into: &diagnostics)
        LedgerReader.keepTexts(&ledger, jobs: jobs)
        return (ledger, diagnostics)
    }

    /// The partition of an id: from the hash's top bits, which the hash table's slot (its low
    /// bits) does not use, so each partition's table spreads over all its slots.
    @inline(__always)
    static func partition(_ hash: Int, of partitions: Int) -> Int {
        Int((UInt64(UInt(bitPattern: hash)) >> 48) % UInt64(partitions))
    }

    /// Once read, the ledger's bytes are needed only for the texts pages show: memos and ids.
    /// They are copied, in ledger order, into a buffer about a third of the files' size, and
    /// the files' bytes are let go (200 MB of a 5,000,000-line ledger). Ledger order also puts
    /// a person's texts closer together than the files did.
    ///
    /// On several jobs each copies the texts of a run of entries to where one job would put
    /// them (after the texts of the runs before), so the result does not depend on `jobs`.
    static func keepTexts(_ ledger: inout Ledger, jobs: Int = 1, run: Int = 65_536) {
        var entries = ledger.entries
        ledger.entries = []  // keep `entries` uniquely referenced while it is updated
        let old = ledger.storage
        let runs = max(1, min(jobs, entries.count / max(1, run) + 1))
        let bounds = (0...runs).map { entries.count * $0 / runs }
        let texts: [UInt8] = entries.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedOutput(buffer: buffer)
            let needed = Parallel.map(runs, jobs: runs) { r in
                var needed = 0
                for e in shared.buffer[bounds[r]..<bounds[r + 1]] {
                    if e.memoStart >= 0 { needed += Int(e.memoLength) }
                    if e.idStart >= 0 { needed += Int(e.idLength) }
                }
                return needed
            }
            let total = needed.reduce(0, +)
            return [UInt8](unsafeUninitializedCapacity: total) { texts, count in
                let target = SharedBytesOut(buffer: texts)
                old.withUnsafeBufferPointer { bytes in
                    let source = SharedBytesIn(buffer: bytes)
                    _ = Parallel.map(runs, jobs: runs) { r in
                        var at = needed[..<r].reduce(0, +)
                        func keep(_ start: Int32, _ length: Int) -> Int32 {
                            let s = Int(start)
                            guard let to = target.buffer.baseAddress, let from = source.buffer.baseAddress,
                                  s + length <= source.buffer.count, at + length <= target.buffer.count else { return -1 }
                            (to + at).initialize(from: from + s, count: length)
                            defer { at += length }
                            return Int32(at)
                        }
                        for i in bounds[r]..<bounds[r + 1] {
                            if shared.buffer[i].memoStart >= 0 {
                                shared.buffer[i].memoStart = keep(shared.buffer[i].memoStart, Int(shared.buffer[i].memoLength))
                            }
                            if shared.buffer[i].idStart >= 0 {
                                shared.buffer[i].idStart = keep(shared.buffer[i].idStart, Int(shared.buffer[i].idLength))
                            }
                            shared.buffer[i].referenceStart = -1  // resolved into `subject`
                        }
                        return 0
                    }
                }
                count = total
            }
        }
        ledger.storage = texts
        ledger.entries = entries
    }

    /// FORMAT.md 7.3: inside one file dates must not go backwards. Returns, per chunk, which
    /// entries stay valid.
    private func checkDateOrder(_ chunks: [[LedgerEntry]], chunkFiles: [Int], lineOffsets: [Int32], files: [LedgerFile],
                                into diagnostics: inout [Diagnostic]) -> [[Bool]] {
        var valid: [[Bool]] = []
        var file = -1
        var latest = Day(serial: Int32.min)
        var latestLine: Int32 = 0
        for (c, entries) in chunks.enumerated() {
            var flags = [Bool](repeating: true, count: entries.count)
            if chunkFiles[c] != file { file = chunkFiles[c]; latest = Day(serial: Int32.min) }
            for (k, e) in entries.enumerated() {
                if e.date < latest {
                    diagnostics.append(Diagnostic(
                        path: files[file].displayPath, line: Int(e.line + lineOffsets[c]), column: 1,
                        message: "date \(e.date) goes backwards after \(latest) on line \(latestLine); entries of one file must be in date order"))
                    flags[k] = false
                } else {
                    latest = e.date
                    latestLine = e.line + lineOffsets[c]
                }
            }
            valid.append(flags)
        }
        return valid
    }

    /// Entries of every chunk in ledger order: a stable counting sort by date straight from the
    /// chunks (already in path and line order), fixing line numbers and validity on the way.
    /// Each chunk is emptied as soon as it is placed, so the entries are held about once, not
    /// twice, at the peak (5,000,000 entries are 400 MB).
    ///
    /// On several jobs, each takes a run of consecutive chunks: it counts its entries per day,
    /// and places them after those of the same day from earlier runs, so the order is the one
    /// a single job makes.
    static func ledgerOrder(_ chunks: inout [[LedgerEntry]], lineOffsets: [Int32], valid: [[Bool]], jobs: Int = 1) -> [LedgerEntry] {
        let groups = max(1, min(jobs, chunks.count))
        // Runs of chunks of about equal size.
        let total = chunks.reduce(0) { $0 + $1.count }
        guard total > 0 else { return [] }
        var bounds = [0]
        var seen = 0
        for (c, entries) in chunks.enumerated() {
            seen += entries.count
            if bounds.count < groups && seen * groups >= total * bounds.count && c + 1 < chunks.count { bounds.append(c + 1) }
        }
        bounds.append(chunks.count)
        let firstRuns = (0..<(bounds.count - 1)).map { bounds[$0]..<bounds[$0 + 1] }

        // Per run: its first and last day, then how many entries it has per day.
        let ranges = chunks.withUnsafeBufferPointer { shared in
            let all = SharedChunks(chunks: UnsafeMutableBufferPointer(mutating: shared))
            return Parallel.map(firstRuns.count, jobs: firstRuns.count) { r in
                var lo = Int32.max, hi = Int32.min
                for c in firstRuns[r] { for e in all.chunks[c] { lo = min(lo, e.date.serial); hi = max(hi, e.date.serial) } }
                return (lo, hi)
            }
        }
        let lo = ranges.map(\.0).min() ?? 0
        let hi = ranges.map(\.1).max() ?? 0
        let span = Int(hi) - Int(lo) + 1
        // Each run counts its entries per day of the whole span: when the days are few and far
        // between (a typo dated 0206 beside 2026), one run keeps that memory to one span.
        let sparse = firstRuns.count > 1 && span * firstRuns.count > 4 * total + 65_536
        let runs = sparse ? [0..<chunks.count] : firstRuns
        let counts = chunks.withUnsafeBufferPointer { shared in
            let all = SharedChunks(chunks: UnsafeMutableBufferPointer(mutating: shared))
            return Parallel.map(runs.count, jobs: runs.count) { r in
                var count = [Int](repeating: 0, count: span)
                for c in runs[r] { for e in all.chunks[c] { count[Int(e.date.serial - lo)] += 1 } }
                return count
            }
        }
        // Where each run's entries of each day go: after every earlier day, and after the same
        // day's entries of earlier runs.
        var starts = [[Int]](repeating: [Int](repeating: 0, count: span), count: runs.count)
        var next = 0
        for day in 0..<span {
            for r in runs.indices {
                starts[r][day] = next
                next += counts[r][day]
            }
        }
        let startsByRun = starts
        return [LedgerEntry](unsafeUninitializedCapacity: total) { buffer, count in
            HugePages.advise(buffer)
            let out = SharedOutput(buffer: buffer)
            chunks.withUnsafeMutableBufferPointer { mutable in
                let all = SharedChunks(chunks: mutable)
                _ = Parallel.map(runs.count, jobs: runs.count) { r in
                    var slots = startsByRun[r]
                    for c in runs[r] {
                        let entries = all.chunks[c]
                        all.chunks[c] = []  // this run's chunks are touched by this job only
                        let flags = valid[c]
                        for (k, var e) in entries.enumerated() {
                            e.line += lineOffsets[c]
                            if !flags[k] { e.isValid = false }
                            let slot = Int(e.date.serial - lo)
                            out.buffer.initializeElement(at: slots[slot], to: e)
                            slots[slot] += 1
                        }
                    }
                    return 0
                }
            }
            count = total
        }
    }

    /// The column (in characters, from 1) of a byte offset within its line.
    public static func column(ofByte offset: Int, in bytes: [UInt8], file: Range<Int>) -> Int {
        var start = offset
        while start > file.lowerBound && bytes[start - 1] != 10 { start -= 1 }
        if start == file.lowerBound && bytes[file].starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        var column = 1
        var i = start
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return column
    }

    /// Interns `id:`s in ledger order (a duplicate is reported at the later entry) and resolves
    /// every `reverse` to the index of the entry it undoes.
    private func resolveIds(_ ledger: inout Ledger, into diagnostics: inout [Diagnostic]) {
        // Ids are interned in partitions by hash, one per job: every use of one id falls in the
        // same partition, and each partition walks the ledger in order, so "first use wins" and
        // "reversed once" mean what they mean on one thread.
        let partitions = max(1, min(jobs, 8))
        let storage = ledger.storage
        let files = ledger.files
        @Sendable func location(_ e: LedgerEntry) -> String { "\(files[Int(e.file)].displayPath):\(e.line)" }

        struct Interned: Sendable {
            var table: SymbolTable
            var owner: [Int32] = []           // local id index -> entry index
            var duplicates: [(entry: Int32, first: Int32)] = []
        }
        var entries = ledger.entries
        ledger.entries = []  // keep `entries` uniquely referenced: it is updated in place below
        let interned = entries.withUnsafeBufferPointer { buffer in
            let shared = SharedEntries(buffer: buffer)
            return Parallel.map(partitions, jobs: partitions) { [storage] part in
            var result = Interned(table: SymbolTable(capacity: shared.buffer.count / partitions + 16))
            storage.withUnsafeBytes { raw in
                do {
                    let entries = shared.buffer
                    for i in entries.indices where entries[i].idStart >= 0 {
                        let e = entries[i]
                        let key = UnsafeRawBufferPointer(rebasing: raw[Int(e.idStart)..<Int(e.idStart) + Int(e.idLength)])
                        let hash = SymbolTable.hash(key)
                        guard partitions == 1 || LedgerReader.partition(hash, of: partitions) == part else { continue }
                        let (index, inserted) = result.table.insert(key, hash: hash)
                        if inserted {
                            result.owner.append(Int32(i))
                        } else {
                            result.duplicates.append((Int32(i), result.owner[Int(index)]))
                        }
                    }
                }
            }
            return result
            }
        }
        var duplicates = interned.flatMap(\.duplicates)
        duplicates.sort { $0.entry < $1.entry }
        for d in duplicates {
            let e = entries[Int(d.entry)]
            let name = String(decoding: storage[Int(e.idStart)..<Int(e.idStart) + Int(e.idLength)], as: UTF8.self)
            diagnostics.append(ledger.location(of: e).error(
                "duplicate id '\(name)': already used at \(location(entries[Int(d.first)])); ids must be unique across all ledger files"))
            entries[Int(d.entry)].isValid = false
        }
        for part in interned {
            for i in part.owner { entries[Int(i)].id = i }
        }

        // Reversals, in the partition of the id they name.
        struct Resolved: Sendable {
            var links: [(reverse: Int32, target: Int32)] = []
            var rejected: [(entry: Int32, message: String)] = []
        }
        let resolved = entries.withUnsafeBufferPointer { buffer in
            let shared = SharedEntries(buffer: buffer)
            return Parallel.map(partitions, jobs: partitions) { [storage, interned] part in
            var result = Resolved()
            let table = interned[part].table
            let owner = interned[part].owner
            var reversedBy = [Int32](repeating: -1, count: owner.count)
            storage.withUnsafeBytes { raw in
                do {
                    let entries = shared.buffer
                    for i in entries.indices where entries[i].verb == .reverse && entries[i].referenceStart >= 0 {
                        let e = entries[i]
                        let start = Int(e.referenceStart), end = start + Int(e.referenceLength)
                        let key = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                        let hash = SymbolTable.hash(key)
                        guard partitions == 1 || LedgerReader.partition(hash, of: partitions) == part else { continue }
                        let name = String(decoding: storage[start..<end], as: UTF8.self)
                        guard let index = table.find(key, hash: hash) else {
                            result.rejected.append((Int32(i), "unknown id '\(name)': no ledger entry has id:\(name); only entries with an id can be reversed"))
                            continue
                        }
                        let target = Int(owner[Int(index)])
                        let t = entries[target]
                        if target > i {
                            result.rejected.append((Int32(i),
                                "the entry with id '\(name)' (\(location(t))) comes after this reversal in ledger order; a reversal must come after the entry it reverses"))
                        } else if t.verb == .reverse {
                            result.rejected.append((Int32(i), "id '\(name)' is itself a reversal; a reverse cannot be reversed, write the original entry again instead"))
                        } else if reversedBy[Int(index)] >= 0 {
                            result.rejected.append((Int32(i),
                                "the entry with id '\(name)' is already reversed at \(location(entries[Int(reversedBy[Int(index)])])); an entry can be reversed once"))
                        } else if e.isValid {
                            result.links.append((Int32(i), Int32(target)))
                            reversedBy[Int(index)] = Int32(i)
                        }
                    }
                }
            }
            return result
            }
        }
        for part in resolved {
            for link in part.links { entries[Int(link.reverse)].subject = link.target }
        }
        // Rejections in ledger order, whatever the number of partitions.
        for r in resolved.flatMap(\.rejected).sorted(by: { $0.entry < $1.entry }) {
            let e = entries[Int(r.entry)]
            let start = Int(e.referenceStart)
            let at = SourceLocation(path: files[Int(e.file)].displayPath, line: Int(e.line),
                                    column: LedgerReader.column(ofByte: start, in: storage, file: files[Int(e.file)].range))
            diagnostics.append(at.error(r.message))
            entries[Int(r.entry)].isValid = false
        }
        ledger.entries = entries
    }
}

/// The chunks while `ledgerOrder` reads them on several threads, or empties them (each job its own).
private struct SharedChunks: @unchecked Sendable {
    let chunks: UnsafeMutableBufferPointer<[LedgerEntry]>
}

/// Bytes read by several jobs (the ledger files' while their texts are kept).
private struct SharedBytesIn: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
}

/// Bytes written by several jobs, each to its own part.
private struct SharedBytesOut: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<UInt8>
}

/// The ordered entries while several jobs write them, each to its own slots.
private struct SharedOutput: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<LedgerEntry>
}

/// Entries read by several threads while nobody changes them (inside `withUnsafeBufferPointer`).
private struct SharedEntries: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<LedgerEntry>
}

/// Runs independent work on several threads and collects the results in index order.
public enum Parallel {
    public static func map<T: Sendable>(_ count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        if count == 0 { return [] }
        if jobs <= 1 || count == 1 { return (0..<count).map(body) }
        let results = ResultSlots<T>(count: count)
        let workers = min(jobs, count)
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.take()
                if i >= count { break }
                results.set(i, body(i))
            }
        }
        return results.collect()
    }

    /// Slots written once each from concurrent workers, read after all of them finish.
    private final class ResultSlots<T: Sendable>: Sendable {
        private let slots: Mutex<[T?]>
        init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
        func set(_ i: Int, _ value: T) { slots.withLock { $0[i] = value } }
        func collect() -> [T] { slots.withLock { $0.compactMap { $0 } } }
    }

    private final class Counter: Sendable {
        private let value = Mutex(0)
        func take() -> Int { value.withLock { v in defer { v += 1 }; return v } }
    }
}
