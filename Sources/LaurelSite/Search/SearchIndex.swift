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
    private var current: [String: Weight] = [:]

    init(_ site: SiteContext) {
        let s = site.sources
        let from = Address.search
        documents.reserveCapacity(SearchIndex.documentCount(site))
        postings.reserveCapacity(4 * s.people.count + 1024)
        for person in s.people {
            let team = person.team >= 0 ? s.teams[Int(person.team)] : nil
            add(.person, person.name, team.map { person.id + " · " + $0.name } ?? person.id, Address.person(person.id), from: from)
            for spelling in Pinyin.spellings(ofName: person.name) {
                // zhang, wei; zhangwei; zw
                for syllable in spelling { term(syllable, .title) }
                term(spelling.joined(), .whole)
                term(String(spelling.compactMap(\.first)), .whole)
            }
            index(person.id, .title)
            term(SearchText.whole(person.id), .whole)
            if let team {
                index(team.name, .context)
                term(team.id, .context)
            }
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
        index(title, .title)
        term(SearchText.whole(title), .whole)
    }

    private mutating func index(_ text: String, _ weight: Weight) {
        SearchText.terms(text) { term($0, weight) }
    }

    private mutating func term(_ t: String, _ weight: Weight) {
        guard !t.isEmpty else { return }
        if let w = current[t], w.rawValue >= weight.rawValue { return }
        current[t] = weight
    }

    /// Ends the current document: one posting per term, with the term's strongest weight.
    private mutating func finish() {
        let document = UInt32(documents.count - 1)
        for (t, w) in current { postings[t, default: []].append(document << 2 | w.rawValue) }
        current.removeAll(keepingCapacity: true)
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
            var out = "LaurelSearch.t(\(n),["
            for (k, t) in terms.sorted(by: { $0.utf16.lexicographicallyPrecedes($1.utf16) }).enumerated() {
                out += k == 0 ? "\n" : ",\n"
                out += Escape.json(t)
                out += ",["
                var last: UInt32 = 0
                for (j, p) in (postings[t] ?? []).enumerated() {
                    if j > 0 { out += "," }
                    out += String(p - last)  // ascending: each as the step from the one before
                    last = p
                }
                out += "]"
            }
            out += "]);\n"
            files.append((SearchIndex.shardFile(n), Array(out.utf8)))
        }
        for start in stride(from: 0, to: documents.count, by: SearchIndex.chunk) {
            var out = "LaurelSearch.d(\(start / SearchIndex.chunk),["
            for d in start..<min(start + SearchIndex.chunk, documents.count) {
                let doc = documents[d]
                out += d == start ? "\n" : ",\n"
                out += "[\(doc.kind.rawValue),\(Escape.json(doc.title)),\(Escape.json(doc.context)),\(Escape.json(doc.url))]"
            }
            out += "]);\n"
            files.append((SearchIndex.documentFile(start / SearchIndex.chunk), Array(out.utf8)))
        }
        return files
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
