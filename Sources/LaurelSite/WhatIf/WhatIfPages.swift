import LaurelSources

/// The page set `laurel what-if --output DIR` writes (docs/what-if.md): `index.html` (the
/// totals, the categories, the caps and the movers), `people.html` (everyone), the CSV files of
/// the people and the totals (CSVFile), and the portal's style sheet. Static HTML without
/// script, every text from the sources escaped, the same bytes for the same inputs.
public enum WhatIfPages {
    /// The files by path in the folder, sorted. `style`: the theme's style.css, copied.
    public static func files(_ c: WhatIfComparison, top: Int, style: [UInt8]) -> [(path: String, bytes: [UInt8])] {
        [
            ("caps.csv", capsCSV(c).bytes),
            ("categories.csv", categoriesCSV(c).bytes),
            ("index.html", Array(index(c, top: top).utf8)),
            ("people.csv", peopleCSV(c).bytes),
            ("people.html", Array(people(c).utf8)),
            ("style.css", style),
        ]
    }

    // MARK: pages

    static func index(_ c: WhatIfComparison, top: Int) -> String {
        var h = WhatIfHTML()
        h.open(c, title: "What-if: \(c.proposedName), \(c.period)", current: "index.html")
        h.line("<h1>What if \(h.esc(c.proposedName)) were the rules</h1>")
        h.line("<p class=\"lead\">The whole department computed twice by the points engine, as of \(c.asOf): with the current rules.yaml and with \(h.esc(c.proposedName)) in its place. Scores, ranks, categories and caps are for \(c.period).</p>")
        h.line("<p class=\"note\">A managers&#39; preview, not part of the portal: nothing published changed. It lists everyone, also people who opted out of public ranking (they have no rank).</p>")
        h.line("<p>\(h.esc(WhatIfReport.rulesLine(c)))</p>")
        if c.isUnchanged { h.line("<p class=\"note\">No figure changes: the proposed rules give the same results as the current ones.</p>") }

        h.line("<dl class=\"stats\">")
        h.stat("Points liability now", c.liability.before, main: true)
        h.stat("Points liability, proposed", c.liability.after, main: true)
        h.stat("Change in liability", c.liability.change, sign: true)
        h.stat("Points scored in \(c.period), change", c.scored.change, sign: true)
        h.line("</dl>")

        h.line("<section class=\"block\" id=\"totals\">")
        h.line("<h2>Totals</h2>")
        var totals: [(String, WhatIfComparison.Figure)] = [
            ("Points liability on \(c.asOf)", c.liability),
            ("Points scored in \(c.period)", c.scored),
            ("Points cut by caps in \(c.period)", c.capped),
        ]
        if c.heldByLeavers.before != 0 || c.heldByLeavers.after != 0 {
            totals.insert(("Held by people who left (not in the liability)", c.heldByLeavers), at: 1)
        }
        h.figures(caption: "Totals, current and proposed rules", first: "figure", rows: totals.map { (h.esc($0.0), $0.1) })
        h.line("<p class=\"muted small\">The liability is the sum of the available balances at the end of \(c.asOf) of everyone who can still redeem (not left before that day): the points the rewards must cover.</p>")
        h.line("</section>")

        h.line("<section class=\"block\" id=\"categories\">")
        h.line("<h2>Points scored by category, \(c.period)</h2>")
        h.figures(caption: "Score points of everyone in \(c.period) per rule category", first: "category",
                  rows: c.categories.map { ("<code>\(h.esc($0.id))</code>", $0) })
        h.line("<p class=\"small\"><a href=\"categories.csv\" download>categories.csv</a></p>")
        h.line("</section>")

        h.line("<section class=\"block\" id=\"caps\">")
        h.line("<h2>Points cut by caps, \(c.period)</h2>")
        if c.caps.isEmpty {
            h.line("<p class=\"muted\">No rule has a cap under either rules.</p>")
        } else {
            h.figures(caption: "Points caps cut off in \(c.period), per rule", first: "rule",
                      rows: c.caps.map { ("<code>\(h.esc($0.id))</code> \(h.esc($0.name))", $0) })
        }
        h.line("<p class=\"small\"><a href=\"caps.csv\" download>caps.csv</a></p>")
        h.line("</section>")

        let ranked = c.people.filter { $0.rankAfter != nil }.count
        for up in [true, false] {
            let movers = c.movers(up: up, top: top)
            let word = up ? "up" : "down"
            h.line("<section class=\"block\" id=\"movers-\(word)\">")
            h.line("<h2>Biggest movers \(word), \(c.period) <span class=\"sub\">top \(top) of \(ranked) ranked</span></h2>")
            if movers.isEmpty {
                h.line("<p class=\"muted\">Nobody moves \(word).</p>")
            } else {
                h.people(caption: "People who move \(word) most on the \(c.period) board", movers, balances: false)
            }
            h.line("</section>")
        }
        let move = c.movement
        h.line("<p>\(ranked) ranked: \(move.up) up, \(move.down) down, \(move.same) in the same place; the score of \(move.scoreChanged) of \(c.people.count) people changes. <a href=\"people.html\">Everyone</a> · <a href=\"people.csv\" download>people.csv</a></p>")

        if c.assertionsNotHolding > 0 || !c.problems.isEmpty {
            h.line("<section class=\"block notice\" id=\"problems\">")
            h.line("<h2>What a build with these rules would say</h2>")
            if c.assertionsNotHolding > 0 {
                h.line("<p>\(c.assertionsNotHolding) balance assertions of the ledger would not hold (they state balances under the current rules; what-if does not check them).</p>")
            }
            if !c.problems.isEmpty {
                h.line("<p>\(c.problems.count) errors in the other sources: the proposed figures leave those entries out, as a build would, and a build with these rules would fail until they are fixed.</p>")
                h.line("<ul class=\"lines\">")
                for d in c.problems { h.line("<li><code>\(h.esc(d.description))</code></li>") }
                h.line("</ul>")
            }
            h.line("</section>")
        }
        h.close(c)
        return h.text
    }

    static func people(_ c: WhatIfComparison) -> String {
        var h = WhatIfHTML()
        h.open(c, title: "What-if: everyone, \(c.period)", current: "people.html")
        h.line("<h1>Everyone, \(c.period)</h1>")
        h.line("<p class=\"lead\">Score and rank in \(c.period) and the balance on \(c.asOf), with the current rules and with \(h.esc(c.proposedName)), by proposed score. People who opted out of public ranking have no rank.</p>")
        h.line("<p class=\"small\"><a href=\"people.csv\" download>people.csv</a></p>")
        h.people(caption: "\(c.people.count) people, current and proposed rules", c.people, balances: true)
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

/// A page being written, line by line, with HTML escaping for every text from the sources.
struct WhatIfHTML {
    private(set) var text = ""

    mutating func line(_ s: String) {
        text += s
        text += "\n"
    }

    /// Text for element content and attribute values: `&`, `<`, `>`, `"` and `'` as entities.
    func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters are not allowed in HTML text; U+FFFD shows that one was there.
                let v = ch.value
                if (v < 0x20 && v != 0x09 && v != 0x0A) || (0x7F...0x9F).contains(v) { out += "\u{FFFD}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    static func number(_ n: Int64, sign: Bool = false) -> String { TerminalText.grouped(n, sign: sign) }

    mutating func open(_ c: WhatIfComparison, title: String, current: String) {
        line("<!doctype html>")
        line("<html lang=\"en\">")
        line("<head>")
        line("<meta charset=\"utf-8\">")
        line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        line("<title>\(esc(title)) · \(esc(c.title))</title>")
        line("<meta name=\"color-scheme\" content=\"light\">")
        line("<meta name=\"robots\" content=\"noindex\">")
        line("<link rel=\"icon\" href=\"data:,\">")
        line("<link rel=\"stylesheet\" href=\"style.css\">")
        line("</head>")
        line("<body class=\"page-whatif\">")
        line("<a class=\"skip\" href=\"#main\">Skip to the content</a>")
        line("<header class=\"site-header\">")
        line("<div class=\"wrap\">")
        line("<a class=\"brand\" href=\"index.html\">\(esc(c.title)) · what-if</a>")
        line("<nav class=\"site-nav\" aria-label=\"What-if pages\">")
        line("<ul>")
        for (href, name) in [("index.html", "Summary"), ("people.html", "Everyone")] {
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
        line("<p class=\"asof\">As of <strong>\(c.asOf)</strong>&nbsp;· period \(c.period) · proposed rules <code>\(esc(c.proposedName))</code></p>")
        line("<p class=\"muted\">Written by laurel what-if; every figure comes from the points engine.</p>")
        line("</div>")
        line("</footer>")
        line("</body>")
        line("</html>")
    }

    mutating func stat(_ label: String, _ n: Int64, main: Bool = false, sign: Bool = false) {
        line("<div class=\"stat\(main ? " main" : "")\"><dt>\(esc(label))</dt><dd>\(WhatIfHTML.number(n, sign: sign))</dd></div>")
    }

    /// A table of figures: a row header (already escaped HTML), current, proposed, change.
    mutating func figures(caption: String, first: String, rows: [(String, WhatIfComparison.Figure)]) {
        line("<div class=\"table-wrap\" role=\"region\" aria-label=\"\(esc(caption))\" tabindex=\"0\">")
        line("<table>")
        line("<caption>\(esc(caption))</caption>")
        line("<thead><tr><th scope=\"col\">\(esc(first))</th><th scope=\"col\" class=\"num\">current</th><th scope=\"col\" class=\"num\">proposed</th><th scope=\"col\" class=\"num\">change</th></tr></thead>")
        line("<tbody>")
        for (head, f) in rows {
            line("<tr><th scope=\"row\">\(head)</th><td class=\"num\">\(WhatIfHTML.number(f.before))</td><td class=\"num\">\(WhatIfHTML.number(f.after))</td><td class=\"num\">\(WhatIfHTML.number(f.change, sign: true))</td></tr>")
        }
        line("</tbody>")
        line("</table>")
        line("</div>")
    }

    /// A table of people: name (id), team, ranks, places, scores (and balances).
    mutating func people(caption: String, _ rows: [WhatIfComparison.PersonRow], balances: Bool) {
        line("<div class=\"table-wrap\" role=\"region\" aria-label=\"\(esc(caption))\" tabindex=\"0\">")
        line("<table class=\"whatif-people\">")
        line("<caption>\(esc(caption))</caption>")
        var head = "<thead><tr><th scope=\"col\">person</th><th scope=\"col\">team</th><th scope=\"col\" class=\"num\">rank now</th><th scope=\"col\" class=\"num\">rank proposed</th><th scope=\"col\" class=\"num\">places</th><th scope=\"col\" class=\"num\">score now</th><th scope=\"col\" class=\"num\">score proposed</th><th scope=\"col\" class=\"num\">change</th>"
        if balances { head += "<th scope=\"col\" class=\"num\">balance now</th><th scope=\"col\" class=\"num\">balance proposed</th>" }
        line(head + "</tr></thead>")
        line("<tbody>")
        for r in rows {
            var cells = "<tr><th scope=\"row\">\(esc(r.name)) <small class=\"muted\">\(esc(r.id))</small></th><td>\(esc(r.team))</td>"
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
