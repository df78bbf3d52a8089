import Glibc

/// Parses the lines of one piece of a ledger file (FORMAT.md 7.1 and 7.2). Works on raw
/// bytes: a million lines must read in a fraction of a second.
final class ChunkParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let fileIndex: Int32
    let displayPath: String
    let references: LedgerReader.References
    private var result = Result()
    /// The line being parsed: its number, first byte, and whether it is still free of errors.
    private var line = 0
    private var lineStart = 0
    private var entryOK = true

    init(bytes: UnsafeBufferPointer<UInt8>, fileIndex: Int32, displayPath: String, references: LedgerReader.References) {
        self.bytes = bytes
        self.fileIndex = fileIndex
        self.displayPath = displayPath
        self.references = references
    }

    struct Result: Sendable {
        var entries: [LedgerEntry] = []
        /// Line numbers count from the chunk's first line.
        var diagnostics: [Diagnostic] = []
        var lineCount = 0
    }

    /// The tokens of the line being parsed, in storage the parser reuses for every line (an
    /// array's append checks uniqueness and capacity each time, a sixth of the tokenizer's work).
    private struct TokenList: ~Copyable {
        private var base: UnsafeMutablePointer<Token>
        private var capacity = 16
        private(set) var count = 0
        init() { base = .allocate(capacity: 16) }
        deinit { base.deallocate() }
        var isEmpty: Bool { count == 0 }
        mutating func removeAll() { count = 0 }
        mutating func append(_ t: Token) {
            if count == capacity {
                let grown = UnsafeMutablePointer<Token>.allocate(capacity: capacity * 2)
                grown.initialize(from: base, count: count)
                base.deallocate()
                base = grown
                capacity *= 2
            }
            (base + count).initialize(to: t)
            count += 1
        }
        subscript(_ i: Int) -> Token {
            precondition(i >= 0 && i < count)
            return base[i]
        }
    }

    private struct Token {
        enum Kind { case bare, keyValue, memo }
        var kind: Kind
        var start: Int        // first byte of the token
        var end: Int          // one past the last byte
        var keyEnd: Int = 0   // keyValue: the colon
        var valueStart: Int = 0
        var valueEnd: Int = 0
    }

    private enum Key: Int, CaseIterable {
        case amount, qty, id, by, rule
        var name: String { word.description }
        /// The key as written; each starts with a different byte, which `key(_:)` switches on.
        var word: StaticString {
            switch self {
            case .amount: return "amount"
            case .qty: return "qty"
            case .id: return "id"
            case .by: return "by"
            case .rule: return "rule"
            }
        }
    }

    func parse(_ range: Range<Int>) -> Result {
        result = Result()
        result.entries.reserveCapacity(range.count / 40 + 16)  // lines are rarely shorter: no regrowth
        var tokens = TokenList()
        var start = range.lowerBound
        line = 0
        guard let base = bytes.baseAddress, range.upperBound <= bytes.count else { return Result() }
        while start < range.upperBound {
            line += 1
            var lineEnd = range.upperBound
            if let newline = memchr(base + start, 10, range.upperBound - start) {
                lineEnd = start + UnsafeRawPointer(base + start).distance(to: UnsafeRawPointer(newline))
            }
            let next = lineEnd + 1
            if lineEnd > start && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            lineStart = start
            entryOK = true
            parseLine(start, lineEnd, tokens: &tokens)
            start = next
        }
        result.lineCount = line
        let done = result
        result = Result()
        return done
    }

    // MARK: lines

    /// Reports a problem at byte `at` of the current line; the entry is left out.
    private func fail(_ at: Int, _ message: String) {
        result.diagnostics.append(Diagnostic(path: displayPath, line: line, column: column(lineStart, at), message: message))
        entryOK = false
    }

    private func column(_ lineStart: Int, _ at: Int) -> Int {
        var c = 1
        var i = lineStart
        while i < at {
            if bytes[i] & 0xC0 != 0x80 { c += 1 }
            i += 1
        }
        return c
    }

    private func text(_ s: Int, _ e: Int) -> String {
        let shown = String(decoding: UnsafeBufferPointer(rebasing: bytes[s..<min(e, s + 80)]), as: UTF8.self)
        return e - s > 80 ? shown + "…" : shown
    }

    @inline(__always) private func isBlank(_ c: UInt8) -> Bool { c == 32 || c == 9 }

    /// The bytes below 64 that end or mark a bare token: controls (tab among them), space,
    /// '"', ':' and ';'.
    static let specialBelow64: UInt64 = 0xFFFF_FFFF | 1 << 32 | 1 << 34 | 1 << 58 | 1 << 59

    // Bytes found eight at a time (SWAR): in the masks below, the high bit of the first byte
    // that qualifies is set, and nothing below it (bits above it may be set too; only the
    // lowest is used, so the first byte in memory on a little-endian machine).
    @inline(__always) private static func each(_ b: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(b) }
    @inline(__always) private static func zeroBytes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }
    @inline(__always) private static func below(_ x: UInt64, _ n: UInt8) -> UInt64 {
        (x &- each(n)) & ~x & 0x8080_8080_8080_8080
    }
    /// What ends or marks a bare token: controls, tab and space (below 33), '"', ':', ';', DEL.
    @inline(__always) static func tokenStops(_ w: UInt64) -> UInt64 {
        below(w, 33) | zeroBytes(w ^ each(34)) | zeroBytes(w ^ each(58)) | zeroBytes(w ^ each(59)) | zeroBytes(w ^ each(127))
    }
    /// What a quoted text must look at: controls (tab among them), '"', backslash, DEL.
    @inline(__always) static func quoteStops(_ w: UInt64) -> UInt64 {
        below(w, 32) | zeroBytes(w ^ each(34)) | zeroBytes(w ^ each(92)) | zeroBytes(w ^ each(127))
    }

    /// Splits a line into tokens; reports the first syntax problem and returns false.
    private func tokenize(_ ls: Int, _ le: Int, tokens: inout TokenList) -> Bool {
        tokens.removeAll()
        var i = ls
        while i < le {
            let c = bytes[i]
            if isBlank(c) { i += 1; continue }
            if c == 59 { break }  // ;
            if c < 32 || c == 127 {
                fail(i, "control character (byte \(c)) in the entry; only spaces and tabs separate fields")
                return false
            }
            if c == 34 {  // "
                guard let close = closingQuote(from: i, le) else { return false }
                tokens.append(Token(kind: .memo, start: i, end: close + 1, valueStart: i + 1, valueEnd: close))
                i = close + 1
            } else {
                var j = i
                var colon = -1
                while j < le {
                    if j + 8 <= le, let base = bytes.baseAddress {
                        // Eight bytes at a time to the first that ends or marks the token.
                        let special = ChunkParser.tokenStops(UnsafeRawPointer(base).loadUnaligned(fromByteOffset: j, as: UInt64.self))
                        if special == 0 { j += 8; continue }
                        j += special.trailingZeroBitCount >> 3
                    }
                    let d = bytes[j]
                    // Most bytes of a token are none of the special ones below 64: one test.
                    if d >= 64 ? d != 127 : ChunkParser.specialBelow64 & (1 << UInt64(d)) == 0 { j += 1; continue }
                    if isBlank(d) || d == 59 || d == 34 { break }
                    if d < 32 || d == 127 {
                        fail(j, "control character (byte \(d)) in the entry; only spaces and tabs separate fields")
                        return false
                    }
                    if d == 58 && colon < 0 { colon = j }
                    j += 1
                }
                if j < le && bytes[j] == 34 {
                    guard colon >= 0 && colon == j - 1 else {
                        fail(j, "unexpected '\"' inside '\(text(i, j))'; quote a whole memo (\"…\") or a key's value (key:\"…\")")
                        return false
                    }
                    guard let close = closingQuote(from: j, le) else { return false }
                    tokens.append(Token(kind: .keyValue, start: i, end: close + 1, keyEnd: colon, valueStart: j + 1, valueEnd: close))
                    j = close + 1
                } else if colon >= 0 {
                    tokens.append(Token(kind: .keyValue, start: i, end: j, keyEnd: colon, valueStart: colon + 1, valueEnd: j))
                } else {
                    tokens.append(Token(kind: .bare, start: i, end: j))
                }
                i = j
            }
            if i < le && !isBlank(bytes[i]) && bytes[i] != 59 {
                fail(i, "expected a space after the closing quote")
                return false
            }
        }
        return true
    }

    /// The index of the quote closing the one at `open`; checks escapes and UTF-8.
    private func closingQuote(from open: Int, _ le: Int) -> Int? {
        var j = open + 1
        while j < le {
            if j + 8 <= le, let base = bytes.baseAddress {
                let special = ChunkParser.quoteStops(UnsafeRawPointer(base).loadUnaligned(fromByteOffset: j, as: UInt64.self))
                if special == 0 { j += 8; continue }
                j += special.trailingZeroBitCount >> 3
            }
            let d = bytes[j]
            if d == 92 {  // backslash
                if j + 1 < le && (bytes[j + 1] == 34 || bytes[j + 1] == 92) {
                    j += 2
                    continue
                }
                fail(j, "unknown escape in quotes; only \\\" and \\\\ are allowed (write \\\\ for a backslash)")
                return nil
            }
            if d == 34 { return j }
            if d < 32 && d != 9 || d == 127 {
                fail(j, "control character (byte \(d)) inside quotes")
                return nil
            }
            j += 1
        }
        fail(open, "unterminated quote: add the closing '\"' before the end of the line")
        return nil
    }

    /// Checks the bytes of a line are UTF-8 (only lines with non-ASCII bytes pay for this).
    private func checkUTF8(_ ls: Int, _ le: Int) -> Bool {
        var i = ls
        if let base = bytes.baseAddress, le <= bytes.count {
            // Eight bytes at a time while they are ASCII.
            let raw = UnsafeRawPointer(base)
            while i + 8 <= le && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
        }
        while i < le && bytes[i] < 0x80 { i += 1 }
        if i == le { return true }
        if let bad = SourceText.firstInvalidUTF8(in: bytes[i..<le]) {
            fail(bad, "invalid UTF-8; save the ledger file as UTF-8")
            return false
        }
        return true
    }

    private func parseLine(_ ls: Int, _ le: Int, tokens: inout TokenList) {
        guard checkUTF8(ls, le),
              tokenize(ls, le, tokens: &tokens),
              !tokens.isEmpty else { return }
        let first = tokens[0]
        guard first.kind == .bare, let date = Day(bytes: bytes[first.start..<first.end]) else {
            fail(first.start, "expected a date YYYY-MM-DD at the start of the entry, found '\(text(first.start, first.end))'")
            return
        }
        guard tokens.count >= 2 else {
            fail(first.end, "expected a verb after the date: earn, award, deduct, redeem, reverse or balance")
            return
        }
        let verbToken = tokens[1]
        guard verbToken.kind == .bare, let verb = verb(verbToken) else {
            fail(verbToken.start,
                  "unknown verb '\(text(verbToken.start, verbToken.end))'; expected earn, award, deduct, redeem, reverse or balance")
            return
        }
        var entry = LedgerEntry(date: date, verb: verb, file: fileIndex, line: Int32(line))

        // Positional arguments come right after the verb (at most two: no array per line).
        let names = ChunkParser.positionalNames(verb)
        var index = 2
        var positionalCount = 0
        while index < tokens.count && tokens[index].kind == .bare && positionalCount < names.count {
            positionalCount += 1
            index += 1
        }
        let p0 = positionalCount > 0 ? tokens[2] : first
        let p1 = positionalCount > 1 ? tokens[3] : first
        if positionalCount < names.count {
            let at = index < tokens.count ? tokens[index].start : le
            fail(at, "\(verb.name) expects \(names.joined(separator: " ")); missing \(names[positionalCount])")
        }

        // key:value pairs and the memo, in any order.
        var seen = SIMD8<Int32>(repeating: -1)
        let allowed = ChunkParser.allowedMask(verb)
        var memo: Token?
        while index < tokens.count {
            let t = tokens[index]
            index += 1
            switch t.kind {
            case .bare:
                fail(t.start, "unexpected argument '\(text(t.start, t.end))'; \(verb.name) takes \(names.joined(separator: " ")) then key:value pairs and a memo")
            case .memo:
                if memo != nil {
                    fail(t.start, "a second memo; an entry has at most one quoted memo")
                } else {
                    memo = t
                }
            case .keyValue:
                guard let key = key(t) else {
                    fail(t.start, "unknown key '\(text(t.start, t.keyEnd))'; \(verb.name) takes \(allowedKeys(verb).map { $0.name + ":" }.joined(separator: ", "))")
                    continue
                }
                guard allowed & (1 << key.rawValue) != 0 else {
                    let allowed = allowedKeys(verb)
                    fail(t.start, "\(verb.name) does not take \(key.name):" + (allowed.isEmpty ? "" : "; it takes \(allowed.map { $0.name + ":" }.joined(separator: ", "))"))
                    continue
                }
                if seen[key.rawValue] >= 0 {
                    fail(t.start, "repeated key \(key.name):; give it once")
                    continue
                }
                if t.valueEnd == t.valueStart {
                    fail(t.valueStart, "empty value for \(key.name):")
                    continue
                }
                seen[key.rawValue] = Int32(index - 1)
            }
        }
        func keyToken(_ k: Key) -> Token? { seen[k.rawValue] >= 0 ? tokens[Int(seen[k.rawValue])] : nil }

        if let m = memo {
            entry.memoStart = Int32(m.valueStart)
            entry.memoLength = Int32(m.valueEnd - m.valueStart)
        }
        if let t = keyToken(.id) {
            if isIdentifier(t.valueStart, t.valueEnd) {
                entry.idStart = Int32(t.valueStart)
                entry.idLength = Int16(t.valueEnd - t.valueStart)
            } else {
                fail(t.valueStart, "'\(text(t.valueStart, t.valueEnd))' is not a valid id: use \(Identifier.rule)")
            }
        }

        if positionalCount == names.count {
            switch verb {
            case .earn:
                resolveEarn(&entry, p0, p1, keyToken(.amount), keyToken(.qty))
            case .award, .deduct:
                entry.person = person(p0, date) ?? -1
                entry.points = number(p1, what: "POINTS", min: 1) ?? 0
                if let t = keyToken(.by) {
                    if let by = lookup(t.valueStart, t.valueEnd, references.peopleIndex, "person", "people.yaml") {
                        entry.by = by
                        if by == entry.person {
                            fail(t.valueStart, "by: names the entry's own person; an award or deduction is approved by someone else")
                        }
                    }
                } else {
                    fail(verbToken.start, "\(verb.name) needs by:PERSON, the person who approved it")
                }
                if verb == .award, let t = keyToken(.rule) {
                    entry.subject = lookup(t.valueStart, t.valueEnd, references.ruleIndex, "rule", "rules.yaml") ?? -1
                }
                if memo == nil || memo?.valueStart == memo?.valueEnd {
                    fail(memo?.start ?? le, "\(verb.name) needs a memo saying why, in quotes: \"…\"")
                }
            case .redeem:
                entry.person = person(p0, date) ?? -1
                let qty = keyToken(.qty).flatMap { number($0, valueOf: "qty", min: 1) }
                entry.qty = qty ?? 1
                if let reward = lookup(p1.start, p1.end, references.rewardIndex, "reward", "rewards.yaml") {
                    entry.subject = reward
                    let r = references.rewards[Int(reward)]
                    if let cost = r.cost(on: date) {
                        let (total, overflow) = cost.multipliedReportingOverflow(by: entry.qty)
                        if overflow || total > LedgerReader.pointsLimit {
                            fail(p1.start, "this redemption costs more than 1,000,000,000 points; lower qty:")
                        }
                    } else if let firstCost = r.costs.first {
                        fail(p1.start, "reward '\(r.id)' has no cost in force on \(date); its first cost starts \(firstCost.since)")
                    }
                }
            case .reverse:
                let t = p0
                if isIdentifier(t.start, t.end) {
                    entry.referenceStart = Int32(t.start)
                    entry.referenceLength = Int16(t.end - t.start)
                } else {
                    fail(t.start, "'\(text(t.start, t.end))' is not a valid id: use \(Identifier.rule)")
                }
            case .balance:
                entry.person = person(p0, date) ?? -1
                entry.points = number(p1, what: "POINTS", min: 0) ?? 0
            }
        }
        entry.isValid = entryOK
        result.entries.append(entry)
    }

    // MARK: verbs

    private func resolveEarn(_ entry: inout LedgerEntry, _ p0: Token, _ p1: Token, _ amountToken: Token?, _ qtyToken: Token?) {
        entry.person = person(p0, entry.date) ?? -1
        let amount = amountToken.flatMap { number($0, valueOf: "amount", min: 0) }
        let qty = qtyToken.flatMap { number($0, valueOf: "qty", min: 1) }
        entry.amount = amount ?? -1
        entry.qty = qty ?? 1
        let ruleToken = p1
        guard let ruleIndex = lookup(ruleToken.start, ruleToken.end, references.ruleIndex, "rule", "rules.yaml") else { return }
        entry.subject = ruleIndex
        let table = references.ruleTable
        let r = Int(ruleIndex)
        if table.isTarget[r] {
            fail(ruleToken.start, "'\(references.rules[r].id)' is a target rule; its bonus is computed from targets.yaml and is never written in the ledger")
            return
        }
        guard let v = table.versionInForce(rule: r, on: entry.date) else {
            let rule = references.rules[r]
            let first = rule.versions.first.map { " (its first version starts \($0.since))" } ?? ""
            fail(ruleToken.start, "rule '\(rule.id)' has no version in force on \(entry.date)\(first)")
            return
        }
        let version = table.versions[v]
        if version.retired {
            fail(ruleToken.start, "rule '\(references.rules[r].id)' is retired since \(Day(serial: version.since)); earning under it from that date is an error")
            return
        }
        if version.per > 0 {
            let per = version.per
            if let q = qtyToken {
                fail(q.start, "qty: is not allowed on '\(references.rules[r].id)', a rate rule (points per \(per) of amount); give amount: only")
            }
            guard amountToken != nil else {
                fail(ruleToken.start, "'\(references.rules[r].id)' is a rate rule: add amount:N (points = floor(amount / \(per)) * \(version.points))")
                return
            }
            if let a = amount {
                let (p, overflow) = (a / per).multipliedReportingOverflow(by: version.points)
                if overflow || p > LedgerReader.pointsLimit {
                    fail(amountToken?.valueStart ?? ruleToken.start, "this entry computes to more than 1,000,000,000 points; check amount:")
                }
            }
        } else if let q = qty {
            let (p, overflow) = q.multipliedReportingOverflow(by: version.points)
            if overflow || p > LedgerReader.pointsLimit {
                fail(qtyToken?.valueStart ?? ruleToken.start, "this entry computes to more than 1,000,000,000 points; check qty:")
            }
        } else if qtyToken == nil && version.points > LedgerReader.pointsLimit {
            // qty: defaults to 1, so the rule's own points are the entry's (FORMAT.md 4.1).
            fail(ruleToken.start, "rule '\(references.rules[r].id)' gives \(version.points) points for one entry on \(entry.date), more than 1,000,000,000; an entry may not compute to more")
        }
    }

    private func person(_ t: Token, _ date: Day) -> Int32? {
        guard let p = lookup(t.start, t.end, references.peopleIndex, "person", "people.yaml") else { return nil }
        if date.serial < references.joined[Int(p)] {
            let person = references.people[Int(p)]
            fail(t.start, "\(person.id) joined on \(Day(serial: references.joined[Int(p)])); an entry naming them cannot be dated \(date)")
        } else if date.serial > references.left[Int(p)] {
            let person = references.people[Int(p)]
            fail(t.start, "\(person.id) left on \(Day(serial: references.left[Int(p)])); an entry naming them cannot be dated \(date)")
        }
        return p
    }

    private func lookup(_ s: Int, _ e: Int, _ table: SymbolTable, _ what: String, _ file: String) -> Int32? {
        if let found = table.find(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[s..<e]))) { return found }
        if isIdentifier(s, e) {
            fail(s, "unknown \(what) '\(text(s, e))'; it must be an id of \(file)")
        } else {
            fail(s, "'\(text(s, e))' is not a valid \(what) id: use \(Identifier.rule)")
        }
        return nil
    }

    private func isIdentifier(_ s: Int, _ e: Int) -> Bool {
        Identifier.isValid(UnsafeBufferPointer(rebasing: bytes[s..<e]))
    }

    private func number(_ t: Token, what: String, min: Int64) -> Int64? {
        parseNumber(t.start, t.end, what: what, min: min)
    }

    private func number(_ t: Token, valueOf key: String, min: Int64) -> Int64? {
        parseNumber(t.valueStart, t.valueEnd, what: key, min: min)
    }

    private func parseNumber(_ s: Int, _ e: Int, what: String, min: Int64) -> Int64? {
        var n: Int64 = 0
        var i = s
        while i < e {
            let c = bytes[i]
            guard c >= 48 && c <= 57 else {
                fail(s, "expected a whole number for \(what), found '\(text(s, e))'")
                return nil
            }
            n = n &* 10 &+ Int64(c - 48)
            i += 1
        }
        if e - s > LedgerReader.maxDigits {
            fail(s, "\(what) has more than \(LedgerReader.maxDigits) digits")
            return nil
        }
        if e == s || n < min {
            fail(s, "\(what) must be at least \(min), found '\(text(s, e))'")
            return nil
        }
        return n
    }

    private func verb(_ t: Token) -> Verb? {
        let len = t.end - t.start
        let b = bytes[t.start]
        let candidate: Verb, word: StaticString
        switch (b, len) {
        case (101, 4): (candidate, word) = (.earn, "earn")
        case (97, 5): (candidate, word) = (.award, "award")
        case (100, 6): (candidate, word) = (.deduct, "deduct")
        case (114, 6): (candidate, word) = (.redeem, "redeem")
        case (114, 7): (candidate, word) = (.reverse, "reverse")
        case (98, 7): (candidate, word) = (.balance, "balance")
        default: return nil
        }
        return matches(t.start, t.end, word) ? candidate : nil
    }

    /// The key a `key:value` token names; a switch on its first byte and length, then one
    /// comparison (this runs for every key of a million lines).
    private func key(_ t: Token) -> Key? {
        guard t.keyEnd > t.start else { return nil }
        let candidate: Key
        switch (bytes[t.start], t.keyEnd - t.start) {
        case (97, 6): candidate = .amount
        case (113, 3): candidate = .qty
        case (105, 2): candidate = .id
        case (98, 2): candidate = .by
        case (114, 4): candidate = .rule
        default: return nil
        }
        return matches(t.start, t.keyEnd, candidate.word) ? candidate : nil
    }

    /// Bytes `s..<e` are exactly `word`.
    @inline(__always)
    private func matches(_ s: Int, _ e: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard e - s == n else { return false }
        let w = word.utf8Start
        for k in 0..<n where bytes[s + k] != w[k] { return false }
        return true
    }

    static let earnNames = ["PERSON", "RULE"], pointsNames = ["PERSON", "POINTS"], redeemNames = ["PERSON", "REWARD"], reverseNames = ["ID"]

    /// The positional arguments of a verb, as messages name them.
    static func positionalNames(_ verb: Verb) -> [String] {
        switch verb {
        case .earn: return earnNames
        case .award, .deduct, .balance: return pointsNames
        case .redeem: return redeemNames
        case .reverse: return reverseNames
        }
    }

    /// `allowedKeys` as one bit per key.
    private static func allowedMask(_ verb: Verb) -> Int {
        switch verb {
        case .earn: return 1 << Key.amount.rawValue | 1 << Key.qty.rawValue | 1 << Key.id.rawValue
        case .award: return 1 << Key.by.rawValue | 1 << Key.rule.rawValue | 1 << Key.id.rawValue
        case .deduct: return 1 << Key.by.rawValue | 1 << Key.id.rawValue
        case .redeem: return 1 << Key.qty.rawValue | 1 << Key.id.rawValue
        case .reverse: return 1 << Key.id.rawValue
        case .balance: return 0
        }
    }

    private func allowedKeys(_ verb: Verb) -> [Key] {
        switch verb {
        case .earn: return [.amount, .qty, .id]
        case .award: return [.by, .rule, .id]
        case .deduct: return [.by, .id]
        case .redeem: return [.qty, .id]
        case .reverse: return [.id]
        case .balance: return []
        }
    }
}
