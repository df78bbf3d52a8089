import CoreFoundation  // CFString comparison under one CFLocale; this file is CoreFoundation's one user
import Foundation
import LaurelSources

/// Sorting names as people expect in the portal's locale: pinyin order for zh-CN (ICU's
/// Chinese collation), alphabetical for en; ties by id so the order is total.
///
/// The comparison is the one `String.compare(_:options:range:locale:)` makes
/// (`CFStringCompareWithOptionsAndLocale`, non-literal), called directly: that method builds
/// a `CFLocale` and bridges both strings on every call, about 15,000 instructions a
/// comparison, 0.9 billion for the people index at 10,000 people. Here the locale and the
/// strings are made once per sort. `CollationTests` checks both give the same order.
struct Collation: Sendable {
    let identifier: String

    init(_ portal: PortalSettings.Locale) {
        identifier = portal == .zhCN ? "zh_CN" : "en_US"
    }

    func sorted(_ items: [(index: Int, name: String, id: String)]) -> [Int] {
        let strings = items.map { Collation.string($0.name) }
        guard let locale = CFLocaleCreate(nil, Collation.string(identifier)) else { return byFoundation(items) }
        var texts: [CFString] = []
        texts.reserveCapacity(items.count)
        for s in strings {
            guard let s else { return byFoundation(items) }
            texts.append(s)
        }
        let lengths = texts.map { CFStringGetLength($0) }
        let flags = CFStringCompareFlags(rawValue: CFStringCompareFlags.compareNonliteral.rawValue)
        return items.indices.sorted { a, b in
            let order = CFStringCompareWithOptionsAndLocale(texts[a], texts[b], CFRange(location: 0, length: lengths[a]), flags, locale)
            if order == .compareLessThan { return true }
            if order == .compareGreaterThan { return false }
            return items[a].id < items[b].id
        }.map { items[$0].index }
    }

    /// The same order through Foundation (when CoreFoundation cannot make a string or locale).
    func byFoundation(_ items: [(index: Int, name: String, id: String)]) -> [Int] {
        let locale = Locale(identifier: identifier)
        return items.sorted { a, b in
            switch a.name.compare(b.name, options: [], range: nil, locale: locale) {
            case .orderedAscending: return true
            case .orderedDescending: return false
            case .orderedSame: return a.id < b.id
            }
        }.map(\.index)
    }

    private static func string(_ text: String) -> CFString? {
        var text = text
        return text.withUTF8 { CFStringCreateWithBytes(nil, $0.baseAddress, $0.count, CFStringBuiltInEncodings.UTF8.rawValue, false) }
    }
}
