import LaurelPoints
import LaurelSources

/// The honour roll of one period (docs/analytics.md): who came first on each of its
/// leaderboards (ties exactly as the boards rank them), who reached a title and who earned a
/// badge in it. Public: built from the same boards as the leaderboards, and like them it leaves
/// out everyone with `leaderboard: false`.
struct HonourRoll: Sendable {
    let period: Period
    /// True for the period containing the as-of date: its winners may still change.
    let inProgress: Bool
    /// First place on the overall board (every person sharing rank 1), when the score is positive.
    let people: [(person: Int, score: Int64)]
    /// First place in the team standings of the overall board.
    let teams: [(team: Int, total: Int64)]
    /// First place on each category's board, in the score table's category order.
    let categories: [(category: Int, people: [(person: Int, score: Int64)])]
    /// Titles first reached in the period (the month lifetime points first came to the title's
    /// `min`), by month, then title, then name.
    let titles: [(person: Int, title: Int, month: Period)]
    /// Badges earned in the period (PersonAccount.badges), by day, then badge, then name.
    let badges: [(person: Int, badge: Int, day: Day)]

    /// A board's winners: rank 1 with a score above zero (nobody "wins" a period of zeros).
    static func winners(_ board: Board?) -> [(person: Int, score: Int64)] {
        guard let board else { return [] }
        return board.order.prefix { $0.rank == 1 }.filter { $0.score > 0 }.map { ($0.person, $0.score) }
    }

    init(_ period: Period, site: SiteContext, boards: BoardIndex, events: HonourEvents) {
        self.period = period
        inProgress = period.contains(site.book.asOf)
        let overall = boards[period, nil]
        people = HonourRoll.winners(overall)
        teams = (overall?.teams(site.sources) ?? []).prefix { $0.rank == 1 }.filter { $0.total > 0 }.map { ($0.team, $0.total) }
        categories = site.scores.categories.indices.compactMap { c in
            let w = HonourRoll.winners(boards[period, c])
            return w.isEmpty ? nil : (c, w)
        }
        let months = period.firstDay.monthIndex...period.lastDay.monthIndex
        titles = events.titles.filter { months.contains($0.month) }.map { ($0.person, $0.title, Period(kind: .month, index: $0.month)) }
        badges = events.badges.filter { period.contains($0.day) }
    }
}

/// Boards by period and category, to find a period's boards among all of them.
struct BoardIndex: Sendable {
    private struct Key: Hashable {
        let period: Period
        let category: Int?
    }
    private let boards: [Board]
    private let index: [Key: Int]

    init(_ boards: [Board]) {
        self.boards = boards
        var index: [Key: Int] = [:]
        for (i, b) in boards.enumerated() { index[Key(period: b.period, category: b.category)] = i }
        self.index = index
    }

    subscript(period: Period, category: Int?) -> Board? {
        index[Key(period: period, category: category)].map { boards[$0] }
    }
}

/// Titles reached and badges earned by everyone who takes part in public ranking, worked out
/// once for all honour rolls.
struct HonourEvents: Sendable {
    /// Month index (year*12+month-1) in which lifetime points first reached each title's `min`.
    let titles: [(person: Int, title: Int, month: Int)]
    let badges: [(person: Int, badge: Int, day: Day)]

    init(site: SiteContext, nameOrder: [Int32]) {
        let sources = site.sources, table = site.scores
        var titles: [(person: Int, title: Int, month: Int)] = []
        var badges: [(person: Int, badge: Int, day: Day)] = []
        for (p, person) in sources.people.enumerated() where person.leaderboard {
            if !sources.titles.isEmpty && table.monthCount > 0 {
                var reached = [Bool](repeating: false, count: sources.titles.count)
                var lifetime: Int64 = 0
                for m in 0..<table.monthCount {
                    lifetime += table.score(person: p, months: m...m, category: nil)
                    for (t, title) in sources.titles.enumerated() where !reached[t] && lifetime >= title.min && title.min > 0 {
                        reached[t] = true
                        titles.append((p, t, table.firstMonth + m))
                    }
                }
            }
            for b in site.book.accounts[p].badges { badges.append((p, b.badge, b.day)) }
        }
        titles.sort { a, b in
            a.month != b.month ? a.month < b.month : a.title != b.title ? a.title < b.title : nameOrder[a.person] < nameOrder[b.person]
        }
        badges.sort { a, b in
            a.day != b.day ? a.day < b.day : a.badge != b.badge ? a.badge < b.badge : nameOrder[a.person] < nameOrder[b.person]
        }
        self.titles = titles
        self.badges = badges
    }
}

extension View {
    /// The view with one more value (nil leaves it as it is).
    func with(_ key: ViewKey, _ value: TemplateValue?) -> View {
        var copy = self
        copy.set(key, value)
        return copy
    }
}
