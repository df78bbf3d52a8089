import LaurelPoints
import LaurelSources

/// Turns a computed portal into its files. (The themed pages come with the theme; this
/// writes the export and a plain index.)
public enum SiteRenderer {
    public static func render(_ run: PortalRun) -> [OutputFile] {
        guard let book = run.book else { return [] }
        let sources = run.sources
        var files: [OutputFile] = []
        files.append(OutputFile(path: "data/people.json", text: PeopleExport.json(sources, book)))
        var html = "<!doctype html>\n<html lang=\"\(sources.settings.locale.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<title>\(Escape.html(sources.settings.title))</title>\n</head>\n<body>\n<main>\n"
        html += "<h1>\(Escape.html(sources.settings.title))</h1>\n"
        html += "<p>\(Escape.html(book.period.description)) · \(Escape.html(book.asOf.description))</p>\n"
        html += "<table>\n<caption>\(Escape.html(book.period.description))</caption>\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">name</th><th scope=\"col\">score</th><th scope=\"col\">balance</th></tr></thead>\n<tbody>\n"
        let ranked = sources.people.indices.filter { book.ranks[$0] != nil }.sorted { a, b in
            let ra = book.ranks[a] ?? 0, rb = book.ranks[b] ?? 0
            if ra != rb { return ra < rb }
            if sources.people[a].name != sources.people[b].name { return sources.people[a].name < sources.people[b].name }
            return sources.people[a].id < sources.people[b].id
        }
        for p in ranked {
            html += "<tr><td>\(book.ranks[p] ?? 0)</td><td>\(Escape.html(sources.people[p].name))</td><td>\(book.accounts[p].score(in: book.period))</td><td>\(book.accounts[p].balance)</td></tr>\n"
        }
        html += "</tbody>\n</table>\n<p><a href=\"data/people.json\">people.json</a></p>\n</main>\n</body>\n</html>\n"
        files.append(OutputFile(path: "index.html", text: html))
        return files
    }
}
