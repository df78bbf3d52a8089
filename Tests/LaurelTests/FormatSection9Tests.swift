import Testing
import LaurelPoints
import LaurelSources

/// FORMAT.md section 9: Markdown pages, their front matter and internal links.
@Suite("FORMAT.md 9 — Markdown pages")
struct FormatSection9Tests {
    static func pages(_ pages: [String: String]) -> Fixture {
        var f = Fixture.spec
        for (path, text) in pages { f = f.with("pages/" + path, text) }
        return f
    }

    static func page(_ title: String, _ extra: String = "", body: String = "Body.\n") -> String {
        "---\ntitle: \(title)\n" + extra + "---\n" + body
    }

    @Test("kind defaults from the first folder under pages/, else page; kind: overrides it")
    func kinds() throws {
        let c = try Self.pages([
            "rules/how-rules-work.md": Self.page("规则说明"),
            "training/first-call.md": Self.page("首次拜访"),
            "cases/acme.md": Self.page("ACME", "outcome: success\n"),
            "news/launch.md": Self.page("上线"),
            "about.md": Self.page("关于"),
            "misc/faq.md": Self.page("FAQ"),
            "misc/rules/deep.md": Self.page("Deep"),
            "misc/story.md": Self.page("Story", "kind: case\noutcome: failure\n"),
            "news/howto.md": Self.page("How to", "kind: training\n"),
        ]).computed(asOf: "2026-01-01")
        let kinds = Dictionary(uniqueKeysWithValues: c.sources.pages.map { ($0.path, $0.kind.rawValue) })
        #expect(kinds == [
            "rules/how-rules-work": "rule", "training/first-call": "training", "cases/acme": "case", "news/launch": "news",
            "about": "page", "misc/faq": "page", "misc/rules/deep": "page", "misc/story": "case", "news/howto": "training",
        ])
        let story = try #require(c.sources.pages.first { $0.path == "misc/story" })
        #expect(story.outcome == .failure)
    }

    @Test("front matter: all the optional keys are read")
    func frontMatter() throws {
        let c = try Self.pages([
            "cases/acme.md": """
                ---
                title: 如何把老客户变成回头客
                kind: case
                outcome: success
                date: 2026-03-02
                tags: [retention, new-customer]
                rules: [deal-won, training]
                people: [li-na]
                draft: true
                ---
                Body.

                """,
        ]).computed(asOf: "2026-01-01")
        let p = try #require(c.sources.pages.first)
        #expect(p.title == "如何把老客户变成回头客")
        #expect(p.date?.description == "2026-03-02")
        #expect(p.tags == ["retention", "new-customer"])
        #expect(p.rules.map { c.sources.rules[Int($0)].id } == ["deal-won", "training"])
        #expect(p.people.map { c.sources.people[Int($0)].id } == ["li-na"])
        #expect(p.draft)
        #expect(p.body == "Body.\n")
    }

    @Test("outcome is required on a case and an error elsewhere")
    func outcome() {
        let d = Self.pages([
            "cases/a.md": Self.page("A"),
            "training/b.md": Self.page("B", "outcome: success\n"),
            "about.md": Self.page("C", "kind: case\n"),
            "cases/d.md": Self.page("D", "outcome: draw\n"),
        ]).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, onLine: "Content/pages/cases/a.md:2", "outcome"))
        #expect(hasError(d, at: "Content/pages/training/b.md:3:10", "outcome"))
        #expect(hasError(d, onLine: "Content/pages/about.md:2", "outcome"))
        #expect(hasError(d, at: "Content/pages/cases/d.md:3:10", "draw"))
        #expect(d.count == 4, "\(d)")
    }

    @Test("front matter is strict: title required, unknown keys, wrong values")
    func strictFrontMatter() {
        let d = Self.pages([
            "a.md": "---\nkind: page\n---\nBody\n",
            "b.md": Self.page("B", "author: me\n"),
            "c.md": Self.page("C", "draft: yes\n"),
            "d.md": Self.page("D", "date: 2026-02-30\n"),
            "e.md": Self.page("E", "tags: [Retention]\n"),
            "f.md": Self.page("F", "kind: blog\n"),
            "g.md": "No front matter\n",
            "h.md": "---\ntitle: Unclosed\nBody\n",
        ]).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, onLine: "Content/pages/a.md:2", "title"))
        #expect(hasError(d, at: "Content/pages/b.md:3:1", "author"))
        #expect(hasError(d, at: "Content/pages/c.md:3:8", "yes"))
        #expect(hasError(d, at: "Content/pages/d.md:3:7", "2026-02-30"))
        #expect(hasError(d, at: "Content/pages/e.md:3:8", "Retention"))
        #expect(hasError(d, at: "Content/pages/f.md:3:7", "blog"))
        #expect(hasError(d, at: "Content/pages/g.md:1:1"))
        #expect(hasError(d, onLine: "Content/pages/h.md:1"))
        #expect(d.count == 8, "\(d)")
    }

    @Test("front matter naming an unknown rule or person is an error at the name")
    func unknownReferences() {
        let d = Self.pages([
            "cases/a.md": Self.page("A", "outcome: success\nrules: [deal-won, nope]\npeople: [li-na, nobody]\n"),
        ]).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/pages/cases/a.md:4:19", "nope"))
        #expect(hasError(d, at: "Content/pages/cases/a.md:5:17", "nobody"))
        #expect(d.count == 2)
    }

    @Test("internal links rule:, person:, team:, reward:, page: must resolve; errors at the link's line")
    func links() throws {
        let body = """
            Intro with [the rule](rule:deal-won) and [a person](person:li-na).

            [a team](team:east), [a reward](reward:gift-card-200), [another page](page:training/first-call).

            Broken: [rule](rule:nope)

            - [person](person:nobody)
            - [team](team:west)

            Text [reward](reward:yacht) and
            [page](page:training/missing).
            [external](https://example.com) [relative](other.html) [mail](mailto:a@b.c)

            """
        let fixture = Self.pages([
            "news/links.md": Self.page("Links", body: body),
            "training/first-call.md": Self.page("First call"),
        ])
        let d = fixture.diagnostics(asOf: "2026-01-01")
        // Front matter takes lines 1-3; the body starts on line 4.
        #expect(hasError(d, onLine: "Content/pages/news/links.md:8", "nope"))
        #expect(hasError(d, onLine: "Content/pages/news/links.md:10", "nobody"))
        #expect(hasError(d, onLine: "Content/pages/news/links.md:11", "west"))
        #expect(hasError(d, onLine: "Content/pages/news/links.md:13", "yacht"))
        #expect(hasError(d, onLine: "Content/pages/news/links.md:14", "training/missing"))
        #expect(d.count == 5, "\(d)")

        let fixed = fixture.with("pages/news/links.md", Self.page("Links", body: """
            [the rule](rule:deal-won) [a person](person:li-na) [a team](team:east)
            [a reward](reward:gift-card-200) [another page](page:training/first-call)

            """))
        #expect(fixed.diagnostics(asOf: "2026-01-01").isEmpty)
    }

    @Test("the same broken link twice in one paragraph is reported at each line")
    func repeatedLink() {
        let d = Self.pages([
            "about.md": Self.page("About", body: "See [one](rule:nope) and\nagain [two](rule:nope).\n"),
        ]).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, onLine: "Content/pages/about.md:4", "nope"))
        #expect(hasError(d, onLine: "Content/pages/about.md:5", "nope"))
        #expect(d.count == 2, "\(d)")
    }

    @Test("link lines count from the file's first line with CRLF, a BOM and a long front matter")
    func linkLinesCRLF() {
        let text = "\u{FEFF}---\r\ntitle: T\r\ntags: [sales]\r\n---\r\n\r\nLine six [x](person:nobody)\r\n"
        let d = Self.pages(["about.md": text]).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, onLine: "Content/pages/about.md:6", "nobody"))
        #expect(d.count == 1, "\(d)")
    }

    @Test("drafts are checked too")
    func draftsChecked() {
        let d = Self.pages(["about.md": Self.page("About", "draft: true\n", body: "[x](team:nope)\n")])
            .diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, onLine: "Content/pages/about.md:5", "nope"))
    }

    @Test("a rule's page: must exist under pages/")
    func rulePageExists() {
        let rules = Fixture.spec.files["rules.yaml"]!.replacingOccurrences(
            of: "  category: sales\n", with: "  category: sales\n  page: rules/deal-won\n")
        let missing = Fixture.spec.with("rules.yaml", rules).diagnostics(asOf: "2026-01-01")
        #expect(missing.count == 1)
        #expect(missing.first?.hasPrefix("Content/rules.yaml:") == true)
        #expect(missing.first?.contains("rules/deal-won") == true)
        let present = Fixture.spec.with("rules.yaml", rules).with("pages/rules/deal-won.md", Self.page("签单"))
        #expect(present.diagnostics(asOf: "2026-01-01").isEmpty)
    }
}

extension FormatSection9Tests {
    @Test("front matter errors count lines from the page's first line")
    func frontMatterLines() {
        let d = Self.pages([
            "a.md": "---\ntitle: A\nkind: page\u{0}\n---\nBody\n",
            "b.md": "---\ntitle: B\rkind: page\n---\nBody\n",
        ]).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/pages/a.md:3:11", "NUL"), "\(d)")
        #expect(hasError(d, at: "Content/pages/b.md:2:9", "CR"), "\(d)")
        #expect(d.count == 2, "\(d)")
    }

    @Test("lines end at LF or CRLF only: a lone CR in a page is an error")
    func loneCRInBody() {
        let d = Self.pages(["a.md": "---\ntitle: A\n---\nOne\rTwo [x](person:nobody)\n"]).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/pages/a.md:4:4", "CR"), "\(d)")
    }
}
