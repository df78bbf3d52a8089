import LaurelPoints
import LaurelSite
import LaurelSources

/// The fuzz target's logic, kept apart from the libFuzzer entry point so that the regression
/// tests (Tests/LaurelTests/FuzzRegressionTests.swift) run a saved input exactly as the fuzzer did.
///
/// An input is one selector byte followed by the bytes of one source file. The selector picks
/// which file of a small, valid portal (FORMAT.md's own examples) the bytes replace or join;
/// every other file stays valid, so the fuzzer spends its time in the reader of that file and
/// in what consumes its result (the ledger reader, the points engine, the export).
public enum FuzzEntry {
    /// What the bytes after the selector become.
    public enum Slot: UInt8, CaseIterable, Sendable {
        /// `ledger/2026-Q2.ledger`, read after the valid `ledger/2026-Q1.ledger`.
        case ledger
        case people
        case rules
        /// `pages/training/fuzz.md`, beside the valid pages.
        case page
        case rewards
        case honours
        case targets
        case portal
        case teams

        public var path: String {
            switch self {
            case .ledger: return "ledger/2026-Q2.ledger"
            case .people: return "people.yaml"
            case .rules: return "rules.yaml"
            case .page: return "pages/training/fuzz.md"
            case .rewards: return "rewards.yaml"
            case .honours: return "honours.yaml"
            case .targets: return "targets.yaml"
            case .portal: return "portal.yaml"
            case .teams: return "teams.yaml"
            }
        }
    }

    /// The as-of date of every run: after all of the base ledger and its target periods.
    public static let asOf = Day(year: 2026, month: 12, day: 31)!

    /// The slot chosen by an input's first byte.
    public static func slot(of data: [UInt8]) -> Slot {
        Slot(rawValue: (data.first ?? 0) % UInt8(Slot.allCases.count)) ?? .ledger
    }

    /// The portal an input stands for: the base sources with the input's file in its slot.
    public static func tree(for data: [UInt8]) -> SourceTree {
        var files = base.mapValues { Array($0.utf8) }
        files[slot(of: data).path] = Array(data.dropFirst())
        return SourceTree(label: "Content", files: files)
    }

    /// Runs an input as `laurel check` does, then renders it when it is clean, and returns
    /// the diagnostics. Must never crash, hang or leak, whatever the bytes.
    @discardableResult
    public static func run(_ data: [UInt8], jobs: Int = 1) -> [Diagnostic] {
        let result = PortalRun.check(tree(for: data), asOf: .day(asOf), jobs: jobs)
        if !result.hasErrors, result.book != nil {
            _ = SiteRenderer.render(result)
        }
        return result.diagnostics
    }

    /// The diagnostics of `laurel check` on `jobs` cores.
    public static func diagnostics(_ data: [UInt8], jobs: Int) -> [Diagnostic] {
        PortalRun.check(tree(for: data), asOf: .day(asOf), jobs: jobs).diagnostics
    }

    /// Reads the input on one job and on three, and says whether the diagnostics and the
    /// computed export differ: the reader orders the ledger, keeps its texts and interns ids
    /// on several cores, and the result must not depend on how many.
    public static func differsByJobs(_ data: [UInt8]) -> Bool {
        let one = PortalRun.check(tree(for: data), asOf: .day(asOf), jobs: 1)
        let three = PortalRun.check(tree(for: data), asOf: .day(asOf), jobs: 3)
        if one.diagnostics != three.diagnostics { return true }
        let export = { (run: PortalRun) in SiteRenderer.render(run).map(\.bytes) }
        return export(one) != export(three)
    }

    /// FORMAT.md's example sources (sections 2 to 7 and 9), all valid together.
    public static let base: [String: String] = [
        "portal.yaml": """
        title: 华东销售部积分门户
        period: quarter
        expiry: year
        locale: zh-CN
        timezone: Asia/Shanghai
        base-url: https://portal.example.internal/points/

        """,
        "people.yaml": """
        - id: zhang-wei
          name: 张伟
          team: east
        - id: li-na
          name: 李娜
          team: east
          joined: 2025-03-01
        - id: wang-fang
          name: 王芳
          team: north
          left: 2026-06-30
          leaderboard: false

        """,
        "teams.yaml": """
        - id: east
          name: 华东一组
          lead: zhang-wei
        - id: north
          name: North

        """,
        "rules.yaml": """
        - id: deal-won
          name: 签单
          category: sales
          page: rules/deal-won
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
        - id: quarterly-target
          name: 季度目标达成
          category: sales
          kind: target
          metric: deal-won
          period: quarter
          versions:
            - since: 2025-01-01
              points: 500

        """,
        "rewards.yaml": """
        - id: gift-card-200
          name: 200元购物卡
          tier: basic
          cost: 400
        - id: headphones
          name: Headphones
          tier: advanced
          costs: [{since: 2025-01-01, cost: 300}, {since: 2026-03-01, cost: 350}]
          stock: 2
          requires: bronze
          description: |
            Noise-cancelling, *wireless*.

        """,
        "honours.yaml": """
        titles:
          - {id: bronze, name: 铜牌销售, min: 100}
          - {id: silver, name: 银牌销售, min: 5000}
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

        """,
        "targets.yaml": """
        quarterly-target:
          2026-Q1:
            zhang-wei: 200000
            li-na: 900000

        """,
        "ledger/2026-Q1.ledger": """
        ; 2026-Q1, exported from the CRM every night
        2026-01-05 earn    zhang-wei  deal-won      amount:250000  id:crm-opp-4711  "ACME renewal"
        2026-01-06 earn    zhang-wei  new-customer  id:crm-acc-88   "ACME Ltd"
        2026-01-08 earn    zhang-wei  deal-won      amount:60000   id:crm-opp-4730
        2026-01-09 earn    li-na      training      qty:2
        2026-01-10 award   li-na      50  by:zhang-wei  "Onboarded two new hires"  id:aw-1
        2026-02-01 redeem  zhang-wei  gift-card-200  id:rdm-0001
        2026-02-02 reverse crm-opp-4730  "Deal cancelled by customer"
        2026-02-03 deduct  li-na      20  by:zhang-wei  "Training no-show"  id:dd-1
        2026-02-04 balance zhang-wei  200   ; 500 + 100 + 120 - 400 - 120 (reversed, unspent)
        2026-03-10 award   zhang-wei  200  by:li-na  rule:training  "Mentoring"  id:aw-2
        2026-03-15 redeem  zhang-wei  headphones  id:rdm-0002

        """,
        "pages/rules/deal-won.md": """
        ---
        title: 签单
        rules: [deal-won]
        ---
        Every [deal](rule:deal-won) counts; ask [Zhang Wei](person:zhang-wei).

        """,
        "pages/training/first-call.md": """
        ---
        title: The first call
        tags: [sales]
        people: [li-na]
        date: 2026-03-02
        ---
        See [the card](reward:gift-card-200), [the team](team:east) and [the rule](page:rules/deal-won).

        """,
        "pages/cases/acme.md": """
        ---
        title: ACME
        outcome: success
        ---
        A case.

        """,
    ]
}
