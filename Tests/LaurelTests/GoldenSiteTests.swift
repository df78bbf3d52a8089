import Foundation
import Testing
@testable import LaurelSite
import LaurelSources

/// `Fixtures/site/Content/` is a small department (4 people, 2 teams, 4 rules, 3 rewards,
/// honours, 40 ledger lines over 2026-Q1 and Q2, 3 pages); `Fixtures/site/expected/` is the
/// whole portal `laurel build` makes of it with Themes/default at as-of 2026-06-30. Any change
/// of any byte of any page shows here.
///
/// After a deliberate change (theme, strings, page values), re-record with
/// `LAUREL_RECORD=1 swift test --filter GoldenSiteTests`, then review the diff of expected/.
@Suite("Golden site")
struct GoldenSiteTests {
    static let asOf = "2026-06-30"

    /// The fixture in the source tree (written when recording).
    static let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("site")

    /// Where to read it: the source tree when present, else the test bundle's copy.
    static var folder: URL {
        if FileManager.default.fileExists(atPath: sourceFolder.path) { return sourceFolder }
        return Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("site")
    }

    static var recording: Bool { ProcessInfo.processInfo.environment["LAUREL_RECORD"] == "1" }

    static func tree() throws -> SourceTree {
        try SourceTree.read(folder: folder.appendingPathComponent("Content").path, label: "Content")
    }

    static func run() throws -> PortalRun {
        PortalRun.check(try tree(), asOf: .day(Day(asOf)!))
    }

    /// The portal as `laurel build` writes it (content assets included).
    static func render(jobs: Int = 2) throws -> RenderedSite {
        try RenderedSite.render(try run(), assets: try tree().assets, jobs: jobs)
    }

    static func expected() throws -> [String: [UInt8]] {
        try SourceTree.read(folder: folder.appendingPathComponent("expected").path).files
    }

    static func record(_ site: RenderedSite) throws {
        let target = sourceFolder.appendingPathComponent("expected")
        try? FileManager.default.removeItem(at: target)
        for (path, bytes) in site.files {
            let url = target.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
    }

    /// Where two files first differ, by line.
    static func firstDifference(_ expected: [UInt8], _ actual: [UInt8]) -> String {
        let e = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let a = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? String(e[i]) : "<end of file>"
            let al = i < a.count ? String(a[i]) : "<end of file>"
            if el != al { return "line \(i + 1):\n  expected: \(el.prefix(300))\n  actual:   \(al.prefix(300))" }
        }
        return "same lines, different bytes (\(expected.count) vs \(actual.count))"
    }

    @Test("the fixture checks clean: 4 people, 2 teams, 4 rules, 3 rewards, 40 entries, 3 pages")
    func fixtureIsClean() throws {
        let run = try Self.run()
        #expect(run.diagnostics.map(\.description) == [])
        #expect(run.sources.people.count == 4)
        #expect(run.sources.teams.count == 2)
        #expect(run.sources.rules.count == 4)
        #expect(run.sources.rules.contains { $0.isTarget })
        #expect(run.sources.rules.contains { $0.versions.contains { $0.cap != nil } })
        #expect(run.sources.rewards.count == 3)
        #expect(run.sources.ledger.entries.count == 40)
        #expect(run.sources.pages.count == 3)
    }

    @Test("every rendered file equals expected/ byte for byte; none missing, none extra")
    func golden() throws {
        let site = try Self.render()
        if Self.recording {
            try Self.record(site)
            return
        }
        let expected = try Self.expected()
        let missing = Set(expected.keys).subtracting(site.files.keys).sorted()
        let extra = Set(site.files.keys).subtracting(expected.keys).sorted()
        #expect(missing.isEmpty, "not rendered any more: \(missing)")
        #expect(extra.isEmpty, "rendered but not in expected/: \(extra)")
        var differing: [String] = []
        for path in site.paths where expected[path] != nil && expected[path] != site.files[path] {
            differing.append(path)
            if differing.count <= 5 {
                Issue.record("\(path) differs at \(Self.firstDifference(expected[path] ?? [], site.files[path] ?? []))")
            }
        }
        #expect(differing.isEmpty, "\(differing.count) files differ: \(differing.prefix(20))")
        #expect(expected.count > 60)
    }

    @Test("the golden site passes the site-wide checks: links, nothing external, one h1 and main")
    func siteWideChecks() throws {
        let site = try Self.render(jobs: 1)
        #expect(site.brokenLinks() == [])
        #expect(site.externalReferences() == [])
        #expect(site.structureProblems(lang: "zh-CN") == [])
        #expect(site.sitemapProblems(baseURL: "https://points.example.test/sales-2/") == [])
        #expect(site.files["assets/rewards/coffee.svg"] != nil)
    }

    // MARK: figures checked by hand against the ledger

    /// Worked out line by line from ledger/2026-Q1.ledger and 2026-Q2.ledger:
    ///
    /// zhou-min. Q1: 180 (crm-1001) + 120 (crm-1004: 150, capped 30 at January's 300) + 0
    /// (crm-1006: 60, capped 60) + 50 (crm-1010) + 200 (crm-1019) + 200 (Q1 target bonus:
    /// 590,000 ≥ 400,000) = 750. The gift card (300 on 03-20) spends 180 of crm-1001 and 120 of
    /// crm-1004. Q2: 500 (crm-2002: 600, capped 100 at April's 500) + 0 (crm-2006: 100 capped)
    /// + 10 (lms-2009) + 240 (crm-2018) = 750. Lifetime 1,500 (gold). Lunch (800 on 06-08)
    /// spends lms-2009 10, the bonus 200, crm-1010 50, crm-1019 200, then 340 of crm-2002's 500.
    /// Balance 160 (crm-2002, to 2027-04-30) + 240 (crm-2018, to 2027-06-30) = 400.
    ///
    /// wu-lei. Q1: 50 + 120 + 30 (lms-1018) = 200 (crm-1005 reversed). Q2: 200 + 40 (award) +
    /// 20 + 50 = 310; lifetime 510 (bronze, 90 to silver). Coffee ×1 in Feb spends crm-1002;
    /// coffee ×2 (100) in June spends lms-2012's 20, then 80 of crm-1012. lms-1018 expired on
    /// 03-31. Balance 40 + 40 + 50 (to 2026-12-31) + 200 (to 2027-04-30) = 330.
    ///
    /// qian-li. Q1: 20 − 20 (deduct, from lms-1003) + 250 + 10 + 200 (bonus: 250,000 ≥ 250,000)
    /// = 460. Q2: 20 + 500 (crm-2011: 560, capped 60) + 50 = 570; lifetime 1,030 (silver). The
    /// gift card of 04-20 is reversed on 06-05, so every lot is whole again; lms-1016 (10)
    /// expired. Balance 20 + 200 + 250 + 50 + 500 = 1,020.
    ///
    /// sun-hao. Q1: 10 + 30 + 80 = 120 (no bonus: 80,000 < 200,000). Q2: 50 + 300 − 30 + 10 =
    /// 330; lifetime 450. Balance 80 + 50 + 300 + 10 = 440 (the award's 30 paid the deduction).
    /// 2026-Q2 ranks: zhou-min 750, qian-li 570, sun-hao 330, wu-lei 310.
    @Test("people.json: balances, lifetime points, scores, ranks and expiry as worked out by hand")
    func handCheckedExport() throws {
        let site = try Self.render()
        let people = try JSONDecoder().decode(ExportedPeople.self, from: Data(site.files["data/people.json"] ?? []))
        #expect(people.asOf == "2026-06-30")
        #expect(people.period == "2026-Q2")
        typealias E = ExportedPeople.Expiring
        let expected: [(id: String, balance: Int, lifetime: Int, score: Int, rank: Int, scores: [String: Int], expiring: [E])] = [
            ("qian-li", 1020, 1030, 570, 2, ["2026-Q1": 460, "2026-Q2": 570],
             [E(date: "2026-06-30", points: 20), E(date: "2026-09-30", points: 200), E(date: "2026-12-31", points: 300), E(date: "2027-05-31", points: 500)]),
            ("sun-hao", 440, 450, 330, 3, ["2026-Q1": 120, "2026-Q2": 330],
             [E(date: "2026-06-30", points: 10), E(date: "2026-12-31", points: 130), E(date: "2027-05-31", points: 300)]),
            ("wu-lei", 330, 510, 310, 4, ["2026-Q1": 200, "2026-Q2": 310],
             [E(date: "2026-12-31", points: 130), E(date: "2027-04-30", points: 200)]),
            ("zhou-min", 400, 1500, 750, 1, ["2026-Q1": 750, "2026-Q2": 750],
             [E(date: "2027-04-30", points: 160), E(date: "2027-06-30", points: 240)]),
        ]
        #expect(people.people.map(\.id) == expected.map(\.id))
        for e in expected {
            let p = try #require(people[e.id])
            #expect(p.balance == e.balance, "\(e.id) balance")
            #expect(p.lifetime == e.lifetime, "\(e.id) lifetime")
            #expect(p.score == e.score, "\(e.id) score")
            #expect(p.rank == e.rank, "\(e.id) rank")
            #expect(p.scores == e.scores, "\(e.id) scores")
            #expect(p.expiring == e.expiring, "\(e.id) expiring")
        }
    }

    @Test("zhou-min's page: balance, lifetime, title, badges and the capped entries with their ledger lines")
    func handCheckedPersonPage() throws {
        let site = try Self.render()
        let html = try #require(site.text("people/zhou-min/index.html"))
        #expect(html.contains("<div class=\"stat main\"><dt>可用余额</dt><dd>400</dd></div>"))
        #expect(html.contains("<dd>1,500</dd>"))
        #expect(html.contains("<span class=\"badge honour\">金牌销售</span>"))
        #expect(html.contains("帽子戏法</span> <span class=\"date\">2026年1月26日</span>"))
        #expect(html.contains("开门红</span> <span class=\"date\">2026年2月14日</span>"))
        // crm-1004 (line 5 of the Q1 file): 150 computed, 30 over January's cap of 300.
        let crm1004 = try #require(html.split(separator: "\n").first { $0.contains("<small>ledger/2026-Q1.ledger:5 · crm-1004</small>") })
        #expect(crm1004.contains("华东机床 二期"))
        #expect(crm1004.contains("<span class=\"capped\">超出上限，未计 30 分</span>"))
        #expect(crm1004.contains("</td><td>+120</td>"))
        // crm-1006: everything over the cap.
        let crm1006 = try #require(html.split(separator: "\n").first { $0.contains("<small>ledger/2026-Q1.ledger:7 · crm-1006</small>") })
        #expect(crm1006.contains("</td><td>0</td>"))
        #expect(crm1006.contains("未计 60 分"))
        // crm-2002 under version 2: 600 computed, 500 given.
        let crm2002 = try #require(html.split(separator: "\n").first { $0.contains("<small>ledger/2026-Q2.ledger:3 · crm-2002</small>") })
        #expect(crm2002.contains("</td><td>+500</td>"))
        #expect(crm2002.contains("未计 100 分"))
        // The Q1 target bonus, dated the quarter's last day, from targets.yaml.
        let bonus = try #require(html.split(separator: "\n").first { $0.contains("<span class=\"bonus\">") })
        #expect(bonus.contains("2026年3月31日"))
        #expect(bonus.contains("590,000"))
        #expect(bonus.contains("</td><td>+200</td>"))
        // Redemptions: the gift card at 300 (Q1 price) and lunch at 800.
        #expect(html.contains("</td><td>-300</td>"))
        #expect(html.contains("</td><td>-800</td>"))
    }

    @Test("team totals, stock and what expires this month, as worked out by hand")
    func handCheckedOtherPages() throws {
        let site = try Self.render()
        let alpha = try #require(site.text("teams/alpha/index.html"))
        #expect(alpha.contains("<dd>1,060</dd>"))  // 750 + 310 in 2026-Q2
        #expect(alpha.contains("<dd>530</dd>"))
        let beta = try #require(site.text("teams/beta/index.html"))
        #expect(beta.contains("<dd>900</dd>"))  // 570 + 330
        #expect(beta.contains("<dd>450</dd>"))
        let rewards = try #require(site.text("rewards/index.html"))
        #expect(rewards.contains("4 / 5"))  // one gift card redeemed, one reversed
        let lunch = try #require(site.text("rewards/lunch/index.html"))
        #expect(lunch.contains("soldout"))
        let home = try #require(site.text("index.html"))
        #expect(home.contains("<p class=\"bignum\"><strong>30</strong>"))  // qian-li 20 + sun-hao 10 end on 06-30
        let wu = try #require(site.text("people/wu-lei/index.html"))
        #expect(wu.contains("<dd>330</dd>"))
        #expect(wu.contains("<strong>90</strong>"))  // to silver
        // The rule's explanation is part of the rule's page and links back to the case.
        let rule = try #require(site.text("rules/deal-won/index.html"))
        #expect(rule.contains("签单积分怎么算") || rule.contains("每人每月最多 300 分"))
        #expect(rule.contains("href=\"../../cases/zhou-min-three-deals/index.html\""))
        #expect(site.files["rules/deal-won/index.html"] != nil && site.files["deal-won/index.html"] == nil)
    }
}
