import Foundation
import LaurelSources

/// Sorting names as people expect in the portal's locale: pinyin order for zh-CN (ICU's
/// Chinese collation), alphabetical for en; ties by id so the order is total.
struct Collation: Sendable {
    let locale: Locale

    init(_ portal: PortalSettings.Locale) {
        locale = Locale(identifier: portal == .zhCN ? "zh_CN" : "en_US")
    }

    func sorted(_ items: [(index: Int, name: String, id: String)]) -> [Int] {
        items.sorted { a, b in
            switch a.name.compare(b.name, options: [], range: nil, locale: locale) {
            case .orderedAscending: return true
            case .orderedDescending: return false
            case .orderedSame: return a.id < b.id
            }
        }.map(\.index)
    }
}

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
    static func same(_ a: CodePointKey, _ b: CodePointKey) -> Bool {
        guard a.stable && b.stable else { return a.text == b.text }
        return a.bytes == b.bytes
    }
}
