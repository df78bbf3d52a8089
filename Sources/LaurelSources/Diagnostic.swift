/// One problem found in the sources, printed as `PATH:LINE:COLUMN: error: MESSAGE`.
public struct Diagnostic: Hashable, Comparable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public let path: String
    public let line: Int
    public let column: Int
    public let severity: Severity
    public let message: String

    public init(path: String, line: Int, column: Int, severity: Severity = .error, message: String) {
        self.path = path
        self.line = max(line, 1)
        self.column = max(column, 1)
        self.severity = severity
        self.message = message
    }

    public var description: String { "\(path):\(line):\(column): \(severity.rawValue): \(message)" }

    /// Sorted by path, then line, then column, then message, as FORMAT.md 7.4 lists them.
    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        if a.path != b.path { return a.path.utf8.lexicographicallyPrecedes(b.path.utf8) }
        if a.line != b.line { return a.line < b.line }
        if a.column != b.column { return a.column < b.column }
        return a.message < b.message
    }
}

/// Collects diagnostics for one source file, so readers only say line, column and message.
public struct DiagnosticSink: Sendable {
    public let path: String
    public private(set) var diagnostics: [Diagnostic] = []

    public init(path: String) { self.path = path }

    public mutating func error(_ line: Int, _ column: Int, _ message: String) {
        diagnostics.append(Diagnostic(path: path, line: line, column: column, message: message))
    }

    public mutating func warning(_ line: Int, _ column: Int, _ message: String) {
        diagnostics.append(Diagnostic(path: path, line: line, column: column, severity: .warning, message: message))
    }
}
