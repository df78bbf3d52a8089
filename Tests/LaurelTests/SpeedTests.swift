import Testing
@testable import LaurelSite
import LaurelPoints
import LaurelSources

/// The faster ways of writing the same bytes (docs/benchmark.md, decisions 105–109): each is
/// checked against the plain way it replaced.
@Suite struct SpeedTests {
    @Test("board order by packed keys is the comparison sort's order, ties by name; scores beyond 32 bits take the comparison sort")
    func boardSortIsTheComparisonOrder() {
        var state: UInt64 = 42
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let people = 500
        var nameOrder = Array(0..<Int32(people))
        for i in stride(from: people - 1, to: 0, by: -1) { nameOrder.swapAt(i, Int(next() % UInt64(i + 1))) }
        let byName = Board.byName(nameOrder)
        for scale in [Int64(7), Int64(Int32.max), Int64(1) << 40] {
            // Few distinct scores, so most places are ties decided by name.
            var eligible = (0..<people).map { (person: $0, score: (Int64(next() % 9) - 4) * scale) }
            let expected = eligible.sorted { a, b in a.score != b.score ? a.score > b.score : nameOrder[a.person] < nameOrder[b.person] }
            Board.sort(&eligible, nameOrder: nameOrder, byName: byName)
            #expect(eligible.map(\.person) == expected.map(\.person), "scale \(scale)")
            #expect(eligible.map(\.score) == expected.map(\.score), "scale \(scale)")
        }
    }

    static let hostile = ["", "plain", "张伟", "say \"hi\"\\", "a\nb\r\nc\td", "<script>&amp;</script>",
                          "line\u{2028}para\u{2029}end", "\u{0}\u{1}\u{1F}\u{7F} x", "emoji 🎉 é", "\u{E2}\u{80}", "'=SUM(A1)"]

    @Test func jsonBytesAreTheStringEscape() {
        for s in SpeedTests.hostile {
            var out = ByteWriter(capacity: 16)
            Escape.json(s, into: &out)
            #expect(out.array == Array(Escape.json(s).utf8), "\(s.debugDescription)")
        }
    }

    @Test func peopleJSONBytesAreTheText() throws {
        let run = Fixture.spec.ledger("""
        2026-01-05 earn zhang-wei new-customer
        2026-02-01 award li-na 30 by:zhang-wei "表扬"
        """).run(asOf: "2026-03-31")
        let book = try #require(run.book)
        let bytes = PeopleExport.bytes(run.sources, book)
        #expect(String(decoding: bytes, as: UTF8.self) == PeopleExport.json(run.sources, book))
        #expect(bytes.starts(with: Array("{\n  \"asOf\": \"2026-03-31\",\n".utf8)))
    }

    @Test func isoDayTableIsTheCalendar() {
        for serial in [Int32(-800_000), -1, 0, 10_956, 10_957, 20_000, 47_481, 47_482, 60_000] {
            var fromTable = ByteWriter(capacity: 16), computed = ByteWriter(capacity: 16)
            HistoryExport.day(Day(serial: serial), into: &fromTable)
            HistoryExport.computeDay(Day(serial: serial), into: &computed)
            #expect(fromTable.array == computed.array)
        }
        for serial in stride(from: Int32(10_957), to: 47_482, by: 97) {
            var out = ByteWriter(capacity: 16)
            HistoryExport.day(Day(serial: serial), into: &out)
            #expect(String(decoding: out.array, as: UTF8.self) == Day(serial: serial).description)
        }
    }

    /// The team pages' roster, made in one pass, is what filtering the board per team gave.
    @Test func teamRosterIsTheBoardPerTeam() throws {
        let fixture = Fixture.spec.with("teams.yaml", """
        - id: east
          name: 华东一组
          lead: zhang-wei
        - id: west
          name: 华西组
        - id: empty
          name: 空组
        """).with("people.yaml", """
        - id: zhang-wei
          name: 张伟
          team: east
        - id: li-na
          name: 李娜
          team: east
        - id: wang-fang
          name: 王芳
          team: west
        - id: chen-jie
          name: 陈杰
          team: west
          leaderboard: false
        - id: zhao-lei
          name: 赵磊
          team: west
        """).ledger("""
        2026-01-05 earn zhang-wei new-customer
        2026-01-06 earn wang-fang new-customer
        2026-01-07 earn chen-jie new-customer
        2026-01-08 earn li-na training
        """)
        let run = fixture.run(asOf: "2026-03-31")
        guard !run.hasErrors else { throw FixtureError.diagnostics(run.diagnostics.map(\.description)) }
        let book = try #require(run.book)
        let scores = ScoreTable(sources: run.sources, book: book)
        let board = Board(scores, run.sources, period: book.period, category: nil, asOf: book.asOf, nameOrder: Board.nameOrder(run.sources))
        let roster = TeamRoster(board, run.sources)
        let standings = board.teams(run.sources)
        for t in run.sources.teams.indices {
            let standing = standings.first { $0.team == t }
            #expect(roster.standings[t]?.total == standing?.total)
            #expect(roster.standings[t]?.rank == standing?.rank)
            #expect(roster.standings[t]?.members == standing?.members)
            #expect(roster.members[t].map(\.person) == board.order.filter { run.sources.people[$0.person].team == Int32(t) }.map(\.person))
            #expect(roster.headcount[t] == run.sources.people.filter { $0.team == Int32(t) }.count)
        }
        #expect(roster.headcount == [2, 3, 0])
    }

    /// A spending changes the person's lots in place: the array the engine reserved for the
    /// person's entries is the one holding the lots at the end. (A copy on every spending left
    /// the lots in a new array sized for the lots of that moment, grown by doubling after.)
    @Test func spendingsKeepTheReservedLots() throws {
        var ledger = ""
        for day in 1...28 {
            let date = "2026-01-\(day < 10 ? "0" : "")\(day)"
            ledger += "\(date) earn zhang-wei new-customer\n\(date) deduct zhang-wei 5 by:li-na \"扣分\"\n"
        }
        let run = Fixture.spec.ledger(ledger).run(asOf: "2026-03-31")
        guard !run.hasErrors else { throw FixtureError.diagnostics(run.diagnostics.map(\.description)) }
        let account = try #require(run.book?.accounts.first)
        #expect(account.lots.count == 28)
        #expect(account.entries.count == 56)
        #expect(account.lots.capacity >= 56)
    }
}
