import LaurelSources

/// A lot (FORMAT.md 8.1): points created by one `earn`, `award` or target bonus, spent in the
/// spending order until they run out or expire.
public struct Lot: Sendable {
    // Wide fields first: 32 bytes a lot, not 40 (a large department has millions).
    /// The points it awarded.
    public var points: Int64
    /// Points not yet spent (points returned by a reversed spending come back here).
    public var remaining: Int64
    /// The ledger entry that created it, or `-(target index + 1)` for a target bonus.
    public var origin: Int32
    public var date: Day
    /// The last day of validity; `Int32.max` stands for `never`.
    public var lastValidSerial: Int32
    /// Set when the entry that created it is reversed.
    public var cancelled: Bool = false

    public init(origin: Int32, date: Day, lastValidSerial: Int32, points: Int64, remaining: Int64, cancelled: Bool = false) {
        self.points = points
        self.remaining = remaining
        self.origin = origin
        self.date = date
        self.lastValidSerial = lastValidSerial
        self.cancelled = cancelled
    }

    public var lastValid: Day? { lastValidSerial == Int32.max ? nil : Day(serial: lastValidSerial) }
    /// For a target bonus lot, the index of its target in `PortalSources.targets`.
    public var targetIndex: Int? { origin < 0 ? Int(-origin - 1) : nil }

    /// Available at the start of `day`: not cancelled, not expired, not used up.
    @inline(__always)
    public func isAvailable(on day: Day) -> Bool {
        !cancelled && remaining > 0 && lastValidSerial >= day.serial
    }
}

/// What the engine did with one ledger entry.
public struct EntryOutcome: Sendable {
    public init(applied: Bool = false, points: Int64 = 0, capped: Int64 = 0, ruleVersion: Int16 = -1, lot: Int32 = -1) {
        self.applied = applied
        self.points = points
        self.capped = capped
        self.ruleVersion = ruleVersion
        self.lot = lot
    }

    // 24 bytes an entry (five million of them at 50,000 people).
    /// earn: points after the cap; award: points; deduct: points taken; redeem: cost * qty.
    public var points: Int64 = 0
    /// earn: the part cut off by the cap, at most the points the rule computed, which FORMAT.md
    /// section 4 bounds by 1,000,000,000 (a larger figure is an error of the entry, which is then
    /// never applied), so 32 bits hold it.
    public var capped: Int64 {
        get { Int64(cappedPoints) }
        set { cappedPoints = Int32(clamping: newValue) }
    }
    private var cappedPoints: Int32 = 0
    /// earn, award: index of the lot in the person's account.
    public var lot: Int32 = -1
    /// The `reverse` entry that undid this one, if any (applied reversals only).
    public var reversedBy: Int32 = -1
    /// earn: index of the rule version in force (into `Rule.versions`); redeem: index of the
    /// cost in force (into `Reward.costs`).
    public var ruleVersion: Int16 = -1
    /// True when the entry took effect: valid, dated on or before the as-of date, no error.
    public var applied = false
    public var isReversed: Bool { reversedBy >= 0 }
}

/// How one spending (redeem or deduct) was paid.
public struct Portion: Sendable, Hashable {
    public var lot: Int32
    public var points: Int64
}

/// A target bonus paid at the end of a period (FORMAT.md 4.4).
public struct TargetBonus: Sendable {
    public var rule: Int32
    public var person: Int32
    public var period: Period
    public var target: Int64
    /// The sum of `amount` that reached the target.
    public var metric: Int64
    public var version: Int16
    public var points: Int64
    public var lot: Int32
}

/// One person's points at the as-of date, with everything needed to explain them.
public struct PersonAccount: Sendable {
    public var lots: [Lot] = []
    /// Ledger entries that concern this person (including reversals of their entries), in
    /// ledger order, up to the as-of date.
    public var entries: [Int32] = []
    /// Target bonuses paid to this person (indices into `PortalSources.targets`), by date.
    public var bonuses: [Int32] = []
    /// Available balance at the as-of date.
    public var balance: Int64 = 0
    /// The sum of all scores up to the as-of date.
    public var lifetime: Int64 = 0
    /// Score per leaderboard period (portal.yaml `period`), nonzero ones, in period order.
    public var scores: [(period: Period, points: Int64)] = []
    /// The highest title reached by `lifetime`, as an index into `PortalSources.titles`.
    public var title: Int?
    /// Badges earned, with the day each first held, in badge order.
    public var badges: [(badge: Int, day: Day)] = []
    /// Available points grouped by last valid day, soonest first, `never` (nil) last.
    public var expiring: [(lastValid: Day?, points: Int64)] = []

    public func score(in period: Period) -> Int64 {
        scores.first { $0.period == period }?.points ?? 0
    }
}

/// The result of the points engine: every figure the portal shows.
public struct PointsBook: Sendable {
    public var asOf: Day
    /// The leaderboard period containing the as-of date.
    public var period: Period
    public var accounts: [PersonAccount]
    /// Parallel to `PortalSources.ledger.entries`.
    public var outcomes: EntryOutcomes
    /// Target bonuses paid, by index into `PortalSources.targets`.
    public var bonuses: [TargetBonus?]
    /// Portions paid by each spending entry, keyed by entry index.
    public var portions: [Int32: [Portion]]
    /// Units redeemed (net of reversals) per reward.
    public var stockUsed: [Int64]
    /// Rank in the current period per person; nil when not ranked.
    public var ranks: [Int?]
}

extension PointsBook {
    /// What a `reverse` of entry `target` does to the person's balance: the opposite of what
    /// that entry did (FORMAT.md 8.3). One definition, so that the person page and the
    /// history CSV can never disagree about a reversal's sign or size.
    public func reversalEffect(of target: Int, in entries: [LedgerEntry]) -> Int64 {
        let undone = outcomes[target]
        let entry = entries[target]
        switch entry.verb {
        case .earn: return -undone.points
        case .award: return -entry.points
        case .deduct: return entry.points
        case .redeem: return undone.points
        default: return 0
        }
    }
}
