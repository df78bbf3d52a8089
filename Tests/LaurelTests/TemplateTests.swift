import Foundation
import Testing
@testable import LaurelSite
import LaurelSources

/// The compiled Mustache subset of docs/themes.md: escaping, sections, partials, UI strings,
/// the errors found when a theme loads, themes that extend others, and how numbers, days and
/// periods are written in each locale.
@Suite("Templates")
struct TemplateTests {
    /// Values kept in a row arena, made once (tests run concurrently, and an arena is filled
    /// by one thread) and alive as long as the tests: `<i>&</i>`, `<b>`, and empty text.
    static let arena = RowArena()
    static let kept = (italic: arena.keep(.text("<i>&</i>")), bold: arena.keep(.text("<b>")), empty: arena.keep(.text("")))

    // MARK: helpers

    /// Compiles `text` as the page template `page` of a theme at `T/templates/`, with partials
    /// (by name, without `partials/`) and UI strings.
    static func compile(_ text: String, partials: [String: String] = [:], strings: [String: String] = [:]) throws(Template.Problem) -> Template {
        var sources: [String: (path: String, text: String)] = ["page": ("T/templates/page.mustache", text)]
        for (name, body) in partials { sources["partials/" + name] = ("T/templates/partials/\(name).mustache", body) }
        return try Template.compile("page", sources: sources, strings: strings)
    }

    /// Compiles and renders in one step.
    static func render(_ text: String, _ view: View, partials: [String: String] = [:], strings: [String: String] = [:],
                       locale: PortalSettings.Locale = .en) throws -> String {
        let template = try compile(text, partials: partials, strings: strings)
        return String(decoding: template.render(view, locale: locale), as: UTF8.self)
    }

    /// The problem a template has, printed like a diagnostic; nil when it compiles.
    static func problem(_ text: String, partials: [String: String] = [:], strings: [String: String] = [:]) -> String? {
        do {
            _ = try compile(text, partials: partials, strings: strings)
            return nil
        } catch {
            return error.diagnostic.description
        }
    }

    static let hostile = #"<b>Tom & "Jerry"</b> 'x'"#
    static let hostileEscaped = "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; &#39;x&#39;"

    // MARK: variables and escaping

    @Test("{{x}} escapes & < > \" ' in text and in markup")
    func escapesVariables() throws {
        #expect(try Self.render("[{{name}}]", View([(.name, .text(Self.hostile))])) == "[\(Self.hostileEscaped)]")
        #expect(try Self.render("<a title=\"{{name}}\">", View([(.name, .text(#"" onmouseover="x"#))]))
                == "<a title=\"&quot; onmouseover=&quot;x\">")
        #expect(try Self.render("{{name}}", View([(.name, .text("'><img src=x onerror=alert(1)>"))]))
                == "&#39;&gt;&lt;img src=x onerror=alert(1)&gt;")
        // Markup is escaped too when it is not asked for raw.
        #expect(try Self.render("{{body}}", View([(.body, .html("<p>hi</p>"))])) == "&lt;p&gt;hi&lt;/p&gt;")
        // Kept bytes (memos, ids) and text + number (ledger sources) are escaped like text.
        #expect(try Self.render("{{memo}}", View([(.memo, Self.kept.italic)])) == "&lt;i&gt;&amp;&lt;/i&gt;")
        #expect(try Self.render("{{source}}", View([(.source, .textNumber("ledger/<a>.ledger:", 12))])) == "ledger/&lt;a&gt;.ledger:12")
        // Non-ASCII text is copied as it is.
        #expect(try Self.render("{{name}}", View([(.name, .text("张伟 · Zoë"))])) == "张伟 · Zoë")
    }

    @Test("{{{x}}} and {{& x}} write .html raw but still escape .text")
    func rawVariables() throws {
        let view = View([(.body, .html("<p>hi &amp; bye</p>")), (.name, .text("<script>alert(1)</script>"))])
        #expect(try Self.render("{{{body}}}", view) == "<p>hi &amp; bye</p>")
        #expect(try Self.render("{{& body}}", view) == "<p>hi &amp; bye</p>")
        #expect(try Self.render("{{{name}}}", view) == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(try Self.render("{{&name}}", view) == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(try Self.render("{{{memo}}}", View([(.memo, Self.kept.bold)])) == "&lt;b&gt;")
        // {{{.}}} of a plain text item is escaped as well.
        #expect(try Self.render("{{#tags}}{{{.}}}{{/tags}}", View([(.tags, .list([.text("<x>")]))])) == "&lt;x&gt;")
    }

    @Test("a missing name renders nothing; lists and objects render nothing as values")
    func missingAndContainers() throws {
        #expect(try Self.render("[{{name}}]", View()) == "[]")
        #expect(try Self.render("[{{rows}}|{{person}}]", View([(.rows, .list([.text("a")])), (.person, .object(View([(.name, .text("x"))])))])) == "[|]")
        #expect(try Self.render("[{{ranked}}/{{optedout}}]", View([(.ranked, .bool(true)), (.optedout, .bool(false))])) == "[true/false]")
    }

    // MARK: sections

    @Test("a section repeats for each object of a list, innermost name first")
    func sectionOverList() throws {
        let rows = TemplateValue.list([View([(.name, .text("A")), (.rank, .number(1))]),
                                       View([(.name, .text("B&C")), (.rank, .number(2))])])
        let view = View([(.rows, rows), (.title, .text("T"))])
        #expect(try Self.render("{{#rows}}<{{rank}}:{{name}}:{{title}}>{{/rows}}", view) == "<1:A:T><2:B&amp;C:T>")
        #expect(try Self.render("{{#rows}}x{{/rows}}", View([(.rows, .list([View]()))])) == "")
    }

    @Test("rows made on demand render like a list of objects; a row's values do not leak into the next")
    func sectionOverRowList() throws {
        let names = ["A", "B&C", "D"]
        let rows = RowList(count: names.count) { i, view in
            view.set(.name, .text(names[i]))
            if i == 0 { view.set(.memo, .text("first")) }
            if i == 1 { view.set(.rule, .object(View([(.name, .text("R")), (.version, .number(2))]))) }
        }
        let view = View([(.history, .rows(rows)), (.title, .text("T"))])
        let template = "{{#history}}<{{name}}:{{title}}{{#memo}}:{{memo}}{{/memo}}{{#rule}}:{{name}}v{{version}}{{/rule}}>{{/history}}{{^history}}none{{/history}}"
        #expect(try Self.render(template, view) == "<A:T:first><B&amp;C:T:Rv2><D:T>")
        #expect(try Self.render(template, View([(.history, .rows(RowList(count: 0) { _, _ in }))])) == "none")
        // Inside a row, {{.}} is the row (an object), which writes nothing, as in a list of objects.
        let outer = View([(.tags, .list([.text("T")])), (.history, .rows(rows))])
        #expect(try Self.render("{{#tags}}{{#history}}[{{.}}]{{/history}}{{/tags}}", outer) == "[][][]")
    }

    @Test("values kept in a row arena render like the values they were made from, escaped")
    func arenaValues() throws {
        let arena = RowArena()
        let hostile = "<script>alert(1)</script> \" onmouseover=\"x"
        var link = View([(.name, .text(hostile)), (.url, .text("../r/a&b/index.html"))])
        link.set(.version, .number(1234))
        link.set(.entry, .object(View([(.what, .text("<b>inner</b>"))])))
        let template = "{{#rule}}<a href=\"{{url}}\">{{name}}</a> v{{version}} {{entry.what}}{{#entry}}[{{what}}]{{/entry}}{{/rule}}|{{what}}|{{source}}|{{rule.name}}"
        let plain = View([(.rule, .object(link)), (.what, .text(hostile)), (.source, .textNumber("ledger/<a>.ledger:", 12))])
        let kept = View([(.rule, arena.keep(.object(link))), (.what, arena.keep(.text(hostile))),
                         (.source, arena.keep(.textNumber("ledger/<a>.ledger:", 12)))])
        let expected = try Self.render(template, plain)
        #expect(try Self.render(template, kept) == expected)
        #expect(expected.contains("&lt;script&gt;") && !expected.contains("<script>") && expected.contains("&quot; onmouseover=&quot;x"))
        #expect(expected.contains("a&amp;b") && expected.contains("v1,234") && expected.contains("[&lt;b&gt;inner&lt;/b&gt;]"))
        // Empty values and objects are falsy or truthy as their plain forms are.
        let empty = View([(.memo, arena.keep(.text(""))), (.rule, arena.keep(.object(View())))])
        #expect(try Self.render("{{#memo}}m{{/memo}}{{^memo}}none{{/memo}}{{#rule}}r{{/rule}}", empty) == "noner")
        // A kept object in a list is entered like a plain one.
        let list = View([(.badges, .list([arena.keep(.object(View([(.name, .text("<a>"))]))), .object(View([(.name, .text("b"))]))]))])
        #expect(try Self.render("{{#badges}}[{{name}}]{{/badges}}", list) == "[&lt;a&gt;][b]")
        // The kept values point into the arena: it must outlive every render above.
        withExtendedLifetime(arena) {}
    }

    @Test("a page longer than the writer's first buffer, and sections nested deeper than its first stack, render whole")
    func growth() throws {
        var writer = ByteWriter(capacity: 1)
        for i in 0..<10_000 { writer.append(UInt8(48 + i % 10)) }
        writer.append("é·")
        #expect(writer.count == 10_004)
        #expect(Array(writer.array.prefix(12)) == Array("012345678901".utf8))
        var inner = View([(.name, .text("deep"))])
        for key in [ViewKey.rule, .reward, .team, .entry, .reversal, .bonus, .next, .honour] { inner = View([(key, .object(inner))]) }
        let open = "{{#honour}}{{#next}}{{#bonus}}{{#reversal}}{{#entry}}{{#team}}{{#reward}}{{#rule}}"
        let close = "{{/rule}}{{/reward}}{{/team}}{{/entry}}{{/reversal}}{{/bonus}}{{/next}}{{/honour}}"
        #expect(try Self.render(open + "{{name}}" + close, inner) == "deep")
        let rows = RowList(count: 3000) { i, view in view.set(.name, .text(String(repeating: "x", count: i % 50))) }
        let page = try Self.render("{{#history}}{{name}};{{/history}}", View([(.history, .rows(rows))]))
        #expect(page.utf8.count == (0..<3000).reduce(0) { $0 + $1 % 50 + 1 })
    }

    @Test("every key fits the presence bits of a view; removing a key forgets it")
    func viewKeysFitPresenceBits() {
        #expect(MemoryLayout<ViewKey>.size == 1)
        #expect(ViewKey.allCases.count <= 192)
        for (i, key) in ViewKey.allCases.enumerated() { #expect(Int(key.ordinal) == i) }
        var view = View([(.name, .text("a")), (.points, .number(1))])
        #expect(view.value(.points) != nil && view.value(.rank) == nil)
        view[.points] = nil
        #expect(view.value(.points) == nil && view.value(.name) != nil)
        view.set(.expiringsoon, .bool(true))
        #expect(view.value(.expiringsoon) != nil)
        view.removeAll()
        #expect(view.value(.name) == nil && view.fields.isEmpty)
    }

    @Test("{{.}} is the current item of a list of plain values")
    func currentItem() throws {
        let view = View([(.tags, .list([.text("a<b"), .number(1234), .day(Day("2026-03-02")!), .bool(true)]))])
        #expect(try Self.render("{{#tags}}[{{.}}]{{/tags}}", view) == "[a&lt;b][1,234][Mar 2, 2026][true]")
        #expect(try Self.render("{{#tags}}[{{.}}]{{/tags}}", view, locale: .zhCN) == "[a&lt;b][1,234][2026年3月2日][true]")
        // Outside any list, {{.}} is nothing.
        #expect(try Self.render("[{{.}}]", view) == "[]")
    }

    @Test("a section over an object enters it; over other values shows once when truthy")
    func sectionTruthiness() throws {
        let person = View([(.name, .text("Li")), (.team, .object(View([(.name, .text("East"))])))])
        #expect(try Self.render("{{#person}}{{name}} of {{team.name}}{{/person}}", View([(.person, .object(person))])) == "Li of East")
        let cases: [(TemplateValue?, Bool)] = [
            (.bool(true), true), (.bool(false), false), (.number(0), false), (.number(-3), true), (.signed(0), false),
            (.text(""), false), (.text("x"), true), (.html(""), false), (Self.kept.empty, false),
            (.list([TemplateValue]()), false), (.list([TemplateValue.text("x")]), true), (.day(Day("2026-01-01")!), true), (nil, false),
        ]
        for (value, shown) in cases {
            var view = View()
            view.set(.current, value)
            let out = try Self.render("{{#current}}yes{{/current}}{{^current}}no{{/current}}", view)
            #expect(out == (shown ? "yes" : "no"), "\(String(describing: value))")
        }
        // A truthy plain value does not change the context: {{name}} still resolves outside.
        #expect(try Self.render("{{#ranked}}{{name}}{{/ranked}}", View([(.ranked, .bool(true)), (.name, .text("N"))])) == "N")
    }

    @Test("inverted sections show for absent, false, zero and empty values")
    func invertedSections() throws {
        #expect(try Self.render("{{^rows}}none{{/rows}}", View()) == "none")
        #expect(try Self.render("{{^rows}}none{{/rows}}", View([(.rows, .list([View]()))])) == "none")
        #expect(try Self.render("{{^rows}}none{{/rows}}", View([(.rows, .list([View([])]))])) == "")
        #expect(try Self.render("{{^count}}zero{{/count}}", View([(.count, .number(0))])) == "zero")
        #expect(try Self.render("{{^count}}zero{{/count}}", View([(.count, .number(5))])) == "")
    }

    @Test("dotted names walk objects, up to three deep; a dotted name through a non-object is nothing")
    func dottedNames() throws {
        let view = View([(.person, .object(View([(.team, .object(View([(.name, .text("East")), (.url, .text("../t/"))]))),
                                                 (.name, .text("Li"))])))])
        #expect(try Self.render("{{person.name}}|{{person.team.name}}|{{person.team.url}}", view) == "Li|East|../t/")
        #expect(try Self.render("[{{person.lead.name}}][{{person.name.url}}][{{team.name}}]", view) == "[][][]")
        #expect(try Self.render("{{#person.team}}{{name}}{{/person.team}}", view) == "East")
        #expect(try Self.render("{{^person.lead}}no lead{{/person.lead}}", view) == "no lead")
        // A section found deeper on the stack: names resolve from the innermost object outwards.
        let nested = View([(.name, .text("outer")), (.rows, .list([View([(.rank, .number(1))])]))])
        #expect(try Self.render("{{#rows}}{{rank}} {{name}}{{/rows}}", nested) == "1 outer")
    }

    @Test("a name of four parts is refused")
    func tooDeep() {
        #expect(Self.problem("ok\n{{person.team.lead.name}}") != nil)
    }

    @Test("names nesting four deep are reported where they are written")
    func tooDeepLocation() {
        #expect(Self.problem("ok\n  {{person.team.lead.name}}")?.hasPrefix("T/templates/page.mustache:2:3: error:") == true)
    }

    // MARK: partials, comments, standalone lines

    @Test("partials are expanded in place and see the current context")
    func partials() throws {
        let view = View([(.rows, .list([View([(.name, .text("A<"))]), View([(.name, .text("B"))])]))])
        let out = try Self.render("<ul>{{#rows}}{{> item}}{{/rows}}</ul>", view, partials: ["item": "<li>{{name}}</li>"])
        #expect(out == "<ul><li>A&lt;</li><li>B</li></ul>")
        // Partials may include partials.
        let nested = try Self.render("{{>outer}}", View([(.name, .text("n"))]), partials: ["outer": "[{{> inner}}]", "inner": "{{name}}"])
        #expect(nested == "[n]")
        // The same partial twice is fine (it is not recursion).
        #expect(try Self.render("{{> a}}{{> a}}", View(), partials: ["a": "x"]) == "xx")
    }

    @Test("comments render nothing")
    func comments() throws {
        #expect(try Self.render("a{{! a comment with {braces} }}b", View()) == "ab")
    }

    @Test("standalone section, partial and comment lines leave no blank line")
    func standaloneLines() throws {
        let template = """
        <ul>
        {{! the rows }}
        {{#rows}}
          {{> item}}
        {{/rows}}
        {{^rows}}
        <li>none</li>
        {{/rows}}
        </ul>

        """
        let view = View([(.rows, .list([View([(.name, .text("A"))]), View([(.name, .text("B"))])]))])
        #expect(try Self.render(template, view, partials: ["item": "<li>{{name}}</li>\n"]) == "<ul>\n<li>A</li>\n<li>B</li>\n</ul>\n")
        #expect(try Self.render(template, View(), partials: ["item": "<li>{{name}}</li>\n"]) == "<ul>\n<li>none</li>\n</ul>\n")
        // CRLF line ends and a tag on the last line without a newline.
        #expect(try Self.render("a\r\n{{#ranked}}\r\nb\r\n{{/ranked}}", View([(.ranked, .bool(true))])) == "a\r\nb\r\n")
        // A tag that shares its line with text is not standalone: the line stays.
        #expect(try Self.render("a\nx {{#ranked}}\nb\n{{/ranked}}", View([(.ranked, .bool(true))])) == "a\nx \nb\n")
        // Variables are never standalone.
        #expect(try Self.render("a\n{{name}}\nb", View()) == "a\n\nb")
    }

    // MARK: UI strings

    @Test("{{t.key}} is the UI string, escaped")
    func uiStrings() throws {
        let strings = ["nav.people": "People & <teams>", "rank.before": "#", "quote": #"say "hi" 'now'"#]
        #expect(try Self.render("{{t.nav.people}}|{{t.rank.before}}|{{ t.quote }}", View(), strings: strings)
                == "People &amp; &lt;teams&gt;|#|say &quot;hi&quot; &#39;now&#39;")
        // Resolved when compiling, also inside sections and partials.
        let out = try Self.render("{{#rows}}{{> p}}{{/rows}}", View([(.rows, .list([View(), View()]))]),
                                  partials: ["p": "{{t.rank.before}}"], strings: strings)
        #expect(out == "##")
    }

    // MARK: compile errors

    @Test("an unknown name is an error at its line and column, with hints")
    func unknownName() throws {
        let message = try #require(Self.problem("<p>\n  <b>{{persn.name}}</b>\n"))
        #expect(message.hasPrefix("T/templates/page.mustache:2:6: error: unknown name 'persn' in {{persn.name}}"))
        #expect(message.contains("did you mean"))
        #expect(message.contains("person"))
        #expect(Self.problem("{{person.nam}}")?.hasPrefix("T/templates/page.mustache:1:1: error: unknown name 'nam' in {{person.nam}}") == true)
        #expect(Self.problem("x{{#zzz}}{{/zzz}}")?.hasPrefix("T/templates/page.mustache:1:2: error: unknown name 'zzz'") == true)
        #expect(Self.problem("{{person..name}}") != nil)
        // Columns count characters, not bytes.
        #expect(Self.problem("积分：{{nope}}")?.hasPrefix("T/templates/page.mustache:1:4: error: unknown name 'nope'") == true)
    }

    @Test("an unknown partial is an error naming the file to add")
    func unknownPartial() {
        #expect(Self.problem("a\n{{> missing}}") ==
                "T/templates/page.mustache:2:1: error: unknown partial 'missing': add partials/missing.mustache to the theme")
    }

    @Test("an error inside a partial names the partial's file")
    func errorInPartial() {
        #expect(Self.problem("{{> p}}", partials: ["p": "ok\n\n   {{nope}}"])?
            .hasPrefix("T/templates/partials/p.mustache:3:4: error: unknown name 'nope'") == true)
    }

    @Test("an unknown UI string is an error naming the i18n files")
    func unknownString() {
        #expect(Self.problem("{{t.nav.people}}\n{{t.nav.nobody}}", strings: ["nav.people": "People"]) ==
                "T/templates/page.mustache:2:1: error: unknown UI string 'nav.nobody': add it to the theme's i18n files")
    }

    @Test("an unclosed tag is an error at the tag")
    func unclosedTag() {
        #expect(Self.problem("ab\ncd {{name\n}}") == "T/templates/page.mustache:2:4: error: unclosed tag: add }} on the same line")
        #expect(Self.problem("{{{body}}") == "T/templates/page.mustache:1:1: error: unclosed tag: add }}} on the same line")
        #expect(Self.problem("x {{") == "T/templates/page.mustache:1:3: error: unclosed tag: add }} on the same line")
    }

    @Test("an unclosed section is an error at its opening tag")
    func unclosedSection() {
        #expect(Self.problem("a\n  {{#rows}}\n{{name}}\n") ==
                "T/templates/page.mustache:2:3: error: section '{{#rows}}' is not closed: add {{/rows}}")
        #expect(Self.problem("{{#rows}}{{^name}}{{/name}}") ==
                "T/templates/page.mustache:1:1: error: section '{{#rows}}' is not closed: add {{/rows}}")
    }

    @Test("a mismatched or stray close is an error at the close")
    func mismatchedClose() {
        #expect(Self.problem("{{#rows}}\n{{#person}}\n{{/rows}}\n{{/person}}") ==
                "T/templates/page.mustache:3:1: error: '{{/rows}}' closes '{{#person}}'; close sections in the order they open")
        #expect(Self.problem("a {{/rows}}") == "T/templates/page.mustache:1:3: error: '{{/rows}}' closes no open section")
    }

    @Test("a partial that includes itself, directly or through another, is an error")
    func recursivePartial() {
        #expect(Self.problem("{{> a}}", partials: ["a": "x\n{{> a}}"]) ==
                "T/templates/partials/a.mustache:2:1: error: partial 'a' includes itself")
        #expect(Self.problem("{{> a}}", partials: ["a": "{{> b}}", "b": "{{#rows}}{{> a}}{{/rows}}"]) ==
                "T/templates/partials/b.mustache:1:10: error: partial 'a' includes itself")
    }

    // MARK: themes

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let themes = repository.appendingPathComponent("Themes").path

    /// A fresh folder of themes holding a copy of Themes/default.
    static func themesFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("laurel-themes-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: themes + "/default", toPath: folder.appendingPathComponent("default").path)
        return folder
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    static let smallLedger = """
    2026-01-05 earn    zhang-wei  deal-won      amount:250000  id:crm-opp-4711  "ACME renewal"
    2026-01-09 earn    li-na      training      qty:2

    """

    @Test("the default theme loads in both locales with every page template")
    func defaultThemeLoads() {
        for locale in [PortalSettings.Locale.zhCN, .en] {
            let (theme, diagnostics) = Theme.load(themes: Self.themes, name: "default", locale: locale)
            #expect(diagnostics.map(\.description) == [])
            // The default theme has the optional templates too (the search page).
            #expect(Set(theme?.pages.keys.map { $0 } ?? []) == Set(Theme.pageTemplates + Theme.optionalPageTemplates))
            #expect(theme?.assets.map(\.path) == ["print.css", "search.js", "style.css"])
        }
    }

    @Test("a missing page template is reported by Theme.load, and no theme is returned")
    func missingPageTemplate() throws {
        let folder = try Self.themesFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("default/templates/tv.mustache"))
        let (theme, diagnostics) = Theme.load(themes: folder.path, name: "default", locale: .zhCN)
        #expect(theme == nil)
        #expect(diagnostics.map(\.description) ==
                ["\(folder.path)/default/templates/tv.mustache:1:1: error: missing template tv.mustache: the theme (or the one it extends) must provide it"])
    }

    @Test("a template problem in a theme is one diagnostic at the partial's file:line:column, even if many pages use it")
    func themeTemplateProblem() throws {
        let folder = try Self.themesFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let foot = folder.appendingPathComponent("default/templates/partials/foot.mustache")
        var text = try String(contentsOf: foot, encoding: .utf8)
        text = text.replacingOccurrences(of: "<strong>{{site.asof}}</strong>", with: "<strong>{{site.asoff}}</strong>")
        try text.write(to: foot, atomically: true, encoding: .utf8)
        let (theme, diagnostics) = Theme.load(themes: folder.path, name: "default", locale: .en)
        #expect(theme == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.description.hasPrefix("\(foot.path):5:41: error: unknown name 'asoff' in {{site.asoff}}") == true)
    }

    @Test("a UI string missing from one locale's file is reported when the theme loads in that locale")
    func missingStringInOneLocale() throws {
        let folder = try Self.themesFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let en = folder.appendingPathComponent("default/i18n/en.yaml")
        let text = try String(contentsOf: en, encoding: .utf8)
        try text.replacingOccurrences(of: "\nskip: Skip to content\n", with: "\n").write(to: en, atomically: true, encoding: .utf8)
        #expect(Theme.load(themes: folder.path, name: "default", locale: .zhCN).1.isEmpty)
        let (theme, diagnostics) = Theme.load(themes: folder.path, name: "default", locale: .en)
        #expect(theme == nil)
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.allSatisfy { $0.message == "unknown UI string 'skip': add it to the theme's i18n files" })
    }

    @Test("a theme that extends default and overrides one partial renders with it and the rest of default")
    func extendsDefault() throws {
        let folder = try Self.themesFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let custom = folder.appendingPathComponent("custom")
        try Self.write("name: Custom\nextends: default\n", to: custom.appendingPathComponent("theme.yaml"))
        try Self.write("""
        {{! ACME's header: a banner, then the opening of <main> as the default header does. }}
        <header class="acme-header"><a href="{{links.home}}">ACME · {{site.title}}</a> <span>{{t.nav.people}}</span></header>
        <main id="main" class="wrap">

        """, to: custom.appendingPathComponent("templates/partials/header.mustache"))

        let (theme, diagnostics) = Theme.load(themes: folder.path, name: "custom", locale: .zhCN)
        #expect(diagnostics.map(\.description) == [])
        let customTheme = try #require(theme)
        #expect(customTheme.name == "custom")
        // The static files and UI strings come from default.
        #expect(customTheme.assets.map(\.path) == ["print.css", "search.js", "style.css"])
        #expect(customTheme.string("nav.people") == "成员")

        let run = Fixture.spec.ledger(Self.smallLedger).run(asOf: "2026-03-31")
        #expect(!run.hasErrors)
        let files = try SiteRenderer.render(run, theme: customTheme)
        let (defaultTheme, _) = Theme.load(themes: Self.themes, name: "default", locale: .zhCN)
        let defaults = try SiteRenderer.render(run, theme: try #require(defaultTheme))
        #expect(files.map(\.path) == defaults.map(\.path))
        var pagesWithHeader = 0
        for file in files where file.path.hasSuffix(".html") {
            let html = String(decoding: file.bytes, as: UTF8.self)
            if file.path == "tv/index.html" {
                // The TV page has no site header.
                #expect(!html.contains("acme-header"))
                continue
            }
            pagesWithHeader += 1
            #expect(html.contains("<header class=\"acme-header\">"), "\(file.path)")
            #expect(html.contains("ACME · 华东销售部积分门户</a> <span>成员</span>"), "\(file.path)")
            #expect(!html.contains("class=\"site-header\""), "\(file.path)")
            // The rest is default's: head, styles and footer.
            #expect(html.contains("<footer class=\"site-footer\">"), "\(file.path)")
            #expect(html.contains("theme/style.css\">"), "\(file.path)")
        }
        #expect(pagesWithHeader > 10)
        // Everything but the header is as default renders it.
        let person = try #require(files.first { $0.path == "people/zhang-wei/index.html" })
        let defaultPerson = try #require(defaults.first { $0.path == "people/zhang-wei/index.html" })
        let a = String(decoding: person.bytes, as: UTF8.self), b = String(decoding: defaultPerson.bytes, as: UTF8.self)
        #expect(a.components(separatedBy: "<main id=\"main\" class=\"wrap\">").last == b.components(separatedBy: "<main id=\"main\" class=\"wrap\">").last)
        let css = try #require(files.first { $0.path == "theme/style.css" })
        #expect(css.bytes == defaults.first { $0.path == "theme/style.css" }?.bytes)
    }

    @Test("an extending theme replaces UI strings key by key and static files path by path")
    func extendsStringsAndAssets() throws {
        let folder = try Self.themesFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let custom = folder.appendingPathComponent("custom")
        try Self.write("extends: default\n", to: custom.appendingPathComponent("theme.yaml"))
        try Self.write("nav.people: 同事 & 团队\n", to: custom.appendingPathComponent("i18n/zh-CN.yaml"))
        try Self.write("body { color: black; }\n", to: custom.appendingPathComponent("static/style.css"))
        try Self.write("x\n", to: custom.appendingPathComponent("static/img/logo.txt"))
        let (theme, diagnostics) = Theme.load(themes: folder.path, name: "custom", locale: .zhCN)
        #expect(diagnostics.map(\.description) == [])
        let loaded = try #require(theme)
        #expect(loaded.string("nav.people") == "同事 & 团队")
        #expect(loaded.string("nav.rules") == "规则")
        #expect(loaded.assets.map(\.path) == ["img/logo.txt", "print.css", "search.js", "style.css"])
        #expect(loaded.assets.first { $0.path == "style.css" }?.bytes == Array("body { color: black; }\n".utf8))
        // English has no file of its own in the custom theme: default's strings, unchanged.
        #expect(Theme.load(themes: folder.path, name: "custom", locale: .en).0?.string("nav.people") == "People")
        let run = Fixture.spec.run(asOf: "2026-03-31")
        let files = try SiteRenderer.render(run, theme: loaded)
        let home = String(decoding: try #require(files.first { $0.path == "index.html" }).bytes, as: UTF8.self)
        #expect(home.contains(">同事 &amp; 团队</a>"))
        #expect(files.contains { $0.path == "theme/img/logo.txt" })
    }

    @Test("a theme that extends a missing theme, or itself, is reported")
    func badExtends() throws {
        let folder = try Self.themesFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.write("name: Lost\nextends: nowhere\n", to: folder.appendingPathComponent("lost/theme.yaml"))
        let (lost, lostDiagnostics) = Theme.load(themes: folder.path, name: "lost", locale: .en)
        #expect(lost == nil)
        #expect(lostDiagnostics.map(\.description) == ["\(folder.path)/nowhere:1:1: error: theme 'nowhere' not found: expected a folder \(folder.path)/nowhere"])
        try Self.write("name: Loop\nextends: loop\n", to: folder.appendingPathComponent("loop/theme.yaml"))
        let (loop, loopDiagnostics) = Theme.load(themes: folder.path, name: "loop", locale: .en)
        #expect(loop == nil)
        #expect(loopDiagnostics.map(\.message) == ["themes extend each other in a circle"])
    }

    // MARK: numbers, days and periods

    static let numberCases: [(Int64, String, String)] = [
        (0, "0", "0"), (7, "7", "+7"), (999, "999", "+999"), (1000, "1,000", "+1,000"), (12345, "12,345", "+12,345"),
        (999_999, "999,999", "+999,999"), (1_000_000, "1,000,000", "+1,000,000"), (-20, "-20", "-20"), (-1500, "-1,500", "-1,500"),
        (-123_456_789, "-123,456,789", "-123,456,789"), (999_999_999_999, "999,999,999,999", "+999,999,999,999"),
        (Int64.max, "9,223,372,036,854,775,807", "+9,223,372,036,854,775,807"),
        (Int64.min, "-9,223,372,036,854,775,808", "-9,223,372,036,854,775,808"),
    ]

    @Test("numbers group thousands; signed numbers carry their sign", arguments: numberCases)
    func numbers(_ n: Int64, _ grouped: String, _ signed: String) throws {
        #expect(try Self.render("{{points}}", View([(.points, .number(n))])) == grouped)
        #expect(try Self.render("{{points}}", View([(.points, .signed(n))])) == signed)
        #expect(try Self.render("{{points}}", View([(.points, .number(n))]), locale: .zhCN) == grouped)
    }

    @Test("the table of written days agrees with the calendar, inside and outside its years")
    func dayTable() {
        for locale in [PortalSettings.Locale.zhCN, .en] {
            for serial in Array(Int32(10_900)...Int32(11_400)) + Array(Int32(47_000)...Int32(47_600)) + [0, -400, 20_000, 30_000] {
                var table = ByteWriter(), computed = ByteWriter()
                HTMLWriter.day(Day(serial: serial), locale, into: &table)
                HTMLWriter.computeDay(Day(serial: serial), locale, into: &computed)
                #expect(table.array == computed.array, "\(serial) \(locale)")
            }
        }
    }

    @Test("days in zh-CN and en", arguments: [
        ("2026-03-02", "2026年3月2日", "Mar 2, 2026"), ("2026-12-31", "2026年12月31日", "Dec 31, 2026"),
        ("2025-01-01", "2025年1月1日", "Jan 1, 2025"), ("2024-02-29", "2024年2月29日", "Feb 29, 2024"),
    ])
    func days(_ text: String, _ zh: String, _ en: String) throws {
        let day = try #require(Day(text))
        #expect(LocaleFormat.day(day, .zhCN) == zh)
        #expect(LocaleFormat.day(day, .en) == en)
        // The byte writer of the templates says the same.
        #expect(try Self.render("{{date}}", View([(.date, .day(day))]), locale: .zhCN) == zh)
        #expect(try Self.render("{{date}}", View([(.date, .day(day))]), locale: .en) == en)
    }

    @Test("every day of two years is written the same by the template writer and LocaleFormat")
    func daysAgree() throws {
        let template = try Self.compile("{{date}}")
        let first = try #require(Day("2025-01-01"))
        for offset in 0..<731 {
            let day = first.adding(days: offset)
            for locale in [PortalSettings.Locale.zhCN, .en] {
                let written = String(decoding: template.render(View([(.date, .day(day))]), locale: locale), as: UTF8.self)
                #expect(written == LocaleFormat.day(day, locale))
            }
        }
    }

    @Test("periods in zh-CN and en", arguments: [
        (PeriodKind.quarter, "2026-Q1", "2026年第1季度", "Q1 2026"), (.quarter, "2025-Q4", "2025年第4季度", "Q4 2025"),
        (.month, "2026-03", "2026年3月", "Mar 2026"), (.month, "2026-12", "2026年12月", "Dec 2026"),
        (.year, "2026", "2026年", "2026"),
    ])
    func periods(_ kind: PeriodKind, _ name: String, _ zh: String, _ en: String) throws {
        let period = try #require(Period(kind: kind, name: name))
        #expect(LocaleFormat.period(period, .zhCN) == zh)
        #expect(LocaleFormat.period(period, .en) == en)
        #expect(try Self.render("{{period}}", View([(.period, .period(period))]), locale: .zhCN) == zh)
        #expect(try Self.render("{{period}}", View([(.period, .period(period))]), locale: .en) == en)
    }

    @Test("dates and periods appear in the locale on rendered pages")
    func localeOnPages() throws {
        for (locale, asOf, period) in [(PortalSettings.Locale.zhCN, "2026年3月31日", "2026年第1季度"), (.en, "Mar 31, 2026", "Q1 2026")] {
            let fixture = Fixture.spec.ledger(Self.smallLedger)
                .with("portal.yaml", "title: East\nperiod: quarter\nexpiry: year\nlocale: \(locale.rawValue)\n")
            let run = fixture.run(asOf: "2026-03-31")
            #expect(!run.hasErrors)
            let (theme, _) = Theme.load(themes: Self.themes, name: "default", locale: locale)
            let files = try SiteRenderer.render(run, theme: try #require(theme))
            let home = String(decoding: try #require(files.first { $0.path == "index.html" }).bytes, as: UTF8.self)
            #expect(home.contains("<strong>\(asOf)</strong>"))
            #expect(home.contains(period))
            let person = String(decoding: try #require(files.first { $0.path == "people/zhang-wei/index.html" }).bytes, as: UTF8.self)
            #expect(person.contains("<dd>500</dd>"))
        }
    }
}
