import LaurelSources

/// The comparison as `laurel what-if` prints it: plain text in aligned columns that fits 80
/// columns, Chinese names counted two columns a character (TerminalText). Totals, categories
/// and caps in full; of the people, the biggest movers up and down.
public enum WhatIfReport {
    static let label = 40
    static let number = 12

    public static func text(_ c: WhatIfComparison, top: Int, proposedPath: String, rulesPath: String) -> String {
        var out: [String] = []
        out.append("What-if: \(TerminalText.safe(proposedPath)) in place of \(TerminalText.safe(rulesPath))")
        out.append("\(TerminalText.safe(c.title)), as of \(c.asOf), period \(c.period)")
        out.append(rulesLine(c))
        if c.isUnchanged { out.append("No figure changes: the proposed rules give the same results as the current ones.") }
        out.append("")

        out.append(header("", "current", "proposed", "change"))
        out.append(row("Points liability on \(c.asOf)", c.liability))
        if c.heldByLeavers.before != 0 || c.heldByLeavers.after != 0 {
            out.append(row("  held by people who left (not counted)", c.heldByLeavers))
        }
        out.append(row("Points scored in \(c.period)", c.scored))
        out.append(row("Points cut by caps in \(c.period)", c.capped))
        out.append("")

        out.append(header("By category, \(c.period)", "current", "proposed", "change"))
        for f in c.categories { out.append(row("  " + f.id, f)) }
        out.append("")

        out.append(header("Cut by caps, \(c.period)", "current", "proposed", "change"))
        if c.caps.isEmpty { out.append("  (no rule has a cap)") }
        for f in c.caps { out.append(row("  \(f.id) \(TerminalText.safe(f.name))", f)) }
        out.append("")

        let ranked = c.people.filter { $0.rankAfter != nil }.count
        for up in [true, false] {
            let movers = c.movers(up: up, top: top)
            out.append("Biggest movers \(up ? "up" : "down"), \(c.period) (top \(top) of \(TerminalText.grouped(Int64(ranked))) ranked)")
            if movers.isEmpty {
                out.append("  (nobody moves \(up ? "up" : "down"))")
            } else {
                out.append(moverHeader())
                for m in movers { out.append(moverRow(m)) }
            }
            out.append("")
        }

        let move = c.movement
        let n = { (k: Int) in TerminalText.grouped(Int64(k)) }
        out.append("\(n(ranked)) ranked: \(n(move.up)) up, \(n(move.down)) down, \(n(move.same)) in the same place; the score of \(n(move.scoreChanged)) of \(n(c.people.count)) people changes.")
        if c.assertionsNotHolding > 0 {
            out.append("\(TerminalText.grouped(Int64(c.assertionsNotHolding))) balance assertions of the ledger would not hold under the proposed rules (not checked: they state balances under the current rules).")
        }
        if !c.problems.isEmpty {
            out.append("\(TerminalText.grouped(Int64(c.problems.count))) entries or pages would be errors under the proposed rules (printed above as warnings): a build with these rules would fail until they are fixed; the proposed figures leave those entries out.")
        }
        return out.flatMap { TerminalText.wrap($0) }.joined(separator: "\n") + "\n"
    }

    static func rulesLine(_ c: WhatIfComparison) -> String {
        func list(_ ids: [String]) -> String { ids.isEmpty ? "none" : ids.joined(separator: ", ") }
        return "Rules changed: \(list(c.changed)); added: \(list(c.added)); removed: \(list(c.removed))"
    }

    static func header(_ title: String, _ a: String, _ b: String, _ d: String) -> String {
        trimmed(TerminalText.cell(title, label) + TerminalText.cell(a, number, alignRight: true)
            + TerminalText.cell(b, number, alignRight: true) + TerminalText.cell(d, number, alignRight: true))
    }

    static func row(_ title: String, _ f: WhatIfComparison.Figure) -> String {
        TerminalText.cell(title, label) + TerminalText.cell(TerminalText.grouped(f.before), number, alignRight: true)
            + TerminalText.cell(TerminalText.grouped(f.after), number, alignRight: true)
            + TerminalText.cell(TerminalText.grouped(f.change, sign: true), number, alignRight: true)
    }

    // Movers: "  " + name 14 + " " + team 12 + " " + rank 13 + three numbers of 11 = 76 columns.
    static func moverHeader() -> String {
        "  " + TerminalText.cell("name", 14) + " " + TerminalText.cell("team", 12) + " "
            + TerminalText.cell("rank", 13) + TerminalText.cell("score now", 11, alignRight: true)
            + TerminalText.cell("proposed", 11, alignRight: true) + TerminalText.cell("change", 11, alignRight: true)
    }

    static func moverRow(_ m: WhatIfComparison.PersonRow) -> String {
        let rank = TerminalText.cell(m.rankBefore.map(String.init) ?? "-", 5, alignRight: true) + " → "
            + TerminalText.cell(m.rankAfter.map(String.init) ?? "-", 5)
        return "  " + TerminalText.cell(TerminalText.safe(m.name), 14) + " " + TerminalText.cell(TerminalText.safe(m.team), 12) + " "
            + rank + TerminalText.cell(TerminalText.grouped(m.scoreBefore), 11, alignRight: true)
            + TerminalText.cell(TerminalText.grouped(m.scoreAfter), 11, alignRight: true)
            + TerminalText.cell(TerminalText.grouped(m.scoreChange, sign: true), 11, alignRight: true)
    }

    static func trimmed(_ s: String) -> String {
        var t = s
        while t.hasSuffix(" ") { t.removeLast() }
        return t
    }
}
