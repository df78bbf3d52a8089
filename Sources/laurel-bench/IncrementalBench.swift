import Foundation
import LaurelSite
#if canImport(Glibc)
import Glibc
#endif

/// The incremental cases of the benchmark (docs/incremental.md, docs/benchmark.md): after a
/// full build, the nightly changes built into the same output, each from the same previous
/// build: nothing changed, one more ledger entry, one more day of entries (about 3,000 at
/// 10,000 people) at the same as-of day, and that day with the as-of day moved (every page
/// shows the as-of day, so that one renders everything).
extension Run {
    func incrementalCases(laurel: String, folder: String, outputs: String) throws {
        let fm = FileManager.default
        let last = ((try? fm.subpathsOfDirectory(atPath: folder + "/ledger")) ?? []).filter { $0.hasSuffix(".ledger") }.sorted().last ?? ""
        func variant(_ name: String, entries: Int) throws -> String {
            let copy = cache + "/incremental-\(name)-p\(size.people)-l\(size.lines)-s\(size.seed)"
            if !fm.fileExists(atPath: copy + "/portal.yaml") {
                try? fm.removeItem(atPath: copy)
                // The department itself, not a link to it: the copy gets the new lines.
                try fm.copyItem(atPath: URL(fileURLWithPath: folder).resolvingSymlinksInPath().path, toPath: copy)
                var lines = ""
                for i in 0..<entries {
                    let person = size.department.personId((i * 7919) % size.people)
                    lines += "\(Run.asOf) earn \(person) visit id:incremental-\(name)-\(i) \"回访\"\n"
                }
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: copy + "/ledger/" + last))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(lines.utf8))
                try handle.close()
            }
            return copy
        }
        let one = try variant("one", entries: 1)
        let day = try variant("day", entries: dayEntries)
        func build(_ content: String, _ output: String, asOf: String = Run.asOf, force: Bool = false) throws -> Sample {
            sync()
            return try measure(laurel, ["build", "--content", content, "--as-of", asOf, "--output", output] + (force ? ["--force"] : []))
        }
        print("incremental cases, outputs in \(outputs) (a RAM disk avoids ext4's slow reuse of just-freed inodes, docs/benchmark.md)")
        let output = outputs + "/incremental"
        var full: [Sample] = []
        for k in 0..<max(1, repeatCount) {
            // The first build has no record; the others are --force into the same output.
            full.append(try build(folder, output, force: k > 0))
        }
        report("incremental: full build (--force)", full)
        // Each change is built from the full build's state: build the change (measured), then
        // the department again (not measured), so every sample starts from the same previous build.
        func change(_ name: String, _ content: String, asOf: String = Run.asOf) throws {
            var samples: [Sample] = []
            for _ in 0..<max(1, repeatCount) {
                samples.append(try build(content, output, asOf: asOf))
                _ = try build(folder, output)
            }
            report("incremental: \(name)", samples)
        }
        report("incremental: nothing changed", try samples(repeatCount) { try build(folder, output) })
        try change("one entry", one)
        try change("one day (\(dayEntries) entries, same as-of)", day)
        try change("one day (\(dayEntries) entries), as-of +1 day (the nightly job)", day, asOf: Run.nextDay)
    }
}
