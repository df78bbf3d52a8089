import Foundation
import LaurelPoints
import LaurelSources
import PropertyBased
import Testing
import LaurelSite

// Property tests over random valid ledgers (FORMAT.md sections 7 and 8).
//
// The generator draws a list of small integer tuples ("ops") and a model turns them into a
// ledger that is valid by construction: an op that would make the ledger invalid (a person
// off the roster, a retired rule, a spending the model cannot prove covered, a reversal that
// could not be clawed back) is skipped. Because the ops are plain integers, the library can
// shrink a failing case by dropping ops, and the model keeps the smaller ledger valid.
//
// The model is conservative rather than exact: it tracks every lot (with its expiry and cap)
// but not which lots a spending took from, so the balance it trusts at a date is
//   (points of the person's lots not cancelled and still valid on that date) - (points spent
//   by redemptions and deductions not reversed),
// a lower bound of the engine's available balance (FORMAT.md 8.2: spending only ever takes
// from non-cancelled lots). Target bonuses are left out of the model, which only makes it more
// conservative.

// MARK: - The portal

/// The sources every generated ledger runs against: four people (one joins late, one leaves
/// early and is not ranked), a rate rule with caps and a version change, a fixed rule with a
/// retired gap, a capped fixed rule with its own expiry, a target rule, rewards with a cost
/// history, stock, a title requirement and a zero cost.
enum PropPortal {
    static let people = ["ann", "bob", "cat", "dan"]
    static let joined: [Day?] = [nil, nil, day(2025, 4, 1), nil]
    static let left: [Day?] = [nil, nil, nil, day(2026, 3, 31)]
    static let first = day(2025, 1, 1)
    static let last = day(2026, 12, 31)
    static let portalExpiry = ExpiryPolicy.endOf(.year)

    struct Version {
        var since: Day
        var per: Int64?
        var points: Int64
        var cap: (max: Int64, per: PeriodKind)?
        var expiry: ExpiryPolicy?
        var retired = false
    }

    static let rules: [(id: String, versions: [Version])] = [
        ("deal", [
            Version(since: day(2025, 1, 1), per: 1000, points: 1, cap: (300, .month)),
            Version(since: day(2026, 1, 1), per: 500, points: 1, cap: (1000, .quarter), expiry: .months(6)),
        ]),
        ("visit", [
            Version(since: day(2025, 1, 1), points: 20),
            Version(since: day(2025, 10, 1), points: 0, retired: true),
            Version(since: day(2026, 1, 1), points: 30, expiry: .never),
        ]),
        ("course", [
            Version(since: day(2025, 1, 1), points: 15, cap: (45, .month), expiry: .endOf(.quarter)),
        ]),
    ]

    struct Reward {
        var id: String
        var costs: [(since: Day, cost: Int64)]
        var stock: Int64?
        var requires: Int64?
    }

    static let rewards: [Reward] = [
        Reward(id: "mug", costs: [(first, 50)]),
        Reward(id: "voucher", costs: [(day(2025, 1, 1), 120), (day(2026, 1, 1), 150)], stock: 4),
        Reward(id: "trip", costs: [(first, 400)], requires: 300),
        Reward(id: "sticker", costs: [(first, 0)], stock: 10),
    ]

    static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }

    static var fixture: Fixture {
        Fixture(files: [
            "portal.yaml": """
            title: Property portal
            period: quarter
            expiry: year
            locale: en
            timezone: UTC
            """,
            "teams.yaml": """
            - id: a
              name: Team A
              lead: ann
            - id: b
              name: Team B
            """,
            "people.yaml": """
            - id: ann
              name: Ann
              team: a
            - id: bob
              name: Bob
              team: a
            - id: cat
              name: Cat
              team: b
              joined: 2025-04-01
            - id: dan
              name: Dan
              team: b
              left: 2026-03-31
              leaderboard: false
            """,
            "rules.yaml": """
            - id: deal
              name: Deal won
              category: sales
              versions:
                - since: 2025-01-01
                  per: 1000
                  points: 1
                  cap: {max: 300, per: month}
                - since: 2026-01-01
                  per: 500
                  points: 1
                  cap: {max: 1000, per: quarter}
                  expiry: months:6
            - id: visit
              name: Customer visit
              category: service
              versions:
                - since: 2025-01-01
                  points: 20
                - since: 2025-10-01
                  retired: true
                - since: 2026-01-01
                  points: 30
                  expiry: never
            - id: course
              name: Training course
              category: training
              versions:
                - since: 2025-01-01
                  points: 15
                  cap: {max: 45, per: month}
                  expiry: quarter
            - id: q-target
              name: Quarterly target
              category: sales
              kind: target
              metric: deal
              period: quarter
              versions:
                - since: 2025-01-01
                  points: 200
            """,
            "rewards.yaml": """
            - id: mug
              name: Mug
              tier: basic
              cost: 50
            - id: voucher
              name: Voucher
              tier: advanced
              costs: [{since: 2025-01-01, cost: 120}, {since: 2026-01-01, cost: 150}]
              stock: 4
            - id: trip
              name: Trip
              tier: premium
              cost: 400
              requires: silver
            - id: sticker
              name: Sticker
              tier: basic
              cost: 0
              stock: 10
            """,
            "honours.yaml": """
            titles:
              - {id: bronze, name: Bronze, min: 100}
              - {id: silver, name: Silver, min: 300}
            badges:
              - {id: closer, name: Closer, rule: deal, count: 2, within: month}
            """,
            "targets.yaml": """
            q-target:
              2025-Q2:
                ann: 5000
                cat: 3000
              2025-Q4:
                bob: 2000
              2026-Q1:
                ann: 4000
                dan: 1000
              2026-Q3:
                cat: 2000
            """,
        ])
    }
}

// MARK: - The model

/// One generated ledger line (possibly preceded by a comment or blank line).
struct PropEntry: Sendable {
    var date: Day
    var verb: Verb
    /// The text written for it, without the final line end; may span a leading comment line.
    var text: String
    /// reverse: the index of the entry it undoes.
    var target: Int?
}

/// A generated valid ledger, the as-of date to build it at, and a seed for the ways of writing
/// it out (file split, names, BOM, CRLF).
struct PropScenario: Sendable, CustomStringConvertible {
    var entries: [PropEntry]
    var asOf: Day
    var layoutSeed: UInt64
    /// The model's own figures at the as-of date.
    var expected: PropExpected

    var ledgerText: String { entries.map { $0.text + "\n" }.joined() }

    var description: String { "as-of \(asOf), layout seed \(layoutSeed), ledger:\n" + ledgerText }

    /// The fixture with the whole ledger in one file.
    var fixture: Fixture { PropPortal.fixture.ledger(ledgerText) }

    /// The same ledger without its redemptions and the reversals of them.
    var withoutRedemptions: PropScenario {
        var copy = self
        copy.entries = entries.filter { e in
            if e.verb == .redeem { return false }
            if e.verb == .reverse, let t = e.target, entries[t].verb == .redeem { return false }
            return true
        }
        return copy
    }

    /// The ledger split at date boundaries into files whose date ranges do not overlap, named so
    /// that path order is unrelated to date order, some with a BOM or CRLF line ends, plus a file
    /// holding only comments.
    var splitFixture: Fixture {
        var rng = PropRNG(seed: layoutSeed)
        var cuts: [Int] = []
        for i in entries.indices.dropFirst() where entries[i].date != entries[i - 1].date {
            if cuts.count < 8 && rng.next() % 4 == 0 { cuts.append(i) }
        }
        var names = ["z.ledger", "a.ledger", "2026/q9.ledger", "m/n/o.ledger", "b-1.ledger", "0.ledger",
                     "Upper.ledger", "季度/一.ledger", "y.ledger", "c.ledger"]
        names.shuffle(using: &rng)
        var fixture = PropPortal.fixture
        let bounds = [0] + cuts + [entries.count]
        for k in 0..<(bounds.count - 1) {
            let lines = entries[bounds[k]..<bounds[k + 1]].map(\.text)
            let crlf = rng.next() % 3 == 0
            var text = lines.joined(separator: crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n")
            if rng.next() % 4 == 0 { text = "\u{FEFF}" + text }
            fixture = fixture.ledger(text, file: names[k])
        }
        fixture = fixture.ledger("; nothing but notes\n\n   ; indented note\n", file: names[names.count - 1])
        return fixture
    }
}

/// Per person id: scores by quarter and lifetime points without target bonuses (which the model
/// leaves to the engine), and the balance the model can vouch for (a lower bound).
struct PropExpected: Sendable {
    var scores: [String: [String: Int64]] = [:]
    var lifetime: [String: Int64] = [:]
    var trustedBalance: [String: Int64] = [:]
}

/// SplitMix64, for the layout choices derived from the generated seed.
struct PropRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Turns ops into a valid ledger, keeping what it needs to stay valid.
struct PropLedgerModel {
    struct Lot {
        var person: Int
        var date: Day
        var lastValid: Int32
        var points: Int64
        var cancelled = false
    }
    struct Spending {
        var person: Int
        var points: Int64
        var reward: Int?
        var qty: Int64
    }

    var entries: [PropEntry] = []
    var lots: [Lot] = []
    var lotOfEntry: [Int: Int] = [:]
    var spendingOfEntry: [Int: Spending] = [:]
    /// Deductions not reversed, for the scores of 8.4.
    var deductions: [Int: (person: Int, date: Day, points: Int64)] = [:]
    /// Entries with an id that are not a reverse and not reversed yet.
    var reversible: [Int] = []
    var idOfEntry: [Int: String] = [:]
    var netSpent = [Int64](repeating: 0, count: PropPortal.people.count)
    /// Lifetime points without target bonuses: a lower bound of the engine's (FORMAT.md 8.4).
    var lifetime = [Int64](repeating: 0, count: PropPortal.people.count)
    var stockUsed = [Int64](repeating: 0, count: PropPortal.rewards.count)
    /// Points given by each earn (after its cap), for the cap windows of 4.2.
    var capHistory: [(person: Int, rule: Int, date: Day, given: Int64)] = []
    var nextId = 0

    typealias Op = (gap: Int, kind: Int, a: Int, b: Int)

    static func scenario(ops: [Op], asOfPick: Int, layoutSeed: UInt64) -> PropScenario {
        // Mostly an as-of date inside the ledger (a valid ledger builds at any earlier as-of,
        // FORMAT.md 7.3), sometimes one after all of it.
        let span = Int(PropPortal.last.serial - PropPortal.first.serial)
        let asOf = asOfPick < 800 ? PropPortal.first.adding(days: asOfPick * span / 800) : PropPortal.day(2027, 2, 15)
        var model = PropLedgerModel()
        var atAsOf: PropLedgerModel?
        var date = PropPortal.first
        for op in ops {
            let next = date.adding(days: op.gap)
            if next > PropPortal.last { break }
            if next > asOf && atAsOf == nil { atAsOf = model }
            date = next
            model.apply(op, on: date)
        }
        return PropScenario(entries: model.entries, asOf: asOf, layoutSeed: layoutSeed,
                            expected: (atAsOf ?? model).expected(asOf: asOf))
    }

    /// What the model knows for sure at the end of `asOf` (the engine adds target bonuses).
    func expected(asOf: Day) -> PropExpected {
        var result = PropExpected()
        for (p, id) in PropPortal.people.enumerated() {
            var scores: [String: Int64] = [:]
            for lot in lots where lot.person == p && !lot.cancelled {
                scores[Period(kind: .quarter, containing: lot.date).description, default: 0] += lot.points
            }
            for d in deductions.values where d.person == p {
                scores[Period(kind: .quarter, containing: d.date).description, default: 0] -= d.points
            }
            result.scores[id] = scores
            result.lifetime[id] = lifetime[p]
            result.trustedBalance[id] = trusted(p, on: asOf)
        }
        return result
    }

    func onRoster(_ p: Int, _ date: Day) -> Bool {
        if let j = PropPortal.joined[p], date < j { return false }
        if let l = PropPortal.left[p], date > l { return false }
        return true
    }

    /// The model's trusted balance of `p` at the start of `date` (lower bound of 8.4's).
    func trusted(_ p: Int, on date: Day, excluding: Int? = nil) -> Int64 {
        var total: Int64 = 0
        for (k, lot) in lots.enumerated() where lot.person == p && !lot.cancelled && lot.lastValid >= date.serial && k != excluding {
            total += lot.points
        }
        return total - netSpent[p]
    }

    mutating func newId(_ style: Int) -> String {
        nextId += 1
        // Ids use every separator of the identifier rule.
        switch style % 3 {
        case 0: return "e\(nextId)"
        case 1: return "crm-opp.\(nextId)"
        default: return "x_\(nextId)-a"
        }
    }

    mutating func apply(_ op: Op, on date: Day) {
        let p = op.b % PropPortal.people.count
        let person = PropPortal.people[p]
        let style = op.a / 7
        switch op.kind {
        case 0..<35:
            guard onRoster(p, date) else { return }
            let r = op.a % PropPortal.rules.count
            let rule = PropPortal.rules[r]
            guard let v = rule.versions.lastIndex(where: { $0.since <= date }) else { return }
            let version = rule.versions[v]
            guard !version.retired else { return }
            var keys: [String] = []
            let computed: Int64
            let amount = Int64(op.b / 4)
            if let per = version.per {
                computed = amount / per * version.points
                keys.append("amount:\(amount)")
            } else {
                let qty = Int64(1 + (op.b / 4) % 3)
                computed = qty * version.points
                if qty > 1 || style % 2 == 0 { keys.append("qty:\(qty)") }
                if style % 5 == 0 { keys.append("amount:\(amount)") }  // allowed, changes nothing
            }
            var given = computed
            if let cap = version.cap {
                let window = Period(kind: cap.per, containing: date)
                let already = capHistory.filter { $0.person == p && $0.rule == r && window.contains($0.date) }.reduce(0) { $0 + $1.given }
                given = max(0, min(computed, cap.max - already))
            }
            capHistory.append((p, r, date, given))
            let id = style % 10 < 7 ? newId(style) : nil
            if let id { keys.append("id:" + quoteMaybe(id, style)) }
            let memo = style % 4 == 1 ? memoText(style) : nil
            let index = entries.count
            add(date, .earn, [person, rule.id], keys, memo, style, id: id)
            let expiry = version.expiry ?? PropPortal.portalExpiry
            lots.append(Lot(person: p, date: date, lastValid: expiry.lastValidDay(forLotOn: date)?.serial ?? Int32.max, points: given))
            lotOfEntry[index] = lots.count - 1
            lifetime[p] += given
        case 35..<45:
            guard onRoster(p, date) else { return }
            let points = Int64(1 + op.b % 200)
            let by = PropPortal.people[(p + 1 + op.a % 3) % PropPortal.people.count]
            var keys = ["by:" + quoteMaybe(by, style)]
            if style % 3 == 0 { keys.append("rule:" + PropPortal.rules[op.a % PropPortal.rules.count].id) }
            let id = style % 10 < 6 ? newId(style) : nil
            if let id { keys.append("id:" + id) }
            let index = entries.count
            add(date, .award, [person, "\(points)"], keys, memoText(style + 1), style, id: id)
            lots.append(Lot(person: p, date: date, lastValid: PropPortal.portalExpiry.lastValidDay(forLotOn: date)?.serial ?? Int32.max,
                            points: points))
            lotOfEntry[index] = lots.count - 1
            lifetime[p] += points
        case 45..<60:
            guard onRoster(p, date) else { return }
            let r = op.a % PropPortal.rewards.count
            let reward = PropPortal.rewards[r]
            guard let unit = reward.costs.last(where: { $0.since <= date })?.cost else { return }
            var qty = Int64(1 + (op.b / 4) % 2)
            let available = trusted(p, on: date)
            if unit * qty > available || (reward.stock.map { stockUsed[r] + qty > $0 } ?? false) { qty = 1 }
            guard unit * qty <= available else { return }
            if let stock = reward.stock, stockUsed[r] + qty > stock { return }
            if let min = reward.requires, lifetime[p] < min { return }
            var keys: [String] = []
            if qty > 1 || style % 4 == 0 { keys.append("qty:\(qty)") }
            let id = style % 10 < 7 ? newId(style) : nil
            if let id { keys.append("id:" + id) }
            let index = entries.count
            add(date, .redeem, [person, reward.id], keys, style % 3 == 0 ? memoText(style) : nil, style, id: id)
            spendingOfEntry[index] = Spending(person: p, points: unit * qty, reward: r, qty: qty)
            netSpent[p] += unit * qty
            stockUsed[r] += qty
        case 60..<70:
            guard onRoster(p, date) else { return }
            let available = trusted(p, on: date)
            guard available >= 1 else { return }
            let points = min(Int64(1 + op.b % 150), available)
            let by = PropPortal.people[(p + 1 + op.a % 3) % PropPortal.people.count]
            var keys = ["by:" + by]
            let id = style % 10 < 6 ? newId(style) : nil
            if let id { keys.append("id:" + id) }
            let index = entries.count
            add(date, .deduct, [person, "\(points)"], keys, memoText(style + 2), style, id: id)
            spendingOfEntry[index] = Spending(person: p, points: points, reward: nil, qty: 1)
            deductions[index] = (p, date, points)
            netSpent[p] += points
            lifetime[p] -= points
        case 70..<90:
            guard !reversible.isEmpty else { return }
            let k = op.b % reversible.count
            let t = reversible[k]
            if let lot = lotOfEntry[t] {
                let q = lots[lot].person
                // Points spent from the lot come back from the other lots (8.3); the model
                // trusts that only when the other valid lots cover everything spent.
                guard trusted(q, on: date, excluding: lot) >= 0 else { return }
                lots[lot].cancelled = true
                lifetime[q] -= lots[lot].points
            } else if let s = spendingOfEntry[t] {
                netSpent[s.person] -= s.points
                if let r = s.reward { stockUsed[r] -= s.qty } else {
                    lifetime[s.person] += s.points
                    deductions[t] = nil
                }
            } else {
                return
            }
            reversible.remove(at: k)
            var keys: [String] = []
            // A reverse may carry its own id; it can never be reversed (8.3).
            if style % 5 == 0 { keys.append("id:" + newId(style)) }
            add(date, .reverse, [idOfEntry[t]!], keys, style % 2 == 0 ? memoText(style) : nil, style, id: nil, target: t)
        default:
            // Notes between entries: comments and blank lines attach to the next entry.
            pendingNote += style % 2 == 0 ? "; note \(op.b) \"quoted\" ; still a comment\n" : "\n"
        }
    }

    var pendingNote = ""

    func quoteMaybe(_ value: String, _ style: Int) -> String { style % 6 == 5 ? "\"\(value)\"" : value }

    func memoText(_ style: Int) -> String {
        switch style % 5 {
        case 0: return "\"Quarter push\""
        case 1: return "\"签单 \\\"ACME\\\" renewal\""
        case 2: return "\"path C:\\\\deals ; not a comment\""
        case 3: return "\"tab\there\""
        default: return "\"ok\""
        }
    }

    /// Writes one entry: DATE VERB positionals, then key:value pairs and the memo in an order
    /// and with separators chosen by `style`, sometimes with a trailing comment.
    mutating func add(_ date: Day, _ verb: Verb, _ positional: [String], _ keys: [String], _ memo: String?, _ style: Int,
                      id: String?, target: Int? = nil) {
        var tail = keys
        if let memo { tail.insert(memo, at: min(style % (keys.count + 1), tail.count)) }
        if style % 2 == 1 { tail.reverse() }
        let separators = [" ", "  ", "\t", " \t "]
        var line = date.description + " " + verb.name
        for (n, token) in (positional + tail).enumerated() {
            line += separators[(style + n) % separators.count] + token
        }
        switch style % 7 {
        case 0: line += " ; from the CRM"
        case 3: line += ";tight comment"
        default: break
        }
        let index = entries.count
        entries.append(PropEntry(date: date, verb: verb, text: pendingNote + line, target: target))
        pendingNote = ""
        if let id {
            idOfEntry[index] = id
            reversible.append(index)
        }
    }
}

// MARK: - Generators

enum PropGen {
    /// (days since the previous entry, kind of op, two numbers the op draws from).
    static let op = zip(Gen.int(in: 0...11), Gen.int(in: 0...99), Gen.int(in: 0...9_999), Gen.int(in: 0...1_999_999))

    static let scenario = zip(op.array(of: 0...120), Gen.int(in: 0...999), Gen.uint64(in: 0...UInt64.max))
        .map { input in
            PropLedgerModel.scenario(ops: input.0.map { (gap: $0.0, kind: $0.1, a: $0.2, b: $0.3) }, asOfPick: input.1,
                                     layoutSeed: input.2)
        }
}

// MARK: - Helpers

struct PropBuild {
    let run: PortalRun
    let json: String
    let files: [String: [UInt8]]
    let people: ExportedPeople

    /// `render`: also render the whole site into `files` (only the determinism property needs it).
    init(_ fixture: Fixture, asOf: Day, jobs: Int = 2, render: Bool = false) throws {
        run = fixture.run(asOf: asOf.description, jobs: jobs)
        guard !run.hasErrors, let book = run.book else {
            throw FixtureError.diagnostics(run.diagnostics.map(\.description))
        }
        json = PeopleExport.json(run.sources, book)
        var files: [String: [UInt8]] = [:]
        if render {
            for f in SiteRenderer.render(run) { files[f.path] = f.bytes }
        }
        self.files = files
        people = try JSONDecoder().decode(ExportedPeople.self, from: Data(json.utf8))
    }
}

// MARK: - Properties

@Suite("Properties of valid ledgers (FORMAT.md 7 and 8)")
struct PropertyTests {
    /// Runs per property; LAUREL_PROPERTY_RUNS=5000 for a longer search.
    static let runs = ProcessInfo.processInfo.environment["LAUREL_PROPERTY_RUNS"].flatMap { Int($0) } ?? 300

    @Test("the generator's fixture and a hand-written ledger are clean")
    func fixtureIsClean() throws {
        let ledger = """
        2025-01-02 earn ann deal amount:250000 id:d1
        2025-01-03 award bob 50 by:ann "welcome"
        2025-01-04 redeem ann mug id:r1
        2025-01-05 reverse r1
        2025-01-06 deduct ann 10 by:bob "late"
        """
        let build = try PropBuild(PropPortal.fixture.ledger(ledger), asOf: PropPortal.day(2025, 2, 1))
        #expect(build.people["ann"]?.balance == 240)
        #expect(build.people["bob"]?.balance == 50)
    }

    @Test("(a) a valid ledger builds clean at its as-of date, every entry up to it applies, no balance is negative")
    func noNegativeBalance() async {
        await propertyCheck(count: Self.runs, input: PropGen.scenario) { s in
            let run = s.fixture.run(asOf: s.asOf.description)
            #expect(run.diagnostics.isEmpty, "\(run.diagnostics.map(\.description))")
            guard let book = run.book, !run.hasErrors else { return }
            for (p, account) in book.accounts.enumerated() {
                #expect(account.balance >= 0, "\(run.sources.people[p].id)")
                // Everything spent came out of lots, so the balance never exceeds lifetime points.
                #expect(account.balance <= account.lifetime, "\(run.sources.people[p].id)")
                for lot in account.lots {
                    #expect(lot.remaining >= 0 && lot.remaining <= lot.points)
                    if lot.cancelled { #expect(lot.remaining == 0) }
                }
            }
            for (i, e) in run.sources.ledger.entries.enumerated() where e.date <= s.asOf {
                #expect(book.outcomes[i].applied, "entry on line \(e.line) dated \(e.date) did not apply")
            }
        }
    }

    @Test("(b) the exported balance is the sum of the lots available at the as-of date, and the expiring groups add up to it")
    func balanceIsSumOfLots() async {
        await propertyCheck(count: Self.runs, input: PropGen.scenario) { s in
            let build: PropBuild
            do { build = try PropBuild(s.fixture, asOf: s.asOf) } catch {
                Issue.record("\(error)")
                return
            }
            let book = build.run.book!
            for exported in build.people.people {
                let p = Int(build.run.sources.peopleIndex.find(exported.id)!)
                let lots = book.accounts[p].lots.filter { $0.isAvailable(on: s.asOf) }
                let fromLots = lots.reduce(Int64(0)) { $0 + $1.remaining }
                #expect(Int64(exported.balance) == fromLots, "\(exported.id)")
                #expect(exported.expiring.reduce(0) { $0 + $1.points } == exported.balance, "\(exported.id)")
                #expect(exported.expiring.allSatisfy { $0.points > 0 }, "\(exported.id): a group of 0 points")
                // Soonest first, `never` (null) last, one group per date.
                let dates = exported.expiring.map { $0.date ?? "~never" }
                #expect(dates == dates.sorted() && Set(dates).count == dates.count, "\(exported.id): \(dates)")
                // Every group is a date on which some available lot is last valid.
                for group in exported.expiring {
                    let points = lots.filter { $0.lastValid?.description == group.date }.reduce(Int64(0)) { $0 + $1.remaining }
                    #expect(Int64(group.points) == points, "\(exported.id) \(group.date ?? "never")")
                    if let d = group.date { #expect(d >= s.asOf.description, "\(exported.id): group \(d) already expired") }
                }
            }
        }
    }

    @Test("(c) redemptions never change a score: without them and their reversals every scores map is the same")
    func redemptionsDoNotScore() async {
        await propertyCheck(count: Self.runs, input: PropGen.scenario) { s in
            do {
                let with = try PropBuild(s.fixture, asOf: s.asOf)
                let without = try PropBuild(s.withoutRedemptions.fixture, asOf: s.asOf)
                for person in with.people.people {
                    let other = without.people[person.id]
                    #expect(person.scores == other?.scores, "\(person.id)")
                    #expect(person.lifetime == other?.lifetime, "\(person.id)")
                    #expect(person.score == other?.score && person.rank == other?.rank, "\(person.id)")
                }
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("(d) files with distinct dates may be split, named and ordered any way (and carry a BOM or CRLF): same people.json")
    func fileOrderDoesNotMatter() async {
        await propertyCheck(count: Self.runs, input: PropGen.scenario) { s in
            do {
                let one = try PropBuild(s.fixture, asOf: s.asOf)
                let split = try PropBuild(s.splitFixture, asOf: s.asOf)
                #expect(one.json == split.json)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("(e) building twice gives the same bytes, and jobs: 1 and jobs: 4 give the same bytes")
    func deterministic() async {
        await propertyCheck(count: Self.runs / 3, input: PropGen.scenario) { s in
            do {
                let fixture = s.splitFixture
                let first = try PropBuild(fixture, asOf: s.asOf, jobs: 1, render: true)
                let second = try PropBuild(fixture, asOf: s.asOf, jobs: 1, render: true)
                let parallel = try PropBuild(fixture, asOf: s.asOf, jobs: 4, render: true)
                #expect(first.files == second.files)
                #expect(first.files == parallel.files)
                #expect(first.json == parallel.json)
                #expect(first.files["data/people.json"] == Array(first.json.utf8))
                let a = first.run.diagnostics, b = parallel.run.diagnostics
                #expect(a == b)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("(g) scores and lifetime points are the model's plus target bonuses, and the balance is at least the model's")
    func modelAgrees() async {
        await propertyCheck(count: Self.runs, input: PropGen.scenario) { s in
            do {
                let build = try PropBuild(s.fixture, asOf: s.asOf)
                let sources = build.run.sources
                let book = build.run.book!
                for person in build.people.people {
                    var scores = s.expected.scores[person.id] ?? [:]
                    var lifetime = s.expected.lifetime[person.id] ?? 0
                    for case let bonus? in book.bonuses where sources.people[Int(bonus.person)].id == person.id {
                        scores[Period(kind: .quarter, containing: bonus.period.lastDay).description, default: 0] += bonus.points
                        lifetime += bonus.points
                    }
                    #expect(person.scores == scores.filter { $0.value != 0 }.mapValues { Int($0) }, "\(person.id)")
                    #expect(Int64(person.lifetime) == lifetime, "\(person.id)")
                    #expect(Int64(person.balance) >= s.expected.trustedBalance[person.id] ?? 0, "\(person.id)")
                }
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("(f) lifetime points are the sum of the scores, and score is the score of the current period")
    func lifetimeIsSumOfScores() async {
        await propertyCheck(count: Self.runs, input: PropGen.scenario) { s in
            do {
                let build = try PropBuild(s.fixture, asOf: s.asOf)
                #expect(build.people.asOf == s.asOf.description)
                for person in build.people.people {
                    #expect(person.lifetime == person.scores.values.reduce(0, +), "\(person.id)")
                    #expect(!person.scores.values.contains(0), "\(person.id): scores holds a zero")
                    #expect(person.score == person.scores[build.people.period] ?? 0, "\(person.id)")
                    #expect(person.scores.keys.allSatisfy { $0 <= build.people.period }, "\(person.id): a score after the as-of period")
                }
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
