import LaurelSources

/// `board.csv` beside every leaderboard page (docs/exports.md): the people the board ranks,
/// in its order, with the same ranks and ties. Opted-out people are not on a board, so not
/// here either.
enum BoardExport {
    static let header = ["rank", "person", "name", "team", "team_name", "points"]

    static func csv(_ board: Board, _ sources: PortalSources) -> [UInt8] {
        var csv = CSVFile(header: header)
        for row in board.order {
            let person = sources.people[row.person]
            let team = person.team >= 0 ? sources.teams[Int(person.team)] : nil
            csv.append([.number(Int64(row.rank)), .text(person.id), .text(person.name), .text(team?.id ?? ""), .text(team?.name ?? ""), .number(row.score)])
        }
        return csv.bytes
    }

    /// The file beside a board page at `address` (a folder).
    static func path(_ address: String) -> String { address + "board.csv" }
}
