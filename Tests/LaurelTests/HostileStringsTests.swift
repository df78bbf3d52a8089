import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import LaurelSite
import LaurelSources

/// Names, memos, descriptions and pages written by people who should not be able to run
/// anything in a colleague's browser: the whole site rendered with Themes/default, then
/// every file searched for anything that escaped its context.
@Suite("Hostile strings")
struct HostileStringsTests {
    /// One string that tries to end an element, an attribute in either quote, and start a tag.
    static let attack = #"<script>alert(1)</script>" onmouseover="x'><img src=x onerror=alert(1)>"#

    /// `label` + the attack, as a single-quoted YAML scalar.
    static func yaml(_ label: String) -> String {
        "'" + (label + attack).replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A ledger memo, quoted.
    static func memo(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    // Independent escapers, to say what each context must contain.
    static func html(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    static func xml(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&apos;")
    }

    static func json(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e").replacingOccurrences(of: "&", with: "\\u0026")
    }

    static let siteTitle = "门户" + attack
    static let personName = "张伟" + attack
    static let otherName = "李娜 {{site.title}} {{{x}}}\u{2028}"
    static let teamName = "华东" + attack
    static let ruleName = "签单" + attack
    static let rewardName = "购物卡" + attack
    static let titleName = "铜牌" + attack
    static let badgeName = "首单" + attack
    static let earnMemo = "备注" + attack
    static let awardMemo = "奖励<script>alert(1)</script>"
    static let redeemMemo = "兑换'><img src=x onerror=alert(1)>"
    static let pageTitle = "培训" + attack
    static let newsTitle = "新闻" + attack
    static let aboutTitle = "关于" + attack

    /// Markdown that tries raw HTML and script URLs in every form libcmark might let through.
    static let markdownAttack = """
    开头一段：\(attack)

    <script>alert(1)</script>

    <div onmouseover="x">raw block</div>

    Inline <img src=x onerror=alert(1)> and <a href="javascript:alert(1)">raw link</a>.

    - [a](javascript:alert(1))
    - [b](JAVASCRIPT:alert(1))
    - [c](<javascript:alert(1)>)
    - [d](&#106;avascript:alert(1))
    - [e](javascript&colon;alert(1))
    - [f](vbscript:msgbox(1))
    - [g](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
    - ![h](javascript:alert(1))
    - [i](<https://example.com/" onmouseover="x>)
    - [j](https://example.com/ "title\\" onmouseover=\\"x")
    - [张伟](person:zhang-wei)
    - <javascript:alert(1)>

    """

    static var fixture: Fixture {
        Fixture.spec
            .with("portal.yaml", """
            title: \(yaml("门户"))
            period: quarter
            expiry: year
            locale: zh-CN
            timezone: Asia/Shanghai
            """)
            .with("people.yaml", """
            - id: zhang-wei
              name: \(yaml("张伟"))
              team: east
            - id: li-na
              name: "李娜 {{site.title}} {{{x}}}\\u2028"
              team: east
            """)
            .with("teams.yaml", """
            - id: east
              name: \(yaml("华东"))
              lead: zhang-wei
            """)
            .with("rules.yaml", """
            - id: deal-won
              name: \(yaml("签单"))
              category: sales
              page: rules/deal-won
              versions:
                - since: 2025-01-01
                  per: 1000
                  points: 1
            - id: training
              name: \(yaml("培训规则"))
              category: training
              versions:
                - since: 2025-01-01
                  points: 10
            """)
            .with("rewards.yaml", """
            - id: gift-card-200
              name: \(yaml("购物卡"))
              tier: basic
              cost: 100
              description: |
            \(markdownAttack.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
            """)
            .with("honours.yaml", """
            titles:
              - id: bronze
                name: \(yaml("铜牌"))
                min: 100
            badges:
              - id: first-deal
                name: \(yaml("首单"))
                rule: deal-won
                count: 1
            """)
            .with("pages/rules/deal-won.md", "---\ntitle: \(yaml("签单说明"))\n---\n" + markdownAttack)
            .with("pages/training/hostile.md", "---\ntitle: \(yaml("培训"))\ntags: [sales]\nrules: [deal-won]\npeople: [zhang-wei]\n---\n" + markdownAttack)
            .with("pages/news/hostile.md", "---\ntitle: \(yaml("新闻"))\ndate: 2026-02-01\n---\n" + markdownAttack)
            .with("pages/about.md", "---\ntitle: \(yaml("关于"))\n---\n[培训](page:training/hostile)\n\n" + markdownAttack)
            .ledger("""
            2026-01-05 earn    zhang-wei  deal-won  amount:250000  id:crm-1  \(memo(earnMemo))
            2026-01-06 earn    li-na      training  qty:2  id:lms-1  "<b>bold</b> & <u>"
            2026-01-10 award   li-na      50  by:zhang-wei  \(memo(awardMemo))
            2026-02-01 redeem  zhang-wei  gift-card-200  id:rdm-1  \(memo(redeemMemo))

            """)
    }

    static let site: Result<RenderedSite, any Error> = Result { try RenderedSite.render(fixture.run(asOf: "2026-03-31")) }

    static func page(_ path: String) throws -> String {
        let site = try site.get()
        return try #require(site.text(path), "\(path) was not rendered")
    }

    @Test("the hostile fixture is valid content and the names arrive as written")
    func fixtureIsValid() throws {
        let run = Self.fixture.run(asOf: "2026-03-31")
        #expect(run.diagnostics.map(\.description) == [])
        #expect(run.sources.settings.title == Self.siteTitle)
        #expect(run.sources.people.map(\.name) == [Self.personName, Self.otherName])
        #expect(run.sources.teams.first?.name == Self.teamName)
        #expect(run.sources.rules.first?.name == Self.ruleName)
        #expect(run.sources.rewards.first?.name == Self.rewardName)
        #expect(run.sources.pages.map(\.title).sorted() == [Self.aboutTitle, Self.pageTitle, "签单说明" + Self.attack, Self.newsTitle].sorted())
        let site = try Self.site.get()
        #expect(site.files.count > 30)
    }

    @Test("no file has a script, a live handler, a javascript: link or an unescaped tag from the content")
    func nothingLive() throws {
        let site = try Self.site.get()
        // CSV exports are not read by a browser: their context is CSVFile's quoting and formula
        // neutralisation (ExportsTests), so a name like `<img …>` stays as it is there.
        for path in site.paths where !path.hasSuffix(".csv") {
            let text = site.text(path) ?? ""
            var lower = text.lowercased()
            // The search page's two script files are the theme's own; nothing else may be a script.
            if path == Address.file(Address.search) {
                for own in [#"<script src="../theme/search.js"></script>"#, #"<script src="index.js"></script>"#] {
                    lower = lower.replacingOccurrences(of: own, with: "")
                }
            }
            #expect(!lower.contains("<script"), "\(path)")
            #expect(!text.contains(#"onmouseover="x"#), "\(path)")
            #expect(!lower.contains(#"href="javascript:"#) && !lower.contains(#"src="javascript:"#), "\(path)")
            #expect(!lower.contains(#"href="vbscript:"#) && !lower.contains(#"href="data:text"#), "\(path)")
            #expect(!text.contains("<img src=x"), "\(path)")
            #expect(!text.contains("<b>bold</b>") && !text.contains("<u>"), "\(path)")
            // `onerror=` survives only as text after an escaped `<img` (&lt;img / \u003cimg).
            var searchFrom = text.startIndex
            while let hit = text.range(of: "onerror=", range: searchFrom..<text.endIndex) {
                let before = text[..<hit.lowerBound]
                #expect(before.hasSuffix("&lt;img src=x ") || before.hasSuffix("\\u003cimg src=x "),
                        "\(path): …\(before.suffix(40))onerror=")
                searchFrom = hit.upperBound
            }
        }
        // Tag by tag: no handler attribute, no script URL, nothing outside the portal.
        // (Content may link to other sites with https:; those are ordinary links.)
        let problems = site.externalReferences().filter { !$0.contains("\"https://example.com/") }
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        // The only broken links are the ones libcmark emptied (href="" is the page itself).
        let broken = site.brokenLinks().filter { !$0.hasSuffix(": empty link") && !$0.contains("https://example.com") }
        #expect(broken.isEmpty, "\(broken.prefix(20).joined(separator: "\n"))")
        #expect(site.structureProblems(lang: "zh-CN").isEmpty)
    }

    @Test("the person page shows every hostile value escaped")
    func personPage() throws {
        let html = try Self.page("people/zhang-wei/index.html")
        #expect(html.contains("<title>\(Self.html(Self.personName)) · \(Self.html(Self.siteTitle))</title>"))
        #expect(html.contains("<h1>\(Self.html(Self.personName))</h1>"))
        #expect(html.contains(">\(Self.html(Self.teamName))</a>"))
        #expect(html.contains(">\(Self.html(Self.ruleName))</a>"))
        #expect(html.contains(">\(Self.html(Self.rewardName))</a>"))
        #expect(html.contains("<i>\(Self.html(Self.earnMemo))</i>"))
        #expect(html.contains("<i>\(Self.html(Self.redeemMemo))</i>"))
        #expect(html.contains(Self.html(Self.titleName)))
        #expect(html.contains(Self.html(Self.badgeName)))
        #expect(html.contains("title=\"\(Self.html(Self.personName))\""))
        let other = try Self.page("people/li-na/index.html")
        #expect(other.contains("<h1>李娜 {{site.title}} {{{x}}}\u{2028}</h1>"))
        #expect(other.contains("<i>\(Self.html(Self.awardMemo))</i>"))
        #expect(other.contains("<i>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;u&gt;</i>"))
    }

    @Test("leaderboards, people, team, home and TV pages show names escaped")
    func boards() throws {
        for path in ["leaderboard/index.html", "leaderboard/2026-Q1/index.html", "tv/index.html", "index.html", "teams/east/index.html"] {
            let html = try Self.page(path)
            #expect(html.contains(">\(Self.html(Self.personName))<"), "\(path)")
            #expect(html.contains(">\(Self.html(Self.teamName))<") || html.contains(Self.html(Self.teamName) + " · "), "\(path)")
        }
        let people = try Self.page("people/index.html")
        #expect(people.contains(">\(Self.html(Self.personName))</a>"))
        #expect(people.contains(Self.html(Self.titleName)))
        #expect(people.contains(">\(Self.html(Self.teamName))</a>"))
    }

    @Test("the rewards pages show the name escaped and the description as safe Markdown")
    func rewards() throws {
        for path in ["rewards/index.html", "rewards/gift-card-200/index.html"] {
            let html = try Self.page(path)
            #expect(html.contains(Self.html(Self.rewardName)), "\(path)")
            #expect(html.contains("raw HTML omitted"), "\(path)")
            #expect(html.contains("开头一段：<!-- raw HTML omitted -->alert(1)<!-- raw HTML omitted -->&quot; onmouseover=&quot;x"), "\(path)")
            Self.checkMarkdownLinks(html, path)
        }
        #expect(try Self.page("rewards/gift-card-200/index.html").contains("<h1>\(Self.html(Self.rewardName))</h1>"))
    }

    @Test("the rules pages show the rule name escaped; the explanation is safe Markdown")
    func rules() throws {
        let list = try Self.page("rules/index.html")
        #expect(list.contains(">\(Self.html(Self.ruleName))</a>"))
        let rule = try Self.page("rules/deal-won/index.html")
        #expect(rule.contains("<h1>\(Self.html(Self.ruleName))</h1>"))
        #expect(rule.contains("raw HTML omitted"))
        Self.checkMarkdownLinks(rule, "rules/deal-won")
        #expect(try Self.page("rule-changes/index.html").contains(">\(Self.html(Self.ruleName))</a>"))
    }

    @Test("content pages show titles escaped and bodies as safe Markdown; lists of pages too")
    func pages() throws {
        for (path, title) in [("training/hostile/index.html", Self.pageTitle), ("news/hostile/index.html", Self.newsTitle), ("about/index.html", Self.aboutTitle)] {
            let html = try Self.page(path)
            #expect(html.contains("<h1>\(Self.html(title))</h1>"), "\(path)")
            #expect(html.contains("<title>\(Self.html(title)) · "), "\(path)")
            #expect(html.contains("raw HTML omitted"), "\(path)")
            Self.checkMarkdownLinks(html, path)
        }
        // Summaries and titles in lists (news, training, tags, backlinks, mentions).
        for path in ["news/index.html", "index.html", "training/index.html", "tags/sales/index.html", "training/hostile/index.html"] {
            let html = try Self.page(path)
            #expect(!html.contains("<script"), "\(path)")
        }
        #expect(try Self.page("news/index.html").contains(">\(Self.html(Self.newsTitle))</a>"))
        #expect(try Self.page("training/index.html").contains(">\(Self.html(Self.pageTitle))</a>"))
        #expect(try Self.page("people/zhang-wei/index.html").contains(">\(Self.html(Self.pageTitle))</a>"))
        #expect(try Self.page("training/hostile/index.html").contains(">\(Self.html(Self.aboutTitle))</a>"))
    }

    /// What libcmark made of the links of `markdownAttack`: script URLs emptied, quotes inside
    /// URLs percent-encoded, no extra attributes.
    static func checkMarkdownLinks(_ html: String, _ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let anchors = RenderedSite.tags(Array(html.utf8)).filter { $0.name == "a" || $0.name == "img" }
        for tag in anchors {
            for (name, value) in tag.attributes {
                #expect(["href", "src", "alt", "title", "class", "rel", "aria-current", "loading"].contains(name),
                        "\(path): <\(tag.name) \(name)=\"\(value)\">", sourceLocation: sourceLocation)
                if name == "href" || name == "src" {
                    let lower = value.lowercased().trimmingCharacters(in: .whitespaces)
                    #expect(!lower.hasPrefix("javascript") && !lower.hasPrefix("vbscript") && !lower.hasPrefix("data:text"),
                            "\(path): \(name)=\"\(value)\"", sourceLocation: sourceLocation)
                    #expect(!value.contains("\""), sourceLocation: sourceLocation)
                }
            }
        }
        #expect(html.contains(#"href="https://example.com/%22%20onmouseover=%22x""#), "\(path)", sourceLocation: sourceLocation)
        #expect(html.contains(#"title="title&quot; onmouseover=&quot;x""#), "\(path)", sourceLocation: sourceLocation)
    }

    @Test("people.json escapes the names for JSON (and for a script block)")
    func peopleJSON() throws {
        let site = try Self.site.get()
        let json = try #require(site.text("data/people.json"))
        #expect(json.contains("\"name\": \"\(Self.json(Self.personName))\""))
        #expect(json.contains(#""name": "李娜 {{site.title}} {{{x}}}\u2028""#))
        #expect(!json.contains("<") && !json.contains(">") && !json.contains("&") && !json.contains("\u{2028}"))
        let people = try JSONDecoder().decode(ExportedPeople.self, from: Data(json.utf8))
        #expect(people["zhang-wei"]?.name == Self.personName)
        #expect(people["li-na"]?.name == Self.otherName)
    }

    @Test("the Atom feeds escape names, memos and titles for XML and parse back to the original text")
    func feeds() throws {
        let site = try Self.site.get()
        let person = try #require(site.text("people/zhang-wei/feed.xml"))
        #expect(person.contains("<title>\(Self.xml(Self.siteTitle + " · " + Self.personName))</title>"))
        #expect(person.contains(Self.xml(Self.earnMemo)))
        #expect(person.contains(Self.xml(Self.ruleName)))
        #expect(person.contains(Self.xml(Self.rewardName)))
        let texts = try Self.xmlTexts(person)
        #expect(texts.contains(Self.siteTitle + " · " + Self.personName))
        #expect(texts.contains { $0.hasPrefix(Self.earnMemo + " (ledger/main.ledger:1)") })
        #expect(texts.contains { $0.contains(Self.ruleName) })
        #expect(texts.contains { $0.hasPrefix(Self.redeemMemo) })

        let news = try #require(site.text("news/feed.xml"))
        #expect(news.contains("<title>\(Self.xml(Self.newsTitle))</title>"))
        let newsTexts = try Self.xmlTexts(news)
        #expect(newsTexts.contains(Self.newsTitle))
        #expect(newsTexts.contains { $0.hasPrefix("开头一段：<script") && $0.contains(#"onmouseover="x"#) })

        let other = try #require(site.text("people/li-na/feed.xml"))
        #expect(try Self.xmlTexts(other).contains { $0.hasPrefix(Self.awardMemo) })
        // The sitemap is well-formed too.
        _ = try Self.xmlTexts(try #require(site.text("sitemap.xml")))
    }

    /// The text content of every element of a well-formed XML document.
    static func xmlTexts(_ xml: String) throws -> [String] {
        final class Collector: NSObject, XMLParserDelegate {
            var texts: [String] = []
            var current = ""
            func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
                current = ""
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
            func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
                texts.append(current)
                current = ""
            }
        }
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        parser.delegate = collector
        guard parser.parse() else {
            throw FixtureError.diagnostics(["not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")"])
        }
        return collector.texts
    }
}
