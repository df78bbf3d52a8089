/// The six ledger verbs of FORMAT.md section 7.2.
public enum Verb: UInt8, Sendable, CaseIterable {
    case earn, award, deduct, redeem, reverse, balance

    public var name: String {
        switch self {
        case .earn: return "earn"
        case .award: return "award"
        case .deduct: return "deduct"
        case .redeem: return "redeem"
        case .reverse: return "reverse"
        case .balance: return "balance"
        }
    }
}

/// One line of a ledger file, parsed and resolved to roster, rule and reward indices.
/// Kept small and flat: a department has a million of them.
public struct LedgerEntry: Sendable {
    // 64 bytes, one cache line (a million of them are read in every build, five million held
    // through a 50,000-person build). Two pairs of fields no verb uses together share their
    // storage: `amount` (earn) with `points` (award, deduct, balance), and `qty` (earn, redeem)
    // with `by` (award, deduct). Each accessor answers its field's default for the other verbs
    // and ignores a value set for them, so no field can be read or overwritten through its pair.
    /// earn: `amount`; award, deduct, balance: `points`.
    private var amountOrPoints: Int64
    /// earn, redeem: `qty`; award, deduct: `by`.
    private var qtyOrBy: Int64

    /// earn: `amount:` (-1 when absent).
    public var amount: Int64 {
        get { verb == .earn ? amountOrPoints : -1 }
        set { if verb == .earn { amountOrPoints = newValue } }
    }
    /// award, deduct, balance: POINTS.
    public var points: Int64 {
        get { verb == .earn ? 0 : amountOrPoints }
        set { if verb != .earn { amountOrPoints = newValue } }
    }
    /// earn, redeem: `qty:` (1 when absent).
    public var qty: Int64 {
        get { verb == .earn || verb == .redeem ? qtyOrBy : 1 }
        set { if verb == .earn || verb == .redeem { qtyOrBy = newValue } }
    }
    /// The approver of an award or deduct.
    public var by: Int32 {
        get { verb == .award || verb == .deduct ? Int32(truncatingIfNeeded: qtyOrBy) : -1 }
        set { if verb == .award || verb == .deduct { qtyOrBy = Int64(newValue) } }
    }
    public var date: Day
    /// Index into `Ledger.files` and 1-based line.
    public var file: Int32
    public var line: Int32
    public var person: Int32 = -1
    /// earn: the rule; redeem: the reward; award: the `rule:` (category only); reverse: the
    /// index of the reversed entry in `Ledger.entries` once resolved.
    public var subject: Int32 = -1
    /// The entry's own index in `Ledger.entries` when it has a valid, unique `id:` (its text is
    /// `Ledger.idBytes(of:)`), -1 when it has none.
    public var id: Int32 = -1
    /// The memo's bytes inside the quotes, as an offset into `Ledger.storage` (-1: no memo).
    public var memoStart: Int32 = -1
    public var memoLength: Int32 = 0
    /// Where the `id:` value and a reverse's target id lie in `Ledger.storage` (the target's
    /// only until it is resolved).
    public internal(set) var idStart: Int32 = -1
    var referenceStart: Int32 = -1
    public internal(set) var idLength: Int16 = 0
    var referenceLength: Int16 = 0
    /// Fixed at creation: which of the shared fields above mean what depends on it.
    public let verb: Verb
    /// False when the entry has an error and is left out (FORMAT.md 7.4).
    public var isValid: Bool = true

    public init(date: Day, verb: Verb, file: Int32, line: Int32) {
        amountOrPoints = verb == .earn ? -1 : 0
        qtyOrBy = verb == .earn || verb == .redeem ? 1 : -1
        self.date = date
        self.verb = verb
        self.file = file
        self.line = line
    }

    public var hasMemo: Bool { memoStart >= 0 }
}

/// One ledger file: its path and where its bytes lay in `Ledger.storage` while it was read.
public struct LedgerFile: Sendable {
    /// Path relative to `ledger/`, e.g. `2026/2026-Q1.ledger`.
    public let path: String
    /// The path as diagnostics show it.
    public let displayPath: String
    public let range: Range<Int>
}

/// Every ledger entry of a portal in ledger order (FORMAT.md 7.3): by date, then file path,
/// then line. `entries` is already in that order.
public struct Ledger: Sendable {
    /// While reading, the bytes of every ledger file one after the other; once read, only the
    /// memos and ids, which `memoStart` and `idStart` point into (memos are unescaped on demand).
    public var storage: [UInt8]
    public var files: [LedgerFile]
    public var entries: [LedgerEntry]

    public init(storage: [UInt8] = [], files: [LedgerFile] = [], entries: [LedgerEntry] = []) {
        self.storage = storage
        self.files = files
        self.entries = entries
    }

    /// The bytes of an entry's `id:` when it has a valid, unique one (`entry.id >= 0`).
    public func idBytes(of entry: LedgerEntry) -> ArraySlice<UInt8>? {
        guard entry.id >= 0, entry.idStart >= 0 else { return nil }
        let s = Int(entry.idStart), e = s + Int(entry.idLength)
        guard e <= storage.count else { return nil }
        return storage[s..<e]
    }

    /// The memo of an entry with `\"` and `\\` unescaped, or nil.
    public func memo(of entry: LedgerEntry) -> String? {
        guard entry.memoStart >= 0 else { return nil }
        let s = Int(entry.memoStart), e = s + Int(entry.memoLength)
        guard s >= 0, e <= storage.count else { return nil }
        let slice = storage[s..<e]
        if !slice.contains(92) { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var escaped = false
        for c in slice {
            if escaped { out.append(c); escaped = false } else if c == 92 { escaped = true } else { out.append(c) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public func location(of entry: LedgerEntry) -> SourceLocation {
        SourceLocation(path: files[Int(entry.file)].displayPath, line: Int(entry.line), column: 1)
    }

    public func idName(of entry: LedgerEntry) -> String? {
        idBytes(of: entry).map { String(decoding: $0, as: UTF8.self) }
    }
}
