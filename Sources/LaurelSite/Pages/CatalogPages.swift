import LaurelPoints
import LaurelSources

extension SiteContext {
    func rewardView(_ r: Int, at: String) -> View {
        let reward = sources.rewards[r]
        var view = rewardLink(r, from: at)
        view.set(.id, .text(reward.id))
        view.set(.tier, .text(label("tier." + reward.tier.rawValue)))
        view.set(.cost, reward.cost(on: book.asOf).map { .number($0) })
        if let stock = reward.stock {
            let left = max(0, stock - book.stockUsed[r])
            view.set(.stock, .number(stock))
            view.set(.stockleft, .number(left))
            view.set(.soldout, .bool(left == 0))
        } else {
            view.set(.unlimited, .bool(true))
        }
        if let t = reward.requires { view.set(.requires, .object(View([(.name, .text(sources.titles[Int(t)].name))]))) }
        if let image = reward.image { view.set(.image, .text(Address.link(from: at, to: Address.contentAssets + image))) }
        view.set(.description, .html(markdown(reward.description, at: at)))
        let cost = reward.cost(on: book.asOf)
        let count = cost.map { c in book.accounts.indices.filter { book.accounts[$0].balance >= c && isAvailable(r, for: $0) }.count } ?? 0
        view.set(.affordablecount, .number(Int64(count)))
        return view
    }

    func rewardsPage(at: String) -> View {
        var root = root(at: at, title: label("rewards.title"))
        root.set(.tiers, .list(Reward.Tier.allCases.compactMap { tier in
            let items = sources.rewards.indices.filter { sources.rewards[$0].tier == tier }
                .sorted { (sources.rewards[$0].cost(on: book.asOf) ?? 0, sources.rewards[$0].id) < (sources.rewards[$1].cost(on: book.asOf) ?? 0, sources.rewards[$1].id) }
            guard !items.isEmpty else { return nil }
            return View([(.name, .text(label("tier." + tier.rawValue))), (.tier, .text(tier.rawValue)),
                         (.rewards, .list(items.map { rewardView($0, at: at) }))])
        }))
        return root
    }

    func rewardPage(_ r: Int, at: String) -> View {
        var root = root(at: at, title: sources.rewards[r].name)
        var view = rewardView(r, at: at)
        view.set(.costs, .list(sources.rewards[r].costs.map { c in
            var v = View([(.cost, .number(c.cost))])
            if c.since.serial != Int32.min { v.set(.since, .day(c.since)) }
            return v
        }))
        root.set(.reward, .object(view))
        return root
    }

    func versionView(_ version: RuleVersion, current: Bool) -> View {
        var view = View([(.since, .day(version.since)), (.retired, .bool(version.retired)), (.current, .bool(current))])
        if !version.retired {
            view.set(.points, .number(version.points))
            view.set(.per, version.per.map { .number($0) })
            if let cap = version.cap {
                view.set(.capmax, .number(cap.max))
                view.set(.capper, .text(label("period." + cap.per.rawValue)))
            }
            view.set(.expiry, .text(expiry(version.expiry ?? sources.settings.expiry)))
        }
        return view
    }

    func rulesPage(at: String) -> View {
        var root = root(at: at, title: label("rules.title"))
        let categories = ScoreTable.categoryOrder(sources).filter { name in sources.rules.contains { $0.category == name } }
        root.set(.categories, .list(categories.map { name in
            View([(.name, .text(category(name))),
                  (.rules, .list(sources.rules.indices.filter { sources.rules[$0].category == name }.map { r in
                      let rule = sources.rules[r]
                      var view = ruleLink(r, from: at)
                      if let v = rule.versionIndex(on: book.asOf) {
                          for (k, value) in versionView(rule.versions[v], current: true).fields { view.set(k, value) }
                      } else {
                          view.set(.retired, .bool(true))
                      }
                      if rule.isTarget { view.set(.kind, .text(label("rule.target"))) }
                      return view
                  }))])
        }))
        return root
    }

    func rulePage(_ r: Int, at: String) -> View {
        let rule = sources.rules[r]
        var root = root(at: at, title: rule.name)
        var view = ruleLink(r, from: at)
        view.set(.category, .text(category(rule.category)))
        if case .target(let metric, let period) = rule.kind {
            view.set(.kind, .text(label("rule.target")))
            if metric >= 0 { view.set(.metric, .object(ruleLink(Int(metric), from: at))) }
            view.set(.period, .text(label("period." + period.rawValue)))
        }
        let current = rule.versionIndex(on: book.asOf)
        view.set(.versions, .list(rule.versions.enumerated().reversed().map { versionView($1, current: $0 == current) }))
        if let page = explanations[r], let body = bodies[page] { view.set(.explanation, .html(body)) }
        root.set(.rule, .object(view))
        root.set(.backlinks, .list(pagesByRule[r].map { item($0, from: at) }))
        return root
    }

    /// Rule changes by date: new rules, new versions, retirements (newest first).
    func changesPage(at: String) -> View {
        var root = root(at: at, title: label("changes.title"))
        var changes: [(day: Day, rule: Int, order: Int, view: View)] = []
        for (r, rule) in sources.rules.enumerated() {
            for (k, version) in rule.versions.enumerated() {
                let kind = version.retired ? "change.retired" : k == 0 ? "change.new" : "change.version"
                var text = label(kind)
                if !version.retired {
                    var parts = [String]()
                    if let per = version.per { parts.append("\(version.points) / \(per)") } else { parts.append("\(version.points)") }
                    if let cap = version.cap { parts.append("≤ \(cap.max) / " + label("period." + cap.per.rawValue)) }
                    if let e = version.expiry { parts.append(expiry(e)) }
                    text += ": " + parts.joined(separator: " · ")
                }
                changes.append((version.since, r, k, View([(.date, .day(version.since)), (.rule, .object(ruleLink(r, from: at))), (.change, .text(text))])))
            }
        }
        changes.sort { a, b in a.day != b.day ? a.day > b.day : a.rule != b.rule ? sources.rules[a.rule].id < sources.rules[b.rule].id : a.order < b.order }
        root.set(.changes, .list(changes.map(\.view)))
        return root
    }

    /// The people directory, by team, sorted as people expect in the portal's locale.
    func peoplePage(at: String, collation: Collation) -> View {
        var root = root(at: at, title: label("people.title"))
        var members = [[Int]](repeating: [], count: sources.teams.count)
        for (p, person) in sources.people.enumerated() where person.team >= 0 { members[Int(person.team)].append(p) }
        let teamOrder = collation.sorted(sources.teams.indices.map { ($0, sources.teams[$0].name, sources.teams[$0].id) })
        root.set(.teams, .list(teamOrder.map { t in
            let team = sources.teams[t]
            let order = collation.sorted(members[t].map { ($0, sources.people[$0].name, sources.people[$0].id) })
            return View([(.name, .text(team.name)), (.url, .text(Address.link(from: at, to: Address.team(team.id)))),
                         (.count, .number(Int64(order.count))),
                         (.members, .list(order.map { p in
                             var view = personLink(p, from: at)
                             if let title = book.accounts[p].title { view.set(.honour, .text(sources.titles[title].name)) }
                             return view
                         }))])
        }))
        return root
    }

    func teamPage(_ t: Int, roster: TeamRoster, at: String) -> View {
        let team = sources.teams[t]
        var root = root(at: at, title: team.name)
        var view = View([(.name, .text(team.name)), (.url, .text(Address.link(from: at, to: Address.team(team.id))))])
        if let lead = team.lead { view.set(.lead, .object(personLink(Int(lead), from: at))) }
        view.set(.count, .number(Int64(roster.headcount[t])))
        if let standing = roster.standings[t] {
            view.set(.total, .number(standing.total))
            view.set(.perhead, .number(standing.members > 0 ? standing.total / Int64(standing.members) : 0))
            view.set(.rank, .number(Int64(standing.rank)))
        }
        root.set(.team, .object(view))
        root.set(.members, .list(roster.members[t].map { row($0.person, score: $0.score, rank: $0.rank, from: at, balance: true) }))
        return root
    }
}

/// What the team pages take from the current board, worked out once for all teams: each team
/// page used to walk the whole board (and the roster) for its own rows, which made team pages
/// grow with teams × people, a second of one core at 50,000 people in 2,000 teams.
struct TeamRoster: Sendable {
    /// Per team: its standing on the board (nil when none of its members is ranked).
    let standings: [(total: Int64, members: Int, rank: Int)?]
    /// Per team: its ranked members, in the board's order.
    let members: [[(person: Int, score: Int64, rank: Int)]]
    /// Per team: everyone on the roster, ranked or not.
    let headcount: [Int]

    init(_ board: Board, _ sources: PortalSources) {
        let teams = sources.teams.count
        var standings: [(total: Int64, members: Int, rank: Int)?] = Array(repeating: nil, count: teams)
        for standing in board.teams(sources) { standings[standing.team] = (standing.total, standing.members, standing.rank) }
        var members: [[(person: Int, score: Int64, rank: Int)]] = Array(repeating: [], count: teams)
        for row in board.order {
            let t = Int(sources.people[row.person].team)
            if t >= 0 && t < teams { members[t].append(row) }
        }
        var headcount = [Int](repeating: 0, count: teams)
        for person in sources.people where person.team >= 0 && Int(person.team) < teams { headcount[Int(person.team)] += 1 }
        self.standings = standings
        self.members = members
        self.headcount = headcount
    }
}
