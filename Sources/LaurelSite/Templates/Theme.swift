import Foundation
import LaurelSources

/// A theme folder (`Themes/NAME/`): page templates, partials, UI strings per locale and static
/// files. A theme may `extend` another in its theme.yaml and replace only the files it has.
public struct Theme: Sendable {
    public let name: String
    /// Compiled page templates by name (`person`, `home`, …).
    public let pages: [String: Template]
    /// UI strings of the portal's locale.
    public let strings: [String: String]
    /// Files copied to `theme/` in the output, by path relative to the theme's `static/`.
    public let assets: [(path: String, bytes: [UInt8])]
    /// A hash of everything the theme renders with: its templates (after inheritance), UI
    /// strings and static files. Part of every page's render fingerprint (docs/incremental.md).
    public let fingerprint: UInt64

    /// The page templates every theme must provide (after inheritance).
    public static let pageTemplates = ["home", "person", "people", "team", "leaderboard", "leaderboards", "rewards", "reward",
                                       "rules", "rule", "changes", "page", "section", "tags", "tag", "404", "tv",
                                       "report", "reports", "honours", "honourrolls", "audit"]
    /// Page templates a theme may leave out: the portal then has no such page.
    public static let optionalPageTemplates = ["search"]

    /// Loads `themes/name` (and what it extends). Every problem is a diagnostic.
    public static func load(themes: String, name: String, locale: PortalSettings.Locale) -> (Theme?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var chain: [(folder: String, label: String)] = []
        var current: String? = name
        while let themeName = current {
            guard Identifier.isValid(themeName) else {
                diagnostics.append(Diagnostic(path: themes, line: 1, column: 1, message: "theme name '\(themeName)' must be an identifier (\(Identifier.rule))"))
                return (nil, diagnostics)
            }
            let folder = themes + "/" + themeName
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                diagnostics.append(Diagnostic(path: folder, line: 1, column: 1, message: "theme '\(themeName)' not found: expected a folder \(folder)"))
                return (nil, diagnostics)
            }
            if chain.contains(where: { $0.folder == folder }) {
                diagnostics.append(Diagnostic(path: folder + "/theme.yaml", line: 1, column: 1, message: "themes extend each other in a circle"))
                return (nil, diagnostics)
            }
            chain.append((folder, folder))
            current = nil
            if let bytes = FileManager.default.contents(atPath: folder + "/theme.yaml") {
                var y = StrictYAML(path: folder + "/theme.yaml")
                if let node = y.parse([UInt8](bytes)), let f = y.mapping(node, what: "theme.yaml", allowed: ["name", "description", "extends"]) {
                    if let e = f["extends"] { current = y.identifier(e, what: "extends") }
                }
                diagnostics += y.sink.diagnostics
            }
        }
        // The base theme first; later themes replace files by relative path.
        var templateSources: [String: (path: String, text: String)] = [:]
        var strings: [String: String] = [:]
        var assets: [String: [UInt8]] = [:]
        for (folder, _) in chain.reversed() {
            for (relative, full) in files(under: folder + "/templates", suffix: ".mustache") {
                guard let data = FileManager.default.contents(atPath: full) else { continue }
                switch SourceText.decode([UInt8](data)) {
                case .success(let text): templateSources[String(relative.dropLast(".mustache".count))] = (full, text)
                case .failure(let at): diagnostics.append(Diagnostic(path: full, line: at.line, column: at.column, message: "not valid UTF-8"))
                }
            }
            let stringsFile = folder + "/i18n/" + locale.rawValue + ".yaml"
            if let data = FileManager.default.contents(atPath: stringsFile) {
                var y = StrictYAML(path: stringsFile)
                if let node = y.parse([UInt8](data)) {
                    if case .mapping(let m) = node {
                        for (k, v) in m {
                            guard let key = y.text(k, what: "a UI string key"), let value = y.text(v, what: "UI string '\(k.string ?? "")'") else { continue }
                            strings[key] = value
                        }
                    } else {
                        y.error(at: node, "expected key: text lines")
                    }
                }
                diagnostics += y.sink.diagnostics
            }
            for (relative, full) in files(under: folder + "/static", suffix: "") {
                if let data = FileManager.default.contents(atPath: full) { assets[relative] = [UInt8](data) }
            }
        }
        if strings.isEmpty {
            diagnostics.append(Diagnostic(path: name, line: 1, column: 1, message: "theme '\(name)' has no UI strings for \(locale.rawValue): add i18n/\(locale.rawValue).yaml"))
        }
        var pages: [String: Template] = [:]
        for page in pageTemplates + optionalPageTemplates.filter({ templateSources[$0] != nil }) {
            do {
                pages[page] = try Template.compile(page, sources: templateSources, strings: strings)
            } catch {
                let message = templateSources[page] == nil
                    ? "missing template \(page).mustache: the theme (or the one it extends) must provide it"
                    : error.message
                diagnostics.append(Diagnostic(path: templateSources[page] == nil ? (chain.first?.folder ?? name) + "/templates/\(page).mustache" : error.path,
                                              line: error.line, column: error.column, message: message))
            }
        }
        guard diagnostics.isEmpty else { return (nil, Array(Set(diagnostics)).sorted()) }
        var hash = ContentHash()
        hash.update("theme \(name) \(locale.rawValue)\u{0}")
        for key in templateSources.keys.sorted() {
            hash.update("t \(key)\u{0}\(templateSources[key]?.text.utf8.count ?? 0)\u{0}")
            hash.update(templateSources[key]?.text ?? "")
        }
        for key in strings.keys.sorted() {
            let value = strings[key] ?? ""
            hash.update("s \(key.utf8.count) \(key) \(value.utf8.count)\u{0}")
            hash.update(value)
        }
        for key in assets.keys.sorted() {
            hash.update("a \(key)\u{0}\(assets[key]?.count ?? 0)\u{0}")
            hash.update(assets[key] ?? [])
        }
        return (Theme(name: name, pages: pages, strings: strings,
                      assets: assets.keys.sorted().map { ($0, assets[$0] ?? []) }, fingerprint: hash.value), [])
    }

    /// Regular files below `folder` (relative path with `/`, full path), sorted.
    static func files(under folder: String, suffix: String) -> [(String, String)] {
        guard let all = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [(String, String)] = []
        while let relative = all.nextObject() as? String {
            let full = folder + "/" + relative
            var isFolder: ObjCBool = false
            guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                  relative.hasSuffix(suffix),
                  FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            found.append((relative, full))
        }
        return found.sorted { $0.0 < $1.0 }
    }

    /// A UI string, or the key itself when the theme lacks it.
    public func string(_ key: String) -> String { strings[key] ?? key }
}
