import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The benchmark: a synthetic department of a given size, then timed runs of the real
/// `laurel` binary (release build) with their peak memory.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "laurel-bench",
        abstract: "Generate a synthetic department and measure laurel on it.",
        discussion: """
        Examples:
          swift run -c release laurel-bench generate --people 30 --lines 3000 --output /tmp/dept
          swift run -c release laurel-bench run --people 10000 --lines 1000000
        """,
        subcommands: [Generate.self, Run.self],
        defaultSubcommand: Run.self
    )
}

struct Size: ParsableArguments {
    @Option(help: "People on the roster.") var people = 10_000
    @Option(help: "Ledger lines, spread over 2025-01-01 … 2026-11-28.") var lines = 1_000_000
    @Option(help: "Markdown pages (training, cases, news), besides one per rule.") var pages = 200
    @Option(help: "Seed of the generator; the same seed gives the same bytes.") var seed: UInt64 = 42

    var department: SyntheticDepartment { SyntheticDepartment(people: people, lines: lines, pages: pages, seed: seed) }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a synthetic department's sources into a folder.")
    @OptionGroup var size: Size
    @Option(help: "Where to write the content folder.") var output: String

    func run() throws {
        try size.department.write(to: output)
        print("wrote \(output): \(size.people) people, \(size.lines) ledger lines, \(size.pages) pages")
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Time `laurel check` and `laurel build` on a synthetic department.")
    @OptionGroup var size: Size
    @Option(help: "Runs of each command; the median is reported.") var repeat_: Int = 3
    @Option(help: "Where synthetic departments are kept between runs.") var cache = ".laurel-bench"
    @Flag(help: "Also time `laurel build` (whole portal).") var build = false

    static let asOf = "2026-11-28"

    func run() throws {
        let folder = "\(cache)/p\(size.people)-l\(size.lines)-g\(size.pages)-s\(size.seed)"
        if !FileManager.default.fileExists(atPath: folder + "/portal.yaml") {
            print("generating \(folder) …")
            try size.department.write(to: folder)
        }
        let laurel = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("laurel").path
        let ledgerBytes = (try? FileManager.default.subpathsOfDirectory(atPath: folder + "/ledger"))?.reduce(0) { total, p in
            total + ((try? FileManager.default.attributesOfItem(atPath: folder + "/ledger/" + p)[.size] as? Int) ?? 0)
        } ?? 0
        print("department: \(size.people) people, \(size.lines) ledger lines (\(ledgerBytes / 1_000_000) MB), \(size.pages) pages; laurel at \(laurel)")
        var commands: [(String, [String])] = [("check", ["check", "--content", folder, "--as-of", Run.asOf])]
        if build {
            commands.append(("build", ["build", "--content", folder, "--as-of", Run.asOf, "--output", cache + "/public"]))
        }
        for (name, arguments) in commands {
            var samples: [Sample] = []
            for _ in 0..<max(1, repeat_) { samples.append(try measure(laurel, arguments)) }
            samples.sort { $0.seconds < $1.seconds }
            let median = samples[samples.count / 2]
            let peak = samples.map(\.peakMB).max() ?? 0
            print(String(format: "laurel %@: median %.3f s (min %.3f, max %.3f) over %d runs, peak memory %.0f MB",
                         name, median.seconds, samples[0].seconds, samples[samples.count - 1].seconds, samples.count, peak))
            if let stages = median.stages { print("  stages of the median run: \(stages)") }
        }
    }

    struct Sample {
        let seconds: Double
        let peakMB: Double
        let stages: String?
    }

    /// Runs the binary, waits with wait4 for its own peak resident memory.
    func measure(_ binary: String, _ arguments: [String]) throws -> Sample {
        let pipe = Pipe()
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe.fileHandleForWriting.fileDescriptor, 1)
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let clock = ContinuousClock()
        let start = clock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, binary, &actions, nil, argv, environ)
        guard spawned == 0 else { throw ValidationError("cannot start \(binary): build it first with swift build -c release") }
        try? pipe.fileHandleForWriting.close()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard status == 0 else { throw ValidationError("laurel \(arguments.joined(separator: " ")) failed (status \(status)):\n\(output)") }
        let stages = output.split(separator: "\n").first { $0.contains("(read ") }.map { line -> String in
            guard let open = line.firstIndex(of: "(") else { return String(line) }
            return String(line[line.index(after: open)...].dropLast())
        }
        return Sample(seconds: seconds, peakMB: Double(usage.ru_maxrss) / 1024, stages: stages)
    }
}

Bench.main()
