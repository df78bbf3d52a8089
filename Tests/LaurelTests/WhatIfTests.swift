import Foundation
import LaurelSources
import Testing
@testable import LaurelSite
#if canImport(Glibc)
import Glibc
#endif

/// `laurel what-if` (docs/what-if.md): the current rules against a proposed rules.yaml, both
/// computed by the points engine. Expected figures are worked out by hand in the comments.
@Suite struct WhatIfTests {
    /// FORMAT.md's example rules and reward, three people; wang-fang opted out of ranking.
    static let ledger = """
    2026-01-05 earn zhang-wei deal-won amount:250000 id:deal-1
    2026-01-09 earn li-na training qty:4
    2026-01-20 earn li-na training qty:2
    2026-02-03 earn li-na new-customer
    2026-02-10 earn zhang-wei new-customer
    2026-02-12 award zhang-wei 100 by:li-na "Onboarding"
    2026-02-15 redeem zhang-wei gift-card-200
    2026-03-02 earn wang-fang deal-won amount:100000
    2026-03-05 earn li-na training
    """

    static var fixture: Fixture {
        Fixture.spec
            .with("people.yaml", """
            - id: zhang-wei
              name: 张伟
              team: east
            - id: li-na
              name: 李娜
              team: east
            - id: wang-fang
              name: 王芳
              team: east
              leaderboard: false
            """)
            .ledger(ledger)
    }

    /// FORMAT.md's rules with deal-won's 2026 version halved and capped at 200 a month, and
    /// training at 50 points with a cap of 1,000 a month.
    static let proposed = """
    - id: deal-won
      name: 签单
      category: sales
      versions:
        - since: 2025-01-01
          per: 1000
          points: 1
          cap: {max: 2000, per: month}
        - since: 2026-01-01
          per: 1000
          points: 1
          cap: {max: 200, per: month}
          expiry: months:12
    - id: new-customer
      name: 新客户开发
      category: new-customer
      versions:
        - since: 2025-01-01
          points: 100
        - since: 2026-07-01
          retired: true
    - id: training
      name: 参加培训
      category: training
      versions:
        - since: 2025-01-01
          points: 50
          cap: {max: 1000, per: month}
    """

    static func compare(_ fixture: Fixture = WhatIfTests.fixture, proposed: String, asOf: String = "2026-03-31",
                        period: Period? = nil) -> WhatIf.Result {
        WhatIf.compare(fixture.tree, proposed: Array(proposed.utf8), proposedPath: "proposed-rules.yaml",
                       asOf: Day(asOf) ?? Day(serial: 0), period: period, jobs: 2)
    }

    static func comparison(_ fixture: Fixture = WhatIfTests.fixture, proposed: String, asOf: String = "2026-03-31",
                           period: Period? = nil) throws -> (WhatIfComparison, [Diagnostic]) {
        switch compare(fixture, proposed: proposed, asOf: asOf, period: period) {
        case .compared(let c, let warnings): return (c, warnings)
        case .contentErrors(let d), .proposedErrors(let d): throw FixtureError.diagnostics(d.map(\.description))
        }
    }

    static func person(_ c: WhatIfComparison, _ id: String) throws -> WhatIfComparison.PersonRow {
        try #require(c.people.first { $0.id == id })
    }

    static func figure(_ figures: [WhatIfComparison.Figure], _ id: String) throws -> WhatIfComparison.Figure {
        try #require(figures.first { $0.id == id })
    }

    // MARK: no change, no movement

    @Test func unchangedRulesShowNoMovement() throws {
        let (c, warnings) = try WhatIfTests.comparison(proposed: WhatIfTests.fixture.files["rules.yaml"] ?? "")
        #expect(warnings.isEmpty)
        #expect(c.isUnchanged)
        #expect(c.changed.isEmpty && c.added.isEmpty && c.removed.isEmpty)
        #expect(c.movers(up: true, top: 10).isEmpty && c.movers(up: false, top: 10).isEmpty)
        for row in c.people {
            #expect(row.scoreChange == 0 && row.balanceChange == 0 && (row.places ?? 0) == 0, "\(row)")
        }
        #expect(c.categories.allSatisfy { $0.change == 0 } && c.caps.allSatisfy { $0.change == 0 })
        #expect(c.liability.change == 0 && c.problems.isEmpty && c.assertionsNotHolding == 0)
    }

    /// The demo department (9,000 entries with balance assertions) against a copy of its own
    /// rules.yaml, with comments changed: every figure stays, every assertion still holds.
    @Test func demoWithItsOwnRulesShowsNoMovement() throws {
        let tree = try SourceTree.read(folder: Portal.repository + "/Content", label: "Content")
        let rules = try #require(tree.files["rules.yaml"])
        let proposed = Array("# a copy\n".utf8) + rules
        for period in [nil, Period(kind: .month, name: "2026-07"), Period(kind: .year, name: "2025")] {
            let result = WhatIf.compare(tree, proposed: proposed, proposedPath: "same.yaml", asOf: Day("2026-11-29") ?? Day(serial: 0),
                                        period: period, jobs: 2)
            guard case .compared(let c, _) = result else { Issue.record("not compared: \(result)"); return }
            #expect(c.isUnchanged, "\(period.map(String.init(describing:)) ?? "default")")
            #expect(c.assertionsNotHolding == 0 && c.problems.isEmpty)
            #expect(c.people.count == 31 && c.liability.before > 0 && c.scored.before > 0)
            let text = WhatIfReport.text(c, top: 10, proposedPath: "same.yaml", rulesPath: "Content/rules.yaml")
            #expect(text.contains("nobody moves up") && text.contains("nobody moves down"))
        }
    }

    // MARK: a hand-computed proposal

    /// Current rules, 2026-Q1 (as of 2026-03-31):
    /// - zhang-wei: deal 250 × 2 = 500 (2026 version, no cap), new-customer 100, award 100:
    ///   score 700; the redemption (400) takes the new-customer and award lots (last valid
    ///   2026-12-31) and 200 of the deal lot (2027-01-31): balance 300. Rank 1.
    /// - li-na: training 4 × 10 = 40 (cap 40 a month), then 2 × 10 = 20 all cut (20 capped),
    ///   new-customer 100, March training 10: score 150, balance 150. Rank 2.
    /// - wang-fang: deal 100 × 2 = 200, balance 200, not ranked.
    /// Proposed:
    /// - zhang-wei: deal 250 × 1 = 250 capped to 200 (50 cut), + 100 + 100 = 400; the
    ///   redemption takes it all: balance 0. Rank 2.
    /// - li-na: training 200, 100 (no cut under 1,000), new-customer 100, March 50: 450,
    ///   balance 450. Rank 1.
    /// - wang-fang: 100, balance 100.
    @Test func handComputedProposal() throws {
        let (c, _) = try WhatIfTests.comparison(proposed: WhatIfTests.proposed)
        #expect(c.period.description == "2026-Q1")
        #expect(c.changed == ["deal-won", "training"] && c.added.isEmpty && c.removed.isEmpty)

        let zhang = try WhatIfTests.person(c, "zhang-wei")
        #expect((zhang.scoreBefore, zhang.scoreAfter, zhang.scoreChange) == (700, 400, -300))
        #expect((zhang.rankBefore, zhang.rankAfter, zhang.places) == (1, 2, -1))
        #expect((zhang.balanceBefore, zhang.balanceAfter) == (300, 0))
        let li = try WhatIfTests.person(c, "li-na")
        #expect((li.scoreBefore, li.scoreAfter, li.scoreChange) == (150, 450, 300))
        #expect((li.rankBefore, li.rankAfter, li.places) == (2, 1, 1))
        #expect((li.balanceBefore, li.balanceAfter) == (150, 450))
        let wang = try WhatIfTests.person(c, "wang-fang")
        #expect((wang.scoreBefore, wang.scoreAfter) == (200, 100))
        #expect(wang.rankBefore == nil && wang.rankAfter == nil && wang.places == nil)
        #expect((wang.balanceBefore, wang.balanceAfter) == (200, 100))
        #expect(c.people.map(\.id) == ["li-na", "zhang-wei", "wang-fang"])

        // Categories: sales 500 + 200 → 200 + 100; new-customer 200 both; training 50 → 350;
        // other (the award) 100 both.
        #expect(c.categories.map(\.id) == ["sales", "new-customer", "training", "other"])
        #expect(c.categories.map(\.before) == [700, 200, 50, 100])
        #expect(c.categories.map(\.after) == [300, 200, 350, 100])
        #expect((c.scored.before, c.scored.after) == (1050, 950))

        // Caps: deal-won 0 → 50 (its 2026 version had no cap), training 20 → 0; new-customer has no cap.
        #expect(c.caps.map(\.id) == ["deal-won", "training"])
        let deal = try WhatIfTests.figure(c.caps, "deal-won"), training = try WhatIfTests.figure(c.caps, "training")
        #expect((deal.before, deal.after, training.before, training.after) == (0, 50, 20, 0))
        #expect((c.capped.before, c.capped.after) == (20, 50))

        // Liability: 300 + 150 + 200 = 650 → 0 + 450 + 100 = 550.
        #expect((c.liability.before, c.liability.after, c.liability.change) == (650, 550, -100))
        #expect(c.problems.isEmpty && c.assertionsNotHolding == 0)

        #expect(c.movers(up: true, top: 10).map(\.id) == ["li-na"])
        #expect(c.movers(up: false, top: 10).map(\.id) == ["zhang-wei"])
        #expect(c.movers(up: true, top: 0).isEmpty)
        let move = c.movement
        #expect((move.up, move.down, move.same, move.scoreChanged) == (1, 1, 0, 3))
    }

    /// A later period of the same ledger shows nothing scored, but the liability is the same
    /// (it is at the as-of date, whatever the period).
    @Test func periodChoosesScoresNotLiability() throws {
        let (c, _) = try WhatIfTests.comparison(proposed: WhatIfTests.proposed, period: Period(kind: .month, name: "2026-02"))
        #expect(c.period.description == "2026-02")
        // February: li-na new-customer 100; zhang-wei new-customer 100 + award 100.
        #expect(try WhatIfTests.person(c, "zhang-wei").scoreBefore == 200)
        #expect(try WhatIfTests.person(c, "li-na").scoreAfter == 100)
        #expect(c.caps.allSatisfy { $0.before == 0 && $0.after == 0 })
        #expect((c.liability.before, c.liability.after) == (650, 550))
    }

    /// Balance assertions state balances under the current rules: under the proposed ones
    /// they are counted, not reported; a redemption the smaller balance cannot pay is a
    /// problem a build would report, and is left out of the proposed figures.
    @Test func refusedRedemptionAndAssertions() throws {
        // li-na's balance at the start of 2026-03-10: 150 now, 450 with the proposed rules.
        let fixture = WhatIfTests.fixture.ledger(WhatIfTests.ledger + "\n2026-03-10 balance li-na 150\n")
        let smaller = WhatIfTests.proposed.replacingOccurrences(of: "cap: {max: 200, per: month}", with: "cap: {max: 100, per: month}")
        let (c, _) = try WhatIfTests.comparison(fixture, proposed: smaller)
        // Proposed zhang-wei: 100 (capped) + 100 + 100 = 300 < 400: the redemption fails.
        #expect(c.problems.map { "\($0.path):\($0.line)" } == ["Content/ledger/main.ledger:7"])
        #expect(c.problems.first?.message.contains("gift-card-200") == true)
        #expect(c.assertionsNotHolding == 1)
        let zhang = try WhatIfTests.person(c, "zhang-wei")
        #expect((zhang.scoreAfter, zhang.balanceAfter) == (300, 300))
        let text = WhatIfReport.text(c, top: 10, proposedPath: "p.yaml", rulesPath: "Content/rules.yaml")
        #expect(text.contains("1 balance assertions") && text.contains("1 entries or pages would be"))
        for line in text.split(separator: "\n") {
            #expect(TerminalText.width(String(line)) <= 80, "\(line)")
        }
    }

    /// The liability leaves out people who left before the as-of date; their balance is
    /// shown apart. chen left on 2026-02-28 with 100 points (new-customer, 2026-01-15).
    @Test func liabilityLeavesOutLeavers() throws {
        let people = (WhatIfTests.fixture.files["people.yaml"] ?? "") + """

        - id: chen
          name: 陈
          team: east
          left: 2026-02-28
        """
        let fixture = WhatIfTests.fixture.with("people.yaml", people)
            .ledger(WhatIfTests.ledger)
            .ledger("2026-01-15 earn chen new-customer\n", file: "chen.ledger")
        let (c, _) = try WhatIfTests.comparison(fixture, proposed: WhatIfTests.proposed)
        #expect((c.liability.before, c.liability.after) == (650, 550))
        #expect((c.heldByLeavers.before, c.heldByLeavers.after) == (100, 100))
        #expect(try WhatIfTests.person(c, "chen").balanceBefore == 100)
    }

    /// A rule moved to a new category: its points leave the old one and arrive in the new,
    /// which comes after the current categories, `other` staying last.
    @Test func categoryMovedByTheProposal() throws {
        let moved = WhatIfTests.fixture.files["rules.yaml"]?.replacingOccurrences(of: "category: training", with: "category: learning") ?? ""
        let (c, _) = try WhatIfTests.comparison(proposed: moved)
        #expect(c.changed == ["training"])
        #expect(c.categories.map(\.id) == ["sales", "new-customer", "training", "learning", "other"])
        #expect(try WhatIfTests.figure(c.categories, "training").after == 0)
        #expect(try WhatIfTests.figure(c.categories, "learning").before == 0)
        #expect(try WhatIfTests.figure(c.categories, "learning").after == 50)
        #expect(c.scored.change == 0 && c.liability.change == 0)
    }

    /// A proposal without the training rule: the ledger's three training entries become
    /// errors a build would report, and are left out of the proposed figures.
    @Test func removedRuleStrandsItsEntries() throws {
        let rules = WhatIfTests.fixture.files["rules.yaml"] ?? ""
        let withoutTraining = String(rules[..<(rules.range(of: "- id: training")?.lowerBound ?? rules.endIndex)])
        let (c, _) = try WhatIfTests.comparison(proposed: withoutTraining)
        #expect(c.removed == ["training"] && c.changed.isEmpty && c.added.isEmpty)
        #expect(c.problems.map(\.line) == [2, 3, 9], "\(c.problems)")
        #expect(c.problems.allSatisfy { $0.path == "Content/ledger/main.ledger" })
        #expect(try WhatIfTests.person(c, "li-na").scoreAfter == 100)
        #expect(c.categories.map(\.id) == ["sales", "new-customer", "training", "other"])
    }

    // MARK: errors

    /// Errors in the proposed file are reported at its own path, line and column, all of
    /// them, and nothing else (not the ledger entries its broken rules would strand).
    @Test func proposedFileErrorsAtTheirLines() {
        let broken = """
        - id: deal-won
          name: 签单
          category: sales
          versions:
            - since: 2025-01-01
              per: 1000
              points: zero
              colour: red
        - id: training
          name: 参加培训
          versions:
            - since: 2025-13-01
              points: 10
        """
        guard case .proposedErrors(let d) = WhatIfTests.compare(proposed: broken) else {
            Issue.record("expected errors in the proposed file")
            return
        }
        let errors = d.filter { $0.severity == .error }
        #expect(errors.count >= 3, "\(d)")
        #expect(d.allSatisfy { $0.path == "proposed-rules.yaml" }, "\(d)")
        let places = errors.map { "\($0.line):\($0.column)" }
        #expect(places.contains("7:15"), "\(places)")
        #expect(places.contains("8:7"), "\(places)")
        #expect(places.contains { $0.hasPrefix("12:") }, "\(places)")
        #expect(errors.allSatisfy { $0.description.hasPrefix("proposed-rules.yaml:\($0.line):\($0.column): error: ") })
    }

    @Test func proposedFileThatIsNotYAML() {
        guard case .proposedErrors(let d) = WhatIfTests.compare(proposed: "- id: [\n") else {
            Issue.record("expected errors in the proposed file")
            return
        }
        #expect(!d.isEmpty && d.allSatisfy { $0.path == "proposed-rules.yaml" && $0.severity == .error }, "\(d)")
    }

    @Test func contentErrorsComeFirst() {
        let broken = WhatIfTests.fixture.ledger("2026-01-05 earn nobody deal-won amount:1\n")
        guard case .contentErrors(let d) = WhatIfTests.compare(broken, proposed: WhatIfTests.proposed) else {
            Issue.record("expected content errors")
            return
        }
        #expect(d.contains { $0.path == "Content/ledger/main.ledger" && $0.severity == .error })
    }

    /// A proposed version dated after the as-of date changes nothing yet: a warning says so,
    /// at the version's line.
    @Test func futureVersionIsNoted() throws {
        let later = (WhatIfTests.fixture.files["rules.yaml"] ?? "") + """

            - since: 2027-01-01
              points: 20
        """
        let (c, warnings) = try WhatIfTests.comparison(proposed: later)
        #expect(c.isUnchanged && c.changed == ["training"])
        #expect(warnings.count == 1)
        #expect(warnings.first?.description.hasPrefix("proposed-rules.yaml:28:7: warning: this version of 'training' starts on 2027-01-01") == true,
                "\(warnings)")
    }

    // MARK: the report and the pages

    @Test func terminalWidthCountsChineseTwice() {
        #expect(TerminalText.width("张伟") == 4)
        #expect(TerminalText.width("Li Na") == 5)
        #expect(TerminalText.width("e\u{301}") == 1)
        #expect(TerminalText.cell("张伟", 6) == "张伟  ")
        #expect(TerminalText.cell("42", 5, alignRight: true) == "   42")
        #expect(TerminalText.fit("欧阳娜娜娜", 7) == "欧阳娜…")
        #expect(TerminalText.safe("A\u{1B}[2J\u{202E}B") == "A\u{FFFD}[2J\u{FFFD}B")
        #expect(TerminalText.grouped(-1234567) == "-1,234,567" && TerminalText.grouped(1000, sign: true) == "+1,000")
        #expect(TerminalText.grouped(0, sign: true) == "0")
        #expect(TerminalText.wrap("张伟 and 李娜 moved", 9) == ["张伟 and", "李娜", "moved"])
    }

    @Test func reportFitsEightyColumns() throws {
        let (c, _) = try WhatIfTests.comparison(proposed: WhatIfTests.proposed)
        let text = WhatIfReport.text(c, top: 10, proposedPath: "proposed-rules.yaml", rulesPath: "Content/rules.yaml")
        for line in text.split(separator: "\n") {
            #expect(TerminalText.width(String(line)) <= 80, "\(line)")
        }
        #expect(text.contains("Points liability on 2026-03-31                   650         550        -100"))
        #expect(text.contains("  李娜           华东一组         2 → 1            150        450       +300"))
    }

    /// Names from people.yaml are escaped in HTML and neutralised in CSV.
    @Test func pagesEscapeAndAreDeterministic() throws {
        let hostile = WhatIfTests.fixture.with("people.yaml", """
        - id: zhang-wei
          name: "<script>alert(1)</script>"
          team: east
        - id: li-na
          name: "=HYPERLINK(\\"x\\")"
          team: east
        - id: wang-fang
          name: 王芳 & "co"
          team: east
          leaderboard: false
        """)
        let (c, _) = try WhatIfTests.comparison(hostile, proposed: WhatIfTests.proposed)
        let theme = try WhatIfTests.theme(c.locale)
        let files = WhatIfPages.files(c, top: 10, theme: theme)
        let again = WhatIfPages.files(try WhatIfTests.comparison(hostile, proposed: WhatIfTests.proposed).0, top: 10, theme: theme)
        #expect(files.map(\.path) == ["caps.csv", "categories.csv", "index.html", "people.csv", "people.html", "style.css"])
        #expect(files.map(\.bytes) == again.map(\.bytes))
        let people = String(decoding: try #require(files.first { $0.path == "people.html" }).bytes, as: UTF8.self)
        #expect(!people.contains("<script>") && people.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(people.contains("王芳 &amp; &quot;co&quot;"))
        #expect(people.contains("<caption>") && people.contains("<th scope=\"col\">人员</th>"))
        let index = String(decoding: try #require(files.first { $0.path == "index.html" }).bytes, as: UTF8.self)
        #expect(!index.contains("<script") && !index.contains("/tmp") && index.contains("<html lang=\"zh-CN\">"))
        let csv = try #require(files.first { $0.path == "people.csv" }).bytes
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let csvText = String(decoding: csv.dropFirst(3), as: UTF8.self)
        #expect(csvText.hasPrefix("person,name,team,team_name,rank_current,rank_proposed,places,score_current,score_proposed,score_change,balance_current,balance_proposed,balance_change\r\n"))
        #expect(csvText.contains("li-na,\"'=HYPERLINK(\"\"x\"\")\",east,华东一组,2,1,1,150,450,300,150,450,300\r\n"))
        #expect(csvText.contains("wang-fang,\"王芳 & \"\"co\"\"\",east,华东一组,,,,200,100,-100,200,100,-100\r\n"))
        let categories = String(decoding: try #require(files.first { $0.path == "categories.csv" }).bytes.dropFirst(3), as: UTF8.self)
        #expect(categories == "period,category,current,proposed,change\r\n2026-Q1,sales,700,300,-400\r\n2026-Q1,new-customer,200,200,0\r\n2026-Q1,training,50,350,300\r\n2026-Q1,other,100,100,0\r\n2026-Q1,,1050,950,-100\r\n")
    }

    // MARK: the pages' language

    /// The default theme in `locale`, as the command loads it for the portal's locale.
    static func theme(_ locale: PortalSettings.Locale) throws -> Theme {
        let (theme, problems) = Theme.load(themes: Portal.repository + "/Themes", name: "default", locale: locale)
        #expect(problems.isEmpty, "\(problems)")
        return try #require(theme)
    }

    static func pages(_ c: WhatIfComparison, _ theme: Theme) -> [String: String] {
        var pages: [String: String] = [:]
        for file in WhatIfPages.files(c, top: 10, theme: theme) where file.path.hasSuffix(".html") {
            pages[file.path] = String(decoding: file.bytes, as: UTF8.self)
        }
        return pages
    }

    /// portal.yaml's `locale:` decides the language of the page set: the theme's whatif.*
    /// strings, periods and dates as the portal writes them. The CSV files stay the same.
    @Test func pagesFollowThePortalLocale() throws {
        let zhFixture = WhatIfTests.fixture
        var enFixture = WhatIfTests.fixture
        enFixture.files["portal.yaml"] = zhFixture.files["portal.yaml"]?.replacingOccurrences(of: "locale: zh-CN", with: "locale: en")
        let (zh, _) = try WhatIfTests.comparison(zhFixture, proposed: WhatIfTests.proposed)
        let (en, _) = try WhatIfTests.comparison(enFixture, proposed: WhatIfTests.proposed)
        #expect(zh.locale == .zhCN && en.locale == .en)
        let zhPages = WhatIfTests.pages(zh, try WhatIfTests.theme(.zhCN))
        let enPages = WhatIfTests.pages(en, try WhatIfTests.theme(.en))

        let zhIndex = try #require(zhPages["index.html"]), zhPeople = try #require(zhPages["people.html"])
        #expect(zhIndex.contains("<html lang=\"zh-CN\">"))
        #expect(zhIndex.contains("<h1>假如改用 proposed-rules.yaml 作为规则</h1>"))
        #expect(zhIndex.contains("<title>规则模拟：proposed-rules.yaml，2026年第1季度 · 华东销售部积分门户</title>"))
        #expect(zhIndex.contains("<tr><th scope=\"row\">2026年3月31日的积分负债</th><td class=\"num\">650</td><td class=\"num\">550</td><td class=\"num\">-100</td></tr>"))
        #expect(zhIndex.contains("<h2>2026年第1季度名次上升最多的人 <span class=\"sub\">上榜 2 人中的前 10 名</span></h2>"))
        // Categories as the portal names them, rules and people by their names, ids beside.
        #expect(zhIndex.contains("<tr><th scope=\"row\">销售业绩 <small class=\"muted\">sales</small></th><td class=\"num\">700</td>"))
        #expect(zhIndex.contains("<th scope=\"row\">签单 <small class=\"muted\">deal-won</small></th>"))
        #expect(zhIndex.contains("修改的规则：deal-won、training；新增：无；删除：无"))
        #expect(zhIndex.contains("数据截至 <strong>2026年3月31日</strong>&nbsp;· 周期 2026年第1季度"))
        #expect(zhPeople.contains("<h1>全体人员，2026年第1季度</h1>"))
        #expect(zhPeople.contains("<th scope=\"row\">李娜 <small class=\"muted\">li-na</small></th><td>华东一组</td><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">+1</td>"))
        #expect(!zhIndex.contains("2026-Q1") && !zhIndex.contains("Points"))

        let enIndex = try #require(enPages["index.html"]), enPeople = try #require(enPages["people.html"])
        #expect(enIndex.contains("<html lang=\"en\">"))
        #expect(enIndex.contains("<h1>What if proposed-rules.yaml were the rules</h1>"))
        #expect(enIndex.contains("<title>What-if: proposed-rules.yaml, Q1 2026 · 华东销售部积分门户</title>"))
        #expect(enIndex.contains("<tr><th scope=\"row\">Points liability on Mar 31, 2026</th><td class=\"num\">650</td>"))
        #expect(enIndex.contains("<tr><th scope=\"row\">Sales <small class=\"muted\">sales</small></th>"))
        #expect(enIndex.contains("Rules changed: deal-won, training; added: none; removed: none"))
        #expect(enIndex.contains("As of <strong>Mar 31, 2026</strong>&nbsp;· period Q1 2026"))
        #expect(enPeople.contains("<h1>Everyone, Q1 2026</h1>") && enPeople.contains("<th scope=\"col\">person</th>"))
        #expect(!enIndex.contains("2026-Q1") && !enIndex.contains("规则模拟") && !enIndex.contains("第1季度"))

        // Every string the pages use is in both locales' files (a missing one shows its key).
        for page in Array(zhPages.values) + Array(enPages.values) { #expect(!page.contains("whatif.")) }
        // The CSV files are machine-readable: the same header and rows in either locale.
        let csv = { (c: WhatIfComparison, t: Theme) in WhatIfPages.files(c, top: 10, theme: t).filter { $0.path.hasSuffix(".csv") }.map(\.bytes) }
        #expect(csv(zh, try WhatIfTests.theme(.zhCN)) == csv(en, try WhatIfTests.theme(.en)))
        // Deterministic in both.
        #expect(WhatIfTests.pages(zh, try WhatIfTests.theme(.zhCN)) == zhPages)
        #expect(WhatIfTests.pages(en, try WhatIfTests.theme(.en)) == enPages)
    }

    /// A theme without a whatif.* string shows the key, as any label the theme lacks
    /// (Theme.string); a category without a name shows its id.
    @Test func missingStringsShowTheirKey() throws {
        let (c, _) = try WhatIfTests.comparison(proposed: WhatIfTests.proposed)
        let full = try WhatIfTests.theme(.zhCN)
        var strings = full.strings
        strings["whatif.index.heading"] = nil
        strings["category.sales"] = nil
        let partial = Theme(name: full.name, pages: full.pages, strings: strings, assets: full.assets, fingerprint: full.fingerprint)
        let index = try #require(WhatIfTests.pages(c, partial)["index.html"])
        #expect(index.contains("<h1>whatif.index.heading</h1>"))
        #expect(index.contains("<tr><th scope=\"row\">sales</th>"))
        #expect(index.contains("<h2>合计</h2>"))
    }

    // MARK: where the pages may go

    /// A scratch folder for the output tests, removed at the end.
    final class Scratch {
        let root: String
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("laurel-what-if-" + UUID().uuidString).path
            try FileManager.default.createDirectory(atPath: root + "/Content", withIntermediateDirectories: true)
            try Data("title: T\n".utf8).write(to: URL(fileURLWithPath: root + "/Content/portal.yaml"))
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }
        func mkdir(_ path: String) throws { try FileManager.default.createDirectory(atPath: root + "/" + path, withIntermediateDirectories: true) }
        func write(_ path: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + path)) }
    }

    static let files: [(path: String, bytes: [UInt8])] = [("index.html", Array("<!doctype html>\n".utf8)), ("people.csv", [0xEF, 0xBB, 0xBF])]

    @Test func refusesContentPublishedOutputsAndForeignFolders() throws {
        let s = try Scratch()
        let content = s.root + "/Content"
        func refused(_ folder: String) -> Bool { WhatIfOutput.refusal(folder: folder, content: content) != nil }
        #expect(refused(content))
        #expect(refused(content + "/what-if"))
        #expect(refused(s.root))  // holds the content folder
        // A published portal: `public` links into `.public.laurel/builds/`.
        try s.mkdir(".public.laurel/builds/b000001")
        try FileManager.default.createSymbolicLink(atPath: s.root + "/public", withDestinationPath: ".public.laurel/builds/b000001")
        #expect(refused(s.root + "/public"))
        #expect(refused(s.root + "/public/what-if"))
        #expect(refused(s.root + "/.public.laurel/what-if"))
        // A plain folder beside its bookkeeping (an output before its first linked build).
        try s.mkdir("site")
        try s.mkdir(".site.laurel")
        #expect(refused(s.root + "/site"))
        // A folder with other files, and a file.
        try s.mkdir("notes")
        try s.write("notes/todo.txt", "keep me")
        #expect(refused(s.root + "/notes"))
        try s.mkdir("linked")  // empty: only being a link refuses it
        try FileManager.default.createSymbolicLink(atPath: s.root + "/link", withDestinationPath: "linked")
        #expect(!refused(s.root + "/linked"))
        #expect(refused(s.root + "/link") && refused(s.root + "/link/"))
        try s.write("file", "x")
        #expect(refused(s.root + "/file"))
        // Allowed: new, empty, or an earlier what-if.
        #expect(!refused(s.root + "/what-if"))
        #expect(!refused(s.root + "/new/deeper"))
        try s.mkdir("empty")
        #expect(!refused(s.root + "/empty"))
        #expect(throws: WhatIfOutput.Refusal.self) { try WhatIfOutput.write(WhatIfTests.files, to: s.root + "/notes", content: content) }
        #expect((try? String(contentsOfFile: s.root + "/notes/todo.txt", encoding: .utf8)) == "keep me")
    }

    @Test func replacesItsOwnOutputWholeAndDeterministically() throws {
        let s = try Scratch()
        let content = s.root + "/Content"
        let out = s.root + "/what-if"
        try WhatIfOutput.write(WhatIfTests.files, to: out, content: content)
        let first = Tree.contents(out)
        #expect(Set(first.keys) == ["index.html", "people.csv", WhatIfOutput.marker])
        try s.write("what-if/stale.html", "old")
        try WhatIfOutput.write(WhatIfTests.files, to: out, content: content)
        #expect(Tree.contents(out) == first)  // the same bytes, and the stray file is gone
        // Nothing is left beside it: no temporary or old folder.
        let beside = try FileManager.default.contentsOfDirectory(atPath: s.root).sorted()
        #expect(beside == ["Content", "what-if"])
        // A file with a folder in its name is refused, and the earlier output stays.
        #expect(throws: WhatIfOutput.Refusal.self) {
            try WhatIfOutput.write([("../escape.html", [])], to: out, content: content)
        }
        #expect(Tree.contents(out) == first)
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.root).sorted() == ["Content", "what-if"])
    }
}

/// The command end to end on a copy of the demo: what-if leaves the content and the published
/// portal byte for byte as they were, writes the same page set twice, and refuses the output.
@Suite("What-if: the command", .serialized)
struct WhatIfCommandTests {
    @Test func nothingPublishedChanges() throws {
        let portal = try Portal(wholeDemo: true)
        try portal.build(extra: ["--quiet"]).expectSuccess()
        let content = Tree.contents(portal.content), published = Tree.contents(portal.output)
        let stats = Tree.stats(portal.root + "/.public.laurel")
        let proposed = portal.root + "/proposed-rules.yaml"
        try FileManager.default.copyItem(atPath: Portal.repository + "/docs/examples/proposed-rules.yaml", toPath: proposed)
        let args = ["what-if", "--rules", proposed, "--content", portal.content, "--themes", portal.themes,
                    "--as-of", portal.asOf, "--period", "2026-Q3"]
        let out = portal.root + "/what-if"
        let first = try portal.laurel(args + ["--output", out])
        try first.expectSuccess()
        #expect(first.stdout.contains("Rules changed: deal-won; added: none; removed: none"), "\(first)")
        #expect(first.stdout.contains("Biggest movers up, 2026-Q3"))
        let pages = Tree.contents(out)
        // The demo's portal is in Chinese: so are the pages.
        let index = String(decoding: pages["index.html"] ?? Data(), as: UTF8.self)
        #expect(index.contains("<html lang=\"zh-CN\">") && index.contains("<h2>2026年第3季度各类别得分</h2>"), "\(index.prefix(400))")
        #expect(Set(pages.keys) == ["index.html", "people.html", "people.csv", "categories.csv", "caps.csv", "style.css", WhatIfOutput.marker])
        #expect(pages["style.css"] == FileManager.default.contents(atPath: portal.themes + "/default/static/style.css"))
        try portal.laurel(args + ["--output", out, "--quiet"]).expectSuccess()
        #expect(Tree.contents(out) == pages, "a second what-if writes the same bytes")

        // Refused: the published output, a folder inside it, the content folder.
        for target in [portal.output, portal.output + "/what-if", portal.content + "/what-if"] {
            let refused = try portal.laurel(args + ["--output", target])
            #expect(refused.status == 2 && refused.stderr.contains("laurel: "), "\(refused)")
        }
        // The theme: a missing one is refused before computing (exit 2); one with errors stops
        // the run as it stops a build (exit 1, at the file's line), nothing written.
        let noTheme = try portal.laurel(args + ["--output", portal.root + "/no-theme", "--theme", "nosuch"])
        #expect(noTheme.status == 2 && noTheme.stdout.isEmpty, "\(noTheme)")
        let brokenTheme = portal.themes + "/broken"
        try FileManager.default.createDirectory(atPath: brokenTheme + "/templates/partials", withIntermediateDirectories: true)
        try Data("extends: default\n".utf8).write(to: URL(fileURLWithPath: brokenTheme + "/theme.yaml"))
        try Data("{{site.nope}}\n".utf8).write(to: URL(fileURLWithPath: brokenTheme + "/templates/partials/foot.mustache"))
        let badTheme = try portal.laurel(args + ["--output", portal.root + "/bad-theme", "--theme", "broken"])
        #expect(badTheme.status == 1 && badTheme.stderr.contains("\(brokenTheme)/templates/partials/foot.mustache:1:1: error: "), "\(badTheme)")
        for folder in ["no-theme", "bad-theme"] { #expect(!FileManager.default.fileExists(atPath: portal.root + "/" + folder)) }

        // Errors in the proposed file: exit 1, reported at its lines, nothing written.
        try Data("- id: deal-won\n  nme: x\n".utf8).write(to: URL(fileURLWithPath: proposed))
        let broken = try portal.laurel(args + ["--output", portal.root + "/broken"])
        #expect(broken.status == 1, "\(broken)")
        #expect(broken.stderr.contains("\(proposed):2:3: error: "), "\(broken)")
        #expect(!FileManager.default.fileExists(atPath: portal.root + "/broken"))
        let badPeriod = try portal.laurel(args.dropLast(2) + ["--period", "2026-Q5"])
        #expect(badPeriod.status == 2, "\(badPeriod)")

        #expect(Tree.contents(portal.content) == content, "the content folder is unchanged")
        #expect(Tree.contents(portal.output) == published, "the published portal is unchanged")
        #expect(Tree.stats(portal.root + "/.public.laurel") == stats, "the build bookkeeping is untouched")
    }
}
