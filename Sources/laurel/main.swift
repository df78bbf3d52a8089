import ArgumentParser
import Foundation
import LaurelSite
import LaurelSources

/// Exit statuses of FORMAT.md section 10.
enum ExitStatus: Int32 {
    case clean = 0
    case contentErrors = 1
    case cannotRun = 2
    case busy = 3
}

struct Laurel: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "laurel",
        abstract: "Build a sales department's points portal from its ledger and pages.",
        discussion: """
        Exit status: 0 built or checked clean, 1 the content has errors (nothing is \
        published), 2 the command itself could not run (bad flags, unreadable folder), \
        3 another build of the same output is running.

        Examples:
          laurel check --content Content
          laurel build --content Content --output public --as-of 2026-11-28
        """,
        subcommands: [Check.self, Build.self, Rollback.self, Serve.self, Import.self, New.self, WhatIfCommand.self]
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
        usage: HelpText.usage("laurel check", HelpText.contentParts),
        discussion: """
        Reports every problem a build would meet as \
        PATH:LINE:COLUMN: error: MESSAGE, all at once.

        Examples:
          laurel check
          laurel check --content Content --as-of 2026-06-30
        """
    )

    @OptionGroup var options: ContentOptions

    func run() throws {
        var times = StageTimes()
        let tree = try times.measure("read") { try options.readTree() }
        let run = PortalRun.check(consume tree, asOf: options.asOfChoice, jobs: options.jobs, times: times)
        options.report(run)
        if run.hasErrors { throw ExitCode(ExitStatus.contentErrors.rawValue) }
        if !options.quiet, let book = run.book {
            let entries = run.sources.ledger.entries.count
            print("\(options.content): clean — \(run.sources.people.count) people, \(entries) ledger entries, \(run.sources.pages.count) pages; as of \(run.asOf), period \(book.period) (\(run.times.summary))")
        }
        ProcessExit.now(0)
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the portal into the output folder, atomically, incrementally.",
        usage: HelpText.usage("laurel build", HelpText.contentParts + [
            "[--themes <folder>]", "[--theme <name>]", "[--output <folder>]", "[--wait]", "[--force]",
            "[--audience <staff|managers>]",
        ]),
        discussion: """
        Nothing is published when the content or the theme has errors: the \
        previous portal stays as it was. OUTPUT is a link to a complete build \
        kept in .OUTPUT.laurel/builds/; a build writes a new one (files whose \
        bytes did not change are hard links to the previous build, so their \
        modification time stays) and switches the link with one rename. When \
        nothing changed since the last build (same sources, theme, as-of day \
        and laurel), nothing is done. The build report is written to \
        .OUTPUT.laurel/report.json.

        Exit status: 0 built (or nothing to do), 1 content or theme errors, \
        2 the command could not run (bad flags, unreadable folder, disk full), \
        3 another build of OUTPUT is running.

        Examples:
          laurel build
          laurel build --content Content --themes Themes --theme default \\
              --output public --as-of 2026-11-28
          laurel build --quiet --wait    # from cron: print only problems
        """
    )

    @OptionGroup var options: ContentOptions

    @Option(name: .long, help: ArgumentHelp("The folder holding the themes (example: --themes Themes).", valueName: "folder"))
    var themes = "Themes"

    @Option(name: .long, help: ArgumentHelp("The theme to render with, a folder under --themes (example: --theme default).", valueName: "name"))
    var theme = "default"

    @Option(name: .long, help: ArgumentHelp("Where to publish the portal (example: --output public).", valueName: "folder"))
    var output = "public"

    @Flag(name: .long, help: "If another build of the same output is running, wait for it instead of exiting with status 3.")
    var wait = false

    @Flag(name: .long, help: "Build even when nothing changed since the last build, and render every page instead of reusing the unchanged ones (docs/incremental.md).")
    var force = false

    @Option(name: .long, help: ArgumentHelp("Who the portal is for: staff (the open portal) or managers (the staff portal plus the pages that evaluate the scheme, for an output behind access control; docs/operations.md).", valueName: "staff|managers"))
    var audience: Audience = .staff

    func run() throws {
        let lock: BuildLock
        do { lock = try BuildLock(output: output, wait: wait) } catch {
            // Only a running build is status 3; an output that cannot be created is status 2.
            guard case .busy = error else { throw CommandFailure(message: "\(error)") }
            var err = StandardError()
            print("laurel: \(error)", to: &err)
            throw ExitCode(ExitStatus.busy.rawValue)
        }
        defer { withExtendedLifetime(lock) {} }
        var times = StageTimes()
        let progress = Progress(quiet: options.quiet)
        progress.step("reading \(options.content)")
        let tree: SourceTree
        do { tree = try times.measure("read") { try options.readTree() } } catch {
            // A content folder that is gone (an unmounted share) is a failed build for monitoring too.
            var failed = BuildReport(status: .failed)
            failed.stages = times.stages
            failed.message = ((error as? CommandFailure)?.message ?? "\(error)") + "; nothing published"
            failed.write(output: output)
            throw error
        }
        let asOf = options.asOfChoice.resolved(for: tree)
        let renderInputs = RenderInputs(tree: tree, asOf: asOf, audience: audience, build: Build.identity())
        let fingerprint = ContentHash.hex(Build.fingerprint(tree: tree, themes: themes, theme: theme, asOf: asOf, audience: audience))
        var report = BuildReport(status: .failed)
        report.asOf = asOf.description
        report.fingerprint = fingerprint
        if !force, BuildReport.lastFingerprint(output: output) == fingerprint, let current = Publisher.currentBuild(output: output) {
            report.status = .unchanged
            report.build = current
            report.stages = times.stages
            report.message = "nothing changed since the last build"
            report.write(output: output)
            if !options.quiet { print("nothing changed since the last build; \(output) is up to date") }
            return
        }
        progress.step("checking and computing")
        let assets = tree.assets
        // Ledger chunks parsed by earlier builds, beside their records (`ParsedLedgerCache`):
        // written from the second build of an output on; `--force` does not read them.
        let parsed = ParsedLedgerCache.beside(output: output, build: Build.identity(), force: force)
        var run = PortalRun.check(consume tree, asOf: .day(asOf), jobs: options.jobs, times: times, ledgerCache: parsed)
        // No page reads which lots a spending drew from (the engine needs them only while it
        // computes reversals); at 50,000 people they are ~70 MB held through the render.
        run.book?.portions = [:]
        times = run.times
        var err = StandardError()
        progress.step("loading theme \(theme)")
        // Template problems are content problems too: report them with the rest.
        let (theme, themeProblems) = times.measure("theme") {
            Theme.load(themes: themes, name: self.theme, locale: run.sources.settings.locale)
        }
        var checked = run
        checked.diagnostics = (run.diagnostics + themeProblems).sorted()
        options.report(checked)
        report.people = run.sources.people.count
        report.entries = run.sources.ledger.entries.count
        report.errors = checked.diagnostics.filter { $0.severity == .error }.count
        report.warnings = checked.diagnostics.count - report.errors
        guard !checked.hasErrors, let theme else {
            report.stages = times.stages
            report.message = "content or theme errors; nothing published"
            report.write(output: output)
            print("nothing published; \(output) is unchanged", to: &err)
            throw ExitCode(ExitStatus.contentErrors.rawValue)
        }
        let publisher: Publisher
        do { publisher = try Publisher(output: output) } catch {
            report.message = "\(error)"
            report.write(output: output)
            throw CommandFailure(message: "\(error)")
        }
        let reuse: RenderReuse
        let stats: SiteStats
        do {
            progress.step("rendering \(run.sources.people.count) people")
            let outcome = try times.measure("render") {
                try IncrementalBuild.render(run, theme: theme, contentAssets: assets, jobs: options.jobs, audience: audience,
                                            inputs: renderInputs, force: force, into: publisher)
            }
            stats = outcome.stats
            reuse = outcome.reuse
            report.fullRender = outcome.fullRender
            progress.step("publishing")
            try times.measure("publish") { try publisher.commit(record: reuse.record) }
        } catch {
            publisher.abandon()
            report.stages = times.stages
            report.message = "\(error); nothing published"
            report.write(output: output)
            throw CommandFailure(message: "\(error); nothing published, \(output) is unchanged")
        }
        report.status = .published
        report.pages = stats.pages
        report.written = publisher.written
        report.unchanged = publisher.unchanged
        report.rendered = reuse.rendered
        report.reused = reuse.reused
        report.patched = reuse.patched
        report.build = publisher.folder
        report.reusedFolder = publisher.reusedBuild.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""
        report.stages = times.stages
        report.write(output: output)
        if !options.quiet {
            print("built \(stats.pages) pages for \(run.sources.people.count) people and \(run.sources.ledger.entries.count) entries as of \(run.asOf): \(publisher.written) files written, \(publisher.unchanged) unchanged, \(reuse.reused) not rendered, \(reuse.patched) pages patched\(report.fullRender.isEmpty ? "" : " (full render: \(report.fullRender))"), \(report.warnings) warnings (\(times.summary))")
            print("open \(output)/index.html")
        }
        // The portal is published and reported: skip freeing the department value by value (a
        // second of one core at 50,000 people); the kernel releases the memory and the lock.
        ProcessExit.now(0)
    }

    /// Everything a build depends on: the sources, the theme's files, the as-of day and
    /// laurel itself (its version, and the size and time of its executable, so that installing
    /// a new laurel rebuilds even under the same version). The same fingerprint means the same
    /// output.
    static func fingerprint(tree: SourceTree, themes: String, theme: String, asOf: Day, audience: Audience) -> UInt64 {
        var hash = ContentHash()
        hash.update("\(identity())\u{0}\(asOf)\u{0}\(theme)\u{0}\(audience.rawValue)\u{0}")
        for path in tree.files.keys.sorted() {
            hash.update(path + "\u{0}")
            hash.update(tree.files[path] ?? [])
        }
        if let themeTree = try? SourceTree.read(folder: themes) {
            for path in themeTree.files.keys.sorted() {
                hash.update(path + "\u{0}")
                hash.update(themeTree.files[path] ?? [])
            }
        }
        return hash.value
    }

    /// This laurel: its version, and the size and time of its executable (a new laurel renders
    /// everything again, even under the same version).
    static func identity() -> String {
        var executable = stat()
        guard let path = Bundle.main.executablePath, stat(path, &executable) == 0 else { return "laurel \(Laurel.version)" }
        return "laurel \(Laurel.version) \(executable.st_size) \(executable.st_mtim.tv_sec).\(executable.st_mtim.tv_nsec)"
    }
}

struct Rollback: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish the previous build again (undo the last build).",
        discussion: """
        Exit status: 0 switched back, 2 OUTPUT is not a laurel build or no \
        earlier build is kept, 3 a build of OUTPUT is running (roll back when \
        it has finished).

        Examples:
          laurel rollback --output public
        """
    )

    @Option(name: .long, help: ArgumentHelp("The published portal (example: --output public).", valueName: "folder"))
    var output = "public"

    func run() throws {
        guard Publisher.currentBuild(output: output) != nil else {
            throw CommandFailure(message: "\(output) is not a build published by laurel")
        }
        // A build running now would prune the build we switch to: take its lock, do not wait.
        let lock: BuildLock
        do { lock = try BuildLock(output: output, wait: false) } catch {
            guard case .busy(let holder) = error else { throw CommandFailure(message: "\(error)") }
            var err = StandardError()
            print("laurel: a build of \(output) is running (\(holder)); roll back when it has finished", to: &err)
            throw ExitCode(ExitStatus.busy.rawValue)
        }
        defer { withExtendedLifetime(lock) {} }
        do {
            let folder = try Publisher.rollback(output: output)
            print("\(output) now shows \(folder)")
        } catch {
            throw CommandFailure(message: "\(error)")
        }
    }
}

/// Stage lines on a terminal for long builds; nothing under cron or with --quiet.
struct Progress {
    let enabled: Bool
    init(quiet: Bool) { enabled = !quiet && isatty(2) != 0 }
    func step(_ text: String) {
        guard enabled else { return }
        var err = StandardError()
        print("… \(text)", to: &err)
    }
}

extension AsOf {
    /// The day itself, or today in portal.yaml's time zone.
    func resolved(for tree: SourceTree) -> Day {
        switch self {
        case .day(let d): return d
        case .today(let now): return TimeZoneCheck.today(in: PortalSources.timezone(of: tree), now: now) ?? Day(serial: 0)
        }
    }
}

extension Audience: ExpressibleByArgument {}

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

/// Ends a successful command without freeing its values one by one: after `laurel check` of a
/// large department that is hundreds of megabytes of arrays, which the kernel reclaims at once.
enum ProcessExit {
    static func now(_ code: Int32) -> Never {
        fflush(nil)
        exit(code)
    }
}
