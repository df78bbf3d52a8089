import Foundation
import LaurelPoints
import LaurelSources
import PropertyBased
import Testing
@testable import LaurelSite

/// Period reports and honour rolls (docs/analytics.md): figures worked out by hand on a small
/// department, a property over random ledgers, the staff/managers separation and the bytes.
@Suite("Analytics and honour roll")
struct AnalyticsTests {
    /// FORMAT.md's example sources with five people (one opted out, one without entries), two
    /// teams, a title and a badge. In 2026-Q2 (worked out in the comments):
    ///   张伟 zhang-wei (east): sales 1200, training 40 (a fifth training capped: 10 cut) = 1240
    ///   李娜 li-na (east):     sales 600, new-customer 100, other 30 = 730
    ///   陈杰 chen-jie (west):  sales 1200, other 60 − 20 = 1240 (ties 张伟)
    ///   王芳 wang-fang (west, leaderboard: false): new-customer 100
    ///   赵磊 zhao-lei (west):  nothing, 0
    static let fixture = Fixture.spec
        .with("people.yaml", """
        - id: zhang-wei
          name: 张伟
          team: east
        - id: li-na
          name: 李娜
          team: east
        - id: wang-fang
          name: 王芳
          team: west
          leaderboard: false
        - id: chen-jie
          name: 陈杰
          team: west
        - id: zhao-lei
          name: 赵磊
          team: west
        """)
        .with("teams.yaml", """
        - id: east
          name: 华东一组
        - id: west
          name: 华西一组
        """)
        .with("honours.yaml", """
        titles:
          - {id: bronze, name: 铜牌销售, min: 1000}
        badges:
          - id: first-customer
            name: 开门红
            rule: new-customer
            count: 1
        """)
        .ledger("""
        2025-11-10 earn li-na deal-won amount:500000
        2025-12-05 redeem li-na gift-card-200
        2026-02-10 earn li-na training
        2026-04-02 earn zhang-wei deal-won amount:600000
        2026-04-03 earn li-na deal-won amount:300000
        2026-04-05 earn chen-jie deal-won amount:600000
        2026-04-10 earn zhang-wei training
        2026-04-11 earn zhang-wei training
        2026-04-12 earn zhang-wei training
        2026-04-13 earn zhang-wei training
        2026-04-14 earn zhang-wei training
        2026-05-06 earn wang-fang new-customer
        2026-05-07 earn li-na new-customer
        2026-05-20 award chen-jie 60 by:zhang-wei "help"
        2026-05-21 award li-na 30 by:zhang-wei "event"
        2026-06-01 deduct chen-jie 20 by:li-na "late"
        2026-06-02 redeem zhang-wei gift-card-200
        """)

    static let asOf = "2026-07-15"

    struct Built {
        let run: PortalRun
        let site: SiteContext
        let analytics: Analytics
        func person(_ id: String) -> Int { Int(run.sources.peopleIndex.find(id) ?? -1) }
    }

    /// The sources checked clean (a test fixture with an error would test nothing).
    static func cleanRun() throws -> PortalRun {
        let run = fixture.run(asOf: asOf)
        guard !run.hasErrors else { throw FixtureError.diagnostics(run.diagnostics.map(\.description)) }
        return run
    }

    static func build(_ fixture: Fixture = fixture, asOf: String = asOf, audience: Audience = .managers) throws -> Built {
        let run = fixture.run(asOf: asOf)
        guard !run.hasErrors, let book = run.book else { throw FixtureError.diagnostics(run.diagnostics.map(\.description)) }
        let theme = try RenderedSite.defaultTheme(run.sources.settings.locale)
        let site = SiteContext(sources: run.sources, book: book, theme: theme, audience: audience)
        return Built(run: run, site: site, analytics: Analytics(site, boards: site.boards(jobs: 1), jobs: 1))
    }

    static let q2 = Period(kind: .quarter, name: "2026-Q2")!

    @Test("category totals, change against the previous period and the twelve-month trend")
    func categoryTotals() throws {
        let b = try Self.build()
        let r = try #require(b.analytics.reports[Self.q2])
        #expect(b.site.scores.categories == ["sales", "new-customer", "training", "other"])
        #expect(r.categoryTotals == [3000, 200, 40, 70])
        #expect(r.total == 3310)
        // 2026-Q1: li-na's one training, 10 points.
        #expect(r.previousTotals == [0, 0, 10, 0])
        #expect(r.trend.count == 12)
        #expect(r.trend.first?.month == Period(kind: .month, name: "2025-07"))
        #expect(r.trend.last?.month == Period(kind: .month, name: "2026-06"))
        let byMonth = Dictionary(uniqueKeysWithValues: r.trend.map { ($0.month.description, $0.byCategory.reduce(0, +)) })
        #expect(byMonth["2025-11"] == 500)
        #expect(byMonth["2026-02"] == 10)
        #expect(byMonth["2026-04"] == 3040)   // 1200 + 600 + 1200 + 40
        #expect(byMonth["2026-05"] == 290)    // 100 + 100 + 60 + 30
        #expect(byMonth["2026-06"] == -20)
    }

    @Test("histogram, median, top 10 % share and Gini of the people of the period (the opted-out included)")
    func distribution() throws {
        let r = try #require(try Self.build().analytics.reports[Self.q2])
        // Scores ascending: 0, 100, 730, 1240, 1240.
        #expect(r.people == 5)
        #expect(r.twiceMedian == 1460)
        // Spread 1241 over about ten bins: width 200, from 0.
        #expect(r.histogram == [
            .init(low: 0, high: 199, people: 2), .init(low: 200, high: 399, people: 0), .init(low: 400, high: 599, people: 0),
            .init(low: 600, high: 799, people: 1), .init(low: 800, high: 999, people: 0), .init(low: 1000, high: 1199, people: 0),
            .init(low: 1200, high: 1399, people: 2),
        ])
        // Top 10 % of 5 people is 1 person: 1240 of 3310 = 37.46 %.
        #expect(r.topCount == 1)
        #expect(r.topShare == 375)
        // Σ(2i − n − 1)·x = −2·100 + 0·730 + 2·1240 + 4·1240 = 7240; 7240 / (5 · 3310) = 0.4375…
        #expect(r.gini == 437)
        #expect(SiteContext.decimal(437) == "0.437")
        #expect(SiteContext.half(1460) == "730")
        #expect(SiteContext.half(25) == "12.5")
        #expect(ReportTable.percent(375) == "37.5")
    }

    @Test("participation per category and per team, teams compared")
    func participation() throws {
        let b = try Self.build()
        let r = try #require(b.analytics.reports[Self.q2])
        #expect(r.earners == 4)   // everyone but 赵磊
        #expect(r.categoryEarners == [3, 2, 1, 2])
        #expect(r.teams.map { b.run.sources.teams[$0.team].id } == ["east", "west"])
        #expect(r.teams.map(\.people) == [2, 3])
        #expect(r.teams.map(\.earners) == [2, 2])
        #expect(r.teams.map(\.total) == [1970, 1340])
        #expect(r.teams.map(\.perHead) == [985, 446])
    }

    @Test("what the rules did: caps cut, expiry, redemptions and manual entries with their approvers")
    func rules() throws {
        let b = try Self.build()
        let s = b.run.sources
        let r = try #require(b.analytics.reports[Self.q2])
        let training = Int(s.ruleIndex.find("training") ?? -1)
        #expect(r.capped[training] == 10)
        #expect(r.capped.reduce(0, +) == 10)
        #expect(r.expired == 0)
        #expect(r.redeemUnits == [1])
        #expect(r.redeemPoints == [400])
        #expect(r.approvers.map(\.approver) == [Int32(b.person("li-na")), Int32(b.person("zhang-wei"))].sorted {
            b.run.sources.people[Int($0)].name < b.run.sources.people[Int($1)].name
        })
        let zhang = try #require(r.approvers.first { $0.approver == Int32(b.person("zhang-wei")) })
        #expect((zhang.awards, zhang.awardPoints, zhang.deductions, zhang.deductionPoints) == (2, 90, 0, 0))
        let li = try #require(r.approvers.first { $0.approver == Int32(b.person("li-na")) })
        #expect((li.awards, li.awardPoints, li.deductions, li.deductionPoints) == (0, 0, 1, 20))
        // li-na's 500 points of 2025-11 were valid through 2025-12-31; 400 were redeemed.
        let q4 = try #require(b.analytics.reports[Period(kind: .quarter, name: "2025-Q4")!])
        #expect(q4.expired == 100)
        #expect(b.analytics.reports[Period(kind: .year, name: "2025")!]?.expired == 100)
        #expect(b.analytics.reports[Period(kind: .month, name: "2025-11")!]?.expired == 0)
    }

    @Test("target bonuses paid: counted in the month of their lot, per rule, on the month, quarter and year reports")
    func targetBonuses() throws {
        // Q2 targets against the fixture's deal-won amounts: 张伟 600,000 of 600,000 (reached,
        // exactly), 李娜 300,000 of 300,000 (reached), 陈杰 600,000 of 700,000 (not reached).
        // Each reached target pays the rule's 500 points as a lot dated 2026-06-30.
        let rules = (Fixture.spec.files["rules.yaml"] ?? "") + "\n" + """
            - id: quarterly-target
              name: 季度目标达成
              category: sales
              kind: target
              metric: deal-won
              period: quarter
              versions:
                - since: 2025-01-01
                  points: 500
            """
        let fixture = Self.fixture.with("rules.yaml", rules).with("targets.yaml", """
            quarterly-target:
              2026-Q2:
                zhang-wei: 600000
                li-na: 300000
                chen-jie: 700000
            """)
        let b = try Self.build(fixture)
        let target = Int(b.run.sources.ruleIndex.find("quarterly-target") ?? -1)
        let q2 = try #require(b.analytics.reports[Self.q2])
        #expect(q2.bonusCount[target] == 2)
        #expect(q2.bonusPoints[target] == 1000)
        #expect(q2.bonusCount.reduce(0, +) == 2)
        let june = try #require(b.analytics.reports[Period(kind: .month, name: "2026-06")!])
        #expect((june.bonusCount[target], june.bonusPoints[target]) == (2, 1000))
        let may = try #require(b.analytics.reports[Period(kind: .month, name: "2026-05")!])
        #expect(may.bonusCount[target] == 0)
        #expect(b.analytics.reports[Period(kind: .year, name: "2026")!]?.bonusPoints[target] == 1000)
        // The bonus is sales points: the quarter's sales total grows by exactly 1000.
        let plain = try #require(try Self.build().analytics.reports[Self.q2])
        let sales = Int(b.site.scores.categories.firstIndex(of: "sales") ?? -1)
        #expect(q2.categoryTotals[sales] == plain.categoryTotals[sales] + 1000)
    }

    @Test("honour roll: winners with ties as on the boards, the opted-out left out, titles and badges of the period")
    func honourRoll() throws {
        let b = try Self.build(audience: .staff)
        let roll = try #require(b.analytics.honours[Self.q2])
        let ids = { (list: [(person: Int, score: Int64)]) in list.map { b.run.sources.people[$0.person].id } }
        // 张伟 and 陈杰 share first place, in the board's order (name, then id).
        #expect(Set(ids(roll.people)) == ["zhang-wei", "chen-jie"])
        #expect(roll.people.map(\.score) == [1240, 1240])
        let board = try #require(b.site.boards(jobs: 1).first { $0.period == Self.q2 && $0.category == nil })
        #expect(ids(roll.people) == board.order.prefix(2).map { b.run.sources.people[$0.person].id })
        #expect(roll.teams.map { b.run.sources.teams[$0.team].id } == ["east"])
        #expect(roll.teams.map(\.total) == [1970])
        let categories = Dictionary(uniqueKeysWithValues: roll.categories.map { (b.site.scores.categories[$0.category], Set(ids($0.people))) })
        #expect(categories["sales"] == ["zhang-wei", "chen-jie"])
        // 王芳 has the same 100 but opted out of public ranking.
        #expect(categories["new-customer"] == ["li-na"])
        #expect(categories["training"] == ["zhang-wei"])
        #expect(categories["other"] == ["chen-jie"])
        // Lifetime reached 1000 in 2026-04 for 李娜 (500 + 10 + 600), 张伟 and 陈杰.
        #expect(Set(roll.titles.map { b.run.sources.people[$0.person].id }) == ["li-na", "zhang-wei", "chen-jie"])
        #expect(roll.titles.allSatisfy { $0.month.description == "2026-04" })
        #expect(roll.badges.map { b.run.sources.people[$0.person].id } == ["li-na"])
        #expect(roll.badges.first?.day.description == "2026-05-07")
        #expect(!roll.inProgress)
        // The home page's roll: the latest ended quarter.
        #expect(b.analytics.latest == Self.q2)
    }

    @Test("the staff build has no file under analytics/, no link to it and none of its text; the managers' build adds only that")
    func staffAndManagers() throws {
        let run = try Self.cleanRun()
        let theme = try RenderedSite.defaultTheme(run.sources.settings.locale)
        let staff = Dictionary(uniqueKeysWithValues: try SiteRenderer.render(run, theme: theme, audience: .staff).map { ($0.path, $0.bytes) })
        let managers = Dictionary(uniqueKeysWithValues: try SiteRenderer.render(run, theme: theme, audience: .managers).map { ($0.path, $0.bytes) })
        #expect(!staff.keys.contains { $0.hasPrefix("analytics") })
        #expect(managers["analytics/index.html"] != nil)
        #expect(managers["analytics/2026-Q2/index.html"] != nil)
        #expect(managers["analytics/2026-Q2/categories.csv"] != nil)
        #expect(managers["analytics/2026-04/index.html"] != nil)
        #expect(managers["analytics/2026/index.html"] != nil)
        // Honour rolls are public: in both.
        #expect(staff["honours/2026-Q2/index.html"] != nil && managers["honours/2026-Q2/index.html"] != nil)
        let leaks = [theme.string("report.title"), theme.string("report.fig.gini"), theme.string("nav.analytics"), theme.string("analytics.title"), "analytics/"]
        for (path, bytes) in staff {
            let text = String(decoding: bytes, as: UTF8.self)
            for leak in leaks { #expect(!text.contains(leak), "\(path) contains \(leak)") }
        }
        // Everything of the staff portal is in the managers' one; what it adds is under the
        // managers' own addresses (analytics/ here, audit/ from the fairness audit).
        #expect(Set(staff.keys).isSubset(of: Set(managers.keys)))
        #expect(Set(managers.keys).subtracting(staff.keys).allSatisfy { $0.hasPrefix("analytics/") || $0.hasPrefix("audit/") })
        let board = String(decoding: managers["leaderboard/2026-Q2/index.html"] ?? [], as: UTF8.self)
        #expect(board.contains("href=\"../../analytics/2026-Q2/index.html\""))
        let home = String(decoding: managers["index.html"] ?? [], as: UTF8.self)
        #expect(home.contains("href=\"analytics/index.html\""))
    }

    @Test("the report page shows the figures, the charts are named images with the same figures in a table, the CSV is exact")
    func reportPage() throws {
        let run = try Self.cleanRun()
        let theme = try RenderedSite.defaultTheme(run.sources.settings.locale)
        let files = Dictionary(uniqueKeysWithValues: try SiteRenderer.render(run, theme: theme, audience: .managers).map { ($0.path, $0.bytes) })
        let page = String(decoding: files["analytics/2026-Q2/index.html"] ?? [], as: UTF8.self)
        for id in ["categories-chart", "trend-chart", "histogram-chart", "teams-chart"] {
            #expect(page.contains("role=\"img\" aria-labelledby=\"\(id)-t\""), "\(id)")
            #expect(page.contains("<title id=\"\(id)-t\">"), "\(id)")
        }
        #expect(!page.contains("<script"))
        #expect(page.contains("37.5 %"))
        #expect(page.contains("0.437"))
        #expect(page.contains("href=\"categories.csv\""))
        #expect(page.contains("rel=\"prev\" href=\"../../analytics/2026-Q1/index.html\""))
        let csv = String(decoding: files["analytics/2026-Q2/categories.csv"] ?? [], as: UTF8.self)
        #expect(csv == "\u{FEFF}category,points,previous,change,change_pct\r\n销售业绩,3000,0,3000,\r\n新客户开发,200,0,200,\r\n培训学习,40,10,30,300.0\r\n其他,70,0,70,\r\n全部类别,3310,10,3300,33000.0\r\n")
        let manual = String(decoding: files["analytics/2026-Q2/manual.csv"] ?? [], as: UTF8.self)
        #expect(manual.contains("张伟,2,90,0,0\r\n"))
        #expect(manual.contains("李娜,0,0,1,20\r\n"))
    }

    @Test("a managers' build is the same bytes twice and with one or four jobs")
    func determinism() throws {
        let run = try Self.cleanRun()
        let theme = try RenderedSite.defaultTheme(run.sources.settings.locale)
        let one = try SiteRenderer.render(run, theme: theme, jobs: 1, audience: .managers)
        let four = try SiteRenderer.render(run, theme: theme, jobs: 4, audience: .managers)
        let again = try SiteRenderer.render(run, theme: theme, jobs: 4, audience: .managers)
        #expect(one.map(\.path) == four.map(\.path))
        #expect(one.map(\.bytes) == four.map(\.bytes))
        #expect(four.map(\.bytes) == again.map(\.bytes))
    }

    @Test("property: category totals add up to the engine's period scores; histogram counts are the people of the period")
    func property() async {
        await propertyCheck(count: PropertyTests.runs / 3, input: PropGen.scenario) { s in
            let built: Built
            do { built = try Self.build(s.fixture, asOf: s.asOf.description) } catch {
                Issue.record("\(error)")
                return
            }
            let sources = built.run.sources, book = built.site.book
            let boards = built.site.boards(jobs: 1)
            for (period, r) in built.analytics.reports {
                #expect(r.categoryTotals.reduce(0, +) == r.total)
                if period.kind == sources.settings.period {
                    // The engine's own score per person and period (PersonAccount.scores).
                    let engine = book.accounts.reduce(Int64(0)) { $0 + $1.score(in: period) }
                    #expect(r.total == engine, "\(period)")
                }
                let roster = sources.people.filter { PeriodReport.isOnRoster($0, from: period.firstDay, to: period.lastDay, asOf: book.asOf) }
                #expect(r.histogram.reduce(0) { $0 + $1.people } == r.people, "\(period)")
                #expect(r.people == roster.count, "\(period)")
                let ranked = boards.first { $0.period == period && $0.category == nil }?.count ?? -1
                #expect(ranked == roster.filter(\.leaderboard).count, "\(period)")
                #expect(r.earners <= r.people && r.categoryEarners.allSatisfy { $0 <= r.earners })
                #expect(r.teams.reduce(0) { $0 + $1.people } <= r.people)
                if let g = r.gini { #expect(g >= 0 && g <= 1000) }
            }
        }
    }
}
