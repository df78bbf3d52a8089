import Foundation
import LaurelSources

/// The portal's search index (docs/search.md): every person, team, rule, reward and published
/// page as a numbered document, and every search term with the documents it is in, written as
/// JavaScript files (`<script src>` loads them from disk too, where `fetch` is blocked):
/// - `search/index.js`, the manifest: how many term shards and documents there are;
/// - `search/t/N.js`, a term shard: the terms whose first two characters hash to N, sorted,
///   each with its documents, so a query loads only the shards of its own terms;
/// - `search/d/N.js`, documents `N*64 ..< N*64+64`: kind, title, context and link.
/// The file names depend only on the number of documents, so the build knows them in advance.
struct SearchIndex {
    /// What a document is; search.js shows the theme's label for it.
    enum Kind: Int, CaseIterable {
        case person, team, rule, reward, training, `case`, news, page
        var name: String { String(describing: self) }
    }

    /// How strongly a term belongs to a document; stored in the low two bits of each posting.
    enum Weight: UInt32 { case body = 0, context = 1, title = 2, whole = 3 }

    struct Document {
        var kind: Kind
        var title: String
        var context: String
        var url: String
    }

    static let chunk = 64
    static let manifest = Address.search + "index.js"
    static func shardFile(_ n: Int) -> String { Address.search + "t/\(n).js" }
    static func documentFile(_ n: Int) -> String { Address.search + "d/\(n).js" }

    /// Term shards for `documents` documents: a power of two, about one per 40 documents (a
    /// few kilobytes each at any size), at most 256.
    static func shardCount(documents: Int) -> Int {
        var n = 1
        while n < 256, n * 40 < documents { n *= 2 }
        return n
    }

    /// The shard of a term: FNV-1a over the code points of its first two characters, so that
    /// every term a prefix of two or more characters can match is in the prefix's shard.
    static func shard(of term: String, count: Int) -> Int {
        var h: UInt32 = 2_166_136_261
        for c in term.unicodeScalars.prefix(2) { h = (h ^ c.value) &* 16_777_619 }
        return Int(h % UInt32(count))
    }

    /// The published pages that are documents of their own (a rule's explanation is its rule's).
    static func pages(_ site: SiteContext) -> [Int] {
        let explanations = Set(site.explanations.compactMap { $0 })
        return site.published.values.sorted().filter { !explanations.contains($0) }
    }

    static func documentCount(_ site: SiteContext) -> Int {
        let s = site.sources
        return s.people.count + s.teams.count + s.rules.count + s.rewards.count + pages(site).count
    }

    /// Every file the index is written as, in order: the manifest, the shards, the documents.
    static func files(_ site: SiteContext) -> [String] {
        let documents = documentCount(site)
        return [manifest] + (0..<shardCount(documents: documents)).map(shardFile)
            + (0..<(documents + chunk - 1) / chunk).map(documentFile)
    }

    private(set) var documents: [Document] = []
    /// Each term's postings, `document << 2 | weight`, ascending.
    private(set) var postings: [String: [UInt32]] = [:]
    /// The current document's terms with their strongest weight (a few dozen: a list is
    /// quicker than hashing each).
    private var current: [(term: String, weight: Weight, stable: Bool)] = []
    /// Where each term is in `current`, once a page's text makes the list long.
    private var positions: [String: Int] = [:]

    init(_ site: SiteContext) {
        let s = site.sources
        let from = Address.search
        documents.reserveCapacity(SearchIndex.documentCount(site))
        postings.reserveCapacity(4 * s.people.count + 1024)
        // A team's terms are the same for each of its members: cut them once.
        let teamTerms = s.teams.map { team in
            var terms: [String] = []
            SearchText.terms(team.name) { terms.append($0) }
            return terms + [team.id]
        }
        for person in s.people {
            let team = person.team >= 0 ? s.teams[Int(person.team)] : nil
            add(.person, person.name, team.map { person.id + " · " + $0.name } ?? person.id, Address.person(person.id), from: from)
            for spelling in Pinyin.spellings(ofName: person.name) {
                // zhang, wei; zhangwei; zw
                for syllable in spelling { term(syllable, .title) }
                term(spelling.joined(), .whole)
                term(String(spelling.compactMap(\.first)), .whole)
            }
            term(SearchText.terms(person.id) { term($0, .title) }, .whole)
            if person.team >= 0 { for t in teamTerms[Int(person.team)] { term(t, .context) } }
            finish()
        }
        for team in s.teams {
            add(.team, team.name, team.id, Address.team(team.id), from: from)
            index(team.id, .title)
            for spelling in Pinyin.spellings(ofName: team.name) { term(spelling.joined(), .whole) }
            if let lead = team.lead { index(s.people[Int(lead)].name, .context) }
            finish()
        }
        for (r, rule) in s.rules.enumerated() {
            let category = site.category(rule.category)
            let explanation = site.explanations[r]
            add(.rule, rule.name, explanation.map { site.summaries[$0] } ?? category, Address.rule(rule.id), from: from)
            index(rule.id, .title)
            index(category, .context)
            if let i = explanation { index(SearchIndex.plainText(s.pages[i].body), .body) }
            finish()
        }
        for reward in s.rewards {
            add(.reward, reward.name, PageSummary.first(reward.description), Address.reward(reward.id), from: from)
            index(reward.id, .title)
            index(reward.description, .body)
            finish()
        }
        for i in SearchIndex.pages(site) {
            let page = s.pages[i]
            let kind: Kind
            switch page.kind {
            case .training: kind = .training
            case .case: kind = .case
            case .news: kind = .news
            case .rule: kind = .rule
            case .page: kind = .page
            }
            add(kind, page.title, site.summaries[i], site.address(of: .page(page.path)) ?? Address.page(page.path), from: from)
            for tag in page.tags { index(tag, .context) }
            index(SearchIndex.plainText(page.body), .body)
            finish()
        }
    }

    /// Starts a document: its title's terms and the whole title.
    private mutating func add(_ kind: Kind, _ title: String, _ context: String, _ address: String, from: String) {
        documents.append(Document(kind: kind, title: title, context: context, url: Address.link(from: from, to: address)))
        term(SearchText.terms(title) { term($0, .title) }, .whole)
    }

    private mutating func index(_ text: String, _ weight: Weight) {
        SearchText.terms(text) { term($0, weight) }
    }

    private mutating func term(_ t: String, _ weight: Weight) {
        guard !t.isEmpty else { return }
        let k: Int?
        let stable = CodePointKey.isStable(t)
        if current.count < 32 {
            // `==` without normalizing when neither can change under it.
            k = current.firstIndex { CodePointKey.same($0.term, $0.stable, t, stable) }
        } else {
            if positions.isEmpty { for (i, c) in current.enumerated() { positions[c.term] = i } }
            k = positions[t]
        }
        if let k {
            if current[k].weight.rawValue < weight.rawValue { current[k].weight = weight }
        } else {
            if !positions.isEmpty { positions[t] = current.count }
            current.append((t, weight, stable))
        }
    }

    /// Ends the current document: one posting per term, with the term's strongest weight.
    private mutating func finish() {
        let document = UInt32(documents.count - 1)
        for (t, w, _) in current { postings[t, default: []].append(document << 2 | w.rawValue) }
        current.removeAll(keepingCapacity: true)
        positions.removeAll()
    }

    /// What the index is made from (`RenderReuse`): the sources and the theme without the
    /// as-of day, and what the day decides in them, the pages published by then (documents of
    /// their own, or a rule's explanation). So the nightly build, one day later, keeps the
    /// index when no page was published that day (decision 119).
    static func fingerprint(_ site: SiteContext, reuse: RenderReuse) -> UInt64 {
        var words = FingerprintWriter()
        words.word(reuse.personSalt)
        words.text("search index")
        words.published(site)
        return words.value
    }

    /// Markdown without link destinations, whose addresses would be found as words.
    static func plainText(_ markdown: String) -> String {
        markdown.replacingOccurrences(of: #"\]\([^)]*\)"#, with: "]", options: .regularExpression)
    }

    /// The index's files, paths as `files(_:)` lists them, bytes deterministic: terms in UTF-16
    /// order (the order search.js compares in), documents in the order above.
    func rendered() -> [(path: String, bytes: [UInt8])] {
        let shards = SearchIndex.shardCount(documents: documents.count)
        var byShard = [[String]](repeating: [], count: shards)
        for t in postings.keys { byShard[SearchIndex.shard(of: t, count: shards)].append(t) }
        let kinds = Kind.allCases.map { Escape.json($0.name) }.joined(separator: ",")
        var files: [(String, [UInt8])] = [(SearchIndex.manifest, Array(
            "LaurelSearch.m({\"shards\":\(shards),\"chunk\":\(SearchIndex.chunk),\"docs\":\(documents.count),\"kinds\":[\(kinds)]});\n".utf8))]
        for (n, terms) in byShard.enumerated() {
            var out: [UInt8] = Array("LaurelSearch.t(\(n),[".utf8)
            out.reserveCapacity(8192)
            for (k, t) in terms.sorted(by: SearchIndex.utf16Precedes).enumerated() {
                if k > 0 { out.append(44) }  // ,
                out.append(10)
                SearchIndex.appendJSON(t, to: &out)
                out.append(contentsOf: [44, 91])  // ,[
                var last: UInt32 = 0
                for (j, p) in (postings[t] ?? []).enumerated() {
                    if j > 0 { out.append(44) }
                    SearchIndex.append(p - last, to: &out)  // ascending: each as the step from the one before
                    last = p
                }
                out.append(93)  // ]
            }
            out.append(contentsOf: "]);\n".utf8)
            files.append((SearchIndex.shardFile(n), out))
        }
        for start in stride(from: 0, to: documents.count, by: SearchIndex.chunk) {
            var out: [UInt8] = Array("LaurelSearch.d(\(start / SearchIndex.chunk),[".utf8)
            out.reserveCapacity(8192)
            for d in start..<min(start + SearchIndex.chunk, documents.count) {
                let doc = documents[d]
                if d > start { out.append(44) }
                out.append(contentsOf: [10, 91, 48 + UInt8(doc.kind.rawValue), 44])  // \n[kind,
                SearchIndex.appendJSON(doc.title, to: &out)
                out.append(44)
                SearchIndex.appendJSON(doc.context, to: &out)
                out.append(44)
                SearchIndex.appendJSON(doc.url, to: &out)
                out.append(93)
            }
            out.append(contentsOf: "]);\n".utf8)
            files.append((SearchIndex.documentFile(start / SearchIndex.chunk), out))
        }
        return files
    }

    /// UTF-16 order (JavaScript's `<`, which search.js's binary search uses), compared on the
    /// UTF-8 bytes: that is code point order, which differs from UTF-16's only where a character
    /// beyond U+FFFF (a 4-byte lead F0–F4) meets one of U+E000–U+FFFF (lead EE or EF).
    static func utf16Precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                var i = 0
                while i < n, x[i] == y[i] { i += 1 }
                if i == n { return x.count < y.count }
                let (p, q) = (x[i], y[i])
                if p >= 0xF0, q == 0xEE || q == 0xEF { return true }
                if q >= 0xF0, p == 0xEE || p == 0xEF { return false }
                return p < q
            }
        }
    }

    /// A JSON string as `Escape.json` writes it; terms rarely need escaping, so they are
    /// copied as they are unless a byte needs it.
    static func appendJSON(_ s: String, to out: inout [UInt8]) {
        let plain = s.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 != 0x3C && $0 != 0x3E && $0 != 0x26 && $0 != 0x7F && $0 != 0xE2 }
        if plain {
            out.append(34)
            out.append(contentsOf: s.utf8)
            out.append(34)
        } else {
            out.append(contentsOf: Escape.json(s).utf8)  // U+2028/2029 start with E2; so do some safe ones
        }
    }

    /// Appends the decimal digits of `n` (the shards are mostly numbers).
    static func append(_ n: UInt32, to out: inout [UInt8]) {
        if n < 10 { out.append(48 + UInt8(n)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = n
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 { d[count] = 48 + UInt8(v % 10); v /= 10; count += 1 }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    /// Builds the index and writes its files; returns the bytes written.
    static func write(_ site: SiteContext, into sink: SiteSink) throws -> Int {
        var bytes = 0
        for file in SearchIndex(site).rendered() {
            try sink.write(file.path, file.bytes)
            bytes += file.bytes.count
        }
        return bytes
    }
}
