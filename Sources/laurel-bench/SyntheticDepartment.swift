import Foundation

/// A deterministic synthetic sales department for the benchmark: a roster, rules with caps,
/// versions and a target, rewards, pages and a valid ledger of the requested size.
/// The same seed gives the same bytes.
struct SyntheticDepartment {
    let people: Int
    let lines: Int
    let pages: Int
    let seed: UInt64

    /// SplitMix64: small, fast and the same on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤").map(String.init)
    static let givenNames = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国婷飞斌宇浩凯健俊帆鑫波琳晶欣雪琴").map(String.init)
    static let pinyin = ["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo"]
    static let customers = ["华润", "万科", "海尔", "美的", "格力", "联想", "比亚迪", "宁德", "顺丰", "京东", "苏宁", "国美", "蒙牛", "伊利", "青啤", "茅台"]

    struct RuleSpec {
        let id: String, name: String, category: String
        let per: Int?          // rate rule when set
        let points: Int, points2026: Int
        let cap: Int?          // monthly cap
        let weight: Int
    }

    static let rules: [RuleSpec] = [
        RuleSpec(id: "deal-won", name: "签单", category: "sales", per: 1000, points: 1, points2026: 2, cap: nil, weight: 30),
        RuleSpec(id: "renewal", name: "续约", category: "retention", per: 2000, points: 1, points2026: 1, cap: 500, weight: 12),
        RuleSpec(id: "new-customer", name: "新客户开发", category: "new-customer", per: nil, points: 100, points2026: 100, cap: nil, weight: 8),
        RuleSpec(id: "visit", name: "客户拜访", category: "retention", per: nil, points: 5, points2026: 5, cap: 100, weight: 20),
        RuleSpec(id: "training", name: "参加培训", category: "training", per: nil, points: 10, points2026: 10, cap: 40, weight: 10),
        RuleSpec(id: "referral", name: "转介绍", category: "teamwork", per: nil, points: 30, points2026: 30, cap: nil, weight: 5),
        RuleSpec(id: "mentoring", name: "带教新人", category: "teamwork", per: nil, points: 20, points2026: 20, cap: 80, weight: 5),
    ]

    struct RewardSpec { let id: String, name: String, tier: String, cost: Int, stock: Int?, requires: String? }
    static let rewards: [RewardSpec] = (0..<24).map { i in
        let tier = i < 10 ? "basic" : i < 18 ? "advanced" : "premium"
        let cost = i < 10 ? 100 + i * 50 : i < 18 ? 1000 + (i - 10) * 250 : 4000 + (i - 18) * 1000
        return RewardSpec(id: "reward-\(i + 1)", name: "奖品\(i + 1)号", tier: tier, cost: cost,
                          stock: i % 6 == 5 ? 50_000 : nil, requires: i >= 20 ? "silver" : nil)
    }

    func personId(_ p: Int) -> String { "\(SyntheticDepartment.pinyin[p % 16])-\(p)" }

    /// Writes the department's sources into `folder`.
    func write(to folder: String) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: folder)
        for sub in ["ledger", "pages/rules", "pages/training", "pages/cases", "pages/news"] {
            try fm.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        func put(_ path: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + path))
        }
        var random = Random(state: seed)
        let teams = max(1, people / 25)
        try put("portal.yaml", "title: 合成销售部积分门户\nperiod: quarter\nexpiry: year\nlocale: zh-CN\ntimezone: Asia/Shanghai\n")
        var text = ""
        for t in 0..<teams { text += "- id: team-\(t + 1)\n  name: 销售\(t + 1)组\n  lead: \(personId(t * 25 % people))\n" }
        try put("teams.yaml", text)
        text = ""
        for p in 0..<people {
            let name = SyntheticDepartment.surnames[random.below(SyntheticDepartment.surnames.count)]
                + SyntheticDepartment.givenNames[random.below(SyntheticDepartment.givenNames.count)]
            text += "- id: \(personId(p))\n  name: \(name)\n  team: team-\(p / 25 % teams + 1)\n"
            if p % 97 == 13 { text += "  leaderboard: false\n" }
        }
        try put("people.yaml", text)
        text = ""
        for r in SyntheticDepartment.rules {
            text += "- id: \(r.id)\n  name: \(r.name)\n  category: \(r.category)\n  page: rules/\(r.id)\n  versions:\n"
            for (since, points) in [("2025-01-01", r.points), ("2026-01-01", r.points2026)] where since == "2025-01-01" || r.points2026 != r.points {
                text += "    - since: \(since)\n"
                if let per = r.per { text += "      per: \(per)\n" }
                text += "      points: \(points)\n"
                if let cap = r.cap { text += "      cap: {max: \(cap), per: month}\n" }
            }
            try put("pages/rules/\(r.id).md", "---\ntitle: \(r.name)规则说明\n---\n[\(r.name)](rule:\(r.id)) 的积分计算方法。\n")
        }
        text += "- id: quarterly-target\n  name: 季度目标达成\n  category: sales\n  kind: target\n  metric: deal-won\n  period: quarter\n  versions:\n    - since: 2025-01-01\n      points: 500\n"
        try put("rules.yaml", text)
        text = ""
        for r in SyntheticDepartment.rewards {
            text += "- id: \(r.id)\n  name: \(r.name)\n  tier: \(r.tier)\n  cost: \(r.cost)\n"
            if let s = r.stock { text += "  stock: \(s)\n" }
            if let q = r.requires { text += "  requires: \(q)\n" }
            text += "  description: |\n    **\(r.name)**，可用积分兑换。\n"
        }
        try put("rewards.yaml", text)
        try put("honours.yaml", """
        titles:
          - {id: bronze, name: 铜牌销售, min: 1000}
          - {id: silver, name: 银牌销售, min: 5000}
          - {id: gold, name: 金牌销售, min: 20000}
        badges:
          - {id: first-customer, name: 开门红, rule: new-customer, count: 1}
          - {id: hat-trick, name: 帽子戏法, rule: deal-won, count: 3, within: month}

        """)
        text = "quarterly-target:\n"
        for q in ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"] {
            text += "  \(q):\n"
            for p in stride(from: 0, to: people, by: 3) { text += "    \(personId(p)): \(200_000 + random.below(20) * 50_000)\n" }
        }
        try put("targets.yaml", text)
        try writePages(folder, &random, put)
        try writeLedger(folder, &random)
    }

    private func writePages(_ folder: String, _ random: inout Random, _ put: (String, String) throws -> Void) throws {
        let categories = ["sales", "retention", "new-customer", "training", "teamwork"]
        for i in 0..<pages {
            let kind = i % 3
            let person = personId(random.below(people))
            let rule = SyntheticDepartment.rules[random.below(SyntheticDepartment.rules.count)].id
            let body = (0..<6).map { k in
                "第\(k + 1)段：与[\(rule)](rule:\(rule))相关的经验，参见[同事](person:\(person))的做法。客户关系需要长期经营，拜访记录要及时录入 CRM。"
            }.joined(separator: "\n\n")
            switch kind {
            case 0:
                try put("pages/training/course-\(i).md", "---\ntitle: 培训课程\(i)\ntags: [\(categories[i % 5])]\nrules: [\(rule)]\n---\n# 要点\n\n\(body)\n")
            case 1:
                try put("pages/cases/case-\(i).md", "---\ntitle: 案例\(i)\noutcome: \(i % 2 == 0 ? "success" : "failure")\nrules: [\(rule)]\npeople: [\(person)]\ndate: 2026-0\(i % 9 + 1)-15\n---\n\(body)\n")
            default:
                try put("pages/news/news-\(i).md", "---\ntitle: 公告\(i)\ndate: 2026-\(String(format: "%02d", i % 11 + 1))-01\n---\n\(body)\n")
            }
        }
    }

    /// A valid ledger: every spending is covered by a conservative model of the balance (points
    /// earned this calendar year minus spent this year, since `expiry: year` lots of this year
    /// are all still valid), caps are computed exactly, reversals only of this year's entries.
    private func writeLedger(_ folder: String, _ random: inout Random) throws {
        let start = Day(year: 2025, month: 1, day: 1), end = Day(year: 2026, month: 11, day: 28)
        let days = end - start + 1
        var earnedThisYear = [Int](repeating: 0, count: people)
        var spentThisYear = [Int](repeating: 0, count: people)
        var lifetime = [Int](repeating: 0, count: people)
        var capUsed: [Int: Int] = [:]  // (person, rule, month) -> points given
        var stockLeft = SyntheticDepartment.rewards.map { $0.stock ?? Int.max }
        struct Reversible { let id: Int; let person: Int; let year: Int; let kind: Int; let points: Int; let qty: Int; let reward: Int }
        var recent: [Reversible] = []
        var nextId = 100_000
        var year = 2025
        let weights = SyntheticDepartment.rules.reduce(0) { $0 + $1.weight }
        var file = ""
        var fileKey = ""
        var written = 0
        func flush() throws {
            guard !fileKey.isEmpty else { return }
            try Data(file.utf8).write(to: URL(fileURLWithPath: folder + "/ledger/\(fileKey).ledger"))
            file = ""
        }
        for d in 0..<days {
            let date = start.adding(d)
            if date.year != year {
                year = date.year
                earnedThisYear = Array(repeating: 0, count: people)
                spentThisYear = Array(repeating: 0, count: people)
                recent.removeAll()
            }
            let key = "\(date.year)-Q\((date.month - 1) / 3 + 1)"
            if key != fileKey {
                try flush()
                fileKey = key
                file = "; \(key), exported from the CRM every night\n"
            }
            let today = lines * (d + 1) / days - lines * d / days
            let dateText = date.text
            for _ in 0..<today {
                let p = random.below(people)
                let pid = personId(p)
                let roll = random.below(100)
                let available = earnedThisYear[p] - spentThisYear[p]
                if roll < 5 && available >= 100 {
                    // redeem what the balance covers
                    let affordable = SyntheticDepartment.rewards.indices.filter { r in
                        let reward = SyntheticDepartment.rewards[r]
                        return reward.cost <= available && stockLeft[r] > 0 && (reward.requires == nil || lifetime[p] >= 5000)
                    }
                    if let r = affordable.last {
                        let reward = SyntheticDepartment.rewards[r]
                        spentThisYear[p] += reward.cost
                        if stockLeft[r] != Int.max { stockLeft[r] -= 1 }
                        nextId += 1
                        file += "\(dateText) redeem \(pid) \(reward.id) id:rdm-\(nextId)\n"
                        recent.append(Reversible(id: nextId, person: p, year: year, kind: 2, points: reward.cost, qty: 1, reward: r))
                        written += 1
                        continue
                    }
                }
                if roll < 7 && available >= 20 {
                    let points = min(available, 10 + random.below(40))
                    spentThisYear[p] += points
                    lifetime[p] -= points
                    nextId += 1
                    file += "\(dateText) deduct \(pid) \(points) by:\(personId((p + 1) % people)) id:ded-\(nextId) \"未按时提交周报\"\n"
                    recent.append(Reversible(id: nextId, person: p, year: year, kind: 3, points: points, qty: 0, reward: -1))
                    written += 1
                    continue
                }
                if roll < 10 && !recent.isEmpty {
                    let pick = recent.remove(at: random.below(recent.count))
                    let q = pick.person
                    switch pick.kind {
                    case 0, 1:  // earn or award: only when the rest of this year's lots cover what was spent
                        if earnedThisYear[q] - pick.points - spentThisYear[q] >= 0 {
                            earnedThisYear[q] -= pick.points
                            lifetime[q] -= pick.points
                            file += "\(dateText) reverse e-\(pick.id) \"CRM 撤销\"\n"
                            written += 1
                            continue
                        }
                    case 2:
                        if stockLeft[pick.reward] != Int.max { stockLeft[pick.reward] += 1 }
                        file += "\(dateText) reverse rdm-\(pick.id) \"退货\"\n"
                        written += 1
                        continue
                    default:
                        lifetime[q] += pick.points
                        file += "\(dateText) reverse ded-\(pick.id) \"申诉成功\"\n"
                        written += 1
                        continue
                    }
                }
                if roll < 13 {
                    let points = 10 + random.below(10) * 10
                    earnedThisYear[p] += points
                    lifetime[p] += points
                    nextId += 1
                    file += "\(dateText) award \(pid) \(points) by:\(personId((p + 7) % people)) id:e-\(nextId) \"团队协作表现突出\"\n"
                    recent.append(Reversible(id: nextId, person: p, year: year, kind: 1, points: points, qty: 0, reward: -1))
                    written += 1
                    continue
                }
                // earn
                var w = random.below(weights)
                var ruleIndex = 0
                while w >= SyntheticDepartment.rules[ruleIndex].weight {
                    w -= SyntheticDepartment.rules[ruleIndex].weight
                    ruleIndex += 1
                }
                let rule = SyntheticDepartment.rules[ruleIndex]
                let points = year >= 2026 ? rule.points2026 : rule.points
                var computed: Int
                var args: String
                if let per = rule.per {
                    let amount = (1 + random.below(400)) * 500
                    computed = amount / per * points
                    args = "amount:\(amount)"
                } else {
                    let qty = 1 + (random.chance(10) ? random.below(3) : 0)
                    computed = qty * points
                    args = qty > 1 ? "qty:\(qty)" : ""
                }
                if let cap = rule.cap {
                    let k = (p * 16 + ruleIndex) * 1000 + (date.year * 12 + date.month) % 1000
                    let used = capUsed[k, default: 0]
                    let given = max(0, min(computed, cap - used))
                    capUsed[k] = used + given
                    computed = given
                }
                earnedThisYear[p] += computed
                lifetime[p] += computed
                nextId += 1
                let memo = random.chance(50) ? " \"\(SyntheticDepartment.customers[random.below(16)])项目\"" : ""
                file += "\(dateText) earn \(pid) \(rule.id) \(args) id:e-\(nextId)\(memo)\n"
                if random.chance(20) {
                    recent.append(Reversible(id: nextId, person: p, year: year, kind: 0, points: computed, qty: 0, reward: -1))
                    if recent.count > 4096 { recent.removeFirst(1024) }
                }
                written += 1
            }
        }
        try flush()
    }
}

/// A plain civil date for the generator (the project's `Day` lives in LaurelSources).
struct Day {
    let serial: Int
    init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        serial = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }
    init(serial: Int) { self.serial = serial }
    func adding(_ days: Int) -> Day { Day(serial: serial + days) }
    static func - (a: Day, b: Day) -> Int { a.serial - b.serial }
    var civil: (Int, Int, Int) {
        let z = serial + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, doy - (153 * mp + 2) / 5 + 1)
    }
    var year: Int { civil.0 }
    var month: Int { civil.1 }
    var text: String { let c = civil; return String(format: "%04d-%02d-%02d", c.0, c.1, c.2) }
}
