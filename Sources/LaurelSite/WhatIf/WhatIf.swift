import LaurelPoints
import LaurelSources

/// `laurel what-if` (docs/what-if.md): the whole department computed twice by the one points
/// engine, with the current rules.yaml and with a proposed one in its place, and the two sets
/// of figures for one period side by side. Values in, values out: the caller reads the files
/// and writes the report.
public enum WhatIf {
    public enum Result: Sendable {
        /// The content itself has errors (exactly what `laurel check` reports): nothing compared.
        case contentErrors([Diagnostic])
        /// The proposed rules file has errors, at its own path and lines: nothing compared.
        case proposedErrors([Diagnostic])
        /// The comparison, and the warnings to print (the content's own, the proposed file's).
        case compared(WhatIfComparison, warnings: [Diagnostic])
    }

    /// Checks and computes `tree` as it is, then with `proposed` as its rules.yaml.
    ///
    /// - `proposedPath`: how diagnostics name the proposed file (the argument as given).
    /// - `period`: the period compared; nil for the leaderboard period (portal.yaml) that
    ///   contains `asOf`, the one the portal's leaderboard shows.
    public static func compare(_ tree: SourceTree, proposed: [UInt8], proposedPath: String, asOf: Day,
                               period: Period? = nil, jobs: Int = 2) -> Result {
        var proposedTree = tree
        proposedTree.files["rules.yaml"] = proposed
        let rulesPath = tree.display("rules.yaml")

        // The current rules first: what the portal shows now. Its figures are kept and the run
        // let go before the second, so a large department is held once at a time.
        let current: WhatIfSide
        let currentRules: [Rule]
        let currentWarnings: [Diagnostic]
        let compared: Period
        let settings: PortalSettings
        do {
            let run = PortalRun.check(tree, asOf: .day(asOf), jobs: jobs)
            guard !run.hasErrors, let book = run.book else { return .contentErrors(run.diagnostics) }
            compared = period ?? book.period
            current = WhatIfSide(run.sources, book, period: compared, jobs: jobs)
            currentRules = run.sources.rules
            currentWarnings = run.diagnostics
            settings = run.sources.settings
        }

        let run = PortalRun.check(proposedTree, asOf: .day(asOf), jobs: jobs)
        var inProposedFile: [Diagnostic] = []
        var elsewhere: [Diagnostic] = []
        // Balance assertions state balances under the current rules; under other rules they
        // cannot hold, and saying so for each is no news (their count is reported instead).
        var assertions = Set<String>()
        for e in run.sources.ledger.entries where e.verb == .balance {
            let at = run.sources.ledger.location(of: e)
            assertions.insert("\(at.path)\u{0}\(at.line)")
        }
        var assertionsNotHolding = 0
        for d in run.diagnostics {
            if d.path == rulesPath {
                inProposedFile.append(Diagnostic(path: proposedPath, line: d.line, column: d.column, severity: d.severity, message: d.message))
            } else if d.severity == .error {
                if assertions.contains("\(d.path)\u{0}\(d.line)") { assertionsNotHolding += 1 } else { elsewhere.append(d) }
            }
        }
        if inProposedFile.contains(where: { $0.severity == .error }) || run.book == nil {
            return .proposedErrors(inProposedFile)
        }
        guard let book = run.book else { return .proposedErrors(inProposedFile) }
        inProposedFile += futureVersions(run.sources.rules, currentRules, asOf: asOf, period: compared, path: proposedPath)
        let proposedSide = WhatIfSide(run.sources, book, period: compared, jobs: jobs)
        let changes = RuleChanges(current: currentRules, proposed: run.sources.rules)
        let comparison = WhatIfComparison(
            sources: run.sources, settings: settings, period: compared, asOf: asOf, proposedPath: proposedPath,
            current: current, proposed: proposedSide, currentRules: currentRules, changes: changes,
            problems: elsewhere.sorted(), assertionsNotHolding: assertionsNotHolding)
        return .compared(comparison, warnings: (currentWarnings + inProposedFile).sorted())
    }

    /// A note at each proposed version that starts after the as-of date and is not in the
    /// current rules: no ledger entry is under it yet, so the comparison cannot show it.
    static func futureVersions(_ proposed: [Rule], _ current: [Rule], asOf: Day, period: Period, path: String) -> [Diagnostic] {
        var notes: [Diagnostic] = []
        for rule in proposed {
            let before = current.first { $0.id == rule.id }
            for version in rule.versions where version.since > asOf {
                if let before, before.versions.contains(where: { RuleChanges.terms($0) == RuleChanges.terms(version) }) { continue }
                notes.append(Diagnostic(
                    path: path, line: version.location.line, column: version.location.column, severity: .warning,
                    message: "this version of '\(rule.id)' starts on \(version.since), after the as-of date \(asOf): no ledger entry is under it yet, so what-if shows nothing of it; to see what it would have done in \(period), date it \(period.firstDay) or earlier"))
            }
        }
        return notes
    }
}

/// Which rules a proposed rules.yaml adds, removes or changes (any term of any version, the
/// name, category, page or kind), by id, in rules.yaml order.
struct RuleChanges: Sendable {
    var added: [String] = []
    var removed: [String] = []
    var changed: [String] = []

    init(current: [Rule], proposed: [Rule]) {
        let before = Dictionary(current.map { ($0.id, RuleChanges.signature($0, in: current)) }, uniquingKeysWith: { a, _ in a })
        let after = Set(proposed.map(\.id))
        for rule in proposed {
            guard let old = before[rule.id] else { added.append(rule.id); continue }
            if old != RuleChanges.signature(rule, in: proposed) { changed.append(rule.id) }
        }
        removed = current.map(\.id).filter { !after.contains($0) }
    }

    /// Everything about a rule that can change a figure or its page, without source lines.
    static func signature(_ rule: Rule, in rules: [Rule]) -> String {
        var s = "\(rule.name)\u{0}\(rule.category)\u{0}\(rule.page ?? "")\u{0}"
        switch rule.kind {
        case .activity: s += "activity"
        case .target(let metric, let period):
            s += "target \(metric >= 0 && Int(metric) < rules.count ? rules[Int(metric)].id : "") \(period.rawValue)"
        }
        for v in rule.versions { s += "\u{0}" + terms(v) }
        return s
    }

    static func terms(_ v: RuleVersion) -> String {
        let cap = v.cap.map { "\($0.max)/\($0.per.rawValue)" } ?? "-"
        return "\(v.since) \(v.per.map(String.init) ?? "-") \(v.points) \(cap) \(v.expiry?.description ?? "-") \(v.retired)"
    }
}
