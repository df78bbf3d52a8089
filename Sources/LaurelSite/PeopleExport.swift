import LaurelPoints
import LaurelSources

/// `data/people.json` (FORMAT.md section 10): the machine-readable export other intranet
/// tools read. Field order and layout are fixed so the bytes are stable.
public enum PeopleExport {
    public static func json(_ sources: PortalSources, _ book: PointsBook) -> String {
        var out = "{\n"
        out += "  \"asOf\": \(Escape.json(book.asOf.description)),\n"
        out += "  \"period\": \(Escape.json(book.period.description)),\n"
        out += "  \"people\": ["
        let order = sources.people.indices.sorted { sources.people[$0].id.utf8.lexicographicallyPrecedes(sources.people[$1].id.utf8) }
        for (n, p) in order.enumerated() {
            let person = sources.people[p]
            let account = book.accounts[p]
            let team = person.team >= 0 ? sources.teams[Int(person.team)].id : ""
            out += n == 0 ? "\n" : ",\n"
            out += "    {\n"
            out += "      \"id\": \(Escape.json(person.id)), \"name\": \(Escape.json(person.name)), \"team\": \(Escape.json(team)),\n"
            out += "      \"balance\": \(account.balance), \"lifetime\": \(account.lifetime),\n"
            let rank = book.ranks[p].map(String.init) ?? "null"
            out += "      \"score\": \(account.score(in: book.period)), \"rank\": \(rank),\n"
            let scores = account.scores.map { "\(Escape.json($0.period.description)): \($0.points)" }
            out += "      \"scores\": {\(scores.joined(separator: ", "))},\n"
            let expiring = account.expiring.map { group in
                "{\"date\": \(group.lastValid.map { Escape.json($0.description) } ?? "null"), \"points\": \(group.points)}"
            }
            out += "      \"expiring\": [\(expiring.joined(separator: ", "))]\n"
            out += "    }"
        }
        out += sources.people.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }
}
