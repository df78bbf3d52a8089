import Testing
@testable import LaurelSources

/// `LedgerReader.ledgerOrder` on several jobs puts entries exactly where one job does: by
/// date, then by chunk (file path order), then by line.
@Suite("Ledger order on several jobs")
struct LedgerOrderTests {
    /// Chunks as the reader makes them: in file and line order, dates not going back within
    /// a file, files overlapping in dates (or not), some lines invalid, some chunks empty.
    static func chunks(seed: UInt64, count: Int, overlapping: Bool) -> (chunks: [[LedgerEntry]], offsets: [Int32], valid: [[Bool]]) {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var chunks: [[LedgerEntry]] = [], offsets: [Int32] = [], valid: [[Bool]] = []
        var day: Int32 = 20_000
        for c in 0..<count {
            if overlapping && c % 3 == 0 { day = 20_000 + Int32(next(30)) }  // a new file starts
            let n = next(5) == 0 ? 0 : next(400)
            var entries: [LedgerEntry] = []
            for line in 0..<n {
                day += Int32(next(4) == 0 ? 1 : 0)
                var e = LedgerEntry(date: Day(serial: day), verb: .earn, file: Int32(c / 3), line: Int32(line + 1))
                e.amount = Int64(c * 10_000 + line)  // identifies the entry
                entries.append(e)
            }
            chunks.append(entries)
            offsets.append(Int32(c % 3 * 1000))
            valid.append(entries.indices.map { _ in next(10) != 0 })
        }
        return (chunks, offsets, valid)
    }

    @Test("the same order, line numbers and validity on 1, 2, 3 and 8 jobs", arguments: [(1, false), (2, true), (3, true), (4, false)])
    func sameOnEveryJobCount(_ seed: UInt64, _ overlapping: Bool) {
        let made = Self.chunks(seed: seed, count: 17, overlapping: overlapping)
        // The reference: a stable sort by date of the chunks one after the other.
        var reference: [LedgerEntry] = []
        for (c, entries) in made.chunks.enumerated() {
            for (k, var e) in entries.enumerated() {
                e.line += made.offsets[c]
                if !made.valid[c][k] { e.isValid = false }
                reference.append(e)
            }
        }
        let expected = reference.enumerated().sorted { ($0.element.date.serial, $0.offset) < ($1.element.date.serial, $1.offset) }.map(\.element)
        for jobs in [1, 2, 3, 8] {
            var chunks = made.chunks
            let ordered = LedgerReader.ledgerOrder(&chunks, lineOffsets: made.offsets, valid: made.valid, jobs: jobs)
            #expect(ordered.map(\.amount) == expected.map(\.amount), "jobs \(jobs)")
            #expect(ordered.map(\.line) == expected.map(\.line), "jobs \(jobs)")
            #expect(ordered.map(\.isValid) == expected.map(\.isValid), "jobs \(jobs)")
            #expect(chunks.allSatisfy { $0.isEmpty }, "every chunk is let go once placed")
        }
    }

    @Test("days far apart (year 1 beside year 9999) are ordered by one run, the same on every job count")
    func sparseDays() {
        func entry(_ serial: Int32, _ id: Int64) -> LedgerEntry {
            var e = LedgerEntry(date: Day(serial: serial), verb: .earn, file: 0, line: 1)
            e.amount = id
            return e
        }
        let chunks: [[LedgerEntry]] = [[entry(-719_162, 1), entry(20_000, 2)], [entry(2_932_896, 3)], [entry(20_000, 4), entry(-719_162, 5)]]
        let valid = chunks.map { $0.map { _ in true } }
        for jobs in [1, 3] {
            var copy = chunks
            let ordered = LedgerReader.ledgerOrder(&copy, lineOffsets: [0, 0, 0], valid: valid, jobs: jobs)
            #expect(ordered.map(\.amount) == [1, 5, 2, 4, 3], "jobs \(jobs)")
        }
    }

    @Test("no chunks, and chunks without entries, order to nothing")
    func empty() {
        var none: [[LedgerEntry]] = []
        #expect(LedgerReader.ledgerOrder(&none, lineOffsets: [], valid: [], jobs: 2).isEmpty)
        var empties: [[LedgerEntry]] = [[], []]
        #expect(LedgerReader.ledgerOrder(&empties, lineOffsets: [0, 0], valid: [[], []], jobs: 2).isEmpty)
    }
}

@Suite("Gathering the ledger files")
struct GatherTests {
    @Test("pieces copied in any order on any thread make the files one after the other, in path order")
    func piecesInAnyOrder() {
        var tree = SourceTree(texts: [
            "ledger/b.ledger": String(repeating: "b", count: 23),
            "ledger/a.ledger": String(repeating: "a", count: 7) + "张伟",
            "ledger/2026/c.ledger": "",
            "ledger/notes.txt": "not a ledger",
            "people.yaml": "x",
        ])
        let files = LedgerReader.Files(taking: &tree)
        let plan = LedgerReader.GatherPlan(files, pieceSize: 5)
        #expect(plan.pieceCount == 3 + 5)  // 13 bytes in 3 pieces, 23 in 5, the empty file in none
        let storage = [UInt8](unsafeUninitializedCapacity: plan.total) { buffer, count in
            for k in (0..<plan.pieceCount).reversed() { plan.copy(k, from: files, into: buffer) }
            count = plan.total
        }
        let gathered = plan.finish(storage)
        #expect(String(decoding: gathered.storage, as: UTF8.self) == "aaaaaaa张伟" + String(repeating: "b", count: 23))
        #expect(gathered.files.map(\.path) == ["2026/c.ledger", "a.ledger", "b.ledger"])
        #expect(gathered.files.map(\.range) == [0..<0, 0..<13, 13..<36])
        #expect(tree.files.keys.sorted() == ["ledger/notes.txt", "people.yaml"])
        #expect(LedgerReader.GatherPlan(LedgerReader.Files(taking: &tree)).total == 0)
    }
}

@Suite("Keeping the ledger's texts")
struct KeepTextsTests {
    @Test("memos and ids are kept in ledger order, the same on one job and on several")
    func sameOnEveryJobCount() {
        let bytes = Array("....memo-one..id-1....memo-two.id-2...id-3..memo-four".utf8)
        func entry(memo: (Int, Int)?, id: (Int, Int)?) -> LedgerEntry {
            var e = LedgerEntry(date: Day(serial: 20_000), verb: .earn, file: 0, line: 1)
            if let memo { e.memoStart = Int32(memo.0); e.memoLength = Int32(memo.1) }
            if let id { e.idStart = Int32(id.0); e.idLength = Int16(id.1) }
            return e
        }
        let entries = [entry(memo: (4, 8), id: (14, 4)), entry(memo: nil, id: nil), entry(memo: (22, 8), id: (31, 4)),
                       entry(memo: nil, id: (38, 4)), entry(memo: (44, 9), id: nil)]
        var results: [[UInt8]] = []
        for jobs in [1, 2, 3, 5] {
            var ledger = Ledger(storage: bytes, files: [], entries: entries)
            LedgerReader.keepTexts(&ledger, jobs: jobs, run: 1)
            #expect(ledger.entries.map { ledger.memo(of: $0) } == ["memo-one", nil, "memo-two", nil, "memo-four"], "jobs \(jobs)")
            #expect(ledger.entries.map { e in e.idStart >= 0 ? String(decoding: ledger.storage[Int(e.idStart)..<Int(e.idStart) + Int(e.idLength)], as: UTF8.self) : nil }
                    == ["id-1", nil, "id-2", "id-3", nil], "jobs \(jobs)")
            results.append(ledger.storage)
        }
        #expect(results.allSatisfy { $0 == Array("memo-oneid-1memo-twoid-2id-3memo-four".utf8) })
    }
}
