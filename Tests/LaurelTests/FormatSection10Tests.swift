import Testing
@testable import LaurelSite

/// FORMAT.md section 10: the people.json export of the section 7.1 ledger, byte for byte.
@Suite("FORMAT.md 10 — data/people.json")
struct FormatSection10Tests {
    static let specLedger = """
    ; 2026-Q1, exported from the CRM every night
    2026-01-05 earn    zhang-wei  deal-won      amount:250000  id:crm-opp-4711  "ACME renewal"
    2026-01-06 earn    zhang-wei  new-customer  id:crm-acc-88   "ACME Ltd"
    2026-01-08 earn    zhang-wei  deal-won      amount:60000   id:crm-opp-4730
    2026-01-09 earn    li-na      training      qty:2
    2026-01-10 award   li-na      50  by:zhang-wei  "Onboarded two new hires"
    2026-02-01 redeem  zhang-wei  gift-card-200  id:rdm-0001
    2026-02-02 reverse crm-opp-4730  "Deal cancelled by customer"
    2026-02-03 deduct  li-na      20  by:zhang-wei  "Training no-show"
    2026-02-04 balance zhang-wei  200   ; 500 + 100 + 120 - 400 - 120 (reversed, unspent)

    """

    @Test("the example export of section 10, byte for byte")
    func specExample() {
        let json = Fixture.spec.ledger(Self.specLedger, file: "2026-Q1.ledger").peopleJSON(asOf: "2026-04-01")
        #expect(json == """
        {
          "asOf": "2026-04-01",
          "period": "2026-Q2",
          "people": [
            {
              "id": "li-na", "name": "李娜", "team": "east",
              "balance": 50, "lifetime": 50,
              "score": 0, "rank": 1,
              "scores": {"2026-Q1": 50},
              "expiring": [{"date": "2026-12-31", "points": 50}]
            },
            {
              "id": "zhang-wei", "name": "张伟", "team": "east",
              "balance": 200, "lifetime": 600,
              "score": 0, "rank": 1,
              "scores": {"2026-Q1": 600},
              "expiring": [{"date": "2027-01-31", "points": 200}]
            }
          ]
        }

        """)
    }

    @Test("hostile names are escaped in JSON")
    func hostileNames() throws {
        let fixture = Fixture.spec.with("people.yaml", """
        - id: zhang-wei
          name: "<script>alert(1)</script> \\" onmouseover=\\"x"
          team: east
        - id: li-na
          name: 李娜
          team: east
        """)
        let json = try #require(fixture.peopleJSON(asOf: "2026-04-01"))
        #expect(!json.contains("<script>"))
        #expect(json.contains(#"\u003cscript\u003ealert(1)\u003c/script\u003e \" onmouseover=\"x"#))
        let people = try fixture.people(asOf: "2026-04-01")
        #expect(people["zhang-wei"]?.name == "<script>alert(1)</script> \" onmouseover=\"x")
    }
}
