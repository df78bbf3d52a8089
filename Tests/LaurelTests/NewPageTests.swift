import Foundation
import Testing
@testable import LaurelImport
import LaurelSite
import LaurelSources

/// `laurel new` on the golden fixture department (`Fixtures/site/Content`: rules deal-won
/// with its page rules/deal-won, new-customer and training without one; people zhou-min,
/// wu-lei, qian-li, sun-hao): each kind of page is made and the department with it checks clean.
@Suite("New pages: laurel new")
struct NewPageTests {
    static let day = Day("2026-12-06")!

    static func department() throws -> SourceTree {
        try SourceTree.read(folder: GoldenSiteTests.folder.appendingPathComponent("Content").path, label: "Content")
    }

    static func make(_ kind: NewPage.Kind, _ title: String, slug: String? = nil, outcome: ContentPage.Outcome? = nil,
                     rules: [String] = [], people: [String] = [], in tree: SourceTree) -> Result<NewPage.Page, NewPage.Failure> {
        NewPage.make(NewPage.Request(kind: kind, title: title, slug: slug, outcome: outcome, rules: rules, people: people, date: day),
                     content: tree)
    }

    /// The department with the page added checks with no error at all.
    static func checksClean(_ page: NewPage.Page, in tree: SourceTree) -> [String] {
        var tree = tree
        tree.files[page.path] = Array(page.text.utf8)
        if let rules = page.rules { tree.files["rules.yaml"] = rules }
        return PortalRun.check(tree, asOf: .day(day)).diagnostics.map(\.description)
    }

    @Test("each kind: the path, the complete front matter, and a clean check")
    func everyKind() throws {
        let tree = try Self.department()
        let training = try Self.make(.training, "Handling Objections, Part 2!", rules: ["deal-won"], people: ["wu-lei"], in: tree).get()
        #expect(training.path == "pages/training/handling-objections-part-2.md")
        #expect(training.text.hasPrefix("""
        ---
        title: "Handling Objections, Part 2!"
        kind: training
        date: 2026-12-06
        tags: []
        rules: [deal-won]
        people: [wu-lei]
        ---

        """))
        let story = try Self.make(.case, "周敏的\"三连单\"", outcome: .failure, people: ["zhou-min"], in: tree).get()
        #expect(story.path == "pages/cases/2026-12-06-1.md")
        #expect(story.text.contains("title: \"周敏的\\\"三连单\\\"\"\nkind: case\noutcome: failure\ndate: 2026-12-06\ntags: []\nrules: []\npeople: [zhou-min]\n"))
        let news = try Self.make(.news, "年终提醒", slug: "year-end", in: tree).get()
        #expect(news.path == "pages/news/year-end.md")
        let rulePage = try Self.make(.rulePage, "新客户签约", rules: ["new-customer"], in: tree).get()
        #expect(rulePage.path == "pages/rules/new-customer.md")
        #expect(rulePage.note?.contains("page: rules/new-customer") == true)
        // rules.yaml gains the line under the rule's id:, at its indent.
        let rules = String(decoding: try #require(rulePage.rules), as: UTF8.self)
        #expect(rules.contains("- id: new-customer\n  page: rules/new-customer\n  name: 新客户签约\n"))
        #expect(rulePage.text.contains("kind: rule\n"))
        #expect(training.rules == nil && news.rules == nil)
        for page in [training, story, news, rulePage] {
            #expect(Self.checksClean(page, in: tree) == [], "\(page.path)")
        }
    }

    @Test("Chinese titles take the next free number of the day")
    func dateSlugs() throws {
        var tree = try Self.department()
        let first = try Self.make(.news, "培训通知", in: tree).get()
        tree.files[first.path] = Array(first.text.utf8)
        let second = try Self.make(.news, "又一条通知", in: tree).get()
        #expect([first.path, second.path] == ["pages/news/2026-12-06-1.md", "pages/news/2026-12-06-2.md"])
    }

    @Test("refusals: an existing page, an unknown rule or person (named), a case without outcome, a bad slug")
    func refusals() throws {
        let tree = try Self.department()
        func failure(_ r: Result<NewPage.Page, NewPage.Failure>) -> String {
            if case .failure(let f) = r { return f.description }
            return "made \((try? r.get())?.path ?? "")"
        }
        #expect(failure(Self.make(.rulePage, "签单", rules: ["deal-won"], in: tree)).contains("Content/pages/rules/deal-won.md already exists"))
        #expect(failure(Self.make(.training, "X", rules: ["deal-lost"], in: tree)).contains("unknown rule 'deal-lost'"))
        #expect(failure(Self.make(.training, "X", people: ["nobody"], in: tree)).contains("unknown person 'nobody'"))
        #expect(failure(Self.make(.case, "X", in: tree)).contains("--outcome"))
        #expect(failure(Self.make(.news, "X", outcome: .success, in: tree)).contains("case studies only"))
        #expect(failure(Self.make(.news, "X", slug: "../escape", in: tree)).contains("not usable"))
        #expect(failure(Self.make(.rulePage, "X", in: tree)).contains("--rule"))
    }

    @Test("the file is created, never replaced")
    func neverOverwrites() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("laurel-new-\(UUID().uuidString)").path
        let path = folder + "/pages/news/a.md"
        try AtomicFile.create(path, bytes: Array("one".utf8))
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.create(path, bytes: Array("two".utf8)) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/pages/news") == ["a.md"])
    }
}
