import LaurelSources

/// The portal's addresses (docs/themes.md lists them; they stay the same from one build to
/// the next). A page address is a folder ending in `/`, published as `index.html` inside it.
public enum Address {
    public static let home = ""
    public static let people = "people/"
    public static func person(_ id: String) -> String { "people/\(id)/" }
    public static func personFeed(_ id: String) -> String { "people/\(id)/feed.xml" }
    public static let teams = "teams/"
    public static func team(_ id: String) -> String { "teams/\(id)/" }
    public static let leaderboard = "leaderboard/"
    public static let leaderboards = "leaderboard/archive/"
    public static func board(_ period: Period, category: String? = nil) -> String {
        "leaderboard/\(period)/" + (category.map { "\($0)/" } ?? "")
    }
    public static let rewards = "rewards/"
    public static func reward(_ id: String) -> String { "rewards/\(id)/" }
    public static let rules = "rules/"
    public static func rule(_ id: String) -> String { "rules/\(id)/" }
    public static let changes = "rule-changes/"
    public static let tags = "tags/"
    public static func tag(_ tag: String) -> String { "tags/\(tag)/" }
    public static func kind(_ kind: ContentPage.Kind) -> String {
        switch kind {
        case .training: return "training/"
        case .case: return "cases/"
        case .news: return "news/"
        case .page, .rule: return "pages/"
        }
    }
    public static func outcome(_ outcome: ContentPage.Outcome) -> String { "cases/\(outcome.rawValue)/" }
    /// FORMAT.md 10: `pages/PATH.md` is published at `PATH/`.
    public static func page(_ path: String) -> String { path + "/" }
    public static let tv = "tv/"
    public static let newsFeed = "news/feed.xml"
    public static let notFound = "404.html"
    public static let sitemap = "sitemap.xml"
    public static let themeAssets = "theme/"
    public static let contentAssets = "assets/"
    public static let data = "data/"
    /// Period reports (managers' build only) and honour rolls, one folder per period.
    public static let analytics = "analytics/"
    public static func report(_ period: Period) -> String { "analytics/\(period)/" }
    public static let honours = "honours/"
    public static func honourRoll(_ period: Period) -> String { "honours/\(period)/" }
    /// The search page and its index (docs/search.md).
    public static let search = "search/"

    /// Addresses Laurel itself writes under; a page may not take them.
    public static let reserved: Set<String> = ["people", "teams", "leaderboard", "rewards", "rules", "rule-changes", "tags",
                                               "training", "cases", "news", "pages", "tv", "theme", "assets", "data",
                                               "404.html", "sitemap.xml", "index.html",
                                               "analytics", "honours", "audit", "search"]

    /// The file that holds an address: folders get `index.html`.
    public static func file(_ address: String) -> String {
        address.isEmpty ? "index.html" : address.hasSuffix("/") ? address + "index.html" : address
    }

    /// A relative link from the page at `from` to `to`, explicit `index.html` included, so the
    /// portal works from disk, under any sub-path and on any server.
    public static func link(from: String, to: String) -> String {
        var depth = 0
        for c in from.utf8 where c == 47 { depth += 1 }  // one "../" per folder of `from`
        var link = ""
        link.reserveCapacity(depth * 3 + to.utf8.count + 10)
        for _ in 0..<depth { link += "../" }
        link += to
        if to.isEmpty || to.hasSuffix("/") { link += "index.html" }
        return link
    }
}
