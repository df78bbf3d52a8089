import Testing
import LaurelPoints
import LaurelSources

/// FORMAT.md section 5: the reward catalog, costs, stock and required titles.
///
/// Points come from awards (`award PERSON N by:OTHER "memo"`), which use portal.yaml's
/// expiry; here `never`, so only spending moves balances.
@Suite("FORMAT.md 5 — rewards")
struct FormatSection5Tests {
    static let ledgerPath = "Content/ledger/main.ledger"

    static let rewards = """
        - id: gift-card-200
          name: 200元购物卡
          tier: basic
          costs: [{since: 2025-01-01, cost: 400}, {since: 2026-03-01, cost: 500}]
        - id: mug
          name: 马克杯
          tier: basic
          cost: 100
          stock: 2
        - id: trip
          name: 旅游
          tier: premium
          cost: 50
          requires: silver
        - id: sticker
          name: 贴纸
          tier: basic
          cost: 0
        """

    static let honours = """
        titles:
          - {id: bronze, name: 铜牌销售, min: 1000}
          - {id: silver, name: 银牌销售, min: 5000}
          - {id: gold,   name: 金牌销售, min: 20000}
        """

    static func portal(rewards: String = rewards) -> Fixture {
        Fixture.specPortal(expiry: "never", rewards: rewards, honours: honours)
    }

    @Test("a redemption is charged the cost in force on its date, times qty")
    func costHistory() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 award zhang-wei 2000 by:li-na "start"
            2026-02-28 redeem zhang-wei gift-card-200
            2026-03-01 redeem zhang-wei gift-card-200
            2026-03-02 redeem zhang-wei gift-card-200 qty:2

            """).computed(asOf: "2026-04-01")
        #expect(c.points(line: 2) == 400)
        #expect(c.points(line: 3) == 500)
        #expect(c.points(line: 4) == 1000)  // 500 * 2
        #expect(c.balance("zhang-wei") == 100)  // 2000 - 400 - 500 - 1000
        // Redemptions never change a score or lifetime points.
        #expect(c.lifetime("zhang-wei") == 2000)
    }

    @Test("a reward may cost 0")
    func freeReward() throws {
        let c = try Self.portal().ledger("2026-01-05 redeem zhang-wei sticker\n").computed(asOf: "2026-04-01")
        #expect(c.outcome(line: 1).applied)
        #expect(c.points(line: 1) == 0)
    }

    @Test("redeeming before the first cost of a history is an error")
    func beforeFirstCost() {
        let d = Self.portal().ledger("""
            2024-12-31 award zhang-wei 2000 by:li-na "start"
            2024-12-31 redeem zhang-wei gift-card-200

            """).diagnostics(asOf: "2026-04-01")
        #expect(d.count == 1)
        #expect(hasError(d, onLine: "\(Self.ledgerPath):2", "2025-01-01"))
    }

    @Test("cost and costs together are an error")
    func costAndCosts() {
        let d = Self.portal(rewards: """
            - id: mug
              name: 马克杯
              tier: basic
              cost: 100
              costs: [{since: 2025-01-01, cost: 400}]
            """).diagnostics(asOf: "2026-04-01")
        #expect(d.count == 1)
        #expect(hasError(d, onLine: "Content/rewards.yaml:4", "cost"))
    }

    @Test("a reward needs a cost; costs are whole numbers >= 0 in date order")
    func costYAML() {
        let d = Self.portal(rewards: """
            - id: mug
              name: 马克杯
              tier: basic
            - id: pen
              name: 笔
              tier: basic
              cost: -1
            - id: cap
              name: 帽子
              tier: basic
              costs: [{since: 2026-01-01, cost: 10}, {since: 2025-01-01, cost: 20}]
            - id: bag
              name: 包
              tier: gold
              cost: 10
            """).diagnostics(asOf: "2026-04-01")
        #expect(hasError(d, onLine: "Content/rewards.yaml:1", "cost"))
        #expect(hasError(d, at: "Content/rewards.yaml:7:9", "cost"))
        #expect(hasError(d, onLine: "Content/rewards.yaml:11", "date order"))
        #expect(hasError(d, at: "Content/rewards.yaml:14:9", "tier"))
        #expect(d.count == 4)
    }

    @Test("a cost above 1,000,000,000, or cost * qty above it, is an error")
    func costLimit() {
        let d = Self.portal(rewards: """
            - id: yacht
              name: 游艇
              tier: premium
              cost: 1000000001
            - id: car
              name: 车
              tier: premium
              cost: 600000000
            """).ledger("""
            2026-01-05 redeem zhang-wei car qty:2

            """).diagnostics(asOf: "2026-04-01")
        #expect(hasError(d, at: "Content/rewards.yaml:4:9", "1000000000"))
        #expect(hasError(d, onLine: "\(Self.ledgerPath):1", "1,000,000,000"))
        #expect(d.count == 2)
    }

    @Test("redeeming beyond stock is an error; a reversed redemption's stock comes back")
    func stock() throws {
        let ok = try Self.portal().ledger("""
            2026-01-05 award zhang-wei 1000 by:li-na "start"
            2026-01-05 award li-na 1000 by:zhang-wei "start"
            2026-01-06 redeem zhang-wei mug id:m1
            2026-01-07 redeem li-na mug
            2026-01-08 reverse m1
            2026-01-09 redeem li-na mug

            """).computed(asOf: "2026-04-01")
        #expect(ok.stockUsed("mug") == 2)
        #expect(ok.balance("zhang-wei") == 1000)
        #expect(ok.balance("li-na") == 800)

        let d = Self.portal().ledger("""
            2026-01-05 award zhang-wei 1000 by:li-na "start"
            2026-01-05 award li-na 1000 by:zhang-wei "start"
            2026-01-06 redeem zhang-wei mug
            2026-01-07 redeem li-na mug
            2026-01-08 redeem li-na mug

            """).diagnostics(asOf: "2026-04-01")
        #expect(d.count == 1)
        #expect(hasError(d, at: "\(Self.ledgerPath):5:1", "stock"))

        let qty = Self.portal().ledger("""
            2026-01-05 award zhang-wei 1000 by:li-na "start"
            2026-01-06 redeem zhang-wei mug qty:3

            """).diagnostics(asOf: "2026-04-01")
        #expect(qty.count == 1)
        #expect(hasError(qty, onLine: "\(Self.ledgerPath):2", "stock"))
    }

    @Test("a redemption beyond stock is left out: it takes no stock and no points")
    func stockErrorLeftOut() {
        let d = Self.portal().ledger("""
            2026-01-05 award zhang-wei 1000 by:li-na "a"
            2026-01-05 award li-na 100 by:zhang-wei "b"
            2026-01-05 award wang-fang 1000 by:li-na "c"
            2026-01-06 redeem zhang-wei mug qty:2 id:m1
            2026-01-07 redeem li-na mug
            2026-01-08 reverse m1
            2026-01-09 redeem wang-fang mug qty:2
            2026-01-10 redeem li-na mug
            2026-01-10 balance zhang-wei 1000

            """).diagnostics(asOf: "2026-04-01")
        // Line 5 finds 0 of 2 left. Left out, it neither holds a unit (line 7 finds the 2 that
        // line 6 gave back) nor spends li-na's 100 points (line 8 is paid... and finds no
        // stock: wang-fang took both units on line 7).
        #expect(hasError(d, at: "\(Self.ledgerPath):5:1", "stock"))
        #expect(hasError(d, at: "\(Self.ledgerPath):8:1", "stock"))
        #expect(!d.contains { $0.contains("li-na has") })
        #expect(d.count == 2, "\(d)")
    }

    @Test("a redemption beyond stock spends no points")
    func stockErrorSpendsNothing() {
        let d = Self.portal().ledger("""
            2026-01-05 award zhang-wei 1000 by:li-na "a"
            2026-01-05 award li-na 150 by:zhang-wei "b"
            2026-01-06 redeem zhang-wei mug qty:2
            2026-01-07 redeem li-na mug
            2026-01-08 redeem li-na gift-card-200
            2026-01-08 redeem li-na trip
            2026-01-09 balance li-na 150

            """).diagnostics(asOf: "2026-04-01")
        // Line 4 is out of stock; line 5 costs 400 of li-na's 150 (an independent error); line 6
        // fails its title; li-na still has her 150 on 2026-01-09.
        #expect(hasError(d, at: "\(Self.ledgerPath):4:1", "stock"))
        #expect(hasError(d, at: "\(Self.ledgerPath):5:1", "150"))
        #expect(hasError(d, at: "\(Self.ledgerPath):6:1", "silver"))
        #expect(d.count == 3, "\(d)")
    }

    @Test("stock is checked only up to the as-of date")
    func stockAfterAsOf() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 award zhang-wei 1000 by:li-na "start"
            2026-01-06 redeem zhang-wei mug qty:2
            2026-06-01 redeem zhang-wei mug

            """).computed(asOf: "2026-04-01")
        #expect(c.stockUsed("mug") == 2)
        #expect(!c.outcome(line: 3).applied)
    }

    @Test("requires: lifetime points at that point of the ledger must reach the title's min")
    func requiresTitle() throws {
        let d = Self.portal().ledger("""
            2026-01-05 award zhang-wei 4999 by:li-na "almost"
            2026-01-06 redeem zhang-wei trip
            2026-01-07 award zhang-wei 1 by:li-na "there"

            """).diagnostics(asOf: "2026-04-01")
        #expect(d.count == 1)
        #expect(hasError(d, at: "\(Self.ledgerPath):2:1", "silver"))

        // An earlier entry of the same day counts; spending does not lower lifetime points.
        let c = try Self.portal().ledger("""
            2026-01-05 award zhang-wei 4999 by:li-na "almost"
            2026-01-06 award zhang-wei 1 by:li-na "there"
            2026-01-06 redeem zhang-wei gift-card-200 qty:12
            2026-01-06 redeem zhang-wei trip

            """).computed(asOf: "2026-04-01")
        #expect(c.outcome(line: 4).applied)
        #expect(c.balance("zhang-wei") == 150)  // 5000 - 4800 - 50
    }

    @Test("a higher title satisfies requires")
    func higherTitle() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 award zhang-wei 25000 by:li-na "gold"
            2026-01-06 redeem zhang-wei trip

            """).computed(asOf: "2026-04-01")
        #expect(c.outcome(line: 2).applied)
        #expect(c.title("zhang-wei") == "gold")
    }

    @Test("deductions and reversals lower lifetime points for requires")
    func requiresAfterDeductAndReversal() {
        let d = Self.portal().ledger("""
            2026-01-05 award zhang-wei 5000 by:li-na "silver" id:a1
            2026-01-06 deduct zhang-wei 1 by:li-na "penalty"
            2026-01-07 redeem zhang-wei trip
            2026-01-08 award li-na 6000 by:zhang-wei "silver" id:a2
            2026-01-09 award li-na 100 by:zhang-wei "spare"
            2026-01-10 reverse a2
            2026-01-11 redeem li-na trip

            """).diagnostics(asOf: "2026-04-01")
        #expect(d.count == 2)
        #expect(hasError(d, at: "\(Self.ledgerPath):3:1", "4999"))  // 5000 - 1
        #expect(hasError(d, at: "\(Self.ledgerPath):7:1", "100"))   // 6000 + 100 - 6000
    }

    @Test("requires names a title of honours.yaml; image names a file under assets/")
    func references() {
        let d = Self.portal(rewards: """
            - id: trip
              name: 旅游
              tier: premium
              cost: 50
              requires: platinum
            - id: card
              name: 卡
              tier: basic
              cost: 50
              image: rewards/card.png
            """).diagnostics(asOf: "2026-04-01")
        #expect(hasError(d, at: "Content/rewards.yaml:5:13", "platinum"))
        #expect(hasError(d, at: "Content/rewards.yaml:10:10", "rewards/card.png"))
        #expect(d.count == 2)

        let withImage = Self.portal(rewards: """
            - id: card
              name: 卡
              tier: basic
              cost: 50
              image: rewards/card.png
            """).with("assets/rewards/card.png", "PNG")
        #expect(withImage.diagnostics(asOf: "2026-04-01").isEmpty)
    }

    @Test("redeeming an unknown reward is an error at the reward")
    func unknownReward() {
        let d = Self.portal().ledger("2026-01-05 redeem zhang-wei yacht\n").diagnostics(asOf: "2026-04-01")
        #expect(d.count == 1)
        #expect(hasError(d, at: "\(Self.ledgerPath):1:29", "yacht"))
    }
}

extension FormatSection5Tests {
    @Test("stock errors and balances do not depend on the number of threads", arguments: [1, 2, 3, 8])
    func stockAnyJobs(jobs: Int) {
        let fixture = Self.portal().ledger("""
            2026-01-05 award zhang-wei 1000 by:li-na "a"
            2026-01-05 award li-na 100 by:zhang-wei "b"
            2026-01-05 award wang-fang 1000 by:li-na "c"
            2026-01-06 redeem zhang-wei mug qty:2 id:m1
            2026-01-07 redeem li-na mug
            2026-01-08 reverse m1
            2026-01-09 redeem wang-fang mug qty:2
            2026-01-10 redeem li-na mug
            2026-01-10 balance zhang-wei 1000

            """)
        let run = fixture.run(asOf: "2026-04-01", jobs: jobs)
        #expect(run.diagnostics.map(\.description) == fixture.diagnostics(asOf: "2026-04-01"))
        #expect(run.diagnostics.map(\.line) == [5, 8])
        let li = run.sources.peopleIndex.find("li-na").map(Int.init) ?? -1
        #expect(run.book?.accounts[li].balance == 100)
        #expect(run.book?.stockUsed == [0, 2, 0, 0])
    }
}
