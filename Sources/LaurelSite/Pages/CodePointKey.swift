/// Swift's `<` and `==` on strings (the order of their NFC-normalized scalars), without the
/// normalization for a string that cannot change under it: one of only ASCII, the middle dot
/// and the CJK ideograph blocks (no such character decomposes, composes or combines, so the
/// string is its own NFC and its UTF-8 bytes compare in scalar order). Chinese names and search
/// terms are such strings; comparing them as `String` took the normalizing path every time.
struct CodePointKey: Sendable {
    let text: String
    let bytes: [UInt8]
    /// `text` is its own NFC, so `bytes` order is `String` order.
    let stable: Bool

    init(_ text: String) {
        self.text = text
        bytes = Array(text.utf8)
        stable = CodePointKey.isStable(text)
    }

    static func isStable(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { c in
            switch c.value {
            case 0..<0x80, 0xB7, 0x3400...0x4DBF, 0x4E00...0x9FFF: return true
            default: return false
            }
        }
    }

    /// `a.text < b.text`.
    static func precedes(_ a: CodePointKey, _ b: CodePointKey) -> Bool {
        guard a.stable && b.stable else { return a.text < b.text }
        return a.bytes.lexicographicallyPrecedes(b.bytes)
    }

    /// `a.text == b.text`.
    static func same(_ a: CodePointKey, _ b: CodePointKey) -> Bool { same(a.text, a.stable, b.text, b.stable) }

    /// `a == b`, given whether each `isStable` (known beforehand, as for the search index's
    /// terms): the bytes when both are, `String`'s comparison otherwise.
    static func same(_ a: String, _ aStable: Bool, _ b: String, _ bStable: Bool) -> Bool {
        guard aStable && bStable else { return a == b }
        return a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
    }
}
