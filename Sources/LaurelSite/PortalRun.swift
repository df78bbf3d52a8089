import Foundation
import LaurelPoints
import LaurelSources

/// Which day the portal is computed for (`--as-of`).
public enum AsOf: Sendable {
    case day(Day)
    /// Today in the portal's time zone (portal.yaml), at this instant: the command line's default.
    case today(Date)
}

/// Time spent in each stage, for the build summary and the benchmark.
public struct StageTimes: Sendable {
    public private(set) var stages: [(name: String, seconds: Double)] = []
    public init() {}

    public mutating func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            let d = clock.now - start
            stages.append((name, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18))
        }
        return try body()
    }

    public mutating func record(_ name: String, since start: ContinuousClock.Instant) {
        let d = ContinuousClock().now - start
        stages.append((name, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18))
    }

    public var summary: String {
        stages.map { "\($0.name) \(String(format: "%.3f", $0.seconds))s" }.joined(separator: ", ")
    }
}

/// The checked and computed portal: what `laurel check` reports and `laurel build` renders.
public struct PortalRun: Sendable {
    public var sources: PortalSources
    public var book: PointsBook?
    public var asOf: Day
    /// Every problem, sorted by path, line and column; the build publishes nothing if any is an error.
    public var diagnostics: [Diagnostic]
    public var times: StageTimes

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Reads, validates and computes. Engine errors are reported only when the sources are
    /// otherwise clean enough to compute (every source error is reported in any case).
    /// `ledgerCache`: ledger chunks an earlier build parsed (`ParsedLedgerCache`); the result
    /// is the same with or without.
    public static func check(_ tree: consuming SourceTree, asOf: AsOf, jobs: Int = 2, times: StageTimes = StageTimes(),
                             ledgerCache: ParsedLedgerCache? = nil) -> PortalRun {
        var times = times
        let start = ContinuousClock().now
        let (sources, sourceDiagnostics) = PortalSources.load(tree, jobs: jobs, ledgerCache: ledgerCache)  // the tree moves in: held once
        times.record("validate", since: start)
        var diagnostics = sourceDiagnostics + AddressCheck.problems(sources)
        let day: Day
        switch asOf {
        case .day(let d): day = d
        case .today(let now):
            day = TimeZoneCheck.today(in: sources.settings.timezone, now: now) ?? Day(serial: 0)
        }
        let (book, engineDiagnostics) = times.measure("compute") { PointsEngine.compute(sources, asOf: day, jobs: jobs) }
        diagnostics += engineDiagnostics
        diagnostics.sort()
        return PortalRun(sources: sources, book: book, asOf: day, diagnostics: diagnostics, times: times)
    }
}
