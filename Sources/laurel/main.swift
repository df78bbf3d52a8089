import ArgumentParser
import Foundation
import LaurelSite
import LaurelSources

/// Exit statuses of FORMAT.md section 10.
enum ExitStatus: Int32 {
    case clean = 0
    case contentErrors = 1
    case cannotRun = 2
}

struct Laurel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "laurel",
        abstract: "Build a sales department's points portal from its ledger and Markdown content.",
        discussion: """
        Exit status: 0 built or checked clean, 1 the content has errors (nothing is published),
        2 the command itself could not run (bad flags, unreadable folder).

        Examples:
          laurel check --content Content
          laurel build --content Content --output public --as-of 2026-11-28
        """,
        subcommands: [Check.self, Build.self]
    )
}

struct ContentOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The portal's sources: portal.yaml, people.yaml, ledger/, pages/ … (example: --content Content)", valueName: "folder"))
    var content = "Content"

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Compute the portal as it stands at the end of this day (example: --as-of 2026-03-31). Default: today in portal.yaml's time zone.", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Option(name: .long, help: ArgumentHelp("Threads for reading the ledger; the output does not depend on it (example: --jobs 1).", valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: "Print only problems (for cron).")
    var quiet = false

    func validate() throws {
        if let asOf, Day(asOf) == nil {
            throw ValidationError("--as-of must be a date YYYY-MM-DD, got '\(asOf)'")
        }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    var asOfChoice: AsOf {
        if let asOf, let day = Day(asOf) { return .day(day) }
        return .today(Date())
    }

    func readTree() throws -> SourceTree {
        do {
            return try SourceTree.read(folder: content)
        } catch {
            throw CommandFailure(message: "\(error)")
        }
    }

    func report(_ run: PortalRun) {
        var err = StandardError()
        for d in run.diagnostics { print(d, to: &err) }
        let errors = run.diagnostics.filter { $0.severity == .error }.count
        if errors > 0 {
            print("\(errors) error\(errors == 1 ? "" : "s")", to: &err)
        }
    }
}

struct CommandFailure: Error {
    let message: String
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the sources and compute every figure without writing anything.",
        discussion: """
        Reports every problem a build would meet as PATH:LINE:COLUMN: error: MESSAGE, all at once.

        Examples:
          laurel check
          laurel check --content Content --as-of 2026-06-30
        """
    )

    @OptionGroup var options: ContentOptions

    func run() throws {
        var times = StageTimes()
        let tree = try times.measure("read") { try options.readTree() }
        let run = PortalRun.check(tree, asOf: options.asOfChoice, jobs: options.jobs, times: times)
        options.report(run)
        if run.hasErrors { throw ExitCode(ExitStatus.contentErrors.rawValue) }
        if !options.quiet, let book = run.book {
            let entries = run.sources.ledger.entries.count
            print("\(options.content): clean — \(run.sources.people.count) people, \(entries) ledger entries, \(run.sources.pages.count) pages; as of \(run.asOf), period \(book.period) (\(run.times.summary))")
        }
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the portal into the output folder, atomically.",
        discussion: """
        Nothing is written when the content has errors: the previous portal stays as it was.
        The previous build is kept beside the output as OUTPUT.previous for a rollback.

        Examples:
          laurel build
          laurel build --content Content --themes Themes --theme default --output public --as-of 2026-11-28
        """
    )

    @OptionGroup var options: ContentOptions

    @Option(name: .long, help: ArgumentHelp("The folder holding the themes (example: --themes Themes).", valueName: "folder"))
    var themes = "Themes"

    @Option(name: .long, help: ArgumentHelp("The theme to render with, a folder under --themes (example: --theme default).", valueName: "name"))
    var theme = "default"

    @Option(name: .long, help: ArgumentHelp("Where to publish the portal (example: --output public).", valueName: "folder"))
    var output = "public"

    func run() throws {
        var times = StageTimes()
        let tree = try times.measure("read") { try options.readTree() }
        let run = PortalRun.check(tree, asOf: options.asOfChoice, jobs: options.jobs, times: times)
        times = run.times
        var err = StandardError()
        // Template problems are content problems too: report them with the rest.
        let (theme, themeProblems) = times.measure("theme") {
            Theme.load(themes: themes, name: self.theme, locale: run.sources.settings.locale)
        }
        var report = run
        report.diagnostics = (run.diagnostics + themeProblems).sorted()
        options.report(report)
        guard !report.hasErrors, let theme else {
            print("nothing published; \(output) is unchanged", to: &err)
            throw ExitCode(ExitStatus.contentErrors.rawValue)
        }
        let publisher: Publisher
        do { publisher = try Publisher(output: output) } catch { throw CommandFailure(message: "\(error)") }
        let stats: SiteStats
        do {
            stats = try times.measure("render") {
                try SiteBuilder.build(run, theme: theme, contentAssets: tree.assets, jobs: options.jobs, sink: publisher)
            }
            try times.measure("publish") { try publisher.commit() }
        } catch {
            publisher.abandon()
            throw CommandFailure(message: "\(error); nothing published, \(output) is unchanged")
        }
        if !options.quiet {
            print("built \(stats.pages) pages (\(stats.files) files, \(stats.bytes / 1_000_000) MB) for \(run.sources.people.count) people as of \(run.asOf) (\(times.summary))")
            print("open \(output)/index.html")
        }
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}

// Argument errors exit 2 (FORMAT.md 10), not ArgumentParser's default 64.
do {
    var command = try Laurel.parseAsRoot()
    try command.run()
} catch let failure as CommandFailure {
    var err = StandardError()
    print("laurel: \(failure.message)", to: &err)
    exit(ExitStatus.cannotRun.rawValue)
} catch {
    let code = Laurel.exitCode(for: error)
    if code == .success || error is ExitCode {
        Laurel.exit(withError: error)
    }
    var err = StandardError()
    print(Laurel.fullMessage(for: error), to: &err)
    exit(ExitStatus.cannotRun.rawValue)
}
