import LaurelSources

/// `board.csv` beside every leaderboard page (docs/exports.md): the people the board ranks,
/// in its order, with the same ranks and ties. Opted-out people are not on a board, so not
/// here either.
///
/// A department of 10,000 has some thirty full boards (every month, quarter and year): each
/// person's `person,name,team,team_name` cells are encoded once by CSVFile and reused, so a
/// row costs a rank, a copy and a score.
struct BoardExport: Sendable {
    static let header = ["rank", "person", "name", "team", "team_name", "points"]
    static let file = "board.csv"
    let headerBytes: [UInt8]
    /// Per person, `,person,name,team,team_name,` as CSVFile writes those cells.
    let middles: [[UInt8]]

    init(_ sources: PortalSources) {
        headerBytes = CSVFile(header: BoardExport.header).bytes
        middles = sources.people.map { person in
            let team = person.team >= 0 ? sources.teams[Int(person.team)] : nil
            var out: [UInt8] = [UInt8(ascii: ",")]
            for (k, text) in [person.id, person.name, team?.id ?? "", team?.name ?? ""].enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                CSVFile.appendText(text, to: &out)
            }
            out.append(UInt8(ascii: ","))
            return out
        }
    }

    func csv(_ board: Board) -> [UInt8] {
        var out = ByteWriter(capacity: headerBytes.count + board.order.count * 48)
        out.append(headerBytes)
        for row in board.order {
            HistoryExport.number(Int64(row.rank), into: &out)
            out.append(middles[row.person])
            HistoryExport.number(row.score, into: &out)
            out.append("\r\n")
        }
        return out.array
    }

    /// The file beside a board page at `address` (a folder).
    static func path(_ address: String) -> String { address + file }
}
