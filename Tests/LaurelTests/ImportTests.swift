import Foundation
import Testing
@testable import LaurelImport
import LaurelSite
import LaurelSources

/// `laurel import` (docs/import.md) on `Fixtures/import/`: a department of six people (two
/// named 王芳, 赵磊 joined 2026-03-01, 陈杰 left 2026-05-31), deal-won (1 per 1000),
/// renewal, a retired fixed rule, and a map `crm.map.yaml`. Every import runs on a copy of
/// the department in a temporary folder, on the import day 2026-12-06.
@Suite("Import: CRM exports into the ledger")
struct ImportTests {
    static let today = Day("2026-12-06")!

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("import")

    /// A fresh copy of the fixture's Content/ folder.
    static func department() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("laurel-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let content = folder.appendingPathComponent("Content")
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("Content"), to: content)
        return content.path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixture.appendingPathComponent(name)))
    }

    /// Plans an import of `export` (bytes) with `map` into `content`, as the command does.
    static func plan(_ export: [UInt8], map: [UInt8]? = nil, content: String, exportPath: String = "deals.csv") throws -> ImportPlan {
        let tree = try SourceTree.read(folder: content, label: "Content")
        return LedgerImport.plan(LedgerImport.Request(export: export, exportPath: exportPath, map: try map ?? bytes("crm.map.yaml"),
                                                      mapPath: "crm.map.yaml", content: tree, today: today))
    }

    /// Plans and writes; fails the test on any diagnostic.
    @discardableResult
    static func importClean(_ export: [UInt8], map: [UInt8]? = nil, content: String) throws -> ImportPlan {
        let plan = try plan(export, map: map, content: content)
        #expect(plan.diagnostics.map(\.description) == [])
        try plan.write(content: content)
        return plan
    }

    /// Every file below `folder` (hidden ones too) with its bytes.
    static func snapshot(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return files }
        for case let path as String in walker {
            var isFolder: ObjCBool = false
            let full = folder + "/" + path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue {
                files[path] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
        return files
    }

    static func ledgerFile(_ content: String, _ name: String) throws -> [String] {
        let text = try String(contentsOfFile: content + "/ledger/import/" + name, encoding: .utf8)
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix(";") }
    }

    static func csv(_ lines: [String]) -> [UInt8] {
        Array(("Deal Id,Owner,Deal,Amount,Closed,Stage\r\n" + lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    @Test("a clean export (BOM, CRLF, quoted comma and line break) becomes one file, sorted by date, decimals truncated")
    func cleanImport() throws {
        let content = try Self.department()
        let plan = try Self.importClean(try Self.bytes("good.csv"), content: content)
        #expect(plan.path == "ledger/import/2026-12-06-01-crm.ledger")
        #expect((plan.rowsRead, plan.earned, plan.reversed, plan.skipped, plan.notEarning) == (4, 3, 0, 0, 1))
        // 12500.75 -> 12500; ¥1,234,567.89 -> 1234567; "Wei Zhang" is zhang-wei by the map's owners:.
        #expect(try Self.ledgerFile(content, "2026-12-06-01-crm.ledger") == [
            "2026-02-10 earn li-na deal-won amount:1234567 id:crm-102 \"Beta\"",
            "2026-03-02 earn zhao-lei deal-won amount:8000 id:crm-104 \"multi line\"",
            "2026-03-05 earn zhang-wei deal-won amount:12500 id:crm-101 \"ACME, phase 2\"",
        ])
        // The result passes the check, and the points are the rule's: floor(1234567 / 1000).
        let run = PortalRun.check(try SourceTree.read(folder: content), asOf: .day(Self.today))
        #expect(run.diagnostics.map(\.description) == [])
        let book = try #require(run.book)
        let li = try #require(run.sources.peopleIndex.find("li-na"))
        #expect(book.accounts[Int(li)].lifetime == 20 + 1234)
    }

    @Test("a second import of the same export writes nothing and counts every record as skipped")
    func secondImportIsANoOp() throws {
        let content = try Self.department()
        try Self.importClean(try Self.bytes("good.csv"), content: content)
        let before = try Self.snapshot(content)
        let again = try Self.plan(try Self.bytes("good.csv"), content: content)
        #expect(again.diagnostics.isEmpty)
        #expect(again.file == nil && again.path == nil)
        #expect((again.earned, again.reversed, again.skipped, again.notEarning) == (0, 0, 3, 1))
        try again.write(content: content)
        #expect(try Self.snapshot(content) == before)
    }

    @Test("a changed record is reversed and, still earning, imported again as ID.r2; lost is reversed only")
    func changedRecords() throws {
        let content = try Self.department()
        try Self.importClean(try Self.bytes("good.csv"), content: content)
        let changed = Self.csv([
            "101,张伟,\"ACME, phase 2\",20000,2026-03-05,Won",  // amount corrected
            "102,李娜,Beta,\"1,234,567\",2026-02-10,Lost",      // won -> lost
            "103,Wei Zhang,Gamma,3000,2026-04-01,Lost",
            "104,赵磊,\"multi\r\nline\",8000,2026-03-02,Won",   // unchanged
        ])
        let plan = try Self.importClean(changed, content: content)
        #expect((plan.earned, plan.reversed, plan.skipped, plan.notEarning) == (1, 2, 1, 1))
        #expect(plan.path == "ledger/import/2026-12-06-02-crm.ledger")
        #expect(try Self.ledgerFile(content, "2026-12-06-02-crm.ledger") == [
            "2026-03-05 earn zhang-wei deal-won amount:20000 id:crm-101.r2 \"ACME, phase 2\"",
            "2026-12-06 reverse crm-101 \"import: the record changed in the CRM\"",
            "2026-12-06 reverse crm-102 \"import: stage is now Lost\"",
        ])
        // Once more: nothing; and 102 won again becomes crm-102.r2.
        #expect(try Self.plan(changed, content: content).file == nil)
        let wonAgain = Self.csv(["102,李娜,Beta,\"1,234,567\",2026-02-10,Won"])
        try Self.importClean(wonAgain, content: content)
        #expect(try Self.ledgerFile(content, "2026-12-06-03-crm.ledger") == [
            "2026-02-10 earn li-na deal-won amount:1234567 id:crm-102.r2 \"Beta\"",
        ])
        let run = PortalRun.check(try SourceTree.read(folder: content), asOf: .day(Self.today))
        #expect(run.diagnostics.map(\.description) == [])
    }

    @Test("a bad export: every problem at its physical line and field column, with the header, and no byte changes")
    func badExport() throws {
        let content = try Self.department()
        let before = try Self.snapshot(content)
        let plan = try Self.plan(try Self.bytes("bad.csv"), content: content, exportPath: "bad.csv")
        let found = plan.diagnostics.map { d in "\(d.path):\(d.line):\(d.column)" }
        // Line 2's deal name runs over two lines: row 202 is on line 4, not 3; row 204's
        // quoted name ends in a line break, so its amount starts on line 7.
        #expect(found == ["bad.csv:4:2", "bad.csv:5:2", "bad.csv:7:4", "bad.csv:8:5", "bad.csv:9:6", "bad.csv:10:5", "bad.csv:11:1"])
        let messages = plan.diagnostics.map(\.message)
        #expect(messages[0].hasPrefix("Owner: unknown owner 'Nobody'"))
        #expect(messages[1].contains("ambiguous") && messages[1].contains("wang-fang-a, wang-fang-b"))
        #expect(messages[2].hasPrefix("Amount: 'abc' is not an amount"))
        #expect(messages[3].hasPrefix("Closed: '03/01/2026' is not a date of the form YYYY-MM-DD"))
        #expect(messages[4].hasPrefix("Stage: unknown stage 'Maybe'"))
        #expect(messages[5].contains("after chen-jie left (2026-05-31"))
        #expect(messages[6].contains("'crm-201' appears twice") && messages[6].contains("first on line 2"))
        #expect(plan.file == nil && plan.hasErrors)
        try plan.write(content: content)
        #expect(try Self.snapshot(content) == before)
    }

    @Test("an owner of two people is resolved by the map's owners: table")
    func ownerTable() throws {
        let content = try Self.department()
        var map = String(decoding: try Self.bytes("crm.map.yaml"), as: UTF8.self)
        map += "  王芳: wang-fang-b\n"
        let plan = try Self.importClean(Self.csv(["301,王芳,Y,5000,2026-03-01,Won"]), map: Array(map.utf8), content: content)
        #expect(plan.lines == ["2026-03-01 earn wang-fang-b deal-won amount:5000 id:crm-301 \"Y\""])
    }

    @Test("GB18030 (two- and four-byte sequences) is detected and decoded; UTF-8 stays UTF-8")
    func gb18030() throws {
        // 301,张伟,𠀀,1000,2026-03-01,Won in GB18030: 张伟 = D5 C5 CE B0, U+20000 = 95 32 82 36.
        var bytes = Array("Deal Id,Owner,Deal,Amount,Closed,Stage\r\n301,".utf8)
        bytes += [0xD5, 0xC5, 0xCE, 0xB0] + Array(",".utf8) + [0x95, 0x32, 0x82, 0x36] + Array(",1000,2026-03-01,Won\r\n".utf8)
        let decoded = try ExportText.decode(bytes).get()
        #expect(decoded.encoding == .gb18030)
        #expect(decoded.text == "Deal Id,Owner,Deal,Amount,Closed,Stage\r\n301,张伟,\u{20000},1000,2026-03-01,Won\r\n")
        #expect(try ExportText.decode(Array("a,张伟\n".utf8)).get().encoding == .utf8)
        // Not valid in either: a lone lead byte at the end.
        #expect((try? ExportText.decode(Array("a,b\n".utf8) + [0x81]).get()) == nil)
        let content = try Self.department()
        let plan = try Self.importClean(bytes, content: content)
        #expect(plan.lines == ["2026-03-01 earn zhang-wei deal-won amount:1000 id:crm-301 \"\u{20000}\""])
    }

    @Test("hostile text reaches the memo escaped and cleaned, and the ledger reader gives it back")
    func hostileMemo() throws {
        let hostile = "=cmd|' /C calc'!A0 \"\"quoted\"\" back\\slash <script>x</script> \u{202E}evil\u{2066} tab\tbell\u{07}end"
        let content = try Self.department()
        let plan = try Self.importClean(Self.csv(["401,张伟,\"\(hostile)\",1000,2026-03-01,Won"]), content: content)
        #expect(plan.lines == [
            "2026-03-01 earn zhang-wei deal-won amount:1000 id:crm-401 \"=cmd|' /C calc'!A0 \\\"quoted\\\" back\\\\slash <script>x</script> evil tab bell end\"",
        ])
        let run = PortalRun.check(try SourceTree.read(folder: content), asOf: .day(Self.today))
        #expect(run.diagnostics.isEmpty)
        let entry = try #require(run.sources.ledger.entries.first { run.sources.ledger.idName(of: $0) == "crm-401" })
        #expect(run.sources.ledger.memo(of: entry) == "=cmd|' /C calc'!A0 \"quoted\" back\\slash <script>x</script> evil tab bell end")
        // The portal shows it as text, and a spreadsheet export would not evaluate it.
        let site = try RenderedSite.render(run)
        let page = String(decoding: try #require(site.files["people/zhang-wei/index.html"]), as: UTF8.self)
        #expect(page.contains("&lt;script&gt;x&lt;/script&gt;") && !page.contains("<script>x"))
        var sheet = CSVFile(header: ["memo"])
        sheet.append([.text(run.sources.ledger.memo(of: entry) ?? "")])
        #expect(String(decoding: sheet.bytes, as: UTF8.self).contains("\"'=cmd|"))
    }

    @Test("entries the ledger check refuses (a later balance assertion) are reported and nothing is written")
    func checkRefuses() throws {
        let content = try Self.department()
        let later = "2026-06-30 balance li-na 20\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: content + "/ledger/2026.ledger"))
        handle.seekToEndOfFile()
        handle.write(Data(later.utf8))
        try handle.close()
        let before = try Self.snapshot(content)
        let plan = try Self.plan(Self.csv(["501,李娜,A,3000,2026-03-01,Won"]), content: content)
        #expect(plan.hasErrors && plan.file == nil)
        #expect(plan.diagnostics.map { "\($0.path):\($0.line)" } == ["Content/ledger/2026.ledger:3"])
        #expect(plan.diagnostics.first?.message.contains("nothing was written") == true)
        try plan.write(content: content)
        #expect(try Self.snapshot(content) == before)
    }

    @Test("map errors name the map's line and column: a column the export lacks, an unknown key, an unknown rule")
    func mapErrors() throws {
        let content = try Self.department()
        let map = "source: crm\nid: crm-{Deal Id}\nowner: Salesman\ndate: Closed\namount: Amount\nstage: Stage\nearning: [Won]\nrule: deal-lost\ncolour: red\n"
        let plan = try Self.plan(Self.csv(["1,张伟,A,1,2026-03-01,Won"]), map: Array(map.utf8), content: content)
        #expect(plan.diagnostics.map { "\($0.path):\($0.line):\($0.column)" } == ["crm.map.yaml:9:1"])
        let plan2 = try Self.plan(Self.csv(["1,张伟,A,1,2026-03-01,Won"]), map: Array(map.replacingOccurrences(of: "colour: red\n", with: "").utf8), content: content)
        #expect(plan2.diagnostics.map { "\($0.path):\($0.line):\($0.column)" } == ["crm.map.yaml:3:8", "crm.map.yaml:8:7"])
        #expect(plan2.diagnostics.first?.message.contains("no column 'Salesman'") == true)
    }

    @Test("amounts and dates as CRMs write them")
    func formats() throws {
        let a = AmountFormat()
        #expect(try a.parse("¥1,234,567.89").get() == 1_234_567)
        #expect(try a.parse("RMB 12 000").get() == 12_000)
        #expect(try a.parse("$0.99").get() == 0)
        #expect(try AmountFormat(decimalMark: ",").parse("1.234,50 €").get() == 1234)
        #expect(throws: AmountFormat.Failure.negative) { try a.parse("-5").get() }
        #expect(throws: AmountFormat.Failure.notANumber("12万元")) { try a.parse("12万元").get() }
        #expect(DateFormat("MM/DD/YYYY")?.parse("11/30/2026") == Day("2026-11-30"))
        #expect(DateFormat("YYYY/M/D")?.parse("2026/1/5 17:45") == Day("2026-01-05"))
        #expect(DateFormat("DD MMM YYYY")?.parse("05 Dec 2026") == Day("2026-12-05"))
        #expect(DateFormat("YYYY年M月D日")?.parse("2026年12月5日") == Day("2026-12-05"))
        #expect(DateFormat("YYYY-MM-DD")?.parse("2026-02-30") == nil)
        #expect(DateFormat("YY-MM-DD") == nil)
    }

    @Test("the shipped Zoho and Fxiaoke samples are already in the demo ledger: importing them again is a no-op")
    func shippedSamples() throws {
        let repository = Self.fixture.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let content = repository.appendingPathComponent("Content").path
        let tree = try SourceTree.read(folder: content, label: "Content")
        for (export, map) in [("zoho-deals.csv", "zoho-deals.map.yaml"), ("fxiaoke.csv", "fxiaoke.map.yaml")] {
            let plan = LedgerImport.plan(LedgerImport.Request(
                export: [UInt8](try Data(contentsOf: URL(fileURLWithPath: content + "/import/" + export))), exportPath: export,
                map: [UInt8](try Data(contentsOf: URL(fileURLWithPath: content + "/import/" + map))), mapPath: map,
                content: tree, today: Self.today))
            #expect(plan.diagnostics.map(\.description) == [])
            #expect(plan.file == nil, "\(export) is not fully imported in Content/ledger/import/")
            #expect(plan.skipped > 0)
        }
        #expect(try ExportText.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: content + "/import/fxiaoke.csv")))).get().encoding == .gb18030)
    }
}

/// Import speed on a synthetic export (docs/import.md gives the figure). Run on purpose:
/// `LAUREL_IMPORT_BENCH=100000 swift test -c release --filter ImportSpeed`.
@Suite("Import speed")
struct ImportSpeed {
    static var rows: Int? { ProcessInfo.processInfo.environment["LAUREL_IMPORT_BENCH"].flatMap { Int($0) } }

    /// `count` rows in the fixture's columns: four owners, amounts with separators and
    /// decimals, one row in ten lost, every fifth name quoted with a comma.
    static func export(_ count: Int) -> [UInt8] {
        let owners = ["张伟", "李娜", "Wei Zhang", "赵磊"]
        var text = "Deal Id,Owner,Deal,Amount,Closed,Stage\r\n"
        text.reserveCapacity(count * 60)
        for i in 0..<count {
            let day = 1 + i % 28
            let name = i % 5 == 0 ? "\"Deal \(i), phase 2\"" : "Deal \(i)"
            text += "\(100_000 + i),\(owners[i % 4]),\(name),\"\(1 + i % 900),\(100 + i % 900).50\",2026-0\(3 + i % 6)-\(day < 10 ? "0" : "")\(day),\(i % 10 == 0 ? "Lost" : "Won")\r\n"
        }
        return Array(text.utf8)
    }

    @Test("rows per second, planned and checked", .enabled(if: rows != nil))
    func speed() throws {
        let count = Self.rows ?? 0
        let content = try ImportTests.department()
        let export = Self.export(count)
        let clock = ContinuousClock()
        let start = clock.now
        let plan = try ImportTests.plan(export, content: content)
        let seconds = Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
        #expect(plan.diagnostics.map(\.description).prefix(3) == [])
        #expect(plan.earned == count - count / 10)
        print("import speed: \(count) rows in \(String(format: "%.2f", seconds)) s = \(Int(Double(count) / seconds)) rows/s (\(plan.earned) entries)")
    }
}
