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
    func personFeed(_ p: Int, support: PersonPageSupport, into out: inout ByteWriter) {
        let person = sources.people[p]
        let account = book.accounts[p]
        let entries = sources.ledger.entries
        let page = absolute(Address.person(person.id), from: Address.personFeed(person.id))
        let recent = account.entries.reversed().prefix(20)
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>urn:laurel:person:")
        XML.escape(person.id, into: &out); out.append("</id>\n  <title>"); XML.escape(sources.settings.title, into: &out)
        out.append(" · "); XML.escape(person.name, into: &out)
        out.append("</title>\n  <updated>")
        XML.day(recent.first.map { entries[Int($0)].date } ?? book.asOf, into: &out)
        out.append("</updated>\n  <link rel=\"self\" href=\"")
        XML.escape(absolute(Address.personFeed(person.id), from: Address.personFeed(person.id)), into: &out); out.append("\"/>\n")
        for i in recent {
            let e = entries[Int(i)]
            let outcome = book.outcomes[Int(i)]
            let source = support.rowSources[Int(e.file)]
            out.append("  <entry>\n    <id>urn:laurel:"); XML.escape(person.id, into: &out); out.append(":")
            XML.escape(source.buffer, into: &out); HTMLWriter.digits(Int64(e.line), into: &out)
            out.append("</id>\n    <title>"); XML.escape(support.verbLabels[Int(e.verb.rawValue)], into: &out)
            switch e.verb {
            case .earn:
                out.append(" "); XML.escape(sources.rules[Int(e.subject)].name, into: &out); out.append(" +")
                HTMLWriter.digits(outcome.points, into: &out)
            case .award: out.append(" +"); HTMLWriter.digits(e.points, into: &out)
            case .deduct: out.append(" -"); HTMLWriter.digits(e.points, into: &out)
            case .redeem:
                out.append(" "); XML.escape(sources.rewards[Int(e.subject)].name, into: &out); out.append(" -")
                HTMLWriter.digits(outcome.points, into: &out)
            case .reverse, .balance: break
            }
            out.append("</title>\n    <updated>"); XML.day(e.date, into: &out)
            out.append("</updated>\n    <link href=\""); XML.escape(page, into: &out)
            out.append("\"/>\n    <summary>")
            if let memo = support.text(e.memoStart, e.memoLength) {
                if memo.contains(92), let unescaped = sources.ledger.memo(of: e) {
                    XML.escape(unescaped, into: &out)
                } else {
                    XML.escape(memo, into: &out)
                }
                out.append(" ")
            }
            out.append("("); XML.escape(source.buffer, into: &out); HTMLWriter.digits(Int64(e.line), into: &out)
            out.append(")</summary>\n  </entry>\n")
        }
        out.append("</feed>\n")
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

    static func escape(_ s: String, into out: inout ByteWriter) {
        var s = s
        s.withUTF8 { escape($0, into: &out) }
    }

    /// The same as the array form, copying runs of ordinary bytes at once.
    static func escape(_ buffer: UnsafeBufferPointer<UInt8>, into out: inout ByteWriter) {
        var start = 0
        var i = 0
        while i < buffer.count {
            let c = buffer[i]
            let entity: StaticString
            switch c {
            case 38: entity = "&amp;"
            case 60: entity = "&lt;"
            case 62: entity = "&gt;"
            case 34: entity = "&quot;"
            case 39: entity = "&apos;"
            case 0..<32 where c != 9 && c != 10 && c != 13: entity = ""
            default:
                i += 1
                continue
            }
            if start < i { out.append(UnsafeBufferPointer(rebasing: buffer[start..<i])) }
            out.append(entity)
            i += 1
            start = i
        }
        if start < buffer.count { out.append(UnsafeBufferPointer(rebasing: buffer[start..<buffer.count])) }
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
        var writer = ByteWriter(capacity: 32)
        day(d, into: &writer)
        out.append(contentsOf: writer.bytes)
    }

    static func day(_ d: Day, into out: inout ByteWriter) {
        let c = d.civil
        if c.year < 0 || c.year > 9999 {
            out.append(d.description)
        } else {
            let hundreds = c.year / 100, rest = c.year % 100
            out.append(UInt8(48 + hundreds / 10 % 10)); out.append(UInt8(48 + hundreds % 10))
            out.append(UInt8(48 + rest / 10)); out.append(UInt8(48 + rest % 10))
            out.append(45); out.append(UInt8(48 + c.month / 10)); out.append(UInt8(48 + c.month % 10))
            out.append(45); out.append(UInt8(48 + c.day / 10)); out.append(UInt8(48 + c.day % 10))
        }
        out.append("T00:00:00Z")
    }
}
