import Testing
@testable import LaurelSite
import LaurelSources

/// The CSV exports beside boards and person pages (docs/exports.md): their exact bytes, with
/// the BOM, RFC 4180 quoting, formula neutralisation and Chinese text.
@Suite struct ExportsTests {
    static let ledger = """
    2026-01-05 earn b new-customer id:n1 "=SUM(A1)"
    2026-01-06 award b 10 by:a "客户表扬, 谢谢"
    2026-01-07 earn b training id:t1
    2026-01-08 reverse t1 "录入重复"
    """

    static func site(_ audience: Audience = .staff) throws -> [String: [UInt8]] {
        let run = AuditTests.fixture(ExportsTests.ledger).run(asOf: "2026-03-31")
        guard !run.hasErrors else { throw FixtureError.diagnostics(run.diagnostics.map(\.description)) }
        let files = try SiteRenderer.render(run, theme: try RenderedSite.defaultTheme(.en), jobs: 2, audience: audience)
        return Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.bytes) })
    }

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    @Test func personHistoryBytes() throws {
        let files = try ExportsTests.site()
        let expected = """
        date,verb,rule,version,reward,points,capped,reversed,memo,source,id\r
        2026-01-05,earn,new-customer,1,,100,,,'=SUM(A1),ledger/main.ledger:1,n1\r
        2026-01-06,award,,,,10,,,"客户表扬, 谢谢",ledger/main.ledger:2,\r
        2026-01-07,earn,training,1,,10,,ledger/main.ledger:4,,ledger/main.ledger:3,t1\r
        2026-01-08,reverse,,,,-10,,,录入重复,ledger/main.ledger:4,\r

        """
        #expect(files["people/b/history.csv"] == ExportsTests.bom + Array(expected.utf8))
        // Everyone has one, an empty history only the header.
        #expect(files["people/e/history.csv"] == ExportsTests.bom + Array("date,verb,rule,version,reward,points,capped,reversed,memo,source,id\r\n".utf8))
        let page = String(decoding: files["people/b/index.html"] ?? [], as: UTF8.self)
        #expect(page.contains("href=\"history.csv\""))
    }

    @Test func boardBytesLeaveOptedOutPeopleOut() throws {
        let files = try ExportsTests.site()
        // b: 100 + 10 (the training earn is reversed); a, c, d tie at 0 in name order; e opted out.
        let expected = """
        rank,person,name,team,team_name,points\r
        1,b,B,east,East,110\r
        2,a,A,east,East,0\r
        2,c,C,east,East,0\r
        2,d,D,west,West,0\r

        """
        #expect(files["leaderboard/2026-Q1/board.csv"] == ExportsTests.bom + Array(expected.utf8))
        #expect(files["leaderboard/board.csv"] == files["leaderboard/2026-Q1/board.csv"])
        #expect(files["leaderboard/2026-Q1/new-customer/board.csv"] != nil)
        let page = String(decoding: files["leaderboard/2026-Q1/index.html"] ?? [], as: UTF8.self)
        #expect(page.contains("href=\"board.csv\""))
        #expect(files.keys.contains { $0.hasPrefix("audit/") } == false)
    }

    @Test func auditFlagsCSVInTheManagersBuild() throws {
        let files = try ExportsTests.site(.managers)
        // One award by a: below award-count, nothing flagged in this ledger.
        #expect(files["audit/2026-Q1/flags.csv"] == ExportsTests.bom + Array("scope,flag,person,name,approver,count,total,value,median,deviations,direction,rule,lines\r\n".utf8))
        let run = AuditTests.fixture(AuditTests.awards).run(asOf: "2026-03-31")
        guard let book = run.book else { return }
        let audit = FairnessAudit(run.sources, book, period: Period(kind: .quarter, containing: Day("2026-01-01")!))
        let expected = """
        scope,flag,person,name,approver,count,total,value,median,deviations,direction,rule,lines\r
        2026-Q1,pair,b,B,a,2,3,,,,,,ledger/main.ledger:1 ledger/main.ledger:2\r
        2026-Q1,team,a,A,,2,3,,,,,,ledger/main.ledger:1 ledger/main.ledger:2\r

        """
        #expect(AuditExport.csv(audit, run.sources) == ExportsTests.bom + Array(expected.utf8))
    }

    @Test func numberCellsWithoutStrings() {
        var out = ByteWriter()
        HistoryExport.number(-1_234_567_890_123, into: &out)
        out.append(UInt8(ascii: " "))
        HistoryExport.number(0, into: &out)
        out.append(UInt8(ascii: " "))
        HistoryExport.day(Day("2026-03-09")!, into: &out)
        #expect(String(decoding: out.array, as: UTF8.self) == "-1234567890123 0 2026-03-09")
    }
}
