import Foundation
import LaurelPoints
import LaurelSite
import LaurelSources

/// A small portal in memory, written like the examples of FORMAT.md, for tests that read
/// like the spec: start from `Fixture.spec` and replace or add files.
struct Fixture {
    var files: [String: String]
    var label = "Content"

    /// FORMAT.md's own example sources: sections 2, 3, 4 and 5, with `period: quarter` and
    /// `expiry: year`, and no ledger.
    static var spec: Fixture {
        Fixture(files: [
            "portal.yaml": """
            title: 华东销售部积分门户
            period: quarter
            expiry: year
            locale: zh-CN
            timezone: Asia/Shanghai
            """,
            "people.yaml": """
            - id: zhang-wei
              name: 张伟
              team: east
            - id: li-na
              name: 李娜
              team: east
            """,
            "teams.yaml": """
            - id: east
              name: 华东一组
              lead: zhang-wei
            """,
            "rules.yaml": """
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
                  points: 2
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
                  points: 10
                  cap: {max: 40, per: month}
            """,
            "rewards.yaml": """
            - id: gift-card-200
              name: 200元购物卡
              tier: basic
              cost: 400
            """,
        ])
    }

    /// Sets `ledger/NAME` (default `ledger/main.ledger`).
    func ledger(_ text: String, file: String = "main.ledger") -> Fixture {
        var copy = self
        copy.files["ledger/" + file] = text
        return copy
    }

    func with(_ path: String, _ text: String) -> Fixture {
        var copy = self
        copy.files[path] = text
        return copy
    }

    func without(_ path: String) -> Fixture {
        var copy = self
        copy.files[path] = nil
        return copy
    }

    var tree: SourceTree { SourceTree(label: label, texts: files) }

    /// Reads, validates and computes as `laurel check --as-of` does.
    func run(asOf: String, jobs: Int = 2) -> PortalRun {
        PortalRun.check(tree, asOf: .day(Day(asOf) ?? Day(serial: 0)), jobs: jobs)
    }

    /// The diagnostics as printed, `PATH:LINE:COLUMN: error: MESSAGE`.
    func diagnostics(asOf: String) -> [String] {
        run(asOf: asOf).diagnostics.map(\.description)
    }

    /// `data/people.json` as `laurel build` writes it; nil when the sources have errors.
    func peopleJSON(asOf: String) -> String? {
        let r = run(asOf: asOf)
        guard !r.hasErrors, let book = r.book else { return nil }
        return PeopleExport.json(r.sources, book)
    }

    /// The people.json export parsed, for field-by-field checks. Fails on errors.
    func people(asOf: String) throws -> ExportedPeople {
        let r = run(asOf: asOf)
        guard !r.hasErrors, let book = r.book else {
            throw FixtureError.diagnostics(r.diagnostics.map(\.description))
        }
        return try JSONDecoder().decode(ExportedPeople.self, from: Data(PeopleExport.json(r.sources, book).utf8))
    }
}

enum FixtureError: Error, CustomStringConvertible {
    case diagnostics([String])
    var description: String {
        switch self { case .diagnostics(let d): return "unexpected diagnostics:\n" + d.joined(separator: "\n") }
    }
}

/// `data/people.json` (FORMAT.md section 10), decoded.
struct ExportedPeople: Decodable {
    struct Expiring: Decodable, Equatable {
        let date: String?
        let points: Int
    }
    struct Person: Decodable {
        let id: String
        let name: String
        let team: String
        let balance: Int
        let lifetime: Int
        let score: Int
        let rank: Int?
        let scores: [String: Int]
        let expiring: [Expiring]
    }
    let asOf: String
    let period: String
    let people: [Person]

    subscript(id: String) -> Person? { people.first { $0.id == id } }
}
