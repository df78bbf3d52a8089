import LaurelPoints
import LaurelSources

/// One side of a what-if (docs/what-if.md): the department's figures for one period under one
/// rules.yaml. Every number is a sum of what the points engine computed (its lots, deductions,
/// outcomes and balances, through the same ScoreTable and Board the leaderboards use), so the
/// "current" side is exactly what `laurel build` publishes for that period.
struct WhatIfSide: Sendable {
    /// Per person, in roster order: score in the period, rank (nil: not ranked, FORMAT.md
    /// 8.4), available balance at the as-of date.
    let scores: [Int64]
    let ranks: [Int?]
    let balances: [Int64]
    /// Score points in the period per category (the rules' categories in rules.yaml order,
    /// `other` last), summed over everyone on the roster, ranked or not.
    let categories: [(name: String, points: Int64)]
    /// Rules in rules.yaml order, with the points their caps cut off in the period: the
    /// `capped` part of earns dated in it that took effect and were not reversed.
    let rules: [(id: String, name: String, capped: Int64)]
    /// The points liability: the sum of the available balances at the as-of date of the
    /// people who can still redeem (not `left` before the as-of date).
    let liability: Int64
    /// Available balances of people who left before the as-of date: no entry may name them
    /// any more, so these points can never be redeemed.
    let heldByLeavers: Int64

    init(_ sources: PortalSources, _ book: PointsBook, period: Period, jobs: Int = 1) {
        let table = ScoreTable(sources: sources, book: book, jobs: jobs)
        let months = table.months(of: period)
        let people = sources.people.count
        var scores = [Int64](repeating: 0, count: people)
        var byCategory = [Int64](repeating: 0, count: table.categories.count)
        if let months {
            for p in 0..<people {
                for c in table.categories.indices {
                    let points = table.score(person: p, months: months, category: c)
                    scores[p] += points
                    byCategory[c] += points
                }
            }
        }
        self.scores = scores
        categories = table.categories.enumerated().map { ($1, byCategory[$0]) }
        let board = Board(table, sources, period: period, category: nil, asOf: book.asOf, nameOrder: Board.nameOrder(sources))
        var ranks = [Int?](repeating: nil, count: people)
        for row in board.order { ranks[row.person] = row.rank }
        self.ranks = ranks
        balances = book.accounts.map(\.balance)
        var liability: Int64 = 0, leavers: Int64 = 0
        for (p, person) in sources.people.enumerated() {
            if let left = person.left, left < book.asOf { leavers += book.accounts[p].balance } else { liability += book.accounts[p].balance }
        }
        self.liability = liability
        heldByLeavers = leavers
        var capped = [Int64](repeating: 0, count: sources.rules.count)
        let entries = sources.ledger.entries
        let (first, last) = (period.firstDay, period.lastDay)
        for (i, e) in entries.enumerated() where e.verb == .earn && e.subject >= 0 && e.date >= first && e.date <= last {
            let outcome = book.outcomes[i]
            guard outcome.applied, !outcome.isReversed else { continue }
            capped[Int(e.subject)] += outcome.capped
        }
        rules = sources.rules.enumerated().map { ($1.id, $1.name, capped[$0]) }
    }
}
