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

    /// Parses every ledger file of `tree` and puts the entries in ledger order.
    public func read(_ tree: SourceTree) -> (Ledger, [Diagnostic]) {
        let paths = tree.paths(under: "ledger", suffix: ".ledger")
        var files: [LedgerFile] = []
        var diagnostics: [Diagnostic] = []
        for path in paths {
            let bytes = tree.files[path] ?? []
            if bytes.count > LedgerReader.maxFileSize {
                diagnostics.append(Diagnostic(path: tree.display(path), line: 1, column: 1,
                                              message: "the file is larger than 1 GiB; split the ledger into several files"))
                continue
            }
            files.append(LedgerFile(path: String(path.dropFirst("ledger/".count)), displayPath: tree.display(path), bytes: bytes))
        }

        // Split files into chunks at line ends so large files parse on every core.
        struct Chunk: Sendable { let file: Int; let range: Range<Int> }
        var chunks: [Chunk] = []
        for (f, file) in files.enumerated() {
            var start = file.bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let count = file.bytes.count
            while start < count {
                var end = min(start + LedgerReader.chunkSize, count)
                while end < count && file.bytes[end - 1] != 10 { end += 1 }
                chunks.append(Chunk(file: f, range: start..<end))
                start = end
            }
        }
        let parsed = Parallel.map(chunks.count, jobs: jobs) { [files, references, chunks] i in
            let chunk = chunks[i]
            return files[chunk.file].bytes.withUnsafeBufferPointer { p in
                ChunkParser(bytes: p, fileIndex: Int32(chunk.file), displayPath: files[chunk.file].displayPath,
                            references: references).parse(chunk.range)
            }
        }

        // Concatenate in path and line order, fixing line numbers per chunk.
        var entries: [LedgerEntry] = []
        entries.reserveCapacity(parsed.reduce(0) { $0 + $1.entries.count })
        var lineOffset = 0
        var previousFile = -1
        for (i, result) in parsed.enumerated() {
            if chunks[i].file != previousFile { lineOffset = 0; previousFile = chunks[i].file }
            let offset = Int32(lineOffset)
            for var e in result.entries {
                e.line += offset
                entries.append(e)
            }
            for d in result.diagnostics {
                diagnostics.append(Diagnostic(path: d.path, line: d.line + lineOffset, column: d.column, message: d.message))
            }
            lineOffset += result.lineCount
        }
        checkDateOrder(&entries, files: files, into: &diagnostics)
        let ordered = LedgerReader.ledgerOrder(entries)
        var ledger = Ledger(files: files, entries: ordered)
        resolveIds(&ledger, into: &diagnostics)
        return (ledger, diagnostics)
    }

    /// FORMAT.md 7.3: inside one file dates must not go backwards.
    private func checkDateOrder(_ entries: inout [LedgerEntry], files: [LedgerFile], into diagnostics: inout [Diagnostic]) {
        var file: Int32 = -1
        var latest = Day(serial: Int32.min)
        var latestLine: Int32 = 0
        for i in entries.indices {
            let e = entries[i]
            if e.file != file { file = e.file; latest = Day(serial: Int32.min) }
            if e.date < latest {
                diagnostics.append(Diagnostic(
                    path: files[Int(file)].displayPath, line: Int(e.line), column: 1,
                    message: "date \(e.date) goes backwards after \(latest) on line \(latestLine); entries of one file must be in date order"))
                entries[i].isValid = false
            } else {
                latest = e.date
                latestLine = e.line
            }
        }
    }

    /// The column (in characters, from 1) of a byte offset within its line.
    public static func column(ofByte offset: Int, in bytes: [UInt8]) -> Int {
        var start = offset
        while start > 0 && bytes[start - 1] != 10 { start -= 1 }
        if start == 0 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var column = 1
        var i = start
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return column
    }

    /// Stable counting sort by date: entries are already in (file path, line) order.
    static func ledgerOrder(_ entries: [LedgerEntry]) -> [LedgerEntry] {
        guard let first = entries.first else { return [] }
        var lo = first.date.serial, hi = first.date.serial
        for e in entries {
            lo = min(lo, e.date.serial)
            hi = max(hi, e.date.serial)
        }
        let span = Int(hi) - Int(lo) + 1
        var starts = [Int](repeating: 0, count: span + 1)
        for e in entries { starts[Int(e.date.serial - lo) + 1] += 1 }
        for i in 1...span { starts[i] += starts[i - 1] }
        return [LedgerEntry](unsafeUninitializedCapacity: entries.count) { buffer, count in
            for e in entries {
                let slot = Int(e.date.serial - lo)
                buffer.initializeElement(at: starts[slot], to: e)
                starts[slot] += 1
            }
            count = entries.count
        }
    }

    /// Interns `id:`s in ledger order (a duplicate is reported at the later entry) and resolves
    /// every `reverse` to the index of the entry it undoes.
    private func resolveIds(_ ledger: inout Ledger, into diagnostics: inout [Diagnostic]) {
        var ids = SymbolTable(capacity: ledger.entries.count / 2 + 16)
        var owner: [Int32] = []  // id index -> entry index
        let files = ledger.files
        for i in ledger.entries.indices {
            let e = ledger.entries[i]
            guard e.idStart >= 0 else { continue }
            let bytes = files[Int(e.file)].bytes
            let (index, inserted) = bytes.withUnsafeBytes { raw in
                ids.insert(UnsafeRawBufferPointer(rebasing: raw[Int(e.idStart)..<Int(e.idStart) + Int(e.idLength)]))
            }
            if inserted {
                owner.append(Int32(i))
                ledger.entries[i].id = index
            } else {
                let first = ledger.entries[Int(owner[Int(index)])]
                diagnostics.append(ledger.location(of: e).error(
                    "duplicate id '\(ids.name(index))': already used at \(files[Int(first.file)].displayPath):\(first.line); ids must be unique across all ledger files"))
                ledger.entries[i].isValid = false
            }
        }
        var reversedBy = [Int32](repeating: -1, count: ledger.entries.count)
        for i in ledger.entries.indices where ledger.entries[i].verb == .reverse && ledger.entries[i].referenceStart >= 0 {
            let e = ledger.entries[i]
            let bytes = files[Int(e.file)].bytes
            let start = Int(e.referenceStart), end = start + Int(e.referenceLength)
            let found = bytes.withUnsafeBytes { ids.find(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
            let name = String(decoding: bytes[start..<end], as: UTF8.self)
            let location = SourceLocation(path: files[Int(e.file)].displayPath, line: Int(e.line),
                                          column: LedgerReader.column(ofByte: start, in: bytes))
            guard let index = found else {
                diagnostics.append(location.error("unknown id '\(name)': no ledger entry has id:\(name); only entries with an id can be reversed"))
                ledger.entries[i].isValid = false
                continue
            }
            let target = Int(owner[Int(index)])
            let t = ledger.entries[target]
            if target > i {
                diagnostics.append(location.error(
                    "the entry with id '\(name)' (\(files[Int(t.file)].displayPath):\(t.line)) comes after this reversal in ledger order; a reversal must come after the entry it reverses"))
                ledger.entries[i].isValid = false
            } else if t.verb == .reverse {
                diagnostics.append(location.error("id '\(name)' is itself a reversal; a reverse cannot be reversed, write the original entry again instead"))
                ledger.entries[i].isValid = false
            } else if reversedBy[target] >= 0 {
                let r = ledger.entries[Int(reversedBy[target])]
                diagnostics.append(location.error(
                    "the entry with id '\(name)' is already reversed at \(files[Int(r.file)].displayPath):\(r.line); an entry can be reversed once"))
                ledger.entries[i].isValid = false
            } else if e.isValid {
                ledger.entries[i].subject = Int32(target)
                reversedBy[target] = Int32(i)
            }
        }
        ledger.ids = ids
    }
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
