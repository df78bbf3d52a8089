import LaurelPoints
import LaurelSources

extension SiteContext {
    /// How many people a leaderboard lists: everyone on the current period's overall board,
    /// the top 100 elsewhere (each person's page shows their own rank in every period).
    static let boardLength = 100

    /// Every board: each period of each kind, overall and per category.
    func boards(jobs: Int) -> [Board] {
        var periods: [Period] = []
        for kind in PeriodKind.allCases { periods += scores.periods(kind, asOf: book.asOf) }
        let order = Board.nameOrder(sources)
        let byName = Board.byName(order)
        // Per period: the board of all categories, then one per category.
        return Parallel.map(periods.count, jobs: jobs) { [self, periods] i in
            Board.all(scores, sources, period: periods[i], asOf: book.asOf, nameOrder: order, byName: byName, limit: SiteContext.boardLength)
        }.flatMap { $0 }
    }

    func boardPage(_ board: Board, at: String, isCurrent: Bool, all: [Period]) -> View {
        let categoryName = board.category.map { category(scores.categories[$0]) }
        var title = LocaleFormat.period(board.period, locale) + " " + label("leaderboard.title")
        if let categoryName { title += " · " + categoryName }
        var root = root(at: at, title: title)
        let full = isCurrent && board.category == nil
        let shown = full ? board.order[...] : board.order.prefix(SiteContext.boardLength)
        var info = View([(.period, .period(board.period)), (.kind, .text(label("period." + board.period.kind.rawValue))),
                         (.count, .number(Int64(board.count))), (.current, .bool(board.period == book.period && board.category == nil))])
        info.set(.category, categoryName.map { .text($0) })
        root.set(.board, .object(info))
        root.set(.rows, .list(shown.map { row($0.person, score: $0.score, rank: $0.rank, from: at) }))
        root.set(.more, .number(Int64(board.count - shown.count)))
        if board.category == nil { root.set(.teams, .list(teamRows(board, from: at))) }
        var categories = [View([(.name, .text(label("leaderboard.all"))), (.url, .text(Address.link(from: at, to: Address.board(board.period)))),
                                (.current, .bool(board.category == nil))])]
        for (k, name) in scores.categories.enumerated() {
            categories.append(View([(.name, .text(category(name))), (.url, .text(Address.link(from: at, to: Address.board(board.period, category: name)))),
                                    (.current, .bool(board.category == k))]))
        }
        root.set(.categories, .list(categories))
        root.set(.honours, .text(Address.link(from: at, to: Address.honourRoll(board.period))))
        if audience == .managers { root.set(.report, .text(Address.link(from: at, to: Address.report(board.period)))) }
        let day = min(board.period.lastDay, book.asOf)
        root.set(.views, .list(PeriodKind.allCases.map { kind in
            let p = Period(kind: kind, containing: day)
            return View([(.name, .text(label("period." + kind.rawValue))), (.period, .period(p)),
                         (.url, .text(Address.link(from: at, to: Address.board(p, category: board.category.map { scores.categories[$0] })))),
                         (.current, .bool(kind == board.period.kind))])
        }))
        let categoryId = board.category.map { scores.categories[$0] }
        if let i = all.firstIndex(of: board.period) {
            if i > 0 {
                root.set(.previous, .object(View([(.period, .period(all[i - 1])), (.url, .text(Address.link(from: at, to: Address.board(all[i - 1], category: categoryId))))])))
            }
            if i + 1 < all.count {
                root.set(.following, .object(View([(.period, .period(all[i + 1])), (.url, .text(Address.link(from: at, to: Address.board(all[i + 1], category: categoryId))))])))
            }
        }
        return root
    }

    func archivePage(at: String) -> View {
        var root = root(at: at, title: label("leaderboards.title"))
        root.set(.kinds, .list(PeriodKind.allCases.map { kind in
            View([(.name, .text(label("period." + kind.rawValue))),
                  (.periods, .list(scores.periods(kind, asOf: book.asOf).reversed().map { p in
                      View([(.period, .period(p)), (.url, .text(Address.link(from: at, to: Address.board(p)))), (.current, .bool(p == book.period))])
                  }))])
        }))
        return root
    }

    func tvPage(_ board: Board, at: String) -> View {
        var root = root(at: at, title: label("tv.title"))
        root.set(.board, .object(View([(.period, .period(board.period))])))
        root.set(.top, .list(board.order.prefix(20).map { row($0.person, score: $0.score, rank: $0.rank, from: at) }))
        root.set(.teams, .list(teamRows(board, from: at)))
        return root
    }

    func homePage(_ board: Board, at: String) -> View {
        var root = root(at: at, title: sources.settings.title)
        root.set(.top, .list(board.order.prefix(10).map { row($0.person, score: $0.score, rank: $0.rank, from: at) }))
        root.set(.teams, .list(teamRows(board, from: at)))
        let news = published.values.filter { sources.pages[$0].kind == .news }.sorted { a, b in
            let da = sources.pages[a].date ?? Day(serial: Int32.min), db = sources.pages[b].date ?? Day(serial: Int32.min)
            return da != db ? da > db : sources.pages[a].path < sources.pages[b].path
        }
        root.set(.news, .list(news.prefix(5).map { item($0, from: at) }))
        let monthEnd = Period(kind: .month, containing: book.asOf).lastDay
        var soon: [(p: Int, points: Int64, day: Day)] = []
        for (p, account) in book.accounts.enumerated() {
            let points = account.expiring.filter { ($0.lastValid.map { $0 <= monthEnd }) ?? false }
            if let first = points.first {
                soon.append((p, points.reduce(0) { $0 + $1.points }, first.lastValid ?? monthEnd))
            }
        }
        root.set(.expiringtotal, .number(soon.reduce(0) { $0 + $1.points }))
        soon.sort { $0.points != $1.points ? $0.points > $1.points : sources.people[$0.p].id < sources.people[$1.p].id }
        root.set(.expiringsoon, .list(soon.prefix(20).map { item in
            var view = personLink(item.p, from: at)
            view.set(.points, .number(item.points))
            view.set(.date, .day(item.day))
            return view
        }))
        root.set(.month, .period(Period(kind: .month, containing: book.asOf)))
        return root
    }
}
