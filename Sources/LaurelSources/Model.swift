/// Where a value was written, for diagnostics raised after reading (by the engine or the site).
public struct SourceLocation: Hashable, Sendable {
    public let path: String
    public let line: Int
    public let column: Int
    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }
    public func error(_ message: String) -> Diagnostic {
        Diagnostic(path: path, line: line, column: column, message: message)
    }
}

/// portal.yaml (FORMAT.md section 2).
public struct PortalSettings: Sendable {
    public enum Locale: String, Sendable { case zhCN = "zh-CN", en }
    public var title: String
    public var period: PeriodKind
    public var expiry: ExpiryPolicy
    public var locale: Locale
    public var timezone: String
    public var baseURL: String?
    /// The fairness audit's thresholds (optional `audit:` mapping, docs/audit.md).
    public var audit = AuditThresholds()
}

/// One salesperson on the roster (people.yaml).
public struct Person: Sendable {
    public var id: String
    public var name: String
    public var team: Int32
    public var joined: Day?
    public var left: Day?
    /// `false`: never ranked publicly (FORMAT.md 8.4).
    public var leaderboard: Bool
    public var location: SourceLocation

    /// Whether the roster covers `day` (not before `joined`, not after `left`).
    public func isOnRoster(_ day: Day) -> Bool {
        if let j = joined, day < j { return false }
        if let l = left, day > l { return false }
        return true
    }
}

/// A team of teams.yaml.
public struct Team: Sendable {
    public var id: String
    public var name: String
    public var lead: Int32?
    public var location: SourceLocation
}

/// The cap of a rule version: at most `max` points per person per calendar window.
public struct Cap: Hashable, Sendable {
    public var max: Int64
    public var per: PeriodKind
}

/// One version of a rule, in force from `since` until the next version's `since`.
public struct RuleVersion: Sendable {
    public var since: Day
    /// Rate rules: points per `per` of amount. `nil` for fixed rules.
    public var per: Int64?
    public var points: Int64
    public var cap: Cap?
    public var expiry: ExpiryPolicy?
    public var retired: Bool
    public var location: SourceLocation
}

/// An earning rule of rules.yaml (FORMAT.md section 4).
public struct Rule: Sendable {
    public enum Kind: Sendable {
        case activity
        /// A target rule: bonus for reaching `targets.yaml` in each `period` on the sum of
        /// `amount` of earns of rule `metric`.
        case target(metric: Int32, period: PeriodKind)
    }
    public var id: String
    public var name: String
    public var category: String
    public var page: String?
    public var kind: Kind
    public var versions: [RuleVersion]
    public var location: SourceLocation

    public var isTarget: Bool { if case .target = kind { return true } else { return false } }

    /// The version in force on `day`: the latest `since` not after it.
    public func versionIndex(on day: Day) -> Int? {
        var found: Int?
        for (i, v) in versions.enumerated() {
            if v.since <= day { found = i } else { break }
        }
        return found
    }
}

/// A reward of rewards.yaml (FORMAT.md section 5).
public struct Reward: Sendable {
    public enum Tier: String, Sendable, CaseIterable { case basic, advanced, premium }
    public struct Cost: Sendable {
        public var since: Day
        public var cost: Int64
    }
    public var id: String
    public var name: String
    public var tier: Tier
    /// The cost history; a single `cost:` is one entry since the earliest day.
    public var costs: [Cost]
    public var stock: Int64?
    public var requires: Int32?
    public var image: String?
    public var description: String
    public var location: SourceLocation

    public func cost(on day: Day) -> Int64? {
        var found: Int64?
        for c in costs {
            if c.since <= day { found = c.cost } else { break }
        }
        return found
    }
}

/// A title held by lifetime points (honours.yaml).
public struct Title: Sendable {
    public var id: String
    public var name: String
    public var min: Int64
    public var location: SourceLocation
}

/// A badge earned once for a count of non-reversed earn entries of a rule.
public struct Badge: Sendable {
    public var id: String
    public var name: String
    public var rule: Int32
    public var count: Int64
    public var within: PeriodKind?
    public var location: SourceLocation
}

/// One person's sales target for one period of a target rule (targets.yaml).
public struct SalesTarget: Sendable {
    public var rule: Int32
    public var period: Period
    public var person: Int32
    public var target: Int64
}

/// A Markdown page of pages/ (FORMAT.md section 9), checked but not yet rendered.
public struct ContentPage: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case page, rule, training, `case`, news }
    public enum Outcome: String, Sendable { case success, failure }
    /// Path under pages/ without `.md`, e.g. `training/first-call`.
    public var path: String
    public var title: String
    public var kind: Kind
    public var outcome: Outcome?
    public var date: Day?
    public var tags: [String]
    public var rules: [Int32]
    public var people: [Int32]
    public var draft: Bool
    /// The Markdown body, after the front matter.
    public var body: String
    /// Line number in the file of the body's first line.
    public var bodyLine: Int
    public var location: SourceLocation
}
