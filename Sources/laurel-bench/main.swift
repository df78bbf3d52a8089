import ArgumentParser
import Foundation
import LaurelSite
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
    @Option(name: .customLong("repeat"), help: "Runs of each command; the median is reported.") var repeatCount: Int = 3
    @Option(help: "Where synthetic departments and outputs are kept between runs.") var cache = ".laurel-bench"
    @Flag(help: "Also time `laurel build`: a full build, a rebuild with nothing changed, and a rebuild after one more day of ledger lines.") var build = false
    @Flag(help: "Also time `laurel serve`: edit to refreshed page, for a Markdown page and for the ledger (docs/serve.md).") var serve = false
    @Flag(help: "Also time incremental builds: full, nothing changed, one entry, one day of entries (IncrementalBench.swift).") var incremental = false
    @Option(help: "Entries in the one-day change of --incremental.") var dayEntries = 3_000
    @Option(help: "Where --incremental builds its output (a RAM disk such as /dev/shm/laurel-bench measures laurel, not ext4).") var incrementalOutputs: String?

    static let asOf = "2026-11-28"
    static let nextDay = "2026-11-29"

    func run() throws {
        let folder = "\(cache)/p\(size.people)-l\(size.lines)-g\(size.pages)-s\(size.seed)"
        let fm = FileManager.default
        if !fm.fileExists(atPath: folder + "/portal.yaml") {
            print("generating \(folder) …")
            try size.department.write(to: folder)
        }
        let laurel = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("laurel").path
        let ledgerBytes = (try? fm.subpathsOfDirectory(atPath: folder + "/ledger"))?.reduce(0) { total, p in
            total + ((try? fm.attributesOfItem(atPath: folder + "/ledger/" + p)[.size] as? Int) ?? 0)
        } ?? 0
        print("department: \(size.people) people, \(size.lines) ledger lines (\(ledgerBytes / 1_000_000) MB), \(size.pages) pages; laurel at \(laurel)")
        report("check", try samples(repeatCount) { try measure(laurel, ["check", "--content", folder, "--as-of", Run.asOf]) })
        if serve {
            try ServeBench(laurel: laurel, department: size.department, folder: folder, cache: cache, samples: max(3, repeatCount), asOf: Run.asOf).run()
        }
        if incremental {
            let outputs = (incrementalOutputs ?? cache) + "/incremental-\(ProcessInfo.processInfo.processIdentifier)"
            try fm.createDirectory(atPath: outputs, withIntermediateDirectories: true)
            try incrementalCases(laurel: laurel, folder: folder, outputs: outputs)
            try? fm.removeItem(atPath: outputs)
        }
        guard build else { return }

        // Full builds, each into a new output (deleting tens of thousands of files just before
        // creating as many is slow on ext4 and would measure the file system, not laurel).
        // A new folder per run; the previous run's outputs are removed at the end of this one,
        // so no measured build follows the deletion of a whole portal.
        let outputs = cache + "/outputs-\(ProcessInfo.processInfo.processIdentifier)"
        try fm.createDirectory(atPath: outputs, withIntermediateDirectories: true)
        defer {
            for old in (try? fm.contentsOfDirectory(atPath: cache)) ?? [] where old.hasPrefix("outputs") && cache + "/" + old != outputs {
                try? fm.removeItem(atPath: cache + "/" + old)
            }
        }
        var n = 0
        // Each measured build starts with the disk caught up (sync): the previous build's
        // gigabytes would otherwise be written back while this one runs, on the same two cores.
        let full = try samples(repeatCount) {
            n += 1
            sync()
            return try measure(laurel, ["build", "--content", folder, "--as-of", Run.asOf, "--output", "\(outputs)/full-\(n)"])
        }
        report("build (full)", full)
        let output = "\(outputs)/full-\(n)"
        report("build (nothing changed)", try samples(repeatCount) {
            try measure(laurel, ["build", "--content", folder, "--as-of", Run.asOf, "--output", output])
        })

        // The nightly case: one more day of ledger lines, as-of one day later.
        let appended = cache + "/append"
        try? fm.removeItem(atPath: appended)
        try fm.copyItem(atPath: folder, toPath: appended)
        let last = ((try? fm.subpathsOfDirectory(atPath: appended + "/ledger")) ?? []).filter { $0.hasSuffix(".ledger") }.sorted().last ?? ""
        var lines = ""
        let day = max(1, size.lines / 700)
        for i in 0..<day {
            let person = size.department.personId((i * 7919) % size.people)
            lines += "\(Run.nextDay) earn \(person) visit id:next-day-\(i) \"回访\"\n"
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: appended + "/ledger/" + last))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.utf8))
        try handle.close()
        var outputsForAppend: [String] = []
        for k in 1...max(1, repeatCount) {
            // Each sample starts from a copy of the full build's state.
            let target = "\(outputs)/append-\(k)"
            try fm.copyItem(atPath: Publisher.home(of: output), toPath: Publisher.home(of: target))
            try fm.createSymbolicLink(atPath: target, withDestinationPath: try fm.destinationOfSymbolicLink(atPath: output).replacingOccurrences(
                of: "." + URL(fileURLWithPath: output).lastPathComponent + ".laurel", with: "." + URL(fileURLWithPath: target).lastPathComponent + ".laurel"))
            outputsForAppend.append(target)
        }
        var k = 0
        let append = try samples(repeatCount) {
            k += 1
            sync()
            return try measure(laurel, ["build", "--content", appended, "--as-of", Run.nextDay, "--output", outputsForAppend[k - 1]])
        }
        report("build (one more day, \(day) lines, as-of +1 day)", append)
    }

    func samples(_ count: Int, _ body: () throws -> Sample) throws -> [Sample] {
        var all: [Sample] = []
        for _ in 0..<max(1, count) { all.append(try body()) }
        return all
    }

    func report(_ name: String, _ samples: [Sample]) {
        let sorted = samples.sorted { $0.seconds < $1.seconds }
        let median = sorted[sorted.count / 2]
        let peak = sorted.map(\.peakMB).max() ?? 0
        print(String(format: "laurel %@: median %.3f s (min %.3f, max %.3f) over %d runs, peak memory %.0f MB",
                     name, median.seconds, sorted[0].seconds, sorted[sorted.count - 1].seconds, sorted.count, peak))
        if let stages = median.stages { print("  \(stages)") }
    }

    struct Sample {
        let seconds: Double
        let peakMB: Double
        let stages: String?
    }

    /// Runs the binary and waits with wait4 for its own peak resident memory.
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
        let stages = output.split(separator: "\n").first { $0.contains("(read ") || $0.contains("nothing changed") }.map(String.init)
        return Sample(seconds: seconds, peakMB: Double(usage.ru_maxrss) / 1024, stages: stages)
    }
}

Bench.main()
