import ArgumentParser
import Foundation
import LaurelSite
import LaurelSources

struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "what-if",
        abstract: "Preview a proposed rules.yaml: scores, ranks, caps and the liability.",
        usage: HelpText.usage("laurel what-if", ["--rules <file.yaml>"] + HelpText.contentParts + [
            "[--period <period>]", "[--output <folder>]", "[--top <n>]", "[--themes <folder>]", "[--theme <name>]",
        ]),
        discussion: """
        Computes the department twice, with CONTENT/rules.yaml and with the
        proposed file in its place, and prints both side by side for one
        period: the points liability, the points per category, the points
        caps cut, and the people who move most on the board. --output also
        writes a small page set with everyone. Nothing published changes.
        See docs/what-if.md.

        Exit status: 0 compared, 1 errors in the content or in the proposed
        file (each as FILE:LINE:COLUMN: error: …; nothing written), 2 the
        command could not run (bad flags, unreadable file, refused --output).

        Examples:
          laurel what-if --rules proposed-rules.yaml
          laurel what-if --rules proposed-rules.yaml --period 2026-Q3
          laurel what-if --rules proposed-rules.yaml --period 2026 \\
              --output what-if --top 20
        """
    )

    @Option(name: .long, help: ArgumentHelp("The proposed rules, a whole rules.yaml (example: --rules proposed-rules.yaml).", valueName: "file.yaml"))
    var rules: String

    @OptionGroup var options: ContentOptions

    @Option(name: .long, help: ArgumentHelp("The period compared: a month, quarter or year (example: --period 2026-Q3). Default: the leaderboard period of portal.yaml that holds the as-of date.", valueName: "period"))
    var period: String?

    @Option(name: .long, help: ArgumentHelp("Also write the comparison as pages and CSV files into this folder: a new or empty folder, or one an earlier what-if wrote (example: --output what-if).", valueName: "folder"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Movers to show, up and down (example: --top 20).", valueName: "n"))
    var top = 10

    @Option(name: .long, help: ArgumentHelp("The folder holding the themes, for the pages' UI strings and style sheet (example: --themes Themes).", valueName: "folder"))
    var themes = "Themes"

    @Option(name: .long, help: ArgumentHelp("The theme whose UI strings (in portal.yaml's locale) and static/style.css the pages use (example: --theme default).", valueName: "name"))
    var theme = "default"

    func validate() throws {
        if let period, WhatIfCommand.parse(period: period) == nil {
            throw ValidationError("--period must be a month (2026-11), a quarter (2026-Q3) or a year (2026), got '\(period)'")
        }
        if top < 0 { throw ValidationError("--top must be 0 or more") }
    }

    static func parse(period: String) -> Period? {
        for kind in [PeriodKind.month, .quarter, .year] {
            if let p = Period(kind: kind, name: period) { return p }
        }
        return nil
    }

    func run() throws {
        if let output {
            if let refusal = WhatIfOutput.refusal(folder: output, content: options.content) {
                throw CommandFailure(message: refusal.description)
            }
            // The theme is loaded once the portal's locale is known; a missing one is told now.
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: themes + "/" + theme, isDirectory: &isFolder), isFolder.boolValue else {
                throw CommandFailure(message: "\(themes)/\(theme): no such theme folder; the pages use the theme's UI strings and style sheet (give --themes and --theme)")
            }
        }
        guard let proposed = FileManager.default.contents(atPath: rules) else {
            throw CommandFailure(message: "\(rules): cannot be read (no such file, or no permission)")
        }
        let tree = try options.readTree()
        let asOf = options.asOfChoice.resolved(for: tree)
        let chosen = period.flatMap(WhatIfCommand.parse(period:))
        if let chosen, chosen.firstDay > asOf {
            throw CommandFailure(message: "--period \(chosen) starts after the as-of date \(asOf): no entry of it has taken effect yet")
        }
        let rulesPath = tree.display("rules.yaml")
        var err = StandardError()
        let result = WhatIf.compare(tree, proposed: [UInt8](proposed), proposedPath: rules, asOf: asOf, period: chosen, jobs: options.jobs)
        switch result {
        case .contentErrors(let diagnostics):
            for d in diagnostics { print(d, to: &err) }
            let n = diagnostics.filter { $0.severity == .error }.count
            print("\(n) error\(n == 1 ? "" : "s") in \(options.content) (as laurel check reports them); nothing compared", to: &err)
            throw ExitCode(ExitStatus.contentErrors.rawValue)
        case .proposedErrors(let diagnostics):
            for d in diagnostics { print(d, to: &err) }
            let n = diagnostics.filter { $0.severity == .error }.count
            print("\(n) error\(n == 1 ? "" : "s") in \(rules); nothing compared, nothing written", to: &err)
            throw ExitCode(ExitStatus.contentErrors.rawValue)
        case .compared(let comparison, let warnings):
            for d in warnings { print(d, to: &err) }
            // What a build with these rules would refuse, as warnings: the comparison stands.
            let shown = 20
            for d in comparison.problems.prefix(shown) {
                print("\(d.path):\(d.line):\(d.column): warning: under the proposed rules: \(d.message)", to: &err)
            }
            if comparison.problems.count > shown {
                print("… and \(comparison.problems.count - shown) more under the proposed rules\(output.map { " (all in \($0)/index.html)" } ?? " (--output lists all)")", to: &err)
            }
            // The pages are in the portal's locale: the theme's strings for it (docs/what-if.md).
            var pageTheme: Theme?
            if output != nil {
                let (loaded, problems) = Theme.load(themes: themes, name: theme, locale: comparison.locale)
                for d in problems { print(d, to: &err) }
                guard let loaded else {
                    let n = problems.filter { $0.severity == .error }.count
                    print("\(n) error\(n == 1 ? "" : "s") in the theme \(themes)/\(theme); nothing written", to: &err)
                    throw ExitCode(ExitStatus.contentErrors.rawValue)
                }
                guard loaded.assets.contains(where: { $0.path == "style.css" }) else {
                    throw CommandFailure(message: "\(themes)/\(theme)/static/style.css: missing (in the theme and any it extends); the pages use the theme's style sheet")
                }
                pageTheme = loaded
            }
            if !options.quiet {
                print(WhatIfReport.text(comparison, top: top, proposedPath: rules, rulesPath: rulesPath), terminator: "")
            }
            if let output, let pageTheme {
                do {
                    try WhatIfOutput.write(WhatIfPages.files(comparison, top: top, theme: pageTheme), to: output, content: options.content)
                } catch {
                    throw CommandFailure(message: "\(error.description); nothing written")
                }
                if !options.quiet { print("wrote \(output)/index.html and people.html, people.csv, categories.csv, caps.csv") }
            }
        }
    }
}
