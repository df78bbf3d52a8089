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
