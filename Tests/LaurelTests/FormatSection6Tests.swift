import Testing
import LaurelPoints
import LaurelSources

/// FORMAT.md section 6: titles by lifetime points and badges, as the engine's PointsBook
/// holds them (accounts[].title and accounts[].badges).
@Suite("FORMAT.md 6 — honours")
struct FormatSection6Tests {
    static let honours = """
        titles:
          - {id: bronze, name: 铜牌销售, min: 1000}
          - {id: silver, name: 银牌销售, min: 5000}
          - {id: gold,   name: 金牌销售, min: 20000}
        badges:
          - id: first-customer
            name: 开门红
            rule: new-customer
            count: 1
          - id: hat-trick
            name: 帽子戏法
            rule: deal-won
            count: 3
            within: month
          - id: three-deals
            name: 三单
            rule: deal-won
            count: 3
          - id: quarter-trainee
            name: 季度学员
            rule: training
            count: 2
            within: quarter
        """

    static func portal() -> Fixture {
        Fixture.specPortal(expiry: "never", honours: honours)
    }

    @Test("a person holds the highest title their lifetime points reached")
    func titles() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 award zhang-wei 999 by:li-na "a"
            2026-01-05 award li-na 1000 by:zhang-wei "b"
            2026-01-05 award wang-fang 19999 by:li-na "c"
            2026-01-06 award wang-fang 1 by:li-na "d"

            """).computed(asOf: "2026-02-01")
        #expect(c.title("zhang-wei") == nil)
        #expect(c.title("li-na") == "bronze")
        #expect(c.title("wang-fang") == "gold")
        // Up to the as-of date only: on 2026-01-05 wang-fang had 19999.
        let before = try Self.portal().ledger("""
            2026-01-05 award wang-fang 19999 by:li-na "c"
            2026-01-06 award wang-fang 1 by:li-na "d"

            """).computed(asOf: "2026-01-05")
        #expect(before.title("wang-fang") == "silver")
    }

    @Test("titles use lifetime points: spending keeps them, deductions and reversals lower them")
    func titlesByLifetime() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 award zhang-wei 5000 by:li-na "a"
            2026-01-05 award li-na 5000 by:zhang-wei "b"
            2026-01-05 award wang-fang 5000 by:li-na "d" id:w1
            2026-01-05 award wang-fang 1200 by:li-na "e"
            2026-01-06 redeem zhang-wei gift-card-200 qty:12
            2026-01-06 deduct li-na 1 by:zhang-wei "c"
            2026-01-06 reverse w1

            """).computed(asOf: "2026-02-01")
        #expect(c.balance("zhang-wei") == 200)  // 5000 - 12 * 400
        #expect(c.title("zhang-wei") == "silver")
        #expect(c.lifetime("li-na") == 4999)
        #expect(c.title("li-na") == "bronze")
        #expect(c.lifetime("wang-fang") == 1200)
        #expect(c.title("wang-fang") == "bronze")
    }

    @Test("a badge counts non-reversed earn entries of its rule and is dated the day it first held")
    func countBadges() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 earn zhang-wei new-customer
            2026-01-06 earn zhang-wei new-customer
            2026-01-07 earn li-na new-customer id:n1
            2026-01-08 reverse n1
            2026-01-10 earn wang-fang deal-won amount:1000
            2026-02-10 earn wang-fang deal-won amount:1000
            2026-03-10 earn wang-fang deal-won amount:1000

            """).computed(asOf: "2026-04-01")
        #expect(c.badges("zhang-wei") == ["first-customer": "2026-01-05"])
        #expect(c.badges("li-na").isEmpty)
        // three deals in three months: three-deals but not hat-trick (within: month).
        #expect(c.badges("wang-fang") == ["three-deals": "2026-03-10"])
    }

    @Test("within: all the entries inside one calendar month or quarter")
    func withinBadges() throws {
        let c = try Self.portal().ledger("""
            2026-01-30 earn zhang-wei deal-won amount:1000
            2026-01-31 earn zhang-wei deal-won amount:1000
            2026-02-01 earn zhang-wei deal-won amount:1000
            2026-02-02 earn zhang-wei deal-won amount:1000
            2026-02-03 earn zhang-wei deal-won amount:1000
            2026-03-31 earn li-na training
            2026-04-01 earn li-na training
            2026-06-30 earn li-na training

            """).computed(asOf: "2026-07-01")
        // January has 2, February reaches 3 on 2026-02-03; the overall count reached 3 on 2026-02-01.
        #expect(c.badges("zhang-wei") == ["hat-trick": "2026-02-03", "three-deals": "2026-02-01"])
        // 2026-Q1 has 1 training, 2026-Q2 reaches 2 on 2026-06-30.
        #expect(c.badges("li-na") == ["quarter-trainee": "2026-06-30"])
    }

    @Test("a reversed entry does not count towards a badge")
    func reversedDoNotCount() throws {
        let c = try Self.portal().ledger("""
            2026-03-02 earn zhang-wei deal-won amount:1000
            2026-03-03 earn zhang-wei deal-won amount:1000 id:d2
            2026-03-04 earn zhang-wei deal-won amount:1000
            2026-03-05 reverse d2

            """).computed(asOf: "2026-04-01")
        #expect(c.badges("zhang-wei").isEmpty)
    }

    @Test("entries after the as-of date earn no badge")
    func afterAsOf() throws {
        let c = try Self.portal().ledger("2026-03-02 earn zhang-wei new-customer\n").computed(asOf: "2026-03-01")
        #expect(c.badges("zhang-wei").isEmpty)
    }

    @Test("honours.yaml is optional and strict")
    func honoursYAML() {
        #expect(Fixture.specPortal().without("honours.yaml").diagnostics(asOf: "2026-01-01").isEmpty)
        let d = Fixture.specPortal(honours: """
            titles:
              - {id: bronze, name: 铜牌销售, min: 1000, colour: red}
            badges:
              - id: first
                name: 第一
                rule: no-such-rule
                count: 1
              - id: second
                name: 第二
                rule: training
                count: 0
              - id: third
                name: 第三
                rule: training
                count: 1
                within: week
            medals: []
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/honours.yaml:2:41", "colour"))
        #expect(hasError(d, at: "Content/honours.yaml:6:11", "no-such-rule"))
        #expect(hasError(d, at: "Content/honours.yaml:11:12", "count"))
        #expect(hasError(d, at: "Content/honours.yaml:16:13", "week"))
        #expect(hasError(d, at: "Content/honours.yaml:17:1", "medals"))
        #expect(d.count == 5)
    }
}
