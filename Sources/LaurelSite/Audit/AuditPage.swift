import LaurelPoints
import LaurelSources

extension Address {
    /// The fairness audit (managers' build only): cumulative, and per leaderboard period.
    public static let audit = "audit/"
    public static func audit(_ period: Period?) -> String { period.map { "audit/\($0)/" } ?? audit }
}

extension SiteContext {
    /// Shown ledger lines per flag; the CSV holds them all.
    static let auditLines = 8

    /// Every audit of the build: cumulative first, then each leaderboard period, newest first.
    func audits(jobs: Int) -> [FairnessAudit] {
        let periods: [Period?] = [nil] + scores.periods(sources.settings.period, asOf: book.asOf).reversed().map { Optional($0) }
        return Parallel.map(periods.count, jobs: jobs) { [self] k in FairnessAudit(sources, book, period: periods[k]) }
    }

    /// The audit page: the flags of one scope grouped by kind, each with the sentence saying
    /// why it may matter, its figures and its ledger lines (linked to the person's history).
    func auditPage(_ audit: FairnessAudit, all: [FairnessAudit]) -> View {
        let at = Address.audit(audit.period)
        let scopeName = audit.period.map { LocaleFormat.period($0, locale) } ?? label("audit.cumulative")
        var root = root(at: at, title: label("audit.title") + " · " + scopeName)
        root.set(.count, .number(Int64(audit.flags.count)))
        root.set(.people, .number(Int64(audit.people)))
        root.set(.csvfile, .text("flags.csv"))
        root.set(.periods, .list(all.map { a in
            View([(.name, .text(a.period.map { LocaleFormat.period($0, locale) } ?? label("audit.cumulative"))),
                  (.url, .text(Address.link(from: at, to: Address.audit(a.period)))), (.current, .bool(a.period == audit.period))])
        }))
        let t = sources.settings.audit
        root.set(.flags, .list(AuditFlag.Kind.allCases.map { kind in
            let flags = audit.flags.filter { $0.kind == kind }
            let shown = SiteContext.strongest(flags, SiteContext.auditFlagsShown)
            let key = "audit." + kind.rawValue
            var view = View([(.id, .text(kind.rawValue)), (.name, .text(label(key + ".name"))), (.why, .text(label(key + ".why"))),
                             (.rule, .text(SiteContext.fill(label(key + ".threshold"), threshold(kind, t)))),
                             (.count, .number(Int64(flags.count))),
                             (.rows, .list(shown.map { auditRow($0, at: at) }))])
            if shown.count < flags.count { view.set(.shown, .number(Int64(shown.count))) }
            return view
        }))
        return root
    }

    /// Flags of one kind shown on the page; the CSV holds them all. A department of thousands
    /// can raise thousands of flags of one kind (the cumulative audit of the 10,000-person
    /// benchmark was a 7.9 MB page): the page shows the strongest, which is where a manager
    /// starts.
    static let auditFlagsShown = 50

    /// The `limit` strongest flags, strongest first; equal ones in the audit's order (person,
    /// approver, rule, amount). Strength: how far past its threshold a flag is, as the kind
    /// measures it: robust deviations for an outlier, occurrences for a repeated amount, the
    /// share for every other kind.
    static func strongest(_ flags: [AuditFlag], _ limit: Int) -> [AuditFlag] {
        func strength(_ f: AuditFlag) -> Double {
            switch f.kind {
            case .outlier: return abs(f.deviations)
            case .repeated: return Double(f.count)
            default: return f.total > 0 ? Double(f.count) / Double(f.total) : 0
            }
        }
        let ranked = flags.indices.sorted { a, b in
            let sa = strength(flags[a]), sb = strength(flags[b])
            return sa != sb ? sa > sb : a < b
        }
        return ranked.prefix(limit).map { flags[$0] }
    }

    func auditRow(_ flag: AuditFlag, at: String) -> View {
        var view = View([(.person, .object(personLink(flag.person, from: at)))])
        if flag.approver >= 0 { view.set(.approver, .object(personLink(flag.approver, from: at))) }
        var values: [String: String] = ["count": String(flag.count), "total": String(flag.total), "value": String(flag.value),
                                        "median": AuditExport.decimal(flag.median), "z": AuditExport.decimal(abs(flag.deviations)),
                                        "share": flag.total > 0 ? String(flag.count * 100 / flag.total) : "0"]
        if flag.rule >= 0 { values["rule"] = sources.rules[flag.rule].name }
        view.set(.figure, .text(SiteContext.fill(label("audit." + flag.kind.rawValue + ".figure"), values)))
        let entries = sources.ledger.entries
        let prefixes = sourcePrefixes
        view.set(.lines, .list(flag.entries.prefix(SiteContext.auditLines).map { i in
            let e = entries[Int(i)]
            let owner = sources.people[Int(e.person)].id
            return View([(.source, .text(prefixes[Int(e.file)] + String(e.line))), (.date, .day(e.date)),
                         (.url, .text(Address.link(from: at, to: Address.person(owner)) + "#history"))])
        }))
        view.set(.more, .number(Int64(max(0, flag.entries.count - SiteContext.auditLines))))
        return view
    }

    /// The thresholds as the page states them (shares in per cent).
    func threshold(_ kind: AuditFlag.Kind, _ t: AuditThresholds) -> [String: String] {
        func decimal(_ thousandths: Int64) -> String {
            thousandths % 1000 == 0 ? String(thousandths / 1000) : AuditExport.decimal(Double(thousandths) / 1000)
        }
        func percent(_ thousandths: Int64) -> String { thousandths % 10 == 0 ? String(thousandths / 10) : String(Double(thousandths) / 10) }
        switch kind {
        case .outlier: return ["k": decimal(t.outlierMAD), "n": String(FairnessAudit.outlierPopulation)]
        case .cap: return ["share": percent(t.capShare), "n": String(t.capWindows)]
        case .pair: return ["share": percent(t.pairShare), "n": String(t.awardCount)]
        case .team: return ["share": percent(t.teamShare), "n": String(t.awardCount)]
        case .reversal: return ["share": percent(t.reversalShare), "n": String(t.minEntries)]
        case .lastDays: return ["share": percent(t.lastDaysShare), "days": String(t.lastDays), "n": String(t.minEntries)]
        case .repeated: return ["n": String(t.repeatCount)]
        }
    }

    /// `{name}` placeholders of a theme string replaced (the values are escaped by the template),
    /// in one pass: a value is never searched again, so a rule named `{total}` stays as named.
    /// An unknown `{name}` is kept as written.
    static func fill(_ text: String, _ values: [String: String]) -> String {
        guard text.utf8.contains(UInt8(ascii: "{")) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}"), let value = values[String(rest[afterOpen..<close])] else {
                out.append("{")
                rest = rest[afterOpen...]
                continue
            }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }
}
