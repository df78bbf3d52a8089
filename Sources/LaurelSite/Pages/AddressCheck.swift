import LaurelSources

/// FORMAT.md 10 publishes `pages/PATH.md` at `PATH/`; the theme's own addresses must not be
/// taken by a page. Checked by `laurel check` too, so a build never meets it first.
enum AddressCheck {
    static func problems(_ sources: PortalSources) -> [Diagnostic] {
        let explanations = Set(sources.rules.compactMap(\.page))
        var problems: [Diagnostic] = []
        for page in sources.pages where !explanations.contains(page.path) {
            let segments = page.path.split(separator: "/").map(String.init)
            guard let first = segments.first, Address.reserved.contains(first) || Address.reserved.contains(first + ".html") else { continue }
            let free: Bool
            switch first {
            case "training", "news": free = segments.count > 1
            case "cases": free = segments.count > 1 && !(segments.count == 2 && (segments[1] == "success" || segments[1] == "failure"))
            case "rules": free = segments.count > 1 && !(segments.count == 2 && sources.ruleIndex.find(segments[1]) != nil)
            default: free = false
            }
            if !free {
                problems.append(page.location.error(
                    "pages/\(page.path).md would be published at \(page.path)/, an address the portal uses itself; rename or move the file"))
            }
        }
        return problems
    }
}
