import LaurelPoints
import LaurelSources

/// `data/people.json` (FORMAT.md section 10): the machine-readable export other intranet
/// tools read. Field order and layout are fixed so the bytes are stable.
///
/// Written as bytes: as strings, the file was a dozen interpolations and appends per person and
/// a period's name made again for each of their scores (2.6 % of a build's instructions at
/// 10,000 people).
public enum PeopleExport {
    public static func json(_ sources: PortalSources, _ book: PointsBook) -> String {
        String(decoding: bytes(sources, book), as: UTF8.self)
    }

    public static func bytes(_ sources: PortalSources, _ book: PointsBook) -> [UInt8] {
        var out = ByteWriter(capacity: 4096 + sources.people.count * 400)
        out.append("{\n")
        out.append("  \"asOf\": ")
        Escape.json(book.asOf.description, into: &out)
        out.append(",\n")
        out.append("  \"period\": ")
        Escape.json(book.period.description, into: &out)
        out.append(",\n")
        out.append("  \"people\": [")
        // Every period's name as a JSON string, made once.
        var periodNames: [Period: [UInt8]] = [:]
        let order = sources.people.indices.sorted { sources.people[$0].id.utf8.lexicographicallyPrecedes(sources.people[$1].id.utf8) }
        for (n, p) in order.enumerated() {
            let person = sources.people[p]
            let account = book.accounts[p]
            let team = person.team >= 0 ? sources.teams[Int(person.team)].id : ""
            out.append(n == 0 ? "\n" : ",\n")
            out.append("    {\n")
            out.append("      \"id\": ")
            Escape.json(person.id, into: &out)
            out.append(", \"name\": ")
            Escape.json(person.name, into: &out)
            out.append(", \"team\": ")
            Escape.json(team, into: &out)
            out.append(",\n")
            out.append("      \"balance\": ")
            HistoryExport.number(account.balance, into: &out)
            out.append(", \"lifetime\": ")
            HistoryExport.number(account.lifetime, into: &out)
            out.append(",\n")
            out.append("      \"score\": ")
            HistoryExport.number(account.score(in: book.period), into: &out)
            out.append(", \"rank\": ")
            if let rank = book.ranks[p] { HistoryExport.number(Int64(rank), into: &out) } else { out.append("null") }
            out.append(",\n")
            out.append("      \"scores\": {")
            for (k, score) in account.scores.enumerated() {
                if k > 0 { out.append(", ") }
                if periodNames[score.period] == nil {
                    var name = ByteWriter(capacity: 32)
                    Escape.json(score.period.description, into: &name)
                    periodNames[score.period] = name.array
                }
                periodNames[score.period]?.withUnsafeBufferPointer { out.append($0) }
                out.append(": ")
                HistoryExport.number(score.points, into: &out)
            }
            out.append("},\n")
            out.append("      \"expiring\": [")
            for (k, group) in account.expiring.enumerated() {
                if k > 0 { out.append(", ") }
                out.append("{\"date\": ")
                if let day = group.lastValid { Escape.json(day.description, into: &out) } else { out.append("null") }
                out.append(", \"points\": ")
                HistoryExport.number(group.points, into: &out)
                out.append("}")
            }
            out.append("]\n")
            out.append("    }")
        }
        out.append(sources.people.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
        return out.array
    }
}
