/// FORMAT.md section 1: identifiers match `^[a-z0-9]+([._-][a-z0-9]+)*$` and are at most
/// 64 characters, because they become URL segments and file names.
public enum Identifier {
    public static let maxLength = 64

    public static func isValid<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        var previousWasSeparator = true  // a separator may not come first
        for c in bytes {
            let alnum = (c >= 97 && c <= 122) || (c >= 48 && c <= 57)
            if alnum {
                previousWasSeparator = false
            } else if c == 46 || c == 95 || c == 45 {  // . _ -
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }

    public static func isValid(_ text: String) -> Bool { isValid(text.utf8) }

    public static let rule = "lower-case letters and digits, joined by single '.', '_' or '-', at most 64 characters"
}

/// A set of identifiers looked up by their bytes without building a `String`, so the
/// ledger reader can resolve a million tokens cheaply. Each key gets a dense index.
public struct SymbolTable: Sendable {
    private var keyBytes: [UInt8] = []
    private var keyStarts: [Int32] = [0]
    /// Open addressing: 0 is empty, else the key's index + 1 in the low 32 bits and the high
    /// 32 bits of its hash above them, so a probe past another key is decided by the slot
    /// alone, without reading that key's bytes (two more cache misses in a large table:
    /// a third of the ledger's id interning, decision 127).
    private var slots: [UInt64]
    private var mask: Int

    public init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func tag(_ hash: Int) -> UInt64 { UInt64(truncatingIfNeeded: hash) & 0xFFFF_FFFF_0000_0000 }

    public init<S: Sequence>(_ names: S) where S.Element == String {
        self.init(capacity: names.underestimatedCount)
        for n in names { _ = insert(Array(n.utf8)) }
    }

    public var count: Int { keyStarts.count - 1 }

    /// The bytes of a key (valid until the table changes).
    public func bytes(_ index: Int32) -> ArraySlice<UInt8> {
        let i = Int(index)
        return keyBytes[Int(keyStarts[i])..<Int(keyStarts[i + 1])]
    }

    public func name(_ index: Int32) -> String {
        let i = Int(index)
        return String(decoding: keyBytes[Int(keyStarts[i])..<Int(keyStarts[i + 1])], as: UTF8.self)
    }

    @inline(__always)
    public static func hash(_ p: UnsafeRawBufferPointer) -> Int {
        // FNV-1a, 64 bit: keys are short identifiers.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in p { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    private func equals(_ index: Int32, _ p: UnsafeRawBufferPointer) -> Bool {
        let s = Int(keyStarts[Int(index)]), e = Int(keyStarts[Int(index) + 1])
        guard e - s == p.count else { return false }
        return keyBytes.withUnsafeBufferPointer { kb in
            var i = 0
            while i < p.count {
                if kb[s + i] != p[i] { return false }
                i += 1
            }
            return true
        }
    }

    public func find(_ p: UnsafeRawBufferPointer) -> Int32? { find(p, hash: SymbolTable.hash(p)) }

    /// `find` with the key's `hash(_:)` already computed.
    public func find(_ p: UnsafeRawBufferPointer, hash: Int) -> Int32? {
        var slot = hash & mask
        let tag = SymbolTable.tag(hash)
        while true {
            let v = slots[slot]
            if v == 0 { return nil }
            if v & 0xFFFF_FFFF_0000_0000 == tag, equals(Int32(truncatingIfNeeded: v) - 1, p) { return Int32(truncatingIfNeeded: v) - 1 }
            slot = (slot + 1) & mask
        }
    }

    public func find(_ text: String) -> Int32? {
        var t = text
        return t.withUTF8 { find(UnsafeRawBufferPointer($0)) }
    }

    /// Inserts the key if new. Returns its index and whether it was new.
    @discardableResult
    public mutating func insert(_ p: UnsafeRawBufferPointer) -> (index: Int32, inserted: Bool) {
        insert(p, hash: SymbolTable.hash(p))
    }

    /// `insert` with the key's `hash(_:)` already computed.
    @discardableResult
    public mutating func insert(_ p: UnsafeRawBufferPointer, hash: Int) -> (index: Int32, inserted: Bool) {
        var slot = hash & mask
        let tag = SymbolTable.tag(hash)
        while true {
            let v = slots[slot]
            if v == 0 { break }
            if v & 0xFFFF_FFFF_0000_0000 == tag, equals(Int32(truncatingIfNeeded: v) - 1, p) { return (Int32(truncatingIfNeeded: v) - 1, false) }
            slot = (slot + 1) & mask
        }
        let index = Int32(count)
        keyBytes.append(contentsOf: p)
        keyStarts.append(Int32(keyBytes.count))
        slots[slot] = tag | UInt64(UInt32(index) + 1)
        if count * 2 > slots.count { grow() }
        return (index, true)
    }

    @discardableResult
    public mutating func insert(_ bytes: [UInt8]) -> (index: Int32, inserted: Bool) {
        bytes.withUnsafeBytes { insert($0) }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        keyBytes.withUnsafeBytes { kb in
            for i in 0..<count {
                let s = Int(keyStarts[i]), e = Int(keyStarts[i + 1])
                let hash = SymbolTable.hash(UnsafeRawBufferPointer(rebasing: kb[s..<e]))
                var slot = hash & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = SymbolTable.tag(hash) | UInt64(UInt32(i) + 1)
            }
        }
    }
}
