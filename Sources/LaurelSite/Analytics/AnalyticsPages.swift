import LaurelPoints
import LaurelSources

/// The period reports (managers' build only) and the honour rolls (both builds) of every
/// leaderboard period, computed once per build: the monthly figures in one pass over the
/// ledger and the lots, then each period's report and roll in parallel.
struct Analytics: Sendable {
    /// Every leaderboard period of each kind, oldest first (as the boards cover them).
    let periods: [(kind: PeriodKind, periods: [Period])]
    let reports: [Period: PeriodReport]
    let honours: [Period: HonourRoll]
    /// The honour roll the home page and the TV board show: the latest ended period of the
    /// portal's leaderboard period kind (docs/analytics.md).
    let latest: Period?
    /// Points available at the as-of date that expire in the next three months (managers).
    let expiring: [(lastValid: Day, points: Int64, people: Int)]

    init(_ site: SiteContext, boards: [Board], jobs: Int) {
        let book = site.book
        periods = PeriodKind.allCases.map { ($0, site.scores.periods($0, asOf: book.asOf)) }
        let all = periods.flatMap(\.periods)
        let nameOrder = Board.nameOrder(site.sources)
        let index = BoardIndex(boards)
        let events = HonourEvents(site: site, nameOrder: nameOrder)
        let rolls = Parallel.map(all.count, jobs: jobs) { HonourRoll(all[$0], site: site, boards: index, events: events) }
        honours = Dictionary(uniqueKeysWithValues: zip(all, rolls))
        if site.audience == .managers {
            let monthly = MonthlyFigures(sources: site.sources, book: book, table: site.scores)
            let made = Parallel.map(all.count, jobs: jobs) {
                PeriodReport(all[$0], sources: site.sources, book: book, table: site.scores, monthly: monthly, nameOrder: nameOrder)
            }
            reports = Dictionary(uniqueKeysWithValues: zip(all, made))
            expiring = monthly.expiring
        } else {
            reports = [:]
            expiring = []
        }
        let kind = periods.first { $0.kind == site.sources.settings.period }?.periods ?? []
        latest = kind.last { $0.lastDay < book.asOf }
    }

    /// The pages to render, and the CSV files of the reports.
    func jobs(_ site: SiteContext) -> (pages: [PageJob], files: [(path: String, bytes: @Sendable () -> [UInt8])]) {
        var pages: [PageJob] = []
        var files: [(path: String, bytes: @Sendable () -> [UInt8])] = []
        let analytics = self
        pages.append(PageJob(Address.honours, "honourrolls") { site.periodIndex(analytics, at: Address.honours, title: site.label("honours.all"), address: Address.honourRoll) })
        for (_, list) in periods {
            for (i, period) in list.enumerated() {
                let neighbours = (i > 0 ? list[i - 1] : nil, i + 1 < list.count ? list[i + 1] : nil)
                if let roll = honours[period] {
                    let at = Address.honourRoll(period)
                    pages.append(PageJob(at, "honours") { site.honourPage(roll, at: at, neighbours: neighbours) })
                }
                guard site.audience == .managers, let report = reports[period] else { continue }
                let at = Address.report(period)
                let tables = site.reportTables(report, analytics: self)
                pages.append(PageJob(at, "report") { site.reportPage(report, tables: tables, at: at, neighbours: neighbours, analytics: analytics) })
                for table in tables { files.append((at + table.id + ".csv", { table.csv })) }
            }
        }
        if site.audience == .managers {
            pages.append(PageJob(Address.analytics, "reports") { site.periodIndex(analytics, at: Address.analytics, title: site.label("analytics.title"), address: Address.report) })
        }
        return (pages, files)
    }
}

extension SiteContext {
    /// The index of reports or honour rolls: every period by kind, newest first.
    func periodIndex(_ analytics: Analytics, at: String, title: String, address: (Period) -> String) -> View {
        var root = root(at: at, title: title)
        root.set(.kinds, .list(analytics.periods.map { kind, periods in
            View([(.name, .text(label("period." + kind.rawValue))),
                  (.periods, .list(periods.reversed().map { p in
                      View([(.period, .period(p)), (.url, .text(Address.link(from: at, to: address(p)))), (.current, .bool(p.contains(book.asOf)))])
                  }))])
        }))
        return root
    }

    func pager(_ neighbours: (Period?, Period?), at: String, address: (Period) -> String, into root: inout View) {
        if let p = neighbours.0 { root.set(.previous, .object(View([(.period, .period(p)), (.url, .text(Address.link(from: at, to: address(p))))]))) }
        if let p = neighbours.1 { root.set(.following, .object(View([(.period, .period(p)), (.url, .text(Address.link(from: at, to: address(p))))]))) }
    }

    // MARK: honour roll

    /// The winners of a roll as template lists: `{name, rows: [{name, url, score}]}` per board.
    func winners(_ roll: HonourRoll, from at: String) -> [View] {
        func people(_ list: [(person: Int, score: Int64)]) -> TemplateValue {
            .list(list.map { w in
                var v = personLink(w.person, from: at)
                v.set(.score, .number(w.score))
                return v
            })
        }
        var out = [View([(.name, .text(label("honours.individual"))), (.rows, people(roll.people))])]
        out.append(View([(.name, .text(label("honours.team"))), (.rows, .list(roll.teams.map { t in
            View([(.name, .text(sources.teams[t.team].name)), (.url, .text(Address.link(from: at, to: Address.team(sources.teams[t.team].id)))),
                  (.score, .number(t.total))])
        }))]))
        for (c, list) in roll.categories {
            out.append(View([(.name, .text(label("honours.category.before") + category(scores.categories[c]) + label("honours.category.after"))),
                             (.rows, people(list))]))
        }
        return out
    }

    func honourPage(_ roll: HonourRoll, at: String, neighbours: (Period?, Period?)) -> View {
        var root = root(at: at, title: LocaleFormat.period(roll.period, locale) + " " + label("honours.title"))
        root.set(.period, .period(roll.period))
        root.set(.current, .bool(roll.inProgress))
        root.set(.board, .text(Address.link(from: at, to: Address.board(roll.period))))
        root.set(.winners, .list(winners(roll, from: at)))
        root.set(.titles, .list(roll.titles.map { t in
            var v = personLink(t.person, from: at)
            v.set(.honour, .text(sources.titles[t.title].name))
            v.set(.month, .period(t.month))
            return v
        }))
        root.set(.badges, .list(roll.badges.map { b in
            var v = personLink(b.person, from: at)
            v.set(.badge, .text(sources.badges[b.badge].name))
            v.set(.date, .day(b.day))
            return v
        }))
        pager(neighbours, at: at, address: Address.honourRoll, into: &root)
        return root
    }

    /// The latest honour roll for the home page and the TV board (nil before any period ended).
    func latestHonours(_ analytics: Analytics?, at: String) -> TemplateValue? {
        guard let analytics, let period = analytics.latest, let roll = analytics.honours[period] else { return nil }
        return .object(View([(.period, .period(period)), (.url, .text(Address.link(from: at, to: Address.honourRoll(period)))),
                             (.winners, .list(winners(roll, from: at).prefix(2).map { $0 }))]))
    }

    // MARK: period report

    func reportTables(_ r: PeriodReport, analytics: Analytics) -> [ReportTable] {
        let at = Address.report(r.period)
        func link(_ to: String) -> String { Address.link(from: at, to: to) }
        var tables: [ReportTable] = []

        var categories = ReportTable("categories", [("category", "col.category", false), ("points", "col.points", true),
                                                    ("previous", "col.previous", true), ("change", "col.delta", true),
                                                    ("change_pct", "col.changepct", true)])
        for (c, name) in scores.categories.enumerated() {
            let now = r.categoryTotals[c], before = r.previousTotals[c]
            categories.rows.append([.text(category(name)), .number(now), .number(before), .signed(now - before),
                                    .permille(before > 0 ? PeriodReport.thousandths(now - before, of: before) : nil)])
        }
        categories.rows.append([.text(label("report.total")), .number(r.total), .number(r.previousTotal), .signed(r.total - r.previousTotal),
                                .permille(r.previousTotal > 0 ? PeriodReport.thousandths(r.total - r.previousTotal, of: r.previousTotal) : nil)])
        tables.append(categories)

        var trend = ReportTable("trend", [("month", "col.month", false), ("total", "col.total", true)]
                                + scores.categories.map { ($0, "category." + $0, true) })
        for month in r.trend {
            trend.rows.append([.period(month.month), .number(month.byCategory.reduce(0, +))] + month.byCategory.map { .number($0) })
        }
        tables.append(trend)

        var histogram = ReportTable("histogram", [("from", "col.from", true), ("to", "col.to", true), ("people", "col.count", true)])
        for bin in r.histogram { histogram.rows.append([.number(bin.low), .number(bin.high), .number(Int64(bin.people))]) }
        tables.append(histogram)

        var participation = ReportTable("participation", [("category", "col.category", false), ("earners", "col.earners", true),
                                                          ("people", "col.count", true), ("participation_pct", "col.participation", true)])
        for (c, name) in scores.categories.enumerated() {
            participation.rows.append([.text(category(name)), .number(Int64(r.categoryEarners[c])), .number(Int64(r.people)),
                                       .permille(PeriodReport.thousandths(Int64(r.categoryEarners[c]), of: Int64(r.people)))])
        }
        participation.rows.append([.text(label("report.anything")), .number(Int64(r.earners)), .number(Int64(r.people)),
                                   .permille(PeriodReport.thousandths(Int64(r.earners), of: Int64(r.people)))])
        tables.append(participation)

        var teams = ReportTable("teams", [("team", "col.team", false), ("people", "col.count", true), ("earners", "col.earners", true),
                                          ("participation_pct", "col.participation", true), ("total", "col.total", true), ("per_head", "col.perhead", true)])
        for t in r.teams {
            let team = sources.teams[t.team]
            teams.rows.append([.link(team.name, address: link(Address.team(team.id))), .number(Int64(t.people)), .number(Int64(t.earners)),
                               .permille(PeriodReport.thousandths(Int64(t.earners), of: Int64(t.people))), .number(t.total), .number(t.perHead)])
        }
        tables.append(teams)

        var caps = ReportTable("caps", [("rule", "col.rule", false), ("capped", "col.capped", true)])
        var bonuses = ReportTable("bonuses", [("rule", "col.rule", false), ("bonuses", "col.bonuses", true), ("points", "col.points", true)])
        for (k, rule) in sources.rules.enumerated() {
            if r.capped[k] != 0 { caps.rows.append([.link(rule.name, address: link(Address.rule(rule.id))), .number(r.capped[k])]) }
            if r.bonusCount[k] != 0 {
                bonuses.rows.append([.link(rule.name, address: link(Address.rule(rule.id))), .number(r.bonusCount[k]), .number(r.bonusPoints[k])])
            }
        }
        tables.append(caps)
        tables.append(bonuses)

        var expiring = ReportTable("expiring", [("last_valid", "col.lastvalid", false), ("points", "col.points", true), ("people", "col.count", true)])
        if r.period.contains(book.asOf) {
            for item in analytics.expiring { expiring.rows.append([.day(item.lastValid), .number(item.points), .number(Int64(item.people))]) }
        }
        tables.append(expiring)

        var redemptions = ReportTable("redemptions", [("tier", "col.tier", false), ("reward", "col.reward", false),
                                                      ("units", "col.units", true), ("points", "col.points", true)])
        for tier in Reward.Tier.allCases {
            for (k, reward) in sources.rewards.enumerated() where reward.tier == tier && (r.redeemUnits[k] != 0 || r.redeemPoints[k] != 0) {
                redemptions.rows.append([.text(label("tier." + tier.rawValue)), .link(reward.name, address: link(Address.reward(reward.id))),
                                         .number(r.redeemUnits[k]), .number(r.redeemPoints[k])])
            }
        }
        tables.append(redemptions)

        var manual = ReportTable("manual", [("approver", "col.approver", false), ("awards", "col.awards", true), ("award_points", "col.awardpoints", true),
                                            ("deductions", "col.deductions", true), ("deduction_points", "col.deductionpoints", true)])
        for a in r.approvers {
            let approver: ReportTable.Cell = a.approver >= 0 && Int(a.approver) < sources.people.count
                ? .link(sources.people[Int(a.approver)].name, address: link(Address.person(sources.people[Int(a.approver)].id)))
                : .text(label("report.noapprover"))
            manual.rows.append([approver, .number(Int64(a.awards)), .number(a.awardPoints), .number(Int64(a.deductions)), .number(a.deductionPoints)])
        }
        tables.append(manual)
        return tables
    }

    func reportPage(_ r: PeriodReport, tables: [ReportTable], at: String, neighbours: (Period?, Period?), analytics: Analytics) -> View {
        var root = root(at: at, title: LocaleFormat.period(r.period, locale) + " " + label("report.title"))
        root.set(.period, .period(r.period))
        root.set(.current, .bool(r.period.contains(book.asOf)))
        root.set(.board, .text(Address.link(from: at, to: Address.board(r.period))))
        root.set(.honours, .text(Address.link(from: at, to: Address.honourRoll(r.period))))
        pager(neighbours, at: at, address: Address.report, into: &root)
        func figure(_ key: String, _ value: TemplateValue, note: String? = nil) -> View {
            // Always set: a figure without its own note must not show its section's.
            View([(.name, .text(label(key))), (.value, value), (.note, .text(note ?? ""))])
        }
        func percent(_ p: Int64?) -> TemplateValue { .text(p.map { ReportTable.percent($0) + " %" } ?? "—") }
        root.set(.figures, .list([
            figure("report.fig.total", .number(r.total)),
            figure("report.fig.change", .signed(r.total - r.previousTotal)),
            figure("report.fig.people", .number(Int64(r.people))),
            figure("report.fig.earners", .number(Int64(r.earners))),
        ]))
        let byId = Dictionary(uniqueKeysWithValues: tables.map { ($0.id, $0) })
        func section(_ id: String, figures: [View] = [], chart: String? = nil) -> View {
            var v = View([(.id, .text(id)), (.title, .text(label("report." + id))), (.note, .text(label("report." + id + ".note")))])
            if let table = byId[id] {
                v.set(.csv, .text(table.id + ".csv"))
                v.set(.columns, .list(table.columns.map { View([(.name, .text(label($0.label))), (.num, .bool($0.numeric))]) }))
                v.set(.count, .number(Int64(table.columns.count)))
                v.set(.rows, .list(table.rows.map { cells in
                    var row = View()
                    if case .link(let name, let address) = cells.first {
                        row.set(.name, .text(name))
                        row.set(.url, .text(address))
                    } else if let first = cells.first {
                        row.set(.name, cellValue(first))
                    }
                    row.set(.cells, .list(zip(cells.dropFirst(), table.columns.dropFirst()).map { cell, column in
                        View([(.value, cellValue(cell)), (.num, .bool(column.numeric))])
                    }))
                    return row
                }))
            }
            // Always set, so that a section without figures does not show the page's.
            v.set(.figures, .list(figures))
            v.set(.chart, chart.map { .html($0) })
            return v
        }
        let names = scores.categories.map { category($0) }
        let period = LocaleFormat.period(r.period, locale)
        let categoriesChart = BarChart.svg(
            id: "categories-chart", title: label("report.categories") + " · " + period,
            bars: names.enumerated().map { BarChart.Bar(label: $1, values: [r.categoryTotals[$0], r.previousTotals[$0]]) },
            series: [period, LocaleFormat.period(r.period.previous, locale)])
        let trendChart = BarChart.svg(id: "trend-chart", title: label("report.trend"),
                                      bars: r.trend.map { BarChart.Bar(label: LocaleFormat.period($0.month, locale), values: [$0.byCategory.reduce(0, +)]) })
        let histogramChart = BarChart.svg(id: "histogram-chart", title: label("report.histogram") + " · " + period,
                                          bars: r.histogram.map { BarChart.Bar(label: BarChart.grouped($0.low) + " – " + BarChart.grouped($0.high), values: [Int64($0.people)]) })
        let teamsChart = BarChart.svg(id: "teams-chart", title: label("report.teams") + " · " + label("col.perhead"),
                                      bars: r.teams.map { BarChart.Bar(label: sources.teams[$0.team].name, values: [$0.perHead]) })
        let giniSentence: String
        switch r.gini {
        case nil: giniSentence = label("report.gini.none")
        case let g? where g < 300: giniSentence = label("report.gini.low")
        case let g? where g < 500: giniSentence = label("report.gini.middle")
        default: giniSentence = label("report.gini.high")
        }
        let distribution = [
            figure("report.fig.median", .text(r.twiceMedian.map(SiteContext.half) ?? "—")),
            figure("report.fig.top", percent(r.topShare), note: label("report.fig.top.before") + String(r.topCount) + label("report.fig.top.after")),
            figure("report.fig.gini", .text(r.gini.map(SiteContext.decimal) ?? "—"), note: label("report.gini.meaning") + " " + giniSentence),
        ]
        var expiry = [figure("report.fig.expired", .number(r.expired))]
        if r.period.contains(book.asOf) {
            let soon = analytics.expiring.reduce(Int64(0)) { $0 + $1.points }
            expiry.append(figure("report.fig.expiring", .number(soon)))
        }
        root.set(.sections, .list([
            section("categories", chart: categoriesChart),
            section("trend", chart: trendChart),
            section("histogram", figures: distribution, chart: histogramChart),
            section("participation"),
            section("teams", chart: teamsChart),
            section("caps"),
            section("bonuses"),
            section("expiring", figures: expiry),
            section("redemptions"),
            section("manual"),
        ]))
        return root
    }

    func cellValue(_ cell: ReportTable.Cell) -> TemplateValue {
        switch cell {
        case .text(let s), .link(let s, _): return .text(s)
        case .number(let n): return .number(n)
        case .signed(let n): return .signed(n)
        case .permille(let p): return .text(p.map { ReportTable.percent($0) + " %" } ?? "—")
        case .period(let p): return .period(p)
        case .day(let d): return .day(d)
        }
    }

    /// Twice a value, written as the value: 25 → "12.5".
    static func half(_ twice: Int64) -> String {
        twice % 2 == 0 ? String(twice / 2) : (twice < 0 ? "-" : "") + String(twice.magnitude / 2) + ".5"
    }

    /// 1/1000 as a decimal: 423 → "0.423".
    static func decimal(_ permille: Int64) -> String {
        let m = permille.magnitude
        let frac = String(m % 1000)
        return (permille < 0 ? "-" : "") + String(m / 1000) + "." + String(repeating: "0", count: 3 - frac.count) + frac
    }
}
