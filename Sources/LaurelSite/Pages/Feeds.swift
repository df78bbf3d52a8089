import LaurelPoints
import LaurelSources

/// XML files made without templates: the sitemap and Atom feeds (a person's latest entries,
/// the news). Absolute addresses use portal.yaml's `base-url` when it is set.
extension SiteContext {
    func absolute(_ address: String) -> String {
        (sources.settings.baseURL ?? "") + Address.file(address)
    }

    func sitemap(_ addresses: [String]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for address in addresses.sorted() {
            xml += "  <url><loc>\(XML.escape(absolute(address)))</loc></url>\n"
        }
        return xml + "</urlset>\n"
    }

    private func feed(id: String, title: String, selfAddress: String, updated: Day, entries: [(id: String, title: String, day: Day, summary: String, link: String)]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        xml += "  <id>\(XML.escape(id))</id>\n  <title>\(XML.escape(title))</title>\n"
        xml += "  <updated>\(updated)T00:00:00Z</updated>\n"
        xml += "  <link rel=\"self\" href=\"\(XML.escape(absolute(selfAddress)))\"/>\n"
        for e in entries {
            xml += "  <entry>\n    <id>\(XML.escape(e.id))</id>\n    <title>\(XML.escape(e.title))</title>\n"
            xml += "    <updated>\(e.day)T00:00:00Z</updated>\n    <link href=\"\(XML.escape(e.link))\"/>\n"
            xml += "    <summary>\(XML.escape(e.summary))</summary>\n  </entry>\n"
        }
        return xml + "</feed>\n"
    }

    /// A person's latest 20 entries: what changed for them, newest first.
    func personFeed(_ p: Int) -> String {
        let person = sources.people[p]
        let account = book.accounts[p]
        let entries = sources.ledger.entries
        var items: [(id: String, title: String, day: Day, summary: String, link: String)] = []
        for i in account.entries.reversed().prefix(20) {
            let e = entries[Int(i)]
            let outcome = book.outcomes[Int(i)]
            var title = label("verb." + e.verb.name)
            switch e.verb {
            case .earn: title += " " + sources.rules[Int(e.subject)].name + " +" + String(outcome.points)
            case .award: title += " +" + String(e.points)
            case .deduct: title += " -" + String(e.points)
            case .redeem: title += " " + sources.rewards[Int(e.subject)].name + " -" + String(outcome.points)
            case .reverse, .balance: break
            }
            let summary = (sources.ledger.memo(of: e) ?? "") + " (" + source(e) + ")"
            items.append(("urn:laurel:\(person.id):\(source(e))", title, e.date, summary, absolute(Address.person(person.id))))
        }
        let updated = items.first?.day ?? book.asOf
        return feed(id: "urn:laurel:person:\(person.id)", title: sources.settings.title + " · " + person.name,
                    selfAddress: Address.personFeed(person.id), updated: updated, entries: items)
    }

    func newsFeed() -> String {
        let news = pages(of: .news).prefix(20)
        let items = news.map { i -> (id: String, title: String, day: Day, summary: String, link: String) in
            let page = sources.pages[i]
            return ("urn:laurel:page:\(page.path)", page.title, page.date ?? book.asOf, summaries[i], absolute(Address.page(page.path)))
        }
        return feed(id: "urn:laurel:news", title: sources.settings.title + " · " + label("kind.news"), selfAddress: Address.newsFeed,
                    updated: items.first?.day ?? book.asOf, entries: Array(items))
    }
}

enum XML {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // Characters XML 1.0 cannot carry are dropped.
                if c.value < 0x20 && c != "\n" && c != "\t" && c != "\r" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
