import Testing
import LaurelPoints
import LaurelSources

/// FORMAT.md section 4: rules, versions, caps and target rules. Every expectation is
/// computed by hand from the document; the comments show the arithmetic.
///
/// Unless a test says otherwise the rules are those of `Fixture.spec` (section 4's example):
/// deal-won (2025: floor(amount/1000)*1, cap 2000/month; 2026: floor(amount/1000)*2, no cap,
/// expiry months:12), new-customer (100 * qty, retired from 2026-07-01), training (10 * qty,
/// cap 40/month). Ledger columns: `2026-01-05 earn zhang-wei RULE` puts the person at column
/// 17 and the rule at column 27 (with li-na, the rule is at column 23).
@Suite("FORMAT.md 4 — rules")
struct FormatSection4Tests {
    static let ledgerPath = "Content/ledger/main.ledger"
    static var specRules: String { Fixture.spec.files["rules.yaml"]! }

    // MARK: 4.1 points of an earn entry

    @Test("rate rule: floor(amount / per) * points, amount 0 allowed")
    func rateRuleFloor() throws {
        let c = try Fixture.specPortal().ledger("""
            2026-01-05 earn zhang-wei deal-won amount:250000
            2026-01-06 earn zhang-wei deal-won amount:1999
            2026-01-07 earn zhang-wei deal-won amount:999
            2026-01-08 earn zhang-wei deal-won amount:0

            """).computed(asOf: "2026-02-01")
        #expect(c.points(line: 1) == 500)  // floor(250000/1000) * 2
        #expect(c.points(line: 2) == 2)    // floor(1.999) * 2
        #expect(c.points(line: 3) == 0)    // floor(0.999) * 2
        #expect(c.points(line: 4) == 0)
        #expect((1...4).allSatisfy { c.outcome(line: $0).ruleVersion == 1 })
        #expect(c.lifetime("zhang-wei") == 502)
        #expect(c.score("zhang-wei", "2026-Q1") == 502)
    }

    @Test("the version in force is the one with the latest since not after the entry's date")
    func versionInForce() throws {
        let ledger = """
            2025-12-31 earn zhang-wei deal-won amount:250000
            2026-01-01 earn zhang-wei deal-won amount:250000

            """
        let c = try Fixture.specPortal().ledger(ledger).computed(asOf: "2026-01-02")
        #expect(c.outcome(line: 1).ruleVersion == 0)
        #expect(c.points(line: 1) == 250)  // 2025 version: 250 * 1
        #expect(c.outcome(line: 2).ruleVersion == 1)
        #expect(c.points(line: 2) == 500)  // 2026 version: 250 * 2
        #expect(c.score("zhang-wei", "2025-Q4") == 250)
        #expect(c.score("zhang-wei", "2026-Q1") == 500)

        // Old results never change when a new version is added.
        let withNewVersion = Self.specRules.replacingOccurrences(of: """
                  expiry: months:12
            """, with: """
                  expiry: months:12
                - since: 2026-01-02
                  per: 1000
                  points: 5
            """)
        #expect(withNewVersion != Self.specRules)
        let d = try Fixture.specPortal(rules: withNewVersion).ledger(ledger).computed(asOf: "2026-01-02")
        #expect(d.points(line: 1) == 250)
        #expect(d.points(line: 2) == 500)
    }

    @Test("fixed rule: points * qty, qty defaults to 1, amount allowed and ignored")
    func fixedRule() throws {
        let c = try Fixture.specPortal().ledger("""
            2026-01-05 earn zhang-wei new-customer
            2026-01-06 earn zhang-wei new-customer qty:3
            2026-01-07 earn zhang-wei new-customer amount:50000

            """).computed(asOf: "2026-02-01")
        #expect(c.points(line: 1) == 100)
        #expect(c.points(line: 2) == 300)
        #expect(c.points(line: 3) == 100)
        #expect(c.lifetime("zhang-wei") == 500)
    }

    @Test("qty: on a rate rule is an error at the qty: field")
    func qtyOnRateRule() {
        let d = Fixture.specPortal().ledger("""
            2026-01-05 earn zhang-wei deal-won amount:5000 qty:2

            """).diagnostics(asOf: "2026-02-01")
        #expect(hasError(d, at: "\(Self.ledgerPath):1:48", "qty"))
        #expect(d.count == 1)
    }

    @Test("qty must be a whole number >= 1")
    func qtyAtLeastOne() {
        let d = Fixture.specPortal().ledger("""
            2026-01-05 earn zhang-wei new-customer qty:0
            2026-01-06 earn zhang-wei new-customer qty:-1
            2026-01-07 earn zhang-wei new-customer qty:1.5

            """).diagnostics(asOf: "2026-02-01")
        #expect(hasError(d, onLine: "\(Self.ledgerPath):1", "qty"))
        #expect(hasError(d, onLine: "\(Self.ledgerPath):2", "qty"))
        #expect(hasError(d, onLine: "\(Self.ledgerPath):3", "qty"))
        #expect(d.count == 3)
    }

    @Test("a rate rule without amount: is an error")
    func missingAmount() {
        let d = Fixture.specPortal().ledger("""
            2026-01-05 earn zhang-wei deal-won

            """).diagnostics(asOf: "2026-02-01")
        #expect(hasError(d, at: "\(Self.ledgerPath):1:27", "amount"))
        #expect(d.count == 1)
    }

    @Test("earning under a retired version is an error from its since date on")
    func retired() {
        let d = Fixture.specPortal().ledger("""
            2026-06-30 earn zhang-wei new-customer
            2026-07-01 earn zhang-wei new-customer

            """).diagnostics(asOf: "2026-12-31")
        #expect(d.count == 1)
        #expect(hasError(d, at: "\(Self.ledgerPath):2:27", "retired"))
    }

    @Test("earning before a rule's first version is an error")
    func notYetInForce() {
        let d = Fixture.specPortal().ledger("""
            2024-12-31 earn zhang-wei deal-won amount:1000

            """).diagnostics(asOf: "2026-12-31")
        #expect(d.count == 1)
        #expect(hasError(d, at: "\(Self.ledgerPath):1:27", "2024-12-31"))
    }

    @Test("1,000,000,000 points for one entry is allowed")
    func limitReached() throws {
        let c = try Fixture.specPortal().ledger("""
            2026-01-05 earn zhang-wei deal-won amount:500000000000
            2026-01-06 earn li-na new-customer qty:10000000

            """).computed(asOf: "2026-02-01")
        #expect(c.points(line: 1) == 1_000_000_000)  // 500,000,000 * 2
        #expect(c.points(line: 2) == 1_000_000_000)  // 10,000,000 * 100
    }

    @Test("more than 1,000,000,000 points for one entry, or 13 digits, is an error")
    func limitExceeded() {
        let d = Fixture.specPortal().ledger("""
            2026-01-05 earn li-na deal-won amount:500000001000
            2026-01-06 earn li-na new-customer qty:10000001
            2026-01-07 earn li-na deal-won amount:1000000000000
            2026-01-08 award li-na 1000000000000 by:zhang-wei "too many digits"

            """).diagnostics(asOf: "2026-02-01")
        #expect(hasError(d, onLine: "\(Self.ledgerPath):1", "1,000,000,000"))  // 500,000,001 * 2
        #expect(hasError(d, onLine: "\(Self.ledgerPath):2", "1,000,000,000"))  // 10,000,001 * 100
        #expect(hasError(d, onLine: "\(Self.ledgerPath):3", "12"))
        #expect(hasError(d, onLine: "\(Self.ledgerPath):4", "12"))
        #expect(d.count == 4)
    }

    @Test("an earn without qty: under a rule whose points exceed 1,000,000,000 is an error, not a capped figure")
    func limitExceededByTheRuleItself() {
        let d = Fixture.specPortal(rules: """
            - id: jackpot
              name: Jackpot
              versions:
                - since: 2025-01-01
                  points: 5000000000
                  cap: {max: 100, per: month}
            - id: top
              name: Top
              versions:
                - since: 2025-01-01
                  points: 1000000000
            """).ledger("""
            2026-01-05 earn li-na jackpot
            2026-01-06 earn li-na top
            2026-01-07 earn li-na jackpot qty:1

            """).diagnostics(asOf: "2026-02-01")
        #expect(hasError(d, at: "\(Self.ledgerPath):1:23", "1,000,000,000"))
        #expect(hasError(d, onLine: "\(Self.ledgerPath):3", "1,000,000,000"))
        #expect(d.count == 2)
    }

    @Test("points and per are whole numbers >= 1, versions in date order with distinct since")
    func versionYAML() {
        let d = Fixture.specPortal(rules: """
            - id: a
              name: A
              versions:
                - since: 2025-01-01
                  points: 0
            - id: b
              name: B
              versions:
                - since: 2025-01-01
                  per: 0
                  points: 1
            - id: c
              name: C
              versions:
                - since: 2025-06-01
                  points: 1
                - since: 2025-01-01
                  points: 2
            - id: d
              name: D
              versions:
                - since: 2025-01-01
                  points: 1
                - since: 2025-01-01
                  points: 2
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/rules.yaml:5:15", "points"))
        #expect(hasError(d, at: "Content/rules.yaml:10:12", "per"))
        #expect(hasError(d, onLine: "Content/rules.yaml:17", "date order"))
        #expect(hasError(d, onLine: "Content/rules.yaml:24", "date order"))
        #expect(d.count == 4)
    }

    // MARK: 4.2 caps

    @Test("cap per month: min(points, max - already earned), the rest shown as capped")
    func capPerMonth() throws {
        let c = try Fixture.specPortal().ledger("""
            2026-01-05 earn li-na training qty:3
            2026-01-06 earn li-na training qty:2
            2026-01-07 earn li-na training
            2026-01-08 earn zhang-wei training qty:4
            2026-02-01 earn li-na training qty:4

            """).computed(asOf: "2026-03-01")
        #expect(c.points(line: 1) == 30)
        #expect(c.outcome(line: 1).capped == 0)
        #expect(c.points(line: 2) == 10)  // 40 - 30
        #expect(c.outcome(line: 2).capped == 10)
        #expect(c.points(line: 3) == 0)
        #expect(c.outcome(line: 3).capped == 10)
        #expect(c.points(line: 4) == 40)  // the cap is per person
        #expect(c.points(line: 5) == 40)  // a new month
        #expect(c.lifetime("li-na") == 80)
    }

    static let quarterYearRules = """
        - id: visit
          name: 拜访
          versions:
            - since: 2025-01-01
              points: 10
              cap: {max: 50, per: quarter}
        - id: course
          name: 课程
          versions:
            - since: 2025-01-01
              points: 10
              cap: {max: 25, per: year}
        """

    @Test("caps per calendar quarter and year")
    func capPerQuarterAndYear() throws {
        let c = try Fixture.specPortal(rules: Self.quarterYearRules).ledger("""
            2026-01-10 earn zhang-wei visit qty:3
            2026-02-10 earn zhang-wei visit qty:3
            2026-03-31 earn zhang-wei visit
            2026-04-01 earn zhang-wei visit qty:3
            2026-06-30 earn zhang-wei course qty:2
            2026-12-31 earn zhang-wei course qty:2
            2027-01-01 earn zhang-wei course qty:2

            """).computed(asOf: "2027-01-02")
        #expect(c.points(line: 1) == 30)
        #expect(c.points(line: 2) == 20)  // 50 - 30 in 2026-Q1
        #expect(c.outcome(line: 2).capped == 10)
        #expect(c.points(line: 3) == 0)
        #expect(c.outcome(line: 3).capped == 10)
        #expect(c.points(line: 4) == 30)  // 2026-Q2
        #expect(c.points(line: 5) == 20)
        #expect(c.points(line: 6) == 5)   // 25 - 20 in 2026
        #expect(c.outcome(line: 6).capped == 15)
        #expect(c.points(line: 7) == 20)  // 2027
        #expect(c.lifetime("zhang-wei") == 125)
    }

    @Test("the cap in force is that of the version in force on the entry's date")
    func capOfVersionInForce() throws {
        // deal-won: the 2025 version caps at 2000 a month, the 2026 one has no cap.
        let c = try Fixture.specPortal().ledger("""
            2025-12-10 earn zhang-wei deal-won amount:2500000
            2026-01-10 earn zhang-wei deal-won amount:2500000

            """).computed(asOf: "2026-02-01")
        #expect(c.points(line: 1) == 2000)
        #expect(c.outcome(line: 1).capped == 500)
        #expect(c.points(line: 2) == 5000)
        #expect(c.outcome(line: 2).capped == 0)
    }

    @Test("already earned counts points of earlier entries whatever version gave them")
    func capCountsEveryVersion() throws {
        let rules = """
            - id: coaching
              name: 辅导
              versions:
                - since: 2026-01-01
                  points: 10
                - since: 2026-01-15
                  points: 20
                  cap: {max: 50, per: month}
            """
        let c = try Fixture.specPortal(rules: rules).ledger("""
            2026-01-10 earn zhang-wei coaching qty:3
            2026-01-10 earn li-na coaching qty:6
            2026-01-20 earn zhang-wei coaching qty:2
            2026-01-20 earn li-na coaching

            """).computed(asOf: "2026-02-01")
        #expect(c.points(line: 1) == 30)  // no cap in force on 2026-01-10
        #expect(c.points(line: 2) == 60)
        #expect(c.outcome(line: 2).capped == 0)
        #expect(c.points(line: 3) == 20)  // 40 computed, 50 - 30 = 20 room
        #expect(c.outcome(line: 3).capped == 20)
        #expect(c.points(line: 4) == 0)   // 20 computed, 50 - 60 < 0: no room
        #expect(c.outcome(line: 4).capped == 20)
    }

    @Test("already earned includes entries reversed later")
    func capCountsReversedEntries() throws {
        let c = try Fixture.specPortal().ledger("""
            2026-01-05 earn zhang-wei training qty:3 id:t1
            2026-01-06 reverse t1
            2026-01-07 earn zhang-wei training qty:2

            """).computed(asOf: "2026-02-01")
        #expect(c.outcome(line: 1).isReversed)
        #expect(c.points(line: 3) == 10)  // 40 - 30 (the reversed entry still counts)
        #expect(c.outcome(line: 3).capped == 10)
        #expect(c.lifetime("zhang-wei") == 10)
        #expect(c.balance("zhang-wei") == 10)
    }

    @Test("a later reversal neither reopens room nor changes other entries")
    func reversalDoesNotReopenRoom() throws {
        let c = try Fixture.specPortal().ledger("""
            2026-01-05 earn li-na training qty:3 id:t2
            2026-01-06 earn li-na training qty:2
            2026-01-07 reverse t2
            2026-01-08 earn li-na training

            """).computed(asOf: "2026-02-01")
        #expect(c.points(line: 2) == 10)
        #expect(c.outcome(line: 2).capped == 10)
        #expect(c.points(line: 4) == 0)  // 30 + 10 already earned this month
        #expect(c.outcome(line: 4).capped == 10)
        #expect(c.lifetime("li-na") == 10)
    }

    @Test("awards with rule: do not count towards a cap")
    func awardsDoNotCount() throws {
        let c = try Fixture.specPortal().ledger("""
            2026-01-05 award zhang-wei 35 by:li-na "helped at the training" rule:training
            2026-01-06 earn zhang-wei training qty:4

            """).computed(asOf: "2026-02-01")
        #expect(c.points(line: 2) == 40)
        #expect(c.outcome(line: 2).capped == 0)
        #expect(c.lifetime("zhang-wei") == 75)
    }

    // MARK: 4.4 target rules

    static var targetRules: String {
        specRules + "\n" + """
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
    }

    static let targets = """
        quarterly-target:
          2026-Q1:
            zhang-wei: 1200000
            li-na: 900000
        """

    static func targetPortal(rules: String = targetRules, targets: String = targets, people: String? = nil) -> Fixture {
        Fixture.specPortal(rules: rules, targets: targets, people: people)
    }

    @Test("a reached target pays a lot dated the period's last day, once the period has ended")
    func targetBonus() throws {
        let fixture = Self.targetPortal().ledger("""
            2026-01-05 earn zhang-wei deal-won amount:700000
            2026-02-01 earn li-na deal-won amount:899999
            2026-03-31 earn zhang-wei deal-won amount:500000

            """)
        // zhang-wei: 700,000 + 500,000 = 1,200,000 >= 1,200,000; li-na: 899,999 < 900,000.
        let c = try fixture.computed(asOf: "2026-04-01")
        #expect(c.bonuses.count == 1)
        #expect(c.bonuses.first?.rule == "quarterly-target")
        #expect(c.bonuses.first?.person == "zhang-wei")
        #expect(c.bonuses.first?.period == "2026-Q1")
        #expect(c.bonuses.first?.points == 500)
        let bonusLot = try #require(c.bonusLots("zhang-wei").first)
        #expect(bonusLot.date.description == "2026-03-31")
        #expect(bonusLot.lastValid?.description == "2026-12-31")  // portal expiry: year
        #expect(c.score("zhang-wei", "2026-Q1") == 2900)  // 1400 + 1000 + 500
        #expect(c.score("li-na", "2026-Q1") == 1798)
        let expiring = c.expiring("zhang-wei")
        #expect(expiring.map(\.0) == ["2026-12-31", "2027-01-31", "2027-03-31"])
        #expect(expiring.map(\.1) == [500, 1400, 1000])

        // Not before the period has ended: its last day must be before the as-of date.
        let early = try fixture.computed(asOf: "2026-03-31")
        #expect(early.bonuses.isEmpty)
        #expect(early.score("zhang-wei", "2026-Q1") == 2400)
    }

    @Test("the metric sums amount of earns of the metric rule dated in the period, fixed rules too")
    func metricOfFixedRule() throws {
        let rules = Self.specRules + "\n" + """
            - id: account-target
              name: 新客户目标
              kind: target
              metric: new-customer
              period: month
              versions:
                - since: 2025-01-01
                  points: 70
            """
        let targets = """
            account-target:
              2026-02:
                zhang-wei: 100000
                li-na: 100000
            """
        let c = try Fixture.specPortal(rules: rules, targets: targets).ledger("""
            2026-01-31 earn li-na new-customer amount:60000
            2026-02-01 earn zhang-wei new-customer amount:60000
            2026-02-01 earn li-na new-customer amount:40000
            2026-02-28 earn zhang-wei new-customer amount:40000
            2026-03-01 earn li-na new-customer amount:60000

            """).computed(asOf: "2026-03-02")
        // zhang-wei: 60,000 + 40,000 in 2026-02; li-na: only 40,000 in 2026-02.
        #expect(c.bonuses.map(\.person) == ["zhang-wei"])
        let lot = try #require(c.bonusLots("zhang-wei").first)
        #expect(lot.date.description == "2026-02-28")
        #expect(lot.points == 70)
        #expect(c.lifetime("zhang-wei") == 270)
    }

    @Test("the bonus applies after every entry of the period's last day")
    func bonusAfterLastDay() throws {
        let rewards = """
            - id: prize
              name: 奖品
              tier: premium
              cost: 2900
            """
        let sameDay = Self.targetPortal().with("rewards.yaml", rewards).ledger("""
            2026-03-31 earn zhang-wei deal-won amount:1200000
            2026-03-31 redeem zhang-wei prize

            """)
        let d = sameDay.diagnostics(asOf: "2026-04-02")
        #expect(d.count == 1)
        #expect(hasError(d, onLine: "\(Self.ledgerPath):2", "2400"))  // 2400 available, not 2900

        let nextDay = try Self.targetPortal().with("rewards.yaml", rewards).ledger("""
            2026-03-31 earn zhang-wei deal-won amount:1200000
            2026-04-01 balance zhang-wei 2900
            2026-04-01 redeem zhang-wei prize

            """).computed(asOf: "2026-04-02")
        #expect(nextDay.points(line: 3) == 2900)
        #expect(nextDay.balance("zhang-wei") == 0)
    }

    @Test("bonuses of one day apply in order of rule id, then person id")
    func bonusOrder() throws {
        let rules = Self.specRules + "\n" + """
            - id: b-target
              name: B
              kind: target
              metric: deal-won
              period: quarter
              versions:
                - since: 2025-01-01
                  points: 300
            - id: a-target
              name: A
              kind: target
              metric: deal-won
              period: quarter
              versions:
                - since: 2025-01-01
                  points: 500
            """
        let targets = """
            b-target:
              2026-Q1:
                zhang-wei: 1000
                li-na: 1000
            a-target:
              2026-Q1:
                zhang-wei: 1000
                li-na: 1000
            """
        let rewards = """
            - id: dinner
              name: 晚餐
              tier: basic
              cost: 600
            """
        let c = try Fixture.specPortal(rules: rules, rewards: rewards, targets: targets).ledger("""
            2026-01-05 earn zhang-wei deal-won amount:1000
            2026-01-05 earn li-na deal-won amount:1000
            2026-04-01 redeem li-na dinner

            """).computed(asOf: "2026-04-01")
        #expect(c.bonuses.count == 4)
        // A person's lots are created in that order: a-target's before b-target's.
        #expect(c.bonusLots("zhang-wei").map(\.points) == [500, 300])
        // Same date and last day (2026-12-31): spending takes a-target's lot first, then
        // 100 of b-target's (the deal-won lot lasts until 2027-01-31).
        #expect(c.bonusLots("li-na").map(\.remaining) == [0, 200])
        #expect(c.balance("li-na") == 202)
    }

    @Test("a reversal by the end of the last day leaves the amount out of the metric")
    func reversalBeforeSettlement() throws {
        let c = try Self.targetPortal().ledger("""
            2026-02-01 earn zhang-wei deal-won amount:1200000 id:big
            2026-03-31 reverse big

            """).computed(asOf: "2026-04-02")
        #expect(c.bonuses.isEmpty)
        #expect(c.lifetime("zhang-wei") == 0)
    }

    @Test("a reversal after the last day does not take the bonus back")
    func reversalAfterSettlement() throws {
        let c = try Self.targetPortal().ledger("""
            2026-02-01 earn zhang-wei deal-won amount:1200000 id:big
            2026-04-01 reverse big

            """).computed(asOf: "2026-04-02")
        #expect(c.bonuses.count == 1)
        #expect(c.score("zhang-wei", "2026-Q1") == 500)  // 2400 reversed, the bonus stays
        #expect(c.lifetime("zhang-wei") == 500)
        #expect(c.balance("zhang-wei") == 500)
    }

    @Test("amounts dated outside the period do not count")
    func metricOnlyInPeriod() throws {
        let c = try Self.targetPortal().ledger("""
            2025-12-31 earn zhang-wei deal-won amount:600000
            2026-01-01 earn zhang-wei deal-won amount:600000
            2026-04-01 earn zhang-wei deal-won amount:600000

            """).computed(asOf: "2026-07-01")
        #expect(c.bonuses.isEmpty)  // 600,000 in 2026-Q1 < 1,200,000
    }

    @Test("no bonus for someone who left before the last day; leaving on it still pays")
    func leftBeforeLastDay() throws {
        func people(left: String) -> String {
            """
            - id: zhang-wei
              name: 张伟
              team: east
              left: \(left)
            - id: li-na
              name: 李娜
              team: east
            """
        }
        let ledger = "2026-01-05 earn zhang-wei deal-won amount:1200000\n"
        let gone = try Self.targetPortal(people: people(left: "2026-03-30")).ledger(ledger).computed(asOf: "2026-04-01")
        #expect(gone.bonuses.isEmpty)
        let stayed = try Self.targetPortal(people: people(left: "2026-03-31")).ledger(ledger).computed(asOf: "2026-04-01")
        #expect(stayed.bonuses.count == 1)
    }

    static func targetRules(versions: String) -> String {
        specRules + "\n" + """
            - id: quarterly-target
              name: 季度目标达成
              kind: target
              metric: deal-won
              period: quarter
              versions:
            \(versions)
            """
    }

    @Test("the points are those of the target rule's version in force on the last day")
    func versionOnLastDay() throws {
        let rules = Self.targetRules(versions: """
                - since: 2025-01-01
                  points: 500
                - since: 2026-03-31
                  points: 800
                  expiry: months:1
                - since: 2026-04-01
                  points: 900
            """)
        let c = try Self.targetPortal(rules: rules).ledger("2026-01-05 earn zhang-wei deal-won amount:1200000\n")
            .computed(asOf: "2026-04-01")
        #expect(c.bonuses.map(\.points) == [800])
        let lot = try #require(c.bonusLots("zhang-wei").first)
        #expect(lot.lastValid?.description == "2026-04-30")  // months:1 from 2026-03
    }

    @Test("no bonus when the version on the last day is retired or there is none")
    func retiredOrNoVersion() throws {
        let ledger = "2026-01-05 earn zhang-wei deal-won amount:1200000\n"
        let retired = Self.targetRules(versions: """
                - since: 2025-01-01
                  points: 500
                - since: 2026-03-15
                  retired: true
            """)
        #expect(try Self.targetPortal(rules: retired).ledger(ledger).computed(asOf: "2026-04-01").bonuses.isEmpty)
        let retiredLater = Self.targetRules(versions: """
                - since: 2025-01-01
                  points: 500
                - since: 2026-04-01
                  retired: true
            """)
        #expect(try Self.targetPortal(rules: retiredLater).ledger(ledger).computed(asOf: "2026-04-01").bonuses.count == 1)
        let notYet = Self.targetRules(versions: """
                - since: 2026-04-01
                  points: 500
            """)
        #expect(try Self.targetPortal(rules: notYet).ledger(ledger).computed(asOf: "2026-04-02").bonuses.isEmpty)
    }

    @Test("an earn naming a target rule is an error")
    func earnTargetRule() {
        let d = Self.targetPortal().ledger("""
            2026-01-05 earn zhang-wei quarterly-target amount:100

            """).diagnostics(asOf: "2026-04-01")
        #expect(d.count == 1)
        #expect(hasError(d, at: "\(Self.ledgerPath):1:27", "target"))
    }

    @Test("a target rule's versions take points, expiry and retired only")
    func targetVersionKeys() {
        let rules = Self.targetRules(versions: """
                - since: 2025-01-01
                  per: 1000
                  points: 500
                  cap: {max: 10, per: month}
            """)
        // The spec's rules take lines 1-27 of rules.yaml; the target rule's version starts at 34.
        let d = Self.targetPortal(rules: rules).diagnostics(asOf: "2026-04-01")
        #expect(hasError(d, at: "Content/rules.yaml:35:7", "per"))
        #expect(hasError(d, at: "Content/rules.yaml:37:7", "cap"))
        #expect(d.count == 2)
    }
}

extension FormatSection4Tests {
    @Test("a year target is keyed `2026:`, taken as the text 2026")
    func yearTarget() throws {
        let rules = Self.specRules + "\n" + """
            - id: annual
              name: 年度目标
              kind: target
              metric: deal-won
              period: year
              versions:
                - since: 2025-01-01
                  points: 1000
            """
        let targets = """
            annual:
              2026:
                li-na: 50000
            """
        let c = try Fixture.specPortal(rules: rules, targets: targets).ledger("""
            2026-06-01 earn li-na deal-won amount:30000
            2026-12-31 earn li-na deal-won amount:20000

            """).computed(asOf: "2027-01-01")
        #expect(c.bonuses.map(\.person) == ["li-na"])
        #expect(c.bonusLots("li-na").first?.date.description == "2026-12-31")
        #expect(c.lifetime("li-na") == 1100)  // 60 + 40 + 1000
    }

    @Test("category is an identifier and defaults to other")
    func category() throws {
        let c = try Fixture.specPortal(rules: """
            - id: misc
              name: 杂项
              versions:
                - since: 2025-01-01
                  points: 1
            """).computed(asOf: "2026-01-01")
        #expect(c.sources.rules.first?.category == "other")
        let d = Fixture.specPortal(rules: """
            - id: misc
              name: 杂项
              category: Sales Team
              versions:
                - since: 2025-01-01
                  points: 1
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/rules.yaml:3:13", "Sales Team"))
        #expect(d.count == 1)
    }
}
