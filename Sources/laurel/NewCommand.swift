import ArgumentParser
import Foundation
import LaurelImport
import LaurelSite
import LaurelSources

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a new Markdown page with complete front matter.",
        usage: HelpText.usage("laurel new", [
            "<kind>", "<title>", "[--slug <slug>]", "[--outcome <success|failure>]", "[--rule <id> ...]",
            "[--person <id> ...]", "[--content <folder>]", "[--date <YYYY-MM-DD>]",
        ]),
        discussion: """
        Kinds: training, case (needs --outcome), news, rule-page (needs --rule;
        the page is pages/rules/ID.md, and rules.yaml gets the rule's page:
        line if it has none). The page is dated today in portal.yaml's
        time zone unless --date is given. Its address comes from --slug, else
        from the title's words; a title in Chinese gets one by date, such as
        2026-12-06-1. An existing file is never overwritten. Prints the path.

        Exit status: 0 written, 2 not written (the file exists, an unknown rule
        or person, bad flags).

        Examples:
          laurel new training "Handling objections" --rule deal-won
          laurel new case "恒瑞续约" --outcome success --person li-na
          laurel new rule-page "签单" --rule deal-won
        """
    )

    @Argument(help: ArgumentHelp("The kind of page.", valueName: "kind"))
    var kind: NewPage.Kind

    @Argument(help: ArgumentHelp("The page's title, in quotes.", valueName: "title"))
    var title: String

    @Option(name: .long, help: ArgumentHelp("The file name without .md (example: --slug first-call).", valueName: "slug"))
    var slug: String?

    @Option(name: .long, help: ArgumentHelp("A case study's outcome.", valueName: "success|failure"))
    var outcome: ContentPage.Outcome?

    @Option(name: .long, help: ArgumentHelp("A rule the page links to (repeatable; example: --rule deal-won).", valueName: "id"))
    var rule: [String] = []

    @Option(name: .long, help: ArgumentHelp("A person the page is about (repeatable; example: --person li-na).", valueName: "id"))
    var person: [String] = []

    @Option(name: .long, help: ArgumentHelp("The portal's sources (example: --content Content).", valueName: "folder"))
    var content = "Content"

    @Option(name: .long, help: ArgumentHelp("The page's date. Default: today in portal.yaml's time zone.", valueName: "YYYY-MM-DD"))
    var date: String?

    func validate() throws {
        if let date, Day(date) == nil { throw ValidationError("--date must be a date YYYY-MM-DD, got '\(date)'") }
    }

    func run() throws {
        let tree: SourceTree
        do { tree = try SourceTree.read(folder: content) } catch { throw CommandFailure(message: "\(error)") }
        let day = date.flatMap { Day($0) } ?? AsOf.today(Date()).resolved(for: tree)
        let request = NewPage.Request(kind: kind, title: title, slug: slug, outcome: outcome, rules: rule, people: person, date: day)
        switch NewPage.make(request, content: tree) {
        case .failure(let failure):
            throw CommandFailure(message: failure.description)
        case .success(let page):
            do {
                try AtomicFile.create(content + "/" + page.path, bytes: Array(page.text.utf8))
                if let rules = page.rules { try AtomicFile.replace(content + "/rules.yaml", bytes: rules) }
            } catch {
                throw CommandFailure(message: "\(error)")
            }
            print(tree.display(page.path))
            if let note = page.note {
                var err = StandardError()
                print(note, to: &err)
            }
        }
    }
}

extension NewPage.Kind: ExpressibleByArgument {}
extension ContentPage.Outcome: ExpressibleByArgument {}
