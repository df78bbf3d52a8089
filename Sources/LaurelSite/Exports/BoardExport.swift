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
    /// Per person p, `,person,name,team,team_name,` as CSVFile writes those cells:
    /// `middles[middleStart[p]..<middleStart[p + 1]]`. One buffer, not an array per person:
    /// a board visits people in score order, and at 50,000 people the separate arrays cost
    /// a cache miss for each one's header and another for its bytes (a second of one core).
    let middles: [UInt8]
    let middleStart: [Int]

    init(_ sources: PortalSources) {
        headerBytes = CSVFile(header: BoardExport.header).bytes
        var middles: [UInt8] = []
        var starts = [0]
        starts.reserveCapacity(sources.people.count + 1)
        for person in sources.people {
            let team = person.team >= 0 ? sources.teams[Int(person.team)] : nil
            middles.append(UInt8(ascii: ","))
            for (k, text) in [person.id, person.name, team?.id ?? "", team?.name ?? ""].enumerated() {
                if k > 0 { middles.append(UInt8(ascii: ",")) }
                CSVFile.appendText(text, to: &middles)
            }
            middles.append(UInt8(ascii: ","))
            starts.append(middles.count)
        }
        self.middles = middles
        middleStart = starts
    }

    func csv(_ board: Board) -> [UInt8] {
        var out = ByteWriter(capacity: headerBytes.count + board.order.count * 48)
        out.append(headerBytes)
        middles.withUnsafeBufferPointer { middles in
            for row in board.order {
                HistoryExport.number(Int64(row.rank), into: &out)
                out.append(UnsafeBufferPointer(rebasing: middles[middleStart[row.person]..<middleStart[row.person + 1]]))
                HistoryExport.number(row.score, into: &out)
                out.append("\r\n")
            }
        }
        return out.array
    }

    /// The file beside a board page at `address` (a folder).
    static func path(_ address: String) -> String { address + file }
}
