import LaurelPoints
import LaurelSources

/// XML files made without templates: the sitemap and Atom feeds (a person's latest entries,
/// the news). Absolute addresses use portal.yaml's `base-url` when it is set.
extension SiteContext {
    /// An address as a feed or the sitemap names it: absolute from base-url when it is set,
    /// else relative to the file that names it (feed readers resolve against the feed).
    func absolute(_ address: String, from file: String = "") -> String {
        if let base = sources.settings.baseURL { return base + Address.file(address) }
        return Address.link(from: file, to: address)
    }

    func sitemap(_ addresses: [String]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for address in addresses.sorted() {
            xml += "  <url><loc>\(XML.escape(absolute(address, from: Address.sitemap)))</loc></url>\n"
        }
        return xml + "</urlset>\n"
    }

    /// An Atom feed, written as bytes (a feed per person is made on every build).
    private func feed(id: String, title: String, selfAddress: String, updated: Day,
                      entries: [(id: String, title: String, day: Day, summary: String, link: String)]) -> [UInt8] {
        var xml: [UInt8] = []
        xml.reserveCapacity(1024 + entries.count * 300)
        func put(_ s: StaticString) { xml.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
        func text(_ s: String) { XML.escape(s, into: &xml) }
        func day(_ d: Day) { xml.append(contentsOf: d.description.utf8); put("T00:00:00Z") }
        put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>")
        text(id); put("</id>\n  <title>"); text(title); put("</title>\n  <updated>"); day(updated)
        put("</updated>\n  <link rel=\"self\" href=\""); text(absolute(selfAddress, from: selfAddress)); put("\"/>\n")
        for e in entries {
            put("  <entry>\n    <id>"); text(e.id); put("</id>\n    <title>"); text(e.title)
            put("</title>\n    <updated>"); day(e.day); put("</updated>\n    <link href=\""); text(e.link)
            put("\"/>\n    <summary>"); text(e.summary); put("</summary>\n  </entry>\n")
        }
        put("</feed>\n")
        return xml
    }

    /// A person's latest 20 entries: what changed for them, newest first.
    func personFeed(_ p: Int) -> [UInt8] {
        let person = sources.people[p]
        let account = book.accounts[p]
        let entries = sources.ledger.entries
        let page = absolute(Address.person(person.id), from: Address.personFeed(person.id))
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
            let where_ = source(e)
            let summary = (sources.ledger.memo(of: e).map { $0 + " " } ?? "") + "(" + where_ + ")"
            items.append(("urn:laurel:" + person.id + ":" + where_, title, e.date, summary, page))
        }
        return feed(id: "urn:laurel:person:\(person.id)", title: sources.settings.title + " · " + person.name,
                    selfAddress: Address.personFeed(person.id), updated: items.first?.day ?? book.asOf, entries: items)
    }

    func newsFeed() -> [UInt8] {
        let news = pages(of: .news).prefix(20)
        let items = news.map { i -> (id: String, title: String, day: Day, summary: String, link: String) in
            let page = sources.pages[i]
            return ("urn:laurel:page:\(page.path)", page.title, page.date ?? book.asOf, summaries[i], absolute(Address.page(page.path), from: Address.newsFeed))
        }
        return feed(id: "urn:laurel:news", title: sources.settings.title + " · " + label("kind.news"), selfAddress: Address.newsFeed,
                    updated: items.first?.day ?? book.asOf, entries: Array(items))
    }
}

enum XML {
    static func escape(_ s: String) -> String {
        var out: [UInt8] = []
        escape(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Escaped for XML text and attributes; control characters XML 1.0 cannot carry are dropped.
    static func escape(_ s: String, into out: inout [UInt8]) {
        for c in s.utf8 {
            switch c {
            case 38: out.append(contentsOf: "&amp;".utf8)
            case 60: out.append(contentsOf: "&lt;".utf8)
            case 62: out.append(contentsOf: "&gt;".utf8)
            case 34: out.append(contentsOf: "&quot;".utf8)
            case 39: out.append(contentsOf: "&apos;".utf8)
            case 9, 10, 13: out.append(c)
            case 0..<32: continue
            default: out.append(c)
            }
        }
    }
}
