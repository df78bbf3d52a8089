import ArgumentParser
import Dispatch
import Foundation
import LaurelServe
import LaurelSite
import LaurelSources

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview the portal while you edit: rebuilds on every change.",
        // Wrapped as HelpText.usage wraps every command's usage (80 columns).
        usage: """
        laurel serve [--content <folder>] [--as-of <YYYY-MM-DD>] [--jobs <n>]
                     [--quiet] [--themes <folder>] [--theme <name>] [--port <n>]
                     [--bind <address>] [--poll] [--audience <staff|managers>]
        """,
        discussion: """
        Builds the portal in memory (nothing is written to disk, the published \
        output is never touched) and serves it on http://127.0.0.1:PORT/. It \
        watches the content folder and the theme and rebuilds after every save; \
        open pages reload themselves. While the sources have errors, every page \
        shows them instead of the portal. Ctrl-C stops it. See docs/serve.md.

        --bind makes the preview reachable from other machines. It has no \
        access control: anyone who can reach the address sees every page.

        Exit status: 0 stopped with Ctrl-C or SIGTERM, 2 could not start (the \
        port is in use, no content folder, bad flags).

        Examples:
          laurel serve
          laurel serve --content Content --port 8080 --as-of 2026-06-30
        """
    )

    @OptionGroup var options: ContentOptions

    @Option(name: .long, help: ArgumentHelp("The folder holding the themes (example: --themes Themes).", valueName: "folder"))
    var themes = "Themes"

    @Option(name: .long, help: ArgumentHelp("The theme to render with, a folder under --themes (example: --theme default).", valueName: "name"))
    var theme = "default"

    @Option(name: .long, help: ArgumentHelp("The port to serve on; 0 lets the system choose (example: --port 8080).", valueName: "n"))
    var port: Int = 1313

    @Option(name: .long, help: ArgumentHelp("The address to listen on. UNSAFE beyond 127.0.0.1: no access control (example: --bind 0.0.0.0).", valueName: "address"))
    var bind = "127.0.0.1"

    @Flag(name: .long, help: "Notice changes by polling the files every quarter second instead of inotify (network folders).")
    var poll = false

    @Option(name: .long, help: ArgumentHelp("Who the portal is for: staff or managers (see laurel build --help).", valueName: "staff|managers"))
    var audience: Audience = .staff

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535, got \(port)") }
    }

    func run() throws {
        let quiet = options.quiet
        let say: @Sendable (String) -> Void = { line in
            var err = StandardError()
            print(line, to: &err)
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: options.content, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandFailure(message: "\(SourceTree.ReadError.notAFolder(options.content))")
        }
        var settings = PreviewSettings(content: options.content, themes: themes, theme: theme,
                                       asOf: options.asOf.flatMap { Day($0) }, jobs: options.jobs, audience: audience)
        settings.quiet = quiet
        let session: ServeSession
        do {
            session = try ServeSession(settings: settings, host: bind, port: UInt16(port), polling: poll, say: say)
        } catch {
            throw CommandFailure(message: "\(error)")
        }
        // Ctrl-C and `kill`: stop serving and exit 0; there are no files to clean up.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                session.watcher.stop()
                if !quiet { print("\nlaurel serve stopped") }
                ProcessExit.now(0)
            }
            source.resume()
            sources.append(source)
        }
        if !quiet { say("… building \(options.content) in memory") }
        let started = DispatchSemaphore(value: 0)
        let result = StartResult()
        Task {
            do { result.set(.success(try await session.start())) } catch { result.set(.failure(error)) }
            started.signal()
        }
        started.wait()
        switch result.value {
        case .success(let actual)?:
            let shown = bind.contains(":") ? "[\(bind)]" : bind
            print("serving \(options.content) at http://\(shown):\(actual)/ (watcher: \(session.watcher.usesInotify ? "inotify" : "polling")); Ctrl-C stops")
            if bind != "127.0.0.1" && bind != "::1" && bind != "localhost" {
                say("warning: --bind \(bind): anyone who can reach this address sees every page; there is no access control")
            }
            fflush(nil)
        case .failure(let error)?:
            throw CommandFailure(message: "\(error)")
        case nil:
            throw CommandFailure(message: "the server did not start")
        }
        withExtendedLifetime(sources) { dispatchMain() }
    }
}

/// The first build's result, handed from the task that started the server.
private final class StartResult: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Result<UInt16, Error>?
    func set(_ r: Result<UInt16, Error>) { lock.withLock { stored = r } }
    var value: Result<UInt16, Error>? { lock.withLock { stored } }
}
