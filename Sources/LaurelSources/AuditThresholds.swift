/// The fairness audit's thresholds (docs/audit.md): the optional `audit:` mapping of
/// portal.yaml. Every key is optional and has the default below; FORMAT.md is unchanged,
/// a portal without the mapping reads as before.
///
/// Shares and the outlier distance are simple decimals (`0.5`, `3`, `2.75`: digits, at most
/// one point, at most three decimals), kept as thousandths so that every comparison is
/// integer arithmetic and gives the same answer on every machine.
public struct AuditThresholds: Sendable, Equatable {
    /// Scores more than this many robust standard deviations (1.4826 × MAD) from the median.
    public var outlierMAD: Int64 = 3000
    /// At a cap in more than this share of the windows the person earned in under a capped rule…
    public var capShare: Int64 = 500
    /// …counting only people with at least this many such windows.
    public var capWindows: Int64 = 3
    /// An approver with at least this many awards is looked at for the two award flags.
    public var awardCount: Int64 = 3
    /// More than this share of one approver's awards went to one receiver.
    public var pairShare: Int64 = 500
    /// More than this share of one approver's awards went to members of the approver's team.
    public var teamShare: Int64 = 500
    /// People with at least this many earn and award entries are looked at for the reversal
    /// and the last-days flags.
    public var minEntries: Int64 = 5
    /// More than this share of a person's earn and award entries were reversed.
    public var reversalShare: Int64 = 200
    /// The last this many days of each leaderboard period…
    public var lastDays: Int64 = 2
    /// …hold more than this share of a person's earned points.
    public var lastDaysShare: Int64 = 500
    /// The same rule and the same `amount:` at least this many times for one person.
    public var repeatCount: Int64 = 5

    public init() {}

    /// The keys of `audit:` in portal.yaml, in the order docs/audit.md lists them.
    public static let keys = ["outlier-mad", "cap-share", "cap-windows", "award-count", "pair-share", "team-share",
                              "min-entries", "reversal-share", "last-days", "last-days-share", "repeat-count"]

    /// A decimal as thousandths: `0.5` → 500, `3` → 3000; nil unless digits with at most one
    /// point and at most three decimals.
    public static func thousandths(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.utf8.count <= 6,
              whole.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let w = Int64(whole) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard !f.isEmpty, f.utf8.count <= 3, f.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let digits = Int64(f) else { return nil }
            fraction = digits * [1, 100, 10, 1][f.utf8.count]
        }
        return w * 1000 + fraction
    }
}

extension SourcesLoader {
    /// portal.yaml's `audit:` mapping: unknown keys and wrong values are errors at their
    /// line and column, like every other key of portal.yaml.
    func auditThresholds(_ y: inout StrictYAML, _ node: YAMLNode) -> AuditThresholds? {
        guard let f = y.mapping(node, what: "audit", allowed: AuditThresholds.keys) else { return nil }
        var t = AuditThresholds()
        var ok = true
        func decimal(_ key: String, _ range: ClosedRange<Int64>, _ set: (Int64) -> Void) {
            guard let n = f[key] else { return }
            guard case .scalar(let s) = n, s.style == .plain, let v = AuditThresholds.thousandths(s.string) else {
                y.error(at: n, "expected a decimal number for audit \(key) (such as 0.5 or 3, at most three decimals), found \(StrictYAML.shown(n))")
                ok = false
                return
            }
            guard range.contains(v) else {
                y.error(at: n, "audit \(key) must be between \(Double(range.lowerBound) / 1000) and \(Double(range.upperBound) / 1000), found \(s.string)")
                ok = false
                return
            }
            set(v)
        }
        func whole(_ key: String, _ range: ClosedRange<Int64>, _ set: (Int64) -> Void) {
            guard let n = f[key] else { return }
            if let v = y.whole(n, what: "audit \(key)", range: range) { set(v) } else { ok = false }
        }
        decimal("outlier-mad", 1...1_000_000) { t.outlierMAD = $0 }
        decimal("cap-share", 0...1000) { t.capShare = $0 }
        whole("cap-windows", 1...10_000) { t.capWindows = $0 }
        whole("award-count", 1...1_000_000) { t.awardCount = $0 }
        decimal("pair-share", 0...1000) { t.pairShare = $0 }
        decimal("team-share", 0...1000) { t.teamShare = $0 }
        whole("min-entries", 1...1_000_000) { t.minEntries = $0 }
        decimal("reversal-share", 0...1000) { t.reversalShare = $0 }
        whole("last-days", 1...28) { t.lastDays = $0 }
        decimal("last-days-share", 0...1000) { t.lastDaysShare = $0 }
        whole("repeat-count", 2...1_000_000) { t.repeatCount = $0 }
        return ok ? t : nil
    }
}
