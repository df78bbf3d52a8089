import Foundation
import LaurelPoints
import LaurelSite
import LaurelSources

/// Helpers for the FormatSection*Tests suites: a computed portal that can be asked about one
/// person or one ledger line, so the tests read like the hand computations in their comments.
struct SpecComputed {
    let run: PortalRun
    let book: PointsBook

    var sources: PortalSources { run.sources }

    func person(_ id: String) -> Int {
        guard let p = sources.peopleIndex.find(id) else { fatalError("no person \(id) in the fixture") }
        return Int(p)
    }

    func account(_ id: String) -> PersonAccount { book.accounts[person(id)] }

    /// The index in ledger order of the entry written at `line` of `ledger/file`.
    func entryIndex(line: Int, file: String = "main.ledger") -> Int {
        let ledger = sources.ledger
        guard let f = ledger.files.firstIndex(where: { $0.path == file }),
              let i = ledger.entries.firstIndex(where: { Int($0.file) == f && Int($0.line) == line }) else {
            fatalError("no entry at ledger/\(file):\(line)")
        }
        return i
    }

    func outcome(line: Int, file: String = "main.ledger") -> EntryOutcome {
        book.outcomes[entryIndex(line: line, file: file)]
    }

    /// Points given by the entry at that line (after any cap).
    func points(line: Int, file: String = "main.ledger") -> Int64 { outcome(line: line, file: file).points }

    func balance(_ id: String) -> Int64 { account(id).balance }
    func lifetime(_ id: String) -> Int64 { account(id).lifetime }

    /// Score of a leaderboard period named like `2026-Q1` (portal.yaml's period kind).
    func score(_ id: String, _ period: String) -> Int64 {
        guard let p = Period(kind: sources.settings.period, name: period) else { fatalError("bad period \(period)") }
        return account(id).score(in: p)
    }

    func rank(_ id: String) -> Int? { book.ranks[person(id)] }

    /// The title id held, or nil.
    func title(_ id: String) -> String? { account(id).title.map { sources.titles[$0].id } }

    /// Badge id -> day earned.
    func badges(_ id: String) -> [String: String] {
        var out: [String: String] = [:]
        for b in account(id).badges { out[sources.badges[b.badge].id] = b.day.description }
        return out
    }

    /// Available points by last day of validity (`never` as nil), as people.json groups them.
    func expiring(_ id: String) -> [(String?, Int64)] {
        account(id).expiring.map { ($0.lastValid?.description, $0.points) }
    }

    /// Target bonuses paid, as (rule id, person id, period, points).
    var bonuses: [(rule: String, person: String, period: String, points: Int64)] {
        book.bonuses.compactMap { $0 }.map {
            (sources.rules[Int($0.rule)].id, sources.people[Int($0.person)].id, $0.period.description, $0.points)
        }
    }

    /// A person's target bonus lots, in the order they were created.
    func bonusLots(_ id: String) -> [Lot] { account(id).lots.filter { $0.origin < 0 } }

    func stockUsed(_ reward: String) -> Int64 {
        guard let r = sources.rewardIndex.find(reward) else { fatalError("no reward \(reward)") }
        return book.stockUsed[Int(r)]
    }
}

extension Fixture {
    /// Reads, checks and computes; throws with the diagnostics when there are any.
    func computed(asOf: String) throws -> SpecComputed {
        let r = run(asOf: asOf)
        guard !r.hasErrors, let book = r.book else {
            throw FixtureError.diagnostics(r.diagnostics.map(\.description))
        }
        return SpecComputed(run: r, book: book)
    }

    /// A portal like `Fixture.spec` with some of its files replaced. People: zhang-wei, li-na
    /// and wang-fang, all of team east.
    static func specPortal(
        expiry: String = "year", period: String = "quarter",
        rules: String? = nil, rewards: String? = nil, honours: String? = nil, targets: String? = nil,
        people: String? = nil
    ) -> Fixture {
        var f = Fixture.spec
        f = f.with("portal.yaml", """
            title: 华东销售部积分门户
            period: \(period)
            expiry: \(expiry)
            """)
        f = f.with("people.yaml", people ?? """
            - id: zhang-wei
              name: 张伟
              team: east
            - id: li-na
              name: 李娜
              team: east
            - id: wang-fang
              name: 王芳
              team: east
            """)
        if let rules { f = f.with("rules.yaml", rules) }
        if let rewards { f = f.with("rewards.yaml", rewards) }
        if let honours { f = f.with("honours.yaml", honours) }
        if let targets { f = f.with("targets.yaml", targets) }
        return f
    }
}

/// True when `diagnostics` holds an error at exactly `location` (`PATH:LINE:COLUMN`) whose
/// message contains `gist` (case-insensitive).
func hasError(_ diagnostics: [String], at location: String, _ gist: String = "") -> Bool {
    diagnostics.contains { d in
        d.hasPrefix(location + ": error: ") && (gist.isEmpty || d.lowercased().contains(gist.lowercased()))
    }
}

/// True when some error is on `PATH:LINE` (any column) and contains `gist`.
func hasError(_ diagnostics: [String], onLine location: String, _ gist: String = "") -> Bool {
    diagnostics.contains { d in
        d.hasPrefix(location + ":") && d.contains(": error: ")
            && (gist.isEmpty || d.lowercased().contains(gist.lowercased()))
            && d.dropFirst(location.count + 1).prefix(while: { $0 != ":" }).allSatisfy(\.isNumber)
    }
}
