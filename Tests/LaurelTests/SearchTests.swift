import Foundation
import Testing
@testable import LaurelSite
import LaurelSources

/// The search index (docs/search.md): how text becomes terms (the rules search.js repeats for
/// the query), pinyin, the documents and their postings, the shards, the files, determinism.
@Suite("Search index")
struct SearchTests {
    /// FORMAT.md's example sources: 张伟 and 李娜 in 华东一组, three rules, one reward.
    static func index(_ fixture: Fixture = .spec) throws -> (SearchIndex, SiteContext) {
        let run = fixture.run(asOf: "2026-11-29")
        guard !run.hasErrors, let book = run.book else { throw FixtureError.diagnostics(run.diagnostics.map(\.description)) }
        let site = SiteContext(sources: run.sources, book: book, theme: try RenderedSite.defaultTheme(.zhCN)).withBodies(jobs: 1)
        return (SearchIndex(site), site)
    }

    static func terms(_ text: String) -> [String] {
        var out: [String] = []
        SearchText.terms(text) { out.append($0) }
        return out
    }

    @Test("text is lowercased, accents come off and ü is v, as on a pinyin keyboard")
    func normalization() {
        #expect(SearchText.normalized("Zhāng Wěi") == "zhang wei")
        #expect(SearchText.normalized("LǙ Lü") == "lv lv")
        #expect(SearchText.normalized("Éva CRM") == "eva crm")
        #expect(SearchText.normalized("张伟 ＡＢ") == "张伟 ａｂ")  // fullwidth letters have no canonical decomposition
    }

    @Test("words are runs of letters and digits; Chinese gives each character and each neighbouring pair")
    func tokenization() {
        #expect(Self.terms("签单积分 CRM-export, v2!") == ["签", "单", "签单", "积", "单积", "分", "积分", "crm", "export", "v2"])
        #expect(Self.terms("100元购物卡") == ["100", "元", "购", "元购", "物", "购物", "卡", "物卡"])
        #expect(Self.terms("—“”") == [])
        #expect(SearchText.whole("Zhang-Wei 张伟") == "zhangwei张伟")
    }

    @Test("pinyin: the first reading of each character, and a surname's reading for the first one")
    func pinyin() {
        #expect(Pinyin.reading("张") == "zhang")
        #expect(Pinyin.reading("伟") == "wei")
        #expect(Pinyin.reading("吕") == "lv")
        #expect(Pinyin.reading("A") == nil)
        #expect(Pinyin.spellings(ofName: "张伟") == [["zhang", "wei"]])
        #expect(Pinyin.spellings(ofName: "谢丽华") == [["xie", "li", "hua"]])
        // 单 is dān in words but shàn as a surname; 曾 céng / zēng: both spellings are found.
        #expect(Pinyin.spellings(ofName: "单伟") == [["dan", "wei"], ["shan", "wei"]])
        #expect(Pinyin.spellings(ofName: "曾明") == [["ceng", "ming"], ["zeng", "ming"]])
        // Only a name's first character is read as a surname.
        #expect(Pinyin.spellings(ofName: "王单") == [["wang", "dan"]])
        #expect(Pinyin.spellings(ofName: "Alice Wang") == [])
        #expect(Pinyin.spellings(ofName: "阿依·买买提") == [["a", "yi", "mai", "mai", "ti"]])
    }

    @Test("documents: people, teams, rules, rewards, then pages, each with its kind, context and link from search/")
    func documents() throws {
        let (index, _) = try Self.index()
        #expect(index.documents.map(\.title) == ["张伟", "李娜", "华东一组", "签单", "新客户开发", "参加培训", "200元购物卡"])
        #expect(index.documents.map(\.kind) == [.person, .person, .team, .rule, .rule, .rule, .reward])
        #expect(index.documents[0].context == "zhang-wei · 华东一组")
        #expect(index.documents[0].url == "../people/zhang-wei/index.html")
        #expect(index.documents[2].url == "../teams/east/index.html")
        #expect(index.documents[3].url == "../rules/deal-won/index.html")
    }

    @Test("postings: document << 2 | weight (0 body, 1 context, 2 title, 3 whole title), one per document")
    func postings() throws {
        let (index, _) = try Self.index()
        // 张伟 is document 0: its name whole, its pinyin whole, its initials whole; its syllables are title terms.
        // The team 华东一组 (document 2) has 张伟 as its lead: context.
        #expect(index.postings["张伟"] == [0 << 2 | 3, 2 << 2 | 1])
        #expect(index.postings["zhangwei"] == [0 << 2 | 3])
        #expect(index.postings["zw"] == [0 << 2 | 3])
        #expect(index.postings["zhang"] == [0 << 2 | 2])
        #expect(index.postings["张"] == [0 << 2 | 2, 2 << 2 | 1])
        // The team's name is context for its members (0, 1) and the title of the team (2).
        #expect(index.postings["华东"] == [0 << 2 | 1, 1 << 2 | 1, 2 << 2 | 2])
        #expect(index.postings["east"] == [0 << 2 | 1, 1 << 2 | 1, 2 << 2 | 2])
        // 李娜: li na, lina, ln.
        #expect(index.postings["ln"] == [1 << 2 | 3])
        // A rule's id is a title term: deal-won is document 3.
        #expect(index.postings["deal"] == [3 << 2 | 2])
        #expect(index.postings["购物"] == [6 << 2 | 2])
    }

    @Test("shards: a power of two, one per 40 documents or so; a term's shard depends on its first two characters")
    func shards() {
        #expect(SearchIndex.shardCount(documents: 0) == 1)
        #expect(SearchIndex.shardCount(documents: 40) == 1)
        #expect(SearchIndex.shardCount(documents: 41) == 2)
        #expect(SearchIndex.shardCount(documents: 10_071) == 256)
        #expect(SearchIndex.shardCount(documents: 1_000_000) == 256)
        // FNV-1a of 'z' (122) then 'h' (104): 1164435231, and 1164435231 % 256 == 31.
        #expect(SearchIndex.shard(of: "zh", count: 256) == 31)
        #expect(SearchIndex.shard(of: "zhangwei", count: 256) == 31)
        #expect(SearchIndex.shard(of: "zhu", count: 256) == 31)
        // 张 U+5F20 then 伟 U+4F1F: 234727968 % 256 == 32.
        #expect(SearchIndex.shard(of: "张伟明", count: 256) == 32)
    }

    @Test("the files: a manifest, term shards with steps between postings, documents in chunks of 64")
    func files() throws {
        let (index, site) = try Self.index()
        let files = index.rendered()
        #expect(files.map(\.path) == ["search/index.js", "search/t/0.js", "search/d/0.js"])
        #expect(files.map(\.path) == SearchIndex.files(site))
        #expect(String(decoding: files[0].bytes, as: UTF8.self) ==
            "LaurelSearch.m({\"shards\":1,\"chunk\":64,\"docs\":7,\"kinds\":[\"person\",\"team\",\"rule\",\"reward\",\"training\",\"case\",\"news\",\"page\"]});\n")
        let shard = String(decoding: files[1].bytes, as: UTF8.self)
        #expect(shard.hasPrefix("LaurelSearch.t(0,[\n"))
        #expect(shard.contains("\n\"华东\",[1,4,5],\n"))  // 1, 5, 10 as steps
        #expect(shard.contains("\n\"zhangwei\",[3],\n"))
        // Terms sorted in UTF-16 order, as search.js compares: digits, letters, then Chinese.
        let terms = shard.split(separator: "\n").dropFirst().compactMap { line -> String? in
            guard line.hasPrefix("\""), let end = line.dropFirst().firstIndex(of: "\"") else { return nil }
            return String(line[line.index(after: line.startIndex)..<end])
        }
        #expect(terms == terms.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) })
        #expect(terms.first == "200")
        let documents = String(decoding: files[2].bytes, as: UTF8.self)
        #expect(documents.contains("\n[0,\"张伟\",\"zhang-wei · 华东一组\",\"../people/zhang-wei/index.html\"],\n"))
    }

    @Test("every string is escaped for a script file: no </script>, &, U+2028 in the index as it is")
    func escaping() throws {
        let fixture = Fixture.spec.with("people.yaml", """
            - id: zhang-wei
              name: "张伟</script><b>&\u{2028}"
              team: east
            - id: li-na
              name: 李娜
              team: east
            """)
        let (index, _) = try Self.index(fixture)
        let text = index.rendered().map { String(decoding: $0.bytes, as: UTF8.self) }.joined()
        #expect(!text.contains("</script>"))
        #expect(!text.contains("<b>"))
        #expect(!text.contains("&"))
        #expect(!text.contains("\u{2028}"))
        #expect(text.contains("张伟\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u2028"))
    }

    @Test("people opted out of the leaderboard are found: their page is public")
    func optedOut() throws {
        let fixture = Fixture.spec.with("people.yaml", """
            - id: zhang-wei
              name: 张伟
              team: east
              leaderboard: false
            - id: li-na
              name: 李娜
              team: east
            """)
        let (index, _) = try Self.index(fixture)
        #expect(index.documents[0].title == "张伟")
        #expect(index.postings["zw"] == [3])
    }

    @Test("laurel build writes the page, links it from every header, and the same sources give the same bytes")
    func built() throws {
        let run = Fixture.spec.run(asOf: "2026-11-29")
        let first = try RenderedSite.render(run, jobs: 1)
        let again = try RenderedSite.render(run, jobs: 3)
        let search = first.paths.filter { $0.hasPrefix("search/") }
        #expect(search == ["search/d/0.js", "search/index.html", "search/index.js", "search/t/0.js"])
        for path in search { #expect(first.files[path] == again.files[path], "\(path)") }
        for path in ["index.html", "people/zhang-wei/index.html", "rules/deal-won/index.html"] {
            let depth = path.filter { $0 == "/" }.count
            #expect(first.text(path)?.contains("href=\"\(String(repeating: "../", count: depth))search/index.html\"") == true, "\(path)")
        }
        let page = first.text("search/index.html") ?? ""
        #expect(page.contains("<script src=\"../theme/search.js\"></script>"))
        #expect(page.contains("<input id=\"q\" name=\"q\""))
        #expect(page.contains("href=\"../people/index.html\""))  // browsing without JavaScript
        #expect(first.files["theme/search.js"] != nil)
        #expect(first.text("sitemap.xml")?.contains("search/") == false)
    }
}
