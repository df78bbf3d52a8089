import Testing
@testable import LaurelSite
import LaurelSources

/// The fairness audit (docs/audit.md): each flag fires exactly when its threshold is crossed,
/// with thresholds read from portal.yaml and bad ones reported at their line and column.
/// Expected values are worked out by hand in the comments.
@Suite struct AuditTests {
    /// Five people in two teams (a, b, c: east; d, e: west) on FORMAT.md's example rules.
    static func fixture(_ ledger: String, audit: String = "") -> Fixture {
        Fixture.spec
            .with("portal.yaml", """
            title: T
            period: quarter
            expiry: year
            locale: en
            \(audit)
            """)
            .with("teams.yaml", """
            - id: east
              name: East
            - id: west
              name: West
            """)
            .with("people.yaml", """
            - {id: a, name: A, team: east}
            - {id: b, name: B, team: east}
            - {id: c, name: C, team: east}
            - {id: d, name: D, team: west}
            - {id: e, name: E, team: west, leaderboard: false}
            """)
            .ledger(ledger)
    }

    static func flags(_ ledger: String, audit: String = "", period: Bool = true) throws -> [AuditFlag] {
        let run = fixture(ledger, audit: audit).run(asOf: "2026-03-31")
        guard !run.hasErrors, let book = run.book else { throw FixtureError.diagnostics(run.diagnostics.map(\.description)) }
        return FairnessAudit(run.sources, book, period: period ? Period(kind: .quarter, containing: Day("2026-02-01")!) : nil).flags
    }

    static func kinds(_ flags: [AuditFlag]) -> [String] { flags.map { "\($0.kind.rawValue):\($0.person)" } }

    // Scores 100, 200, 300, 400, 2000: median 300; deviations 200, 100, 0, 100, 1700, so
    // MAD 100 and a robust SD of 148.26; e is (2000 - 300) / 148.26 = 11.47 away, a is 1.35.
    static let outliers = """
    2026-01-05 earn a new-customer
    2026-01-06 earn b new-customer
    2026-01-07 earn b new-customer
    2026-01-08 earn c new-customer
    2026-01-09 earn c new-customer
    2026-01-10 earn c new-customer
    2026-01-11 earn d new-customer
    2026-01-12 earn d new-customer
    2026-01-13 earn d new-customer
    2026-01-14 earn d new-customer
    2026-01-15 earn e deal-won amount:1000000 id:big
    """

    @Test func outlierBeyondKRobustDeviations() throws {
        let flags = try AuditTests.flags(AuditTests.outliers)
        #expect(AuditTests.kinds(flags) == ["outlier:4"])  // e, opted out of the board, is audited
        #expect(flags[0].value == 2000 && flags[0].median == 300)
        #expect(abs(flags[0].deviations - 1700 / 148.26) < 0.001)
        #expect(flags[0].entries.count == 1)
        #expect(try AuditTests.kinds(AuditTests.flags(AuditTests.outliers, audit: "audit: {outlier-mad: 11.4}")) == ["outlier:4"])
        #expect(try AuditTests.flags(AuditTests.outliers, audit: "audit: {outlier-mad: 11.5}").isEmpty)
    }

    // Awards by a: two to b (east), one to d (west). Pair a→b 2/3 = 0.667; own team 2/3.
    static let awards = """
    2026-01-05 award b 10 by:a "x"
    2026-01-06 award b 10 by:a "x"
    2026-01-07 award d 10 by:a "x"
    """

    @Test func pairAndTeamShares() throws {
        let flags = try AuditTests.flags(AuditTests.awards)
        #expect(AuditTests.kinds(flags) == ["pair:1", "team:0"])
        #expect(flags[0].approver == 0 && flags[0].count == 2 && flags[0].total == 3)
        // 2/3 is above 0.666 and not above 0.667.
        #expect(try AuditTests.kinds(AuditTests.flags(AuditTests.awards, audit: "audit: {pair-share: 0.666, team-share: 0.667}")) == ["pair:1"])
        #expect(try AuditTests.kinds(AuditTests.flags(AuditTests.awards, audit: "audit: {pair-share: 0.667, team-share: 0.666}")) == ["team:0"])
        // Fewer awards than award-count: not looked at.
        #expect(try AuditTests.flags(AuditTests.awards, audit: "audit: {award-count: 4}").isEmpty)
    }

    // c has five training earns in January (one cap window, fewer than cap-windows);
    // `reversed` of them are reversed.
    static func reversals(_ reversed: Int) -> String {
        var lines = (1...5).map { "2026-01-1\($0) earn c training id:t\($0)" }
        for k in 0..<reversed { lines.append("2026-03-20 reverse t\(k + 1)") }
        return lines.joined(separator: "\n")
    }

    @Test func reversalRateAboveShare() throws {
        #expect(try AuditTests.flags(AuditTests.reversals(1)).isEmpty)  // 1/5 = 0.2, not above 0.2
        let flags = try AuditTests.flags(AuditTests.reversals(2))
        #expect(AuditTests.kinds(flags) == ["reversal:2"])
        #expect(flags[0].count == 2 && flags[0].total == 5)
        #expect(try AuditTests.flags(AuditTests.reversals(2), audit: "audit: {reversal-share: 0.4}").isEmpty)
        #expect(try AuditTests.flags(AuditTests.reversals(2), audit: "audit: {min-entries: 6}").isEmpty)
    }

    // d: training (10 points, cap 40 a month) four times in January and February (the cap
    // reached), once in March: at the cap in 2 of 3 windows, 0.667.
    static let caps = """
    2026-01-05 earn d training
    2026-01-06 earn d training
    2026-01-07 earn d training
    2026-01-08 earn d training
    2026-02-05 earn d training
    2026-02-06 earn d training
    2026-02-07 earn d training
    2026-02-08 earn d training
    2026-02-09 earn d training
    2026-03-05 earn d training
    """

    @Test func atTheCapInMostWindows() throws {
        let flags = try AuditTests.flags(AuditTests.caps)
        #expect(AuditTests.kinds(flags) == ["cap:3"])
        #expect(flags[0].count == 2 && flags[0].total == 3)
        #expect(try AuditTests.flags(AuditTests.caps, audit: "audit: {cap-share: 0.667}").isEmpty)
        #expect(try AuditTests.flags(AuditTests.caps, audit: "audit: {cap-windows: 4}").isEmpty)
    }

    // b: five new-customer earns (100 each), two in January, one on 2026-03-30 and two on
    // 2026-03-31: 300 of 500 points on the last two days (0.6), 200 on the last day (0.4).
    static let lastDays = """
    2026-01-05 earn b new-customer
    2026-01-06 earn b new-customer
    2026-03-30 earn b new-customer
    2026-03-31 earn b new-customer
    2026-03-31 earn b new-customer
    """

    @Test func earningsBunchedOnTheLastDays() throws {
        let flags = try AuditTests.flags(AuditTests.lastDays)
        #expect(AuditTests.kinds(flags) == ["last-days:1"])
        #expect(flags[0].count == 300 && flags[0].total == 500 && flags[0].entries.count == 3)
        #expect(try AuditTests.flags(AuditTests.lastDays, audit: "audit: {last-days: 1}").isEmpty)
        #expect(try AuditTests.kinds(AuditTests.flags(AuditTests.lastDays, audit: "audit: {last-days: 1, last-days-share: 0.39}")) == ["last-days:1"])
    }

    static func repeats(_ n: Int) -> String {
        (1...n).map { "2026-01-1\($0) earn e deal-won amount:5000" }.joined(separator: "\n")
    }

    @Test func repeatedIdenticalAmounts() throws {
        #expect(try AuditTests.flags(AuditTests.repeats(4)).isEmpty)
        let flags = try AuditTests.flags(AuditTests.repeats(5))
        #expect(AuditTests.kinds(flags) == ["repeat:4"])
        #expect(flags[0].value == 5000 && flags[0].count == 5 && flags[0].rule == 0)
        #expect(try AuditTests.kinds(AuditTests.flags(AuditTests.repeats(4), audit: "audit: {repeat-count: 4}")) == ["repeat:4"])
    }

    @Test func cumulativeScopeCountsEveryPeriod() throws {
        // Two awards in 2025-Q4 and one in 2026-Q1: a quarter alone has fewer than 3.
        let ledger = """
        2025-12-01 award b 10 by:a "x"
        2025-12-02 award b 10 by:a "x"
        2026-01-07 award b 10 by:a "x"
        """
        #expect(try AuditTests.flags(ledger).isEmpty)
        #expect(try AuditTests.kinds(AuditTests.flags(ledger, period: false)) == ["pair:1", "team:0"])
    }

    @Test func thresholdsAreReadStrictly() {
        func errors(_ audit: String) -> [String] { AuditTests.fixture("", audit: audit).diagnostics(asOf: "2026-03-31") }
        #expect(errors("audit:\n  cap-share: 1.5") == ["Content/portal.yaml:6:14: error: audit cap-share must be between 0.0 and 1.0, found 1.5"])
        #expect(errors("audit:\n  bogus: 1") == ["Content/portal.yaml:6:3: error: unknown key 'bogus' in audit; expected one of: " + AuditThresholds.keys.joined(separator: ", ")])
        #expect(errors("audit:\n  pair-share: .5") == ["Content/portal.yaml:6:15: error: expected a decimal number for audit pair-share (such as 0.5 or 3, at most three decimals), found '.5'"])
        #expect(errors("audit:\n  last-days: two") == ["Content/portal.yaml:6:14: error: expected a whole number for audit last-days (digits only, at most 12), found 'two'"])
        #expect(errors("audit: 3") == ["Content/portal.yaml:5:8: error: expected audit as a mapping of `key: value` lines"])
        #expect(AuditThresholds.thousandths("0.5") == 500 && AuditThresholds.thousandths("3") == 3000 && AuditThresholds.thousandths("2.75") == 2750)
        #expect(AuditThresholds.thousandths("1.2345") == nil && AuditThresholds.thousandths("1e3") == nil)
    }

    @Test func thePageShowsTheStrongestFlagsFirst() {
        // Shares 2/10, 9/10, 5/10, 9/10: the two at 90 % first in the audit's order, then 50 %.
        let pairs = [(2, 10), (9, 10), (5, 10), (9, 10)].enumerated().map { k, share in
            AuditFlag(kind: .pair, person: k, count: Int64(share.0), total: Int64(share.1))
        }
        #expect(SiteContext.strongest(pairs, 3).map(\.person) == [1, 3, 2])
        #expect(SiteContext.strongest(pairs, 50).map(\.person) == [1, 3, 2, 0])
        // Outliers by how far they are, either side of the median; repeats by how often.
        let outliers = [(0, 3.5), (1, -9.0), (2, 4.0)].map { AuditFlag(kind: .outlier, person: $0.0, deviations: $0.1) }
        #expect(SiteContext.strongest(outliers, 2).map(\.person) == [1, 2])
        let repeats = [(0, 5), (1, 7), (2, 6)].map { AuditFlag(kind: .repeated, person: $0.0, count: Int64($0.1)) }
        #expect(SiteContext.strongest(repeats, 1).map(\.person) == [1])
        #expect(SiteContext.auditFlagsShown == 50)
    }

    @Test func figuresFillPlaceholdersOnce() {
        // A value is not searched again: a rule named "{total} club" stays as named.
        #expect(SiteContext.fill("{count} of {total} under {rule}", ["count": "3", "total": "9", "rule": "{total} club"])
                == "3 of 9 under {total} club")
        #expect(SiteContext.fill("{unknown} {count}} {", ["count": "3"]) == "{unknown} 3} {")
        #expect(SiteContext.fill("no placeholders", [:]) == "no placeholders")
    }

    @Test func staffBuildHasNoAuditFileLinkOrText() throws {
        let run = Fixture(files: AuditTests.fixture(AuditTests.awards).files).run(asOf: "2026-03-31")
        let theme = try RenderedSite.defaultTheme(.en)
        let staff = try SiteRenderer.render(run, theme: theme, jobs: 2, audience: .staff)
        #expect(!staff.contains { $0.path.hasPrefix("audit/") })
        for file in staff {
            let text = String(decoding: file.bytes, as: UTF8.self)
            #expect(!text.contains("audit/"), "\(file.path) links to the audit")
            #expect(!text.contains("Fairness audit") && !text.contains("not proof of wrongdoing"), "\(file.path) shows audit text")
        }
        let managers = try SiteRenderer.render(run, theme: theme, jobs: 2, audience: .managers)
        let paths = managers.map(\.path)
        #expect(paths.contains("audit/index.html") && paths.contains("audit/2026-Q1/index.html") && paths.contains("audit/flags.csv"))
        let home = managers.first { $0.path == "index.html" }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
        #expect(home.contains("href=\"audit/index.html\""))
        let page = managers.first { $0.path == "audit/2026-Q1/index.html" }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
        #expect(page.contains("ledger/main.ledger:1") && page.contains("../../people/b/index.html#history"))
        // Same sources, same bytes, whatever the number of threads.
        let again = try SiteRenderer.render(run, theme: theme, jobs: 1, audience: .managers)
        #expect(again.map(\.bytes) == managers.map(\.bytes))
    }
}
