import Testing
import LaurelPoints
import LaurelSources

/// FORMAT.md section 8: lots and expiry, spending, reversal, scores, ranks and balance
/// assertions. Expectations are worked out by hand in the comments.
@Suite("FORMAT.md 8 — points semantics")
struct FormatSection8Tests {
    static let main = "Content/ledger/main.ledger"

    /// Fixed rules of 100 points whose lots last as their names say.
    static let expiryRules = """
        - id: r-never
          name: N
          versions:
            - since: 2025-01-01
              points: 100
              expiry: never
        - id: r-year
          name: Y
          versions:
            - since: 2025-01-01
              points: 100
              expiry: year
        - id: r-quarter
          name: Q
          versions:
            - since: 2025-01-01
              points: 100
              expiry: quarter
        - id: r-month
          name: M
          versions:
            - since: 2025-01-01
              points: 100
              expiry: month
        - id: r-m2
          name: M2
          versions:
            - since: 2025-01-01
              points: 100
              expiry: months:2
        - id: r-plain
          name: P
          versions:
            - since: 2025-01-01
              points: 100
        """

    static let voucher = """
        - id: voucher
          name: 代金券
          tier: basic
          cost: 50
        """

    static func portal(expiry: String = "never", period: String = "quarter") -> Fixture {
        Fixture.specPortal(expiry: expiry, period: period, rules: expiryRules, rewards: voucher)
    }

    // MARK: 8.1 lots and expiry

    @Test("portal.yaml's expiry policy fixes a lot's last day of validity", arguments: [
        ("never", nil),
        ("month", "2026-01-31"),
        ("quarter", "2026-03-31"),
        ("year", "2026-12-31"),
        ("months:1", "2026-02-28"),
        ("months:12", "2027-01-31"),
        ("months:13", "2027-02-28"),
    ] as [(String, String?)])
    func expiryPolicies(policy: String, lastDay: String?) throws {
        let c = try Self.portal(expiry: policy).ledger("2026-01-15 award zhang-wei 100 by:li-na \"x\"\n")
            .computed(asOf: "2026-01-15")
        #expect(c.expiring("zhang-wei").map(\.0) == [lastDay])
        #expect(c.account("zhang-wei").lots.first?.lastValid?.description == lastDay)
    }

    @Test("months:N counts calendar months from the lot's month")
    func monthsFromMonthEnd() throws {
        let c = try Self.portal(expiry: "months:3").ledger("""
            2025-11-30 award zhang-wei 100 by:li-na "x"
            2026-01-31 award zhang-wei 100 by:li-na "y"

            """).computed(asOf: "2026-02-01")
        #expect(c.expiring("zhang-wei").map(\.0) == ["2026-02-28", "2026-04-30"])
    }

    @Test("a rule version's expiry overrides portal.yaml's; an award always uses portal.yaml's")
    func ruleExpiry() throws {
        // FORMAT.md's example: earned 2026-01-15 under deal-won's months:12 version.
        let c = try Fixture.specPortal(expiry: "month").ledger("""
            2026-01-15 earn zhang-wei deal-won amount:50000
            2026-01-15 earn zhang-wei new-customer
            2026-01-15 award zhang-wei 7 by:li-na "with a rule" rule:deal-won

            """).computed(asOf: "2026-01-15")
        #expect(c.account("zhang-wei").lots.map { $0.lastValid?.description } == ["2027-01-31", "2026-01-31", "2026-01-31"])
        #expect(c.expiring("zhang-wei").map(\.0) == ["2026-01-31", "2027-01-31"])
        #expect(c.expiring("zhang-wei").map(\.1) == [107, 100])
    }

    @Test("a lot expires at the start of the day after its last day of validity")
    func expiresNextDay() throws {
        let fixture = Self.portal(expiry: "month").ledger("""
            2026-01-15 award zhang-wei 100 by:li-na "x"
            2026-01-31 balance zhang-wei 100
            2026-02-01 balance zhang-wei 0

            """)
        #expect(try fixture.computed(asOf: "2026-01-31").balance("zhang-wei") == 100)
        let after = try fixture.computed(asOf: "2026-02-01")
        #expect(after.balance("zhang-wei") == 0)
        #expect(after.expiring("zhang-wei").isEmpty)
        // Expiry never changes a score.
        #expect(after.score("zhang-wei", "2026-Q1") == 100)
        #expect(after.lifetime("zhang-wei") == 100)

        let d = Self.portal(expiry: "month").ledger("""
            2026-01-15 award zhang-wei 100 by:li-na "x"
            2026-01-31 redeem zhang-wei voucher
            2026-02-01 redeem zhang-wei voucher

            """).diagnostics(asOf: "2026-12-31")
        #expect(d.count == 1)
        #expect(hasError(d, at: "\(Self.main):3:1", "50"))
    }

    // MARK: 8.2 spending

    @Test("spending takes the lot with the earliest last day first, never last, splitting a lot")
    func spendingOrder() throws {
        let c = try Self.portal().ledger("""
            2026-01-10 earn zhang-wei r-never
            2026-01-11 earn zhang-wei r-year
            2026-01-12 earn zhang-wei r-month
            2026-01-13 earn zhang-wei r-m2
            2026-01-14 redeem zhang-wei voucher qty:3

            """).computed(asOf: "2026-01-14")
        // 150: r-month's lot (2026-01-31) 100, then r-m2's (2026-03-31) 50.
        #expect(c.account("zhang-wei").lots.map(\.remaining) == [100, 100, 0, 50])
        let paid = c.book.portions[Int32(c.entryIndex(line: 5))] ?? []
        #expect(paid.map(\.lot) == [2, 3])
        #expect(paid.map(\.points) == [100, 50])
        #expect(c.expiring("zhang-wei").map(\.0) == ["2026-03-31", "2026-12-31", nil])
        #expect(c.expiring("zhang-wei").map(\.1) == [50, 100, 100])
    }

    @Test("ties on the last day go by lot date, then ledger order")
    func spendingTies() throws {
        let c = try Self.portal()
            .ledger("""
                2026-01-05 earn zhang-wei r-m2
                2026-02-10 earn zhang-wei r-quarter
                2026-02-11 redeem zhang-wei voucher qty:3

                """, file: "b.ledger")
            .ledger("2026-02-10 earn zhang-wei r-quarter qty:2\n", file: "a.ledger")
            .computed(asOf: "2026-02-11")
        // Lots, all valid through 2026-03-31: 01-05 (100), 02-10 a.ledger (200), 02-10 b.ledger (100).
        // 150 = 100 from the 01-05 lot + 50 from a.ledger's.
        let lots = c.account("zhang-wei").lots
        #expect(lots.map(\.points) == [100, 200, 100])
        #expect(lots.map(\.remaining) == [0, 150, 100])
    }

    @Test("spending more than is available is an error; the balance never goes negative")
    func overspending() {
        let d = Self.portal().ledger("""
            2026-01-05 award zhang-wei 100 by:li-na "a"
            2026-01-06 deduct zhang-wei 101 by:li-na "too much"
            2026-01-07 balance zhang-wei 100
            2026-01-07 redeem zhang-wei voucher qty:3
            2026-01-07 deduct zhang-wei 100 by:li-na "all"
            2026-01-08 balance zhang-wei 0

            """).diagnostics(asOf: "2026-12-31")
        #expect(hasError(d, at: "\(Self.main):2:1", "100"))  // 101 asked, 100 available
        #expect(hasError(d, at: "\(Self.main):4:1", "150"))  // 150 asked, 100 available
        #expect(d.count == 2)
    }

    // MARK: 8.3 reversal

    @Test("reversing an earn cancels its lot; spent points are taken back from other lots in spending order")
    func clawback() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 earn zhang-wei r-month qty:3 id:a1
            2026-01-06 earn zhang-wei r-never
            2026-01-06 earn zhang-wei r-year
            2026-01-06 earn zhang-wei r-m2
            2026-01-07 redeem zhang-wei voucher qty:4
            2026-01-08 reverse a1

            """).computed(asOf: "2026-01-08")
        // The redemption's 200 came from a1's lot (2026-01-31). Taken back in spending order:
        // r-m2 (2026-03-31) 100, then r-year (2026-12-31) 100; r-never keeps its 100.
        let lots = c.account("zhang-wei").lots
        #expect(lots[0].cancelled)
        #expect(lots.map(\.remaining) == [0, 100, 0, 0])
        #expect(c.balance("zhang-wei") == 100)
        #expect(c.expiring("zhang-wei").map(\.0) == [nil])
        // Its points leave the score.
        #expect(c.score("zhang-wei", "2026-Q1") == 300)
        #expect(c.lifetime("zhang-wei") == 300)
        // The redemption now names the lots that finally paid.
        let paid = c.book.portions[Int32(c.entryIndex(line: 5))] ?? []
        #expect(Set(paid.map(\.lot)) == [2, 3])
        #expect(paid.reduce(0) { $0 + $1.points } == 200)
    }

    @Test("a reversal whose spent points cannot be taken back is an error and is left out")
    func clawbackError() {
        let d = Self.portal().ledger("""
            2026-01-05 award zhang-wei 300 by:li-na "a" id:a1
            2026-01-06 award zhang-wei 200 by:li-na "b"
            2026-01-07 redeem zhang-wei voucher qty:8
            2026-01-08 reverse a1
            2026-01-09 balance zhang-wei 100

            """).diagnostics(asOf: "2026-12-31")
        // 400 spent: 300 from a1's lot, 100 from the other; 300 to take back, 100 available.
        #expect(d.count == 1)
        #expect(hasError(d, at: "\(Self.main):4:1", "300"))
    }

    @Test("reversing a redemption returns points to their lots; expired ones stay expired")
    func reverseRedeem() throws {
        let fixture = Self.portal(expiry: "year")
        let c = try fixture.ledger("""
            2026-01-20 earn zhang-wei r-month
            2026-01-20 award zhang-wei 100 by:li-na "y"
            2026-01-25 redeem zhang-wei voucher qty:3 id:r1
            2026-02-02 reverse r1

            """).computed(asOf: "2026-02-02")
        // 150 = 100 from r-month's lot (through 2026-01-31) + 50 from the award's (2026-12-31).
        // Back on 2026-02-02: the award's lot is whole again, r-month's stays expired.
        #expect(c.balance("zhang-wei") == 100)
        #expect(c.expiring("zhang-wei").map(\.0) == ["2026-12-31"])
        #expect(c.score("zhang-wei", "2026-Q1") == 200)

        let early = try fixture.ledger("""
            2026-01-20 earn zhang-wei r-month
            2026-01-20 award zhang-wei 100 by:li-na "y"
            2026-01-25 redeem zhang-wei voucher qty:3 id:r1
            2026-01-28 reverse r1

            """).computed(asOf: "2026-01-28")
        #expect(early.balance("zhang-wei") == 200)
        #expect(early.expiring("zhang-wei").map(\.1) == [100, 100])
    }

    @Test("a reversed deduction comes back to the score of its own period")
    func reverseDeduct() throws {
        let fixture = Self.portal().ledger("""
            2026-03-01 award zhang-wei 100 by:li-na "a"
            2026-03-31 deduct zhang-wei 30 by:li-na "no-show" id:d1
            2026-04-01 reverse d1

            """)
        let before = try fixture.computed(asOf: "2026-03-31")
        #expect(before.score("zhang-wei", "2026-Q1") == 70)
        #expect(before.balance("zhang-wei") == 70)
        let after = try fixture.computed(asOf: "2026-04-02")
        #expect(after.score("zhang-wei", "2026-Q1") == 100)
        #expect(after.score("zhang-wei", "2026-Q2") == 0)
        #expect(after.balance("zhang-wei") == 100)
        #expect(after.lifetime("zhang-wei") == 100)
    }

    @Test("a reversed earn leaves the score of its own period")
    func reverseEarnScore() throws {
        let c = try Self.portal().ledger("""
            2026-03-01 earn zhang-wei r-plain id:e1
            2026-03-01 earn zhang-wei r-plain
            2026-04-01 reverse e1

            """).computed(asOf: "2026-04-02")
        #expect(c.score("zhang-wei", "2026-Q1") == 100)
        #expect(c.score("zhang-wei", "2026-Q2") == 0)
        #expect(c.account("zhang-wei").scores.count == 1)
        #expect(c.rank("zhang-wei") == 1)
    }

    @Test("a later reversal of spending returns points to the lots that finally paid, not the cancelled lot")
    func returnToFinalLots() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 earn zhang-wei r-month qty:3 id:a1
            2026-01-06 earn zhang-wei r-m2 qty:5
            2026-01-07 redeem zhang-wei voucher qty:4 id:r1
            2026-01-08 reverse a1
            2026-01-09 reverse r1

            """).computed(asOf: "2026-01-09")
        // r1's 200 came from a1's lot; reversing a1 took them from r-m2's lot (500 -> 300);
        // reversing r1 gives them back to r-m2's lot (300 -> 500), not to the cancelled a1.
        let lots = c.account("zhang-wei").lots
        #expect(lots.map(\.remaining) == [0, 500])
        #expect(c.balance("zhang-wei") == 500)
        #expect(c.expiring("zhang-wei").map(\.0) == ["2026-03-31"])
        #expect(c.lifetime("zhang-wei") == 500)
    }

    // MARK: 8.4 scores, balances, ranks

    @Test("scores per period: lots dated in it minus deductions; redemptions and expiry never change it")
    func scores() throws {
        let fixture = Self.portal(expiry: "month", period: "month").ledger("""
            2026-01-10 award zhang-wei 100 by:li-na "a"
            2026-01-11 redeem zhang-wei voucher
            2026-02-05 award zhang-wei 40 by:li-na "b"
            2026-02-06 deduct zhang-wei 30 by:li-na "c"

            """)
        let c = try fixture.computed(asOf: "2026-03-01")
        #expect(c.score("zhang-wei", "2026-01") == 100)
        #expect(c.score("zhang-wei", "2026-02") == 10)
        #expect(c.score("zhang-wei", "2026-03") == 0)
        #expect(c.lifetime("zhang-wei") == 110)
        #expect(c.balance("zhang-wei") == 0)  // everything expired
        let people = try fixture.people(asOf: "2026-03-01")
        #expect(people["zhang-wei"]?.scores == ["2026-01": 100, "2026-02": 10])
        #expect(people["zhang-wei"]?.lifetime == 110)
        #expect(people.period == "2026-03")
    }

    static let rankPeople = """
        - {id: p-a, name: A, team: east}
        - {id: p-b, name: B, team: east}
        - {id: p-c, name: C, team: east}
        - {id: p-d, name: D, team: east}
        - {id: p-e, name: E, team: east, leaderboard: false}
        - {id: p-f, name: F, team: east, left: 2026-03-31}
        - {id: p-g, name: G, team: east, left: 2026-04-01}
        - {id: p-h, name: H, team: east, joined: 2026-05-16}
        - {id: p-i, name: I, team: east, joined: 2026-05-15}
        - {id: p-j, name: J, team: east}
        - {id: p-k, name: K, team: east, joined: 2026-07-01}
        - {id: boss, name: Boss, team: east, leaderboard: false}
        """

    @Test("standard competition ranking among people on the roster with leaderboard: true")
    func ranks() throws {
        let c = try Fixture.specPortal(expiry: "never", people: Self.rankPeople)
            .with("teams.yaml", "- {id: east, name: East}\n")
            .ledger("""
                2026-02-01 award p-j 100 by:boss "q1"
                2026-02-01 award p-f 100 by:boss "q1"
                2026-04-02 award p-a 300 by:boss "x"
                2026-04-02 award p-b 200 by:boss "x"
                2026-04-02 award p-c 200 by:boss "x"
                2026-04-02 award p-d 100 by:boss "x"
                2026-04-02 award p-e 1000 by:boss "x"
                2026-04-02 deduct p-j 50 by:boss "x"

                """).computed(asOf: "2026-05-15")
        #expect(c.book.period.description == "2026-Q2")
        let ranks = ["p-a", "p-b", "p-c", "p-d", "p-e", "p-f", "p-g", "p-h", "p-i", "p-j", "p-k", "boss"].map { c.rank($0) }
        // 300, 200, 200, 100, then the zeros (p-g left on the quarter's first day, p-i joined
        // on the as-of date), then p-j at -50.
        #expect(ranks == [1, 2, 2, 4, nil, nil, 5, nil, 5, 7, nil, nil])
        #expect(c.score("p-j", "2026-Q2") == -50)
        #expect(c.balance("p-j") == 50)
    }

    @Test("a balance assertion holds at the start of its day, before any entry of that day")
    func balanceAssertion() throws {
        let c = try Self.portal()
            .ledger("""
                2026-01-05 award zhang-wei 300 by:li-na "a"
                2026-01-06 balance zhang-wei 300
                2026-01-06 redeem zhang-wei voucher qty:4
                2026-01-06 balance zhang-wei 300
                2026-01-07 balance zhang-wei 100

                """, file: "a.ledger")
            .ledger("2026-01-07 balance zhang-wei 100\n", file: "b.ledger")
            .ledger("2026-01-07 award zhang-wei 5 by:li-na \"before b in path order\"\n", file: "a2.ledger")
            .computed(asOf: "2026-12-31")
        #expect(c.balance("zhang-wei") == 105)

        let d = Self.portal().ledger("""
            2026-01-05 award zhang-wei 300 by:li-na "a"
            2026-01-06 redeem zhang-wei voucher qty:4
            2026-01-07 balance zhang-wei 200
            2026-01-07 balance li-na 0

            """).diagnostics(asOf: "2026-12-31")
        #expect(d.count == 1)
        let message = d.first ?? ""
        #expect(message.hasPrefix("\(Self.main):3:1: error: "))
        #expect(message.contains("asserted 200"))
        #expect(message.contains("computed 100"))
        #expect(message.contains("difference +100") || message.contains("difference 100"))
    }

    @Test("balance, lifetime and expiring in people.json at the as-of date")
    func export() throws {
        let people = try Self.portal(expiry: "quarter").ledger("""
            2026-01-10 award zhang-wei 100 by:li-na "q1"
            2026-01-11 earn zhang-wei r-never
            2026-04-10 award zhang-wei 40 by:li-na "q2"
            2026-04-11 earn zhang-wei r-month

            """).people(asOf: "2026-04-15")
        let p = try #require(people["zhang-wei"])
        #expect(p.balance == 240)   // the Q1 award expired on 2026-04-01
        #expect(p.lifetime == 340)
        #expect(p.score == 140)
        #expect(p.scores == ["2026-Q1": 200, "2026-Q2": 140])
        #expect(p.expiring == [.init(date: "2026-04-30", points: 100), .init(date: "2026-06-30", points: 40),
                               .init(date: nil, points: 100)])
    }
}

extension FormatSection8Tests {
    @Test("months:N with a large N (100 years) still gives a date")
    func longExpiry() throws {
        let c = try Self.portal(expiry: "months:1200").ledger("2026-01-15 award zhang-wei 100 by:li-na \"x\"\n")
            .computed(asOf: "2026-01-15")
        #expect(c.expiring("zhang-wei").map(\.0) == ["2126-01-31"])
    }
}
