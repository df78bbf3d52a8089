/// Rule versions flattened for the hot loops of the ledger reader and the engine: plain
/// values only, so reading one neither copies strings nor touches reference counts.
public struct RuleTable: Sendable {
    public struct Version: Sendable {
        public let since: Int32
        /// 0 for a fixed rule.
        public let per: Int64
        public let points: Int64
        public let cap: Cap?
        public let expiry: ExpiryPolicy?
        public let retired: Bool
    }

    public let versions: [Version]
    /// For rule r, its versions are `versions[start[r]..<start[r + 1]]`.
    public let start: [Int32]
    public let isTarget: [Bool]
    public let hasCap: [Bool]

    public init(_ rules: [Rule]) {
        var versions: [Version] = []
        var start: [Int32] = [0]
        for rule in rules {
            for v in rule.versions {
                versions.append(Version(since: v.since.serial, per: v.per ?? 0, points: v.points, cap: v.cap,
                                        expiry: v.expiry, retired: v.retired))
            }
            start.append(Int32(versions.count))
        }
        self.versions = versions
        self.start = start
        isTarget = rules.map(\.isTarget)
        hasCap = rules.map { r in r.versions.contains { $0.cap != nil } }
    }

    /// The index (into `versions`) of rule r's version in force on `day`: the latest `since`
    /// not after it.
    @inline(__always)
    public func versionInForce(rule r: Int, on day: Day) -> Int? {
        var found: Int?
        var i = Int(start[r])
        let end = Int(start[r + 1])
        while i < end && versions[i].since <= day.serial {
            found = i
            i += 1
        }
        return found
    }

    /// The position of a version within its rule (what `Rule.versions` is indexed by).
    @inline(__always)
    public func position(of version: Int, rule r: Int) -> Int { version - Int(start[r]) }
}
