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
        func day(_ d: Day) { XML.day(d, into: &xml) }
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

    /// A person's latest 20 entries: what changed for them, newest first. Written straight
    /// into bytes: every build makes one per person, 200,000 entries for 10,000 people. The
    /// bytes are those `feed` would write for the same items.
    func personFeed(_ p: Int, support: PersonPageSupport) -> [UInt8] {
        let person = sources.people[p]
        let account = book.accounts[p]
        let entries = sources.ledger.entries
        let page = absolute(Address.person(person.id), from: Address.personFeed(person.id))
        let recent = account.entries.reversed().prefix(20)
        var xml: [UInt8] = []
        xml.reserveCapacity(1024 + recent.count * 320)
        func put(_ s: StaticString) { xml.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
        func text(_ s: String) { XML.escape(s, into: &xml) }
        func number(_ n: Int64) { HTMLWriter.digits(n, into: &xml) }
        func source(_ e: LedgerEntry) { text(support.sourcePrefixes[Int(e.file)]); number(Int64(e.line)) }
        put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>urn:laurel:person:")
        text(person.id); put("</id>\n  <title>"); text(sources.settings.title); put(" · "); text(person.name)
        put("</title>\n  <updated>")
        XML.day(recent.first.map { entries[Int($0)].date } ?? book.asOf, into: &xml)
        put("</updated>\n  <link rel=\"self\" href=\""); text(absolute(Address.personFeed(person.id), from: Address.personFeed(person.id))); put("\"/>\n")
        for i in recent {
            let e = entries[Int(i)]
            let outcome = book.outcomes[Int(i)]
            put("  <entry>\n    <id>urn:laurel:"); text(person.id); put(":"); source(e)
            put("</id>\n    <title>"); text(support.verbLabels[Int(e.verb.rawValue)])
            switch e.verb {
            case .earn: put(" "); text(sources.rules[Int(e.subject)].name); put(" +"); number(outcome.points)
            case .award: put(" +"); number(e.points)
            case .deduct: put(" -"); number(e.points)
            case .redeem: put(" "); text(sources.rewards[Int(e.subject)].name); put(" -"); number(outcome.points)
            case .reverse, .balance: break
            }
            put("</title>\n    <updated>"); XML.day(e.date, into: &xml)
            put("</updated>\n    <link href=\""); text(page)
            put("\"/>\n    <summary>")
            if let bytes = sources.ledger.memoBytes(of: e) {
                XML.escape(bytes, into: &xml); put(" ")
            } else if let memo = sources.ledger.memo(of: e) {
                text(memo); put(" ")
            }
            put("("); source(e); put(")</summary>\n  </entry>\n")
        }
        put("</feed>\n")
        return xml
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
        var s = s
        s.withUTF8 { escape($0, into: &out) }
    }

    static func escape<Bytes: Sequence>(_ bytes: Bytes, into out: inout [UInt8]) where Bytes.Element == UInt8 {
        for c in bytes {
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

    /// `2026-03-02T00:00:00Z`, as Atom dates are written.
    static func day(_ d: Day, into out: inout [UInt8]) {
        let c = d.civil
        func two(_ n: Int) { out.append(UInt8(48 + n / 10 % 10)); out.append(UInt8(48 + n % 10)) }
        if c.year < 0 || c.year > 9999 {
            out.append(contentsOf: d.description.utf8)
        } else {
            two(c.year / 100); two(c.year % 100)
            out.append(45); two(c.month); out.append(45); two(c.day)
        }
        out.append(contentsOf: "T00:00:00Z".utf8)
    }
}
