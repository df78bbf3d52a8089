import Foundation
@testable import LaurelSite
@testable import LaurelSources
import Testing

/// Incremental builds (docs/incremental.md): a build renders only the files whose inputs
/// changed and hard-links the rest from the previous build. Whatever changed, the result must
/// be byte for byte the full build's (`--force`).
///
/// The builds run in-process through `IncrementalBuild.render`, the function `laurel build`
/// calls, into real outputs (a publisher, hard links, the dependency record beside each build),
/// from a scratch copy of the golden fixture department (Tests/LaurelTests/Fixtures/site) and
/// of the default theme.
@Suite("Incremental builds: only changed pages are rendered, and the bytes are a full build's", .serialized)
struct IncrementalBuildTests {
    /// A scratch department, theme and outputs.
    final class Scratch {
        let root: String
        let content: String
        let themes: String
        var asOf = Day(year: 2026, month: 6, day: 30)!
        private var builds = 0
        /// The parsed-ledger cache of the last build (`ParsedLedgerCache`).
        var lastCache: ParsedLedgerCache?

        init() throws {
            let fm = FileManager.default
            root = fm.temporaryDirectory.appendingPathComponent("laurel-incremental-" + UUID().uuidString).path
            content = root + "/content"
            themes = root + "/themes"
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
            try fm.copyItem(atPath: Portal.repository + "/Tests/LaurelTests/Fixtures/site/Content", toPath: content)
            try fm.copyItem(atPath: Portal.repository + "/Themes", toPath: themes)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        /// Builds `output` as `laurel build` does; returns what was rendered and reused.
        @discardableResult
        func build(_ output: String, force: Bool = false) throws -> IncrementalBuild.Outcome {
            let tree = try SourceTree.read(folder: content)
            let inputs = RenderInputs(tree: tree, asOf: asOf, audience: .staff, build: "test")
            let assets = tree.assets
            let cache = ParsedLedgerCache.beside(output: output, build: "test", force: force)
            lastCache = cache
            let run = PortalRun.check(tree, asOf: .day(asOf), jobs: 2, ledgerCache: cache)
            let errors = run.diagnostics.filter { $0.severity == .error }.map(\.description)
            try #require(errors.isEmpty, "\(errors)")
            let (loaded, problems) = Theme.load(themes: themes, name: "default", locale: run.sources.settings.locale)
            #expect(problems.isEmpty, "\(problems.map(\.description))")
            let theme = try #require(loaded)
            let publisher = try Publisher(output: output)
            let outcome = try IncrementalBuild.render(run, theme: theme, contentAssets: assets, jobs: 2, audience: .staff,
                                                      inputs: inputs, force: force, into: publisher)
            try publisher.commit(record: outcome.reuse.record)
            return outcome
        }

        /// A full build of the current sources into a new output.
        func reference() throws -> [String: Data] {
            builds += 1
            let output = root + "/reference-\(builds)"
            let outcome = try build(output, force: true)
            #expect(outcome.reuse.reused == 0)
            return Tree.contents(output)
        }

        func append(_ text: String, to relative: String) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: content + "/" + relative))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        }

        func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: content + "/" + relative) }
        var lastLedger: String { exists("ledger/2026-Q3.ledger") ? "ledger/2026-Q3.ledger" : "ledger/2026-Q2.ledger" }

        func write(_ text: String, to relative: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: content + "/" + relative))
        }

        func replace(_ old: String, _ new: String, in relative: String) throws {
            let path = relative.hasPrefix("/") ? relative : content + "/" + relative
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(old), "\(relative) should contain \(old)")
            try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    /// SplitMix64: the same seed, the same sequence of changes.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let people = ["zhou-min", "wu-lei", "qian-li", "sun-hao"]

    @Test("over a seeded sequence of random changes, every incremental build is byte-identical to a full build",
          arguments: [UInt64(12), 2026, 7])
    func randomChanges(seed: UInt64) throws {
        let scratch = try Scratch()
        // New lines are dated up to the as-of day, which moves only when a step moves it.
        scratch.asOf = Day(year: 2026, month: 9, day: 30)!
        let output = scratch.root + "/public"
        try scratch.build(output)
        Tree.expectSame(Tree.contents(output), try scratch.reference(), "the first build")
        var random = Random(state: seed)
        var day = Day(year: 2026, month: 7, day: 1)!
        var ids: [String] = []
        var reversed = Set<String>()
        var line = 0
        // Memos written so far, with their file: a "memo" step edits one in place.
        var memos: [(text: String, file: String)] = []
        var kinds: [String: Int] = [:]
        var reusedOnLedgerChange = 0
        for step in 0..<14 {
            // New ledger lines are dated after the fixture's last line (2026-06-29) and its
            // balance assertion, one day after another, so every change stays valid.
            // Every sequence also edits a memo in place at steps 6 and 13.
            let kind = step % 7 == 6 ? "memo" : random.pick(["earn", "earn", "earn", "reverse", "memo", "page", "template", "as-of", "portal"])
            kinds[kind, default: 0] += 1
            switch kind {
            case "earn":
                var text = ""
                for _ in 0...random.below(3) {
                    line += 1
                    let person = random.pick(IncrementalBuildTests.people)
                    let id = "inc-\(seed)-\(line)"
                    ids.append(id)
                    switch random.below(3) {
                    case 0:
                        text += "\(day) earn \(person) deal-won amount:\(1000 * (1 + random.below(90))) id:\(id) \"随机 \(line)\"\n"
                        memos.append(("随机 \(line)", ""))
                    case 1: text += "\(day) earn \(person) new-customer id:\(id)\n"
                    default:
                        let approver = person == "zhou-min" ? "qian-li" : "zhou-min"
                        text += "\(day) award \(person) \(5 + random.below(20)) by:\(approver) id:\(id) \"鼓励 \(line)\"\n"
                        memos.append(("鼓励 \(line)", ""))
                    }
                }
                // Into the last ledger file, or a new one after it.
                if !scratch.exists("ledger/2026-Q3.ledger") && random.below(3) == 0 { try scratch.write("", to: "ledger/2026-Q3.ledger") }
                try scratch.append(text, to: scratch.lastLedger)
                for k in memos.indices where memos[k].file.isEmpty { memos[k].file = scratch.lastLedger }
            case "memo":
                // An earlier line's memo edited in place: the history shows the same entries,
                // same count, one memo different.
                guard !memos.isEmpty else { continue }
                let k = random.below(memos.count)
                try scratch.replace("\"\(memos[k].text)\"", "\"\(memos[k].text)改\"", in: memos[k].file)
                memos[k].text += "改"
            case "reverse":
                guard let id = ids.filter({ !reversed.contains($0) }).randomElement(using: &random) else { continue }
                reversed.insert(id)
                try scratch.append("\(day) reverse \(id) \"撤销\"\n", to: scratch.lastLedger)
            case "page":
                try scratch.append("\n第 \(step) 次修改：补充一段。\n", to: "pages/training/first-visit.md")
            case "template":
                try scratch.replace("</footer>", "<!-- \(step) --></footer>", in: scratch.themes + "/default/templates/partials/foot.mustache")
            case "as-of":
                scratch.asOf = Day(serial: scratch.asOf.serial + Int32(1 + random.below(20)))
            default:
                try scratch.replace("title: 金桂销售二部积分门户", "title: 金桂销售二部积分门户\(step % 2 == 0 ? "（新）" : "")", in: "portal.yaml")
            }
            if kind == "earn" || kind == "reverse" { day = Day(serial: day.serial + 1) }
            if scratch.asOf < day { scratch.asOf = day }
            let outcome = try scratch.build(output)
            #expect(outcome.fullRender.isEmpty, "step \(step) (\(kind)) should be incremental: \(outcome.fullRender)")
            if kind == "earn" || kind == "reverse" { reusedOnLedgerChange += outcome.reuse.reused }
            Tree.expectSame(Tree.contents(output), try scratch.reference(), "step \(step): \(kind)")
        }
        // The sequence exercised the incremental path, not only full renders.
        #expect(reusedOnLedgerChange > 0, "\(kinds)")
    }

    @Test("ledger chunks parsed by the previous build are reused until their bytes or the YAML files change; a damaged one is parsed again")
    func parsedLedgerKept() throws {
        let scratch = try Scratch()
        let output = scratch.root + "/public"
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.content + "/ledger").filter { $0.hasSuffix(".ledger") }.count
        _ = try scratch.build(output)
        // The first build of an output keeps nothing: the second parses and keeps every chunk,
        // the third takes them all.
        #expect(scratch.lastCache?.hits == 0)
        _ = try scratch.build(output)
        #expect(scratch.lastCache?.hits == 0 && scratch.lastCache?.misses == files)
        _ = try scratch.build(output)
        #expect(scratch.lastCache?.hits == files)
        // A ledger line appended to one file: the other files' chunks are taken as kept.
        try scratch.append("2026-06-30 earn sun-hao deal-won amount:90000 id:kept-1\n", to: "ledger/2026-Q2.ledger")
        _ = try scratch.build(output)
        #expect(scratch.lastCache?.hits == files - 1, "hits \(scratch.lastCache?.hits ?? -1) of \(files)")
        Tree.expectSame(Tree.contents(output), try scratch.reference(), "with kept chunks")
        // A kept chunk damaged on disk (one byte of an entry) is not trusted: parsed again.
        let folder = Publisher.home(of: output) + "/parsed-ledger"
        let kept = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".chunk") }.sorted()
        #expect(kept.count == files)
        for name in kept {
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            bytes[bytes.count - 30] ^= 0x40
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        _ = try scratch.build(output)
        #expect(scratch.lastCache?.hits == 0 && scratch.lastCache?.misses == files)
        Tree.expectSame(Tree.contents(output), try scratch.reference(), "after the kept chunks were damaged")
        // Parsed again, they are kept again.
        _ = try scratch.build(output)
        #expect(scratch.lastCache?.hits == files)
        // Edited with the checksum made right (a person beyond the roster, a negative memo
        // length): still not trusted, and the build does not trap.
        let header = ParsedLedgerCache.headerWords * 8, stride = MemoryLayout<LedgerEntry>.stride
        let personAt = try #require(MemoryLayout<LedgerEntry>.offset(of: \LedgerEntry.person))
        let memoLengthAt = try #require(MemoryLayout<LedgerEntry>.offset(of: \LedgerEntry.memoLength))
        for (k, name) in try FileManager.default.contentsOfDirectory(atPath: folder).filter({ $0.hasSuffix(".chunk") }).sorted().enumerated() {
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            bytes.withUnsafeMutableBytes { raw in
                if k == 0 { raw.storeBytes(of: Int32(1_000_000), toByteOffset: header + personAt, as: Int32.self) }
                else { raw.storeBytes(of: Int32(-5), toByteOffset: header + stride + memoLengthAt, as: Int32.self) }
                var check = ContentHash()
                check.update(UnsafeRawBufferPointer(rebasing: raw[header...]))
                raw.storeBytes(of: check.value, toByteOffset: 32, as: UInt64.self)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        _ = try scratch.build(output)
        #expect(scratch.lastCache?.hits == 0 && scratch.lastCache?.misses == files)
        Tree.expectSame(Tree.contents(output), try scratch.reference(), "after the kept chunks were edited")
        // A YAML file changed (someone joins): every chunk is parsed again.
        try scratch.append("- id: kept-new\n  name: 新人\n  team: beta\n", to: "people.yaml")
        _ = try scratch.build(output)
        #expect(scratch.lastCache?.hits == 0)
        Tree.expectSame(Tree.contents(output), try scratch.reference(), "after people.yaml changed")
    }

    @Test("points that move other people's ranks patch their pages: byte-identical, and a page altered on disk is rendered instead")
    func rankPatch() throws {
        let scratch = try Scratch()
        let output = scratch.root + "/public"
        _ = try scratch.build(output)
        // A large deal for one person moves the current rank of everyone they overtake.
        try scratch.append("2026-06-30 earn sun-hao deal-won amount:900000 id:inc-patch-1\n", to: "ledger/2026-Q2.ledger")
        let second = try scratch.build(output)
        #expect(second.fullRender.isEmpty)
        #expect(second.reuse.patched > 0, "rendered \(second.reuse.rendered), reused \(second.reuse.reused)")
        Tree.expectSame(Tree.contents(output), try scratch.reference(), "after ranks moved")
        // The record keeps the places of the rank of every person page.
        let current = try #require(Publisher.currentBuild(output: output))
        let record = try DependencyRecord.read(ofBuild: current).get()
        #expect(record.patches.keys.filter { $0.hasPrefix("people/") && $0.hasSuffix("/index.html") }.count > 1)
        // A record whose places do not hold the recorded digits (here moved by one byte) is not
        // trusted for the page: the next build renders it instead of patching.
        var shifted = record.patches
        for (path, patch) in shifted {
            shifted[path] = RankPatch(main: patch.main, values: patch.values,
                                      spans: patch.spans.map { RankPatch.Span(slot: $0.slot, start: $0.start + 1, end: $0.end + 1) })
        }
        let damaged = DependencyRecord(fingerprints: record.fingerprints, patches: shifted)
        try Data(damaged.bytes).write(to: URL(fileURLWithPath: DependencyRecord.path(ofBuild: current)))
        try scratch.append("2026-06-30 earn qian-li deal-won amount:990000 id:inc-patch-2\n", to: "ledger/2026-Q2.ledger")
        let third = try scratch.build(output)
        #expect(third.fullRender.isEmpty)
        #expect(third.reuse.patched == 0)
        Tree.expectSame(Tree.contents(output), try scratch.reference(), "after the places were damaged")
    }

    @Test("a nightly build one day later patches the as-of day into person pages; a new period, or lots expiring, renders them; always byte-identical")
    func asOfPatch() throws {
        let scratch = try Scratch()
        // A case study dated 07-05 about wu-lei: listed on their page from that day on.
        try scratch.write("""
            ---
            title: 七月的一单
            outcome: success
            date: 2026-07-05
            rules: [deal-won]
            people: [wu-lei]
            ---
            [吴磊](person:wu-lei)在七月初签下一单。

            """, to: "pages/cases/wu-lei-july.md")
        // Someone with no entries: their feed is dated the as-of day, their page patched.
        try scratch.append("- id: zhao-yi\n  name: 赵一\n  team: beta\n", to: "people.yaml")
        // The coffee voucher costs 40 from 07-09: what each person can afford changes that day.
        try scratch.replace("  cost: 50\n  image: rewards/coffee.svg", "  costs:\n    - since: 2026-01-01\n      cost: 50\n    - since: 2026-07-09\n      cost: 40\n  image: rewards/coffee.svg", in: "rewards.yaml")
        let output = scratch.root + "/public"
        _ = try scratch.build(output)
        // Each step moves the as-of day only. 07-01 starts a new quarter (the current period
        // changes on every page); 11-30 brings lots that expire at the year's end within 31
        // days ("soon"); 2027-01-01 expires them.
        let days: [(Int, Int, Int)] = [(2026, 7, 1), (2026, 7, 2), (2026, 7, 4), (2026, 7, 5), (2026, 7, 8), (2026, 7, 9), (2026, 7, 10), (2026, 11, 29), (2026, 11, 30), (2026, 12, 1),
                                       (2026, 12, 31), (2027, 1, 1), (2027, 1, 2)]
        var patchedByDay: [String: Int] = [:]
        // The search index is kept (a hard link to the previous build's file, the same inode)
        // unless a page was published that day.
        var searchKeptByDay: [String: Bool] = [:]
        func searchInode() -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: output + "/search/index.js"))?[.systemFileNumber] as? Int
        }
        for (y, m, d) in days {
            scratch.asOf = try #require(Day(year: y, month: m, day: d))
            let before = searchInode()
            let outcome = try scratch.build(output)
            #expect(outcome.fullRender.isEmpty)
            patchedByDay[scratch.asOf.description] = outcome.reuse.patched
            searchKeptByDay[scratch.asOf.description] = before != nil && searchInode() == before
            Tree.expectSame(Tree.contents(output), try scratch.reference(), "as of \(scratch.asOf)")
        }
        // Within a period, with nothing expiring, every person page is patched: the day is all
        // that changed on it.
        let people = IncrementalBuildTests.people.count + 1
        #expect(patchedByDay["2026-07-02"] == people, "\(patchedByDay)")
        #expect(patchedByDay["2026-07-10"] == people, "\(patchedByDay)")
        // A reward's cost changed on 07-09 (every page lists what its person can afford).
        #expect(patchedByDay["2026-07-09"] == 0, "\(patchedByDay)")
        // The case study published on 07-05 is listed on wu-lei's page; the pages published are
        // one input of every person page (guidance, mentions), so all of them are rendered.
        #expect(patchedByDay["2026-07-05"] == 0, "\(patchedByDay)")
        #expect(searchKeptByDay["2026-07-05"] == false && searchKeptByDay["2026-07-02"] == true && searchKeptByDay["2026-12-01"] == true,
                "\(searchKeptByDay)")
        // A new current period changes more than the day on every person page: rendered.
        #expect(patchedByDay["2026-07-01"] == 0, "\(patchedByDay)")
        #expect(patchedByDay["2027-01-01"] == 0, "\(patchedByDay)")
        // Someone's lots became "soon" on 11-30 (31 days before they expire): their page is
        // rendered, the others patched.
        #expect(try #require(patchedByDay["2026-11-30"]) < people, "\(patchedByDay)")
        #expect(try #require(patchedByDay["2026-11-30"]) > 0, "\(patchedByDay)")
        // The feeds and CSVs do not show the as-of day (unless someone has no entries): kept.
        scratch.asOf = try #require(Day(year: 2027, month: 1, day: 3))
        let last = try scratch.build(output)
        #expect(last.reuse.reused >= 2 * (people - 1), "reused \(last.reuse.reused)")
    }

    @Test("a ledger line appended renders only the pages it changes: the other people's pages are hard links")
    func oneLineRendersLittle() throws {
        let scratch = try Scratch()
        let output = scratch.root + "/public"
        let first = try scratch.build(output)
        #expect(first.fullRender == "no dependency record")
        // A redemption (a spending: no rank moves) by one person.
        try scratch.append("2026-06-30 redeem sun-hao coffee id:inc-one\n", to: "ledger/2026-Q2.ledger")
        let second = try scratch.build(output)
        #expect(second.fullRender.isEmpty)
        #expect(second.reuse.reused > 0)
        #expect(second.reuse.rendered < first.reuse.rendered / 2, "rendered \(second.reuse.rendered) of \(first.reuse.rendered)")
        let current = try #require(Publisher.currentBuild(output: output))
        let record = try DependencyRecord.read(ofBuild: current).get()
        #expect(record.fingerprints["people/zhou-min/index.html"] != nil)
        Tree.expectSame(Tree.contents(output), try scratch.reference(), "after one redemption")
    }

    @Test("a corrupted, cut, missing or other-version dependency record means a full render, never a stale page",
          arguments: ["flip", "cut", "delete", "version"])
    func damagedRecord(damage: String) throws {
        let scratch = try Scratch()
        let output = scratch.root + "/public"
        try scratch.build(output)
        try scratch.append("2026-06-30 earn qian-li new-customer id:inc-dmg\n", to: "ledger/2026-Q2.ledger")
        let current = try #require(Publisher.currentBuild(output: output))
        let path = DependencyRecord.path(ofBuild: current)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        switch damage {
        case "flip":
            // One fingerprint changed in place: the record would say a stale page is current.
            let at = try #require(bytes.firstIndex(of: 10)) + 3
            bytes[at] = bytes[at] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        case "cut": bytes.removeLast(bytes.count / 3)
        case "version": bytes.replaceSubrange(0..<"laurel-dependency-record 1".utf8.count, with: Array("laurel-dependency-record 0".utf8))
        default: bytes = []
        }
        if damage == "delete" { try FileManager.default.removeItem(atPath: path) } else { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
        let outcome = try scratch.build(output)
        #expect(!outcome.fullRender.isEmpty)
        #expect(outcome.reuse.reused == 0)
        Tree.expectSame(Tree.contents(output), try scratch.reference(), "after a \(damage) record")
        // The next build has a good record again, and is incremental.
        try scratch.append("2026-06-30 earn wu-lei new-customer id:inc-dmg-2\n", to: "ledger/2026-Q2.ledger")
        let next = try scratch.build(output)
        #expect(next.fullRender.isEmpty)
        #expect(next.reuse.reused > 0)
    }

    @Test("after laurel rollback, the next build compares with the build shown now and is still exact")
    func afterRollback() throws {
        let scratch = try Scratch()
        let output = scratch.root + "/public"
        try scratch.build(output)
        try scratch.append("2026-06-30 earn zhou-min deal-won amount:50000 id:inc-rb\n", to: "ledger/2026-Q2.ledger")
        try scratch.build(output)
        _ = try Publisher.rollback(output: output)
        // The sources still have the new line: the portal shown lacks it, the next build adds it.
        let next = try scratch.build(output)
        #expect(next.fullRender.isEmpty)
        #expect(next.reuse.reused > 0)
        Tree.expectSame(Tree.contents(output), try scratch.reference(), "the build after a rollback")
    }

    @Test("the record is deterministic and reads back as written; damage is reported, not guessed around")
    func recordRoundTrip() throws {
        let record = DependencyRecord(fingerprints: ["index.html": 0x0123_4567_89AB_CDEF, "people/a b/index.html": 42, "z.css": UInt64.max])
        let bytes = record.bytes
        #expect(bytes == DependencyRecord(fingerprints: record.fingerprints).bytes)
        let back = try DependencyRecord.parse(bytes).get()
        #expect(back.fingerprints == record.fingerprints)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("laurel-dependency-record \(DependencyRecord.version)\n0123456789abcdef index.html\n"))
        var edited = bytes
        edited[edited.count - 30] ^= 1
        #expect(throws: DependencyRecord.Unusable.self) { try DependencyRecord.parse(edited).get() }
        #expect(throws: DependencyRecord.Unusable.self) { try DependencyRecord.parse(Array(bytes.dropLast())).get() }
        #expect(throws: DependencyRecord.Unusable.self) { try DependencyRecord.parse([]).get() }
    }
}

extension Array {
    fileprivate func randomElement(using random: inout IncrementalBuildTests.Random) -> Element? {
        isEmpty ? nil : self[random.below(count)]
    }
}
