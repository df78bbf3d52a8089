import LaurelSources

/// The page set `laurel what-if --output DIR` writes (docs/what-if.md): `index.html` (the
/// totals, the categories, the caps and the movers), `people.html` (everyone), the CSV files of
/// the people and the totals (CSVFile), and the theme's style sheet. Static HTML without
/// script in the portal's locale: every UI string is a `whatif.*` string of the theme (a
/// missing one shows its key, as every label does), periods and dates as the portal writes
/// them (LocaleFormat). Every text from the sources escaped, the same bytes for the same inputs.
public enum WhatIfPages {
    /// The files by path in the folder, sorted. `theme`: loaded in the comparison's locale;
    /// its static/style.css is copied.
    public static func files(_ c: WhatIfComparison, top: Int, theme: Theme) -> [(path: String, bytes: [UInt8])] {
        [
            ("caps.csv", capsCSV(c).bytes),
            ("categories.csv", categoriesCSV(c).bytes),
            ("index.html", Array(index(c, top: top, theme: theme).utf8)),
            ("people.csv", peopleCSV(c).bytes),
            ("people.html", Array(people(c, theme: theme).utf8)),
            ("style.css", theme.assets.first { $0.path == "style.css" }?.bytes ?? []),
        ]
    }

    // MARK: pages

    static func index(_ c: WhatIfComparison, top: Int, theme: Theme) -> String {
        var h = WhatIfHTML(theme: theme, locale: c.locale)
        let rules = h.esc(c.proposedName), period = h.period(c.period), asOf = h.day(c.asOf)
        h.open(c, title: h.t("index.title", ["rules": rules, "period": period]), current: "index.html")
        h.line("<h1>\(h.t("index.heading", ["rules": rules]))</h1>")
        h.line("<p class=\"lead\">\(h.t("index.lead", ["asof": asOf, "rules": rules, "period": period]))</p>")
        h.line("<p class=\"note\">\(h.t("index.note"))</p>")
        h.line("<p>\(h.rulesLine(c))</p>")
        if c.isUnchanged { h.line("<p class=\"note\">\(h.t("unchanged"))</p>") }

        h.line("<dl class=\"stats\">")
        h.stat(h.t("stat.liability"), c.liability.before, main: true)
        h.stat(h.t("stat.liability.proposed"), c.liability.after, main: true)
        h.stat(h.t("stat.liability.change"), c.liability.change, sign: true)
        h.stat(h.t("stat.scored.change", ["period": period]), c.scored.change, sign: true)
        h.line("</dl>")

        h.line("<section class=\"block\" id=\"totals\">")
        h.line("<h2>\(h.t("totals"))</h2>")
        var totals: [(String, WhatIfComparison.Figure)] = [
            (h.t("totals.liability", ["asof": asOf]), c.liability),
            (h.t("totals.scored", ["period": period]), c.scored),
            (h.t("totals.capped", ["period": period]), c.capped),
        ]
        if c.heldByLeavers.before != 0 || c.heldByLeavers.after != 0 {
            totals.insert((h.t("totals.leavers"), c.heldByLeavers), at: 1)
        }
        h.figures(caption: h.t("totals.caption"), first: h.t("col.figure"), rows: totals)
        h.line("<p class=\"muted small\">\(h.t("totals.note", ["asof": asOf]))</p>")
        h.line("</section>")

        h.line("<section class=\"block\" id=\"categories\">")
        h.line("<h2>\(h.t("categories", ["period": period]))</h2>")
        h.figures(caption: h.t("categories.caption", ["period": period]), first: h.t("col.category"),
                  rows: c.categories.map { (h.named(h.category($0.id), $0.id), $0) })
        h.line("<p class=\"small\"><a href=\"categories.csv\" download>categories.csv</a></p>")
        h.line("</section>")

        h.line("<section class=\"block\" id=\"caps\">")
        h.line("<h2>\(h.t("caps", ["period": period]))</h2>")
        if c.caps.isEmpty {
            h.line("<p class=\"muted\">\(h.t("caps.none"))</p>")
        } else {
            h.figures(caption: h.t("caps.caption", ["period": period]), first: h.t("col.rule"),
                      rows: c.caps.map { (h.named($0.name, $0.id), $0) })
        }
        h.line("<p class=\"small\"><a href=\"caps.csv\" download>caps.csv</a></p>")
        h.line("</section>")

        let ranked = c.people.filter { $0.rankAfter != nil }.count
        for up in [true, false] {
            let movers = c.movers(up: up, top: top)
            let word = up ? "up" : "down"
            h.line("<section class=\"block\" id=\"movers-\(word)\">")
            let sub = h.t("movers.top", ["top": WhatIfHTML.number(Int64(top)), "ranked": WhatIfHTML.number(Int64(ranked))])
            h.line("<h2>\(h.t("movers.\(word)", ["period": period])) <span class=\"sub\">\(sub)</span></h2>")
            if movers.isEmpty {
                h.line("<p class=\"muted\">\(h.t("movers.\(word).none"))</p>")
            } else {
                h.people(caption: h.t("movers.\(word).caption", ["period": period]), movers, balances: false)
            }
            h.line("</section>")
        }
        let move = c.movement
        let n = { (k: Int) in WhatIfHTML.number(Int64(k)) }
        let movement = h.t("movement", ["ranked": n(ranked), "up": n(move.up), "down": n(move.down), "same": n(move.same),
                                        "changed": n(move.scoreChanged), "people": n(c.people.count)])
        h.line("<p>\(movement) <a href=\"people.html\">\(h.t("nav.everyone"))</a> · <a href=\"people.csv\" download>people.csv</a></p>")

        if c.assertionsNotHolding > 0 || !c.problems.isEmpty {
            h.line("<section class=\"block notice\" id=\"problems\">")
            h.line("<h2>\(h.t("problems"))</h2>")
            if c.assertionsNotHolding > 0 {
                h.line("<p>\(h.t("problems.assertions", ["n": n(c.assertionsNotHolding)]))</p>")
            }
            if !c.problems.isEmpty {
                h.line("<p>\(h.t("problems.errors", ["n": n(c.problems.count)]))</p>")
                // The diagnostics themselves are laurel's messages: English, as in the terminal.
                h.line("<ul class=\"lines\">")
                for d in c.problems { h.line("<li><code lang=\"en\">\(h.esc(d.description))</code></li>") }
                h.line("</ul>")
            }
            h.line("</section>")
        }
        h.close(c)
        return h.text
    }

    static func people(_ c: WhatIfComparison, theme: Theme) -> String {
        var h = WhatIfHTML(theme: theme, locale: c.locale)
        let rules = h.esc(c.proposedName), period = h.period(c.period), asOf = h.day(c.asOf)
        h.open(c, title: h.t("people.title", ["period": period]), current: "people.html")
        h.line("<h1>\(h.t("people.heading", ["period": period]))</h1>")
        h.line("<p class=\"lead\">\(h.t("people.lead", ["period": period, "asof": asOf, "rules": rules]))</p>")
        h.line("<p class=\"small\"><a href=\"people.csv\" download>people.csv</a></p>")
        h.people(caption: h.t("people.caption", ["n": WhatIfHTML.number(Int64(c.people.count))]), c.people, balances: true)
        h.close(c)
        return h.text
    }

    // MARK: CSV

    /// Everyone in id order (as data/people.json lists them).
    static func peopleCSV(_ c: WhatIfComparison) -> CSVFile {
        var csv = CSVFile(header: ["person", "name", "team", "team_name", "rank_current", "rank_proposed", "places",
                                   "score_current", "score_proposed", "score_change",
                                   "balance_current", "balance_proposed", "balance_change"])
        for r in c.people.sorted(by: { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }) {
            csv.append([.text(r.id), .text(r.name), .text(r.teamId), .text(r.team),
                        .optional(r.rankBefore.map(Int64.init)), .optional(r.rankAfter.map(Int64.init)), .optional(r.places.map(Int64.init)),
                        .number(r.scoreBefore), .number(r.scoreAfter), .number(r.scoreChange),
                        .number(r.balanceBefore), .number(r.balanceAfter), .number(r.balanceChange)])
        }
        return csv
    }

    static func categoriesCSV(_ c: WhatIfComparison) -> CSVFile {
        var csv = CSVFile(header: ["period", "category", "current", "proposed", "change"])
        for f in c.categories { csv.append([.text(c.period.description), .text(f.id), .number(f.before), .number(f.after), .number(f.change)]) }
        csv.append([.text(c.period.description), .text(""), .number(c.scored.before), .number(c.scored.after), .number(c.scored.change)])
        return csv
    }

    static func capsCSV(_ c: WhatIfComparison) -> CSVFile {
        var csv = CSVFile(header: ["period", "rule", "name", "current", "proposed", "change"])
        for f in c.caps { csv.append([.text(c.period.description), .text(f.id), .text(f.name), .number(f.before), .number(f.after), .number(f.change)]) }
        csv.append([.text(c.period.description), .text(""), .text(""), .number(c.capped.before), .number(c.capped.after), .number(c.capped.change)])
        return csv
    }
}

/// A page being written, line by line, in the portal's locale: UI strings from the theme
/// (`whatif.*`), HTML escaping for every text from the sources.
struct WhatIfHTML {
    let theme: Theme
    let locale: PortalSettings.Locale
    private(set) var text = ""

    init(theme: Theme, locale: PortalSettings.Locale) {
        self.theme = theme
        self.locale = locale
    }

    mutating func line(_ s: String) {
        text += s
        text += "\n"
    }

    /// The theme's `whatif.KEY` string as HTML, its `{name}` placeholders replaced by `values`
    /// (HTML already: escaped text or markup made here). A string the theme lacks shows as
    /// its key, as every label of the portal does (Theme.string).
    func t(_ key: String, _ values: [String: String] = [:]) -> String {
        SiteContext.fill(esc(theme.string("whatif." + key)), values)
    }

    /// A period and a day as the portal's pages write them, escaped.
    func period(_ p: Period) -> String { esc(LocaleFormat.period(p, locale)) }
    func day(_ d: Day) -> String { esc(LocaleFormat.day(d, locale)) }

    /// A rule category's name as the portal shows it (the theme's `category.ID`, else the id).
    func category(_ id: String) -> String { theme.strings["category." + id] ?? id }

    /// A name from the sources with its id beside it, small (the pages have no links; the CSV
    /// files are by id).
    func named(_ name: String, _ id: String) -> String {
        name == id || name.isEmpty ? esc(id) : "\(esc(name)) <small class=\"muted\">\(esc(id))</small>"
    }

    /// The rules the proposal changes, adds and removes, by id.
    func rulesLine(_ c: WhatIfComparison) -> String {
        func list(_ ids: [String]) -> String {
            ids.isEmpty ? t("rules.none") : ids.map(esc).joined(separator: t("rules.separator"))
        }
        return t("rules", ["changed": list(c.changed), "added": list(c.added), "removed": list(c.removed)])
    }
    /// Text for element content and attribute values (`Escape.html`).
    func esc(_ s: String) -> String { Escape.html(s) }

    static func number(_ n: Int64, sign: Bool = false) -> String { TerminalText.grouped(n, sign: sign) }

    /// The head of a page and its header. `title`: HTML (escaped text).
    mutating func open(_ c: WhatIfComparison, title: String, current: String) {
        line("<!doctype html>")
        line("<html lang=\"\(locale.rawValue)\">")
        line("<head>")
        line("<meta charset=\"utf-8\">")
        line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        line("<title>\(title) · \(esc(c.title))</title>")
        line("<meta name=\"color-scheme\" content=\"light\">")
        line("<meta name=\"robots\" content=\"noindex\">")
        line("<link rel=\"icon\" href=\"data:,\">")
        line("<link rel=\"stylesheet\" href=\"style.css\">")
        line("</head>")
        line("<body class=\"page-whatif\">")
        line("<a class=\"skip\" href=\"#main\">\(t("skip"))</a>")
        line("<header class=\"site-header\">")
        line("<div class=\"wrap\">")
        line("<a class=\"brand\" href=\"index.html\">\(t("brand", ["title": esc(c.title)]))</a>")
        line("<nav class=\"site-nav\" aria-label=\"\(t("nav"))\">")
        line("<ul>")
        for (href, name) in [("index.html", t("nav.summary")), ("people.html", t("nav.everyone"))] {
            line("<li><a href=\"\(href)\"\(href == current ? " aria-current=\"page\"" : "")>\(name)</a></li>")
        }
        line("</ul>")
        line("</nav>")
        line("</div>")
        line("</header>")
        line("<main id=\"main\" class=\"wrap\">")
    }

    mutating func close(_ c: WhatIfComparison) {
        line("</main>")
        line("<footer class=\"site-footer\">")
        line("<div class=\"wrap\">")
        line("<p class=\"asof\">\(t("foot.asof")) <strong>\(day(c.asOf))</strong>&nbsp;· \(t("foot.period")) \(period(c.period)) · \(t("foot.rules")) <code>\(esc(c.proposedName))</code></p>")
        line("<p class=\"muted\">\(t("foot.note"))</p>")
        line("</div>")
        line("</footer>")
        line("</body>")
        line("</html>")
    }

    /// `label`: HTML (escaped text).
    mutating func stat(_ label: String, _ n: Int64, main: Bool = false, sign: Bool = false) {
        line("<div class=\"stat\(main ? " main" : "")\"><dt>\(label)</dt><dd>\(WhatIfHTML.number(n, sign: sign))</dd></div>")
    }

    /// A table of figures: a row header, current, proposed, change. `caption`, `first` and the
    /// row headers: HTML (escaped text; row headers may have markup).
    mutating func figures(caption: String, first: String, rows: [(String, WhatIfComparison.Figure)]) {
        line("<div class=\"table-wrap\" role=\"region\" aria-label=\"\(caption)\" tabindex=\"0\">")
        line("<table>")
        line("<caption>\(caption)</caption>")
        line("<thead><tr><th scope=\"col\">\(first)</th><th scope=\"col\" class=\"num\">\(t("col.current"))</th><th scope=\"col\" class=\"num\">\(t("col.proposed"))</th><th scope=\"col\" class=\"num\">\(t("col.change"))</th></tr></thead>")
        line("<tbody>")
        for (head, f) in rows {
            line("<tr><th scope=\"row\">\(head)</th><td class=\"num\">\(WhatIfHTML.number(f.before))</td><td class=\"num\">\(WhatIfHTML.number(f.after))</td><td class=\"num\">\(WhatIfHTML.number(f.change, sign: true))</td></tr>")
        }
        line("</tbody>")
        line("</table>")
        line("</div>")
    }

    /// A table of people: name (id), team, ranks, places, scores (and balances). `caption`: HTML.
    mutating func people(caption: String, _ rows: [WhatIfComparison.PersonRow], balances: Bool) {
        line("<div class=\"table-wrap\" role=\"region\" aria-label=\"\(caption)\" tabindex=\"0\">")
        line("<table class=\"whatif-people\">")
        line("<caption>\(caption)</caption>")
        var head = "<thead><tr><th scope=\"col\">\(t("col.person"))</th><th scope=\"col\">\(t("col.team"))</th>"
        var numbers = ["col.rank.current", "col.rank.proposed", "col.places", "col.score.current", "col.score.proposed", "col.change"]
        if balances { numbers += ["col.balance.current", "col.balance.proposed"] }
        for key in numbers { head += "<th scope=\"col\" class=\"num\">\(t(key))</th>" }
        line(head + "</tr></thead>")
        line("<tbody>")
        for r in rows {
            var cells = "<tr><th scope=\"row\">\(named(r.name, r.id))</th><td>\(esc(r.team))</td>"
            cells += "<td class=\"num\">\(r.rankBefore.map(String.init) ?? "—")</td><td class=\"num\">\(r.rankAfter.map(String.init) ?? "—")</td>"
            cells += "<td class=\"num\">\(r.places.map { $0 == 0 ? "0" : ($0 > 0 ? "+\($0)" : "\($0)") } ?? "—")</td>"
            cells += "<td class=\"num\">\(WhatIfHTML.number(r.scoreBefore))</td><td class=\"num\">\(WhatIfHTML.number(r.scoreAfter))</td><td class=\"num\">\(WhatIfHTML.number(r.scoreChange, sign: true))</td>"
            if balances { cells += "<td class=\"num\">\(WhatIfHTML.number(r.balanceBefore))</td><td class=\"num\">\(WhatIfHTML.number(r.balanceAfter))</td>" }
            line(cells + "</tr>")
        }
        line("</tbody>")
        line("</table>")
        line("</div>")
    }
}
