import Foundation
import LaurelSite
import struct LaurelSources.ContentHash
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The nightly job (issue #4), end to end: these tests run the real `laurel` binary as a
/// subprocess against a scratch copy of the demo department, and look at the published tree
/// byte by byte and inode by inode.
///
/// - The binary: `$LAUREL_BINARY` if set; else `laurel` next to the test bundle if it is newer
///   than every source file it is made from (`swift test` compiles the executable's module for
///   the tests but does not link `laurel`: run `swift build` with the same `--scratch-path`
///   first); else the tests build it once per run with
///   `swift build --product laurel --scratch-path .build-publishing-tests` in the repository
///   (a separate scratch folder: the running `swift test` holds the lock of its own). So
///   `swift build --scratch-path S && swift test --scratch-path S --filter PublishingTests` is
///   the quick way, and plain `swift test` also works, a build slower.
/// - The content: `Content/` of the repository with only the 2025-Q1 ledger (31 people, about
///   1,100 entries; half a second per debug build), at `--as-of 2025-03-31`. The "change" the
///   tests make is the nightly one: the ledger first lacks its last day (2025-03-31), then that
///   day's lines are appended. The determinism test uses the whole demo.
/// - Crashes: `LAUREL_TEST_CRASH=<point>` makes the binary `_exit(137)` at a named point of the
///   publish (see `FaultPoint`), like `kill -9` at that moment.
/// - "Read-only or full" output: tests run as root, for whom permission bits do not stop
///   writes, and mounting a small file system needs privileges a test should not take. So:
///   an output whose parent is a regular file (nothing can be created there, for root too),
///   and a full disk simulated by `ulimit -f` (RLIMIT_FSIZE, which binds root as well) with
///   SIGXFSZ ignored, so that writing a page fails with EFBIG halfway through the build,
///   exactly where ENOSPC would.
@Suite("Publishing: atomic, locked, incremental builds", .serialized)
struct PublishingTests {
    static let asOf = "2025-03-31"

    // MARK: crashes

    @Test("a build killed at any point leaves the previous portal intact, and the next build succeeds",
          arguments: FaultPoint.allCases)
    func killedBuild(at point: FaultPoint) throws {
        let portal = try Portal()
        try portal.build().expectSuccess()
        let before = Tree.contents(portal.output)
        let link = try portal.link()
        let previousBuild = try portal.currentBuild()

        try portal.appendLastDay()
        let reference = try portal.referenceBuild()
        let crashed = try portal.build(environment: [FaultPoint.variable: point.rawValue])
        #expect(crashed.status == 137, "\(crashed)")

        if point == .afterSwitch {
            // The switch happened: the new portal is published, complete.
            #expect(try portal.link() != link)
            Tree.expectSame(Tree.contents(portal.output), reference, "the portal published just before the crash")
        } else {
            #expect(try portal.link() == link)
            Tree.expectSame(Tree.contents(portal.output), before, "the portal after a crash \(point.rawValue)")
        }
        if point == .beforeSwitch {
            #expect(FileManager.default.fileExists(atPath: portal.output + ".laurel-link") || (try? FileManager.default.destinationOfSymbolicLink(atPath: portal.output + ".laurel-link")) != nil)
        }
        // The previous build is kept byte for byte (hard links share inodes: nothing wrote through them).
        Tree.expectSame(Tree.contents(previousBuild), before, "the previous build after a crash \(point.rawValue)")

        // The dead build's lock does not block: no --wait.
        let next = try portal.build()
        try next.expectSuccess()
        Tree.expectSame(Tree.contents(portal.output), reference, "the build after the crash")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: portal.output + ".laurel-link")) == nil)
        #expect(portal.buildFolders().count == 6, "two builds, their manifests and dependency records: \(portal.buildFolders())")
        #expect(try portal.report()["status"] as? String == "published")
    }

    // MARK: failures before publishing

    @Test("content and theme errors publish nothing and keep the portal", arguments: ["content", "theme"])
    func checkErrors(kind: String) throws {
        let portal = try Portal()
        try portal.build().expectSuccess()
        let before = Tree.contents(portal.output)
        let folders = portal.buildFolders()

        try portal.appendLastDay()
        let broken: String
        let original: Data
        if kind == "content" {
            broken = portal.content + "/ledger/2025/2025-Q1.ledger"
            original = try Data(contentsOf: URL(fileURLWithPath: broken))
            try portal.append("2025-03-31 earn    nobody-here  training  \"no such person\"\n", to: broken)
        } else {
            broken = portal.themes + "/default/templates/home.mustache"
            original = try Data(contentsOf: URL(fileURLWithPath: broken))
            try portal.append("{{no_such_value_anywhere}}\n", to: broken)
        }
        let failed = try portal.build()
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.stderr.contains("nothing published"))
        Tree.expectSame(Tree.contents(portal.output), before, "the portal after \(kind) errors")
        #expect(portal.buildFolders() == folders)
        #expect(try portal.report()["status"] as? String == "failed")

        try original.write(to: URL(fileURLWithPath: broken))
        try portal.build().expectSuccess()
        Tree.expectSame(Tree.contents(portal.output), try portal.referenceBuild(), "the build after fixing the \(kind)")
    }

    @Test("an output that cannot be created exits 2 and creates nothing")
    func outputUnderAFile() throws {
        let portal = try Portal()
        let blocker = portal.root + "/blocker"
        try Data("not a folder\n".utf8).write(to: URL(fileURLWithPath: blocker))
        let entries = try FileManager.default.contentsOfDirectory(atPath: portal.root).sorted()

        let result = try portal.build(output: blocker + "/public")
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.hasPrefix("laurel: "))
        #expect(result.stderr.contains("Not a directory"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: blocker)) == Data("not a folder\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: portal.root).sorted() == entries)
    }

    @Test("a content folder that is gone exits 2, keeps the portal, and reports the failure")
    func contentGone() throws {
        let portal = try Portal()
        try portal.build().expectSuccess()
        let before = Tree.contents(portal.output)
        try FileManager.default.moveItem(atPath: portal.content, toPath: portal.content + "-unmounted")

        let gone = try portal.build()
        #expect(gone.status == 2, "\(gone)")
        #expect(gone.stderr.hasPrefix("laurel: "), "\(gone.stderr)")
        Tree.expectSame(Tree.contents(portal.output), before, "the portal without its content folder")
        let report = try portal.report()
        #expect(report["status"] as? String == "failed")
        #expect((report["message"] as? String)?.contains("not a folder") == true, "\(report)")
    }

    @Test("a disk that fills up during the build exits 2, keeps the portal, and leaves no partial build")
    func diskFull() throws {
        let portal = try Portal()
        try portal.build().expectSuccess()
        let before = Tree.contents(portal.output)
        let folders = portal.buildFolders()

        try portal.appendLastDay()
        // 8 blocks of 512 bytes: report.json fits, most pages do not.
        let full = try portal.build(fileSizeLimitBlocks: 8)
        #expect(full.status == 2, "\(full)")
        #expect(full.stderr.contains("File too large") && full.stderr.contains("nothing published"), "\(full.stderr)")
        Tree.expectSame(Tree.contents(portal.output), before, "the portal after a full disk")
        #expect(portal.buildFolders() == folders, "the unfinished build is removed")
        #expect(try portal.report()["status"] as? String == "failed")

        try portal.build().expectSuccess()
        Tree.expectSame(Tree.contents(portal.output), try portal.referenceBuild(), "the build after the disk was freed")
    }

    // MARK: locking

    @Test("a second build of the same output exits 3, or waits with --wait")
    func concurrentBuild() throws {
        let portal = try Portal()
        try portal.build().expectSuccess()
        let before = Tree.contents(portal.output)
        try portal.appendLastDay()

        // This process plays the running build: flock is per open file, so the child sees it held.
        var running: BuildLock? = try BuildLock(output: portal.output, wait: false)
        let waiting: Portal.Running = try withExtendedLifetime(running) {
            let busy = try portal.build()
            #expect(busy.status == 3, "\(busy)")
            #expect(busy.stderr.contains("another build of this output is running (pid \(getpid()))"), "\(busy.stderr)")
            Tree.expectSame(Tree.contents(portal.output), before, "the portal while another build runs")

            let rollback = try portal.laurel(["rollback", "--output", portal.output])
            #expect(rollback.status == 3, "\(rollback)")

            let waiting = try portal.start(portal.buildArguments() + ["--wait"])
            Thread.sleep(forTimeInterval: 1.5)
            #expect(waiting.isRunning, "--wait must queue behind the running build")
            Tree.expectSame(Tree.contents(portal.output), before, "the portal while a build waits")
            return waiting
        }
        running = nil  // the running build ends
        _ = running
        let queued = waiting.finish()
        try queued.expectSuccess()
        Tree.expectSame(Tree.contents(portal.output), try portal.referenceBuild(), "the build that waited")
    }

    // MARK: incremental

    @Test("a rebuild with nothing changed says so and touches no file")
    func noChangeRebuild() throws {
        let portal = try Portal()
        let first = try portal.build(extra: ["--quiet"])
        try first.expectSuccess()
        #expect(first.stdout.isEmpty, "--quiet prints nothing on success: \(first.stdout)")
        let link = try portal.link()
        let before = Tree.stats(portal.root)

        let again = try portal.build()
        try again.expectSuccess()
        #expect(again.stdout.contains("nothing changed"), "\(again.stdout)")
        let quiet = try portal.build(output: portal.output + "/", extra: ["--quiet"])
        try quiet.expectSuccess()
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet)")
        #expect(try portal.report()["status"] as? String == "unchanged", "OUTPUT/ is the same output")
        #expect(try portal.link() == link)
        let after = Tree.stats(portal.root)
        // Everything beside and under the output, except the report (replaced by a rename, so
        // its folder changes too) and the lock's pid note.
        let ignored: Set<String> = [".public.laurel", ".public.laurel/report.json", ".public.laurel/lock"]
        let changed = Set(before.keys).union(after.keys).filter { !ignored.contains($0) && before[$0] != after[$0] }.sorted()
        #expect(changed.isEmpty, "changed: \(changed.prefix(20))")
        #expect(try portal.report()["status"] as? String == "unchanged")
    }

    @Test("--force with nothing changed writes no file: every file is a hard link to the previous build")
    func forcedRebuild() throws {
        let portal = try Portal()
        try portal.build().expectSuccess()
        let first = try portal.currentBuild()
        let before = Tree.stats(first)

        let forced = try portal.build(extra: ["--force"])
        try forced.expectSuccess()
        let second = try portal.currentBuild()
        #expect(second != first)
        let after = Tree.stats(second)
        #expect(Set(after.keys) == Set(before.keys))
        let files = before.filter { $0.value.isFile }
        #expect(files.count > 100)
        let relinked = files.keys.filter { after[$0]?.inode != before[$0]?.inode || after[$0]?.mtime != before[$0]?.mtime }.sorted()
        #expect(relinked.isEmpty, "rewritten: \(relinked.prefix(20))")
        let report = try portal.report()
        #expect(report["written"] as? Int == 0)
        #expect(report["unchanged"] as? Int == files.count)
    }

    @Test("appending one day of ledger lines rewrites only the files whose bytes changed")
    func appendOneDay() throws {
        let portal = try Portal()
        try portal.build().expectSuccess()
        let firstFolder = try portal.currentBuild()
        let firstStats = Tree.stats(firstFolder)
        let firstBytes = Tree.contents(firstFolder)

        try portal.appendLastDay()
        try portal.build().expectSuccess()
        let secondFolder = try portal.currentBuild()
        let secondStats = Tree.stats(secondFolder)
        let secondBytes = Tree.contents(secondFolder)

        let files = secondStats.filter { $0.value.isFile }.keys.sorted()
        var same = 0, rewritten = 0
        for path in files {
            let kept = firstStats[path]?.inode == secondStats[path]?.inode
            let equal = firstBytes[path] != nil && firstBytes[path] == secondBytes[path]
            #expect(kept == equal, "\(path): same bytes \(equal) but same inode \(kept)")
            if kept { same += 1 } else { rewritten += 1 }
        }
        #expect(same > 0 && rewritten > 0, "\(same) kept, \(rewritten) rewritten")
        for page in ["rules/deal-won/index.html", "about/index.html", "theme/style.css"] {
            #expect(firstStats[page] != nil)
            #expect(firstStats[page]?.inode == secondStats[page]?.inode, "\(page) was rewritten")
        }
        #expect(firstStats["data/people.json"]?.inode != secondStats["data/people.json"]?.inode)
        let report = try portal.report()
        #expect(report["written"] as? Int == rewritten)
        #expect(report["unchanged"] as? Int == same)
    }

    // MARK: the build before the previous one, reused

    @Test("the third build reuses the first one's folder: same bytes as a clean build, the published build untouched, what is gone removed")
    func reusedFolder() throws {
        let portal = try Portal()
        let page = portal.content + "/pages/news/2025-01-launch.md"
        let text = try Data(contentsOf: URL(fileURLWithPath: page))
        try portal.build().expectSuccess()
        let first = try portal.currentBuild()
        try portal.appendLastDay()
        try portal.build().expectSuccess()
        let second = try portal.currentBuild()
        let secondStats = Tree.stats(second)
        let secondBytes = Tree.contents(second)

        // Third build: a page goes (its folder is in the reused one), the ledger stays.
        try FileManager.default.removeItem(atPath: page)
        let third = try portal.build()
        try third.expectSuccess()
        #expect(!FileManager.default.fileExists(atPath: first), "the first build's folder became the third's")
        #expect(try portal.report()["reusedFolder"] as? String == URL(fileURLWithPath: first).lastPathComponent)
        Tree.expectSame(Tree.contents(portal.output), try portal.referenceBuild(), "the third build")
        #expect(!FileManager.default.fileExists(atPath: portal.output + "/news/2025-01-launch"), "a page that is gone leaves no folder")
        // Nothing wrote through a link into the build published before.
        Tree.expectSame(Tree.contents(second), secondBytes, "the second build after the third")
        let thirdStats = Tree.stats(portal.output + "/")
        let thirdBytes = Tree.contents(portal.output)
        for (path, entry) in thirdStats where entry.isFile {
            let equal = secondBytes[path] == thirdBytes[path]
            #expect((secondStats[path]?.inode == entry.inode) == equal, "\(path): same bytes \(equal), same inode as the second build's")
        }
        #expect(portal.buildFolders().count == 6, "two builds, their manifests and records: \(portal.buildFolders())")

        // Fourth build: the page is back, into the second build's folder, which has the
        // pages that went A -> B (third build) -> A: they are written anew, their time moves on.
        let thirdFolder = try portal.currentBuild()
        try text.write(to: URL(fileURLWithPath: page))
        try portal.build().expectSuccess()
        #expect(try portal.report()["reusedFolder"] as? String == URL(fileURLWithPath: second).lastPathComponent)
        Tree.expectSame(Tree.contents(portal.output), try portal.referenceBuild(), "the fourth build")
        Tree.expectSame(Tree.contents(thirdFolder), thirdBytes, "the third build after the fourth")
        let fourthBytes = Tree.contents(portal.output)
        var backAgain = 0
        for (path, entry) in Tree.stats(portal.output + "/") where entry.isFile {
            let equal = thirdBytes[path] == fourthBytes[path]
            #expect((thirdStats[path]?.inode == entry.inode) == equal, "\(path): same bytes \(equal), same inode as the third build's")
            if let before = thirdStats[path] {
                #expect(!entry.mtime.lexicographicallyPrecedes(before.mtime), "\(path): its time went back")
            }
            if !equal, secondBytes[path] != nil, secondBytes[path] == fourthBytes[path] { backAgain += 1 }
        }
        #expect(backAgain > 0, "some pages went A -> B -> A")
    }

    /// One build of `files` (path: text) by a Publisher in-process.
    static func publish(_ files: [String: String], to output: String) throws -> Publisher {
        let publisher = try Publisher(output: output)
        for (path, text) in files.sorted(by: { $0.key < $1.key }) { try publisher.write(path, Array(text.utf8)) }
        try publisher.commit()
        return publisher
    }

    @Test("a reused folder's files and folders trade places: a file where a folder goes, two levels up, and a folder where a file goes")
    func reusedFolderShapes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("laurel-shapes-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let output = root + "/public"
        func build(_ files: [String: String]) throws -> Publisher { try Self.publish(files, to: output) }
        func expectTree(_ files: [String: String], _ comment: String) {
            var expected: [String: Data] = [:]
            for (path, text) in files {
                expected[path] = Data(text.utf8)
                var parent = Substring(path)
                while let slash = parent.lastIndex(of: "/") {
                    parent = parent[..<slash]
                    expected[String(parent) + "/"] = Data()
                }
            }
            Tree.expectSame(Tree.contents(output), expected, comment)
        }
        let first = ["x": "a file", "d/x.html": "in a folder", "keep.html": "same", "gone/deep/page.html": "removed later"]
        _ = try build(first)
        _ = try build(first)
        let third = ["x/y/z.html": "a folder now", "d": "a file now", "keep.html": "same"]
        let reusing = try build(third)
        #expect(reusing.reusedBuild != nil)
        expectTree(third, "the third build over the first one's folder")
        let thirdStats = Tree.stats(output + "/")
        // Fourth: over the second build's folder (d/ a folder there), with the third's files.
        let fourth = try build(third)
        #expect(fourth.reusedBuild != nil)
        expectTree(third, "the fourth build over the second one's folder")
        let fourthStats = Tree.stats(output + "/")
        for path in third.keys { #expect(fourthStats[path]?.inode == thirdStats[path]?.inode, "\(path) is linked from the third build") }
    }

    @Test("a reused folder's file that no other build links is written over in place; a linked one never is")
    func overwrittenInPlace() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("laurel-inplace-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let output = root + "/public"
        func build(_ files: [String: String]) throws -> Publisher { try Self.publish(files, to: output) }
        func inode(_ path: String) -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: path))?[.systemFileNumber] as? Int
        }
        let first = try build(["p/a.html": "one, a longer text", "p/linked.html": "first", "same.html": "s"])
        // Held open, the first build's file keeps its inode (numbers of removed files come back).
        let firstA = try FileHandle(forReadingFrom: URL(fileURLWithPath: first.folder + "/p/a.html"))
        defer { try? firstA.close() }
        // Someone links a file of that build elsewhere: it has two links, so it is not laurel's alone.
        #expect(link(first.folder + "/p/linked.html", root + "/elsewhere.html") == 0)
        let second = try build(["p/a.html": "two", "p/linked.html": "second", "same.html": "s"])
        let third = try build(["p/a.html": "three", "p/linked.html": "third", "same.html": "s"])
        #expect(third.reusedBuild == first.folder)
        #expect(third.folder != first.folder && !FileManager.default.fileExists(atPath: first.folder))
        for (path, text) in [("p/a.html", "three"), ("p/linked.html", "third"), ("same.html", "s")] {
            #expect(FileManager.default.contents(atPath: output + "/" + path) == Data(text.utf8), "\(path) holds exactly its new bytes")
        }
        try firstA.seek(toOffset: 0)
        #expect(try firstA.readToEnd() == Data("three".utf8), "written over in place, shorter, in the first build's inode")
        #expect(FileManager.default.contents(atPath: root + "/elsewhere.html") == Data("first".utf8), "a file with another link is never written through")
        #expect(inode(third.folder + "/p/linked.html") != inode(root + "/elsewhere.html"))
        #expect(inode(third.folder + "/same.html") == inode(second.folder + "/same.html"), "the same bytes stay linked to the published build")
        #expect(FileManager.default.contents(atPath: second.folder + "/p/a.html") == Data("two".utf8), "the build before is untouched")
        #expect(third.written == 2 && third.unchanged == 1)
    }

    @Test("a reused folder's manifest naming paths outside it removes nothing there")
    func reusedManifestOutside() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("laurel-outside-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let output = root + "/public"
        for _ in 0..<2 {
            let publisher = try Publisher(output: output)
            try publisher.write("index.html", Array("home".utf8))
            try publisher.commit()
        }
        let outside = root + "/precious.txt"
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: outside))
        let builds = Publisher.home(of: output) + "/builds"
        let manifest = builds + "/b000001.manifest"
        let edited = try String(contentsOfFile: manifest, encoding: .utf8) + "0000000000000001 8 ../../../precious.txt\n"
        try Data(edited.utf8).write(to: URL(fileURLWithPath: manifest))
        let third = try Publisher(output: output)
        #expect(third.reusedBuild?.hasSuffix("b000001") == true)
        try third.write("other.html", Array("other".utf8))
        try third.commit()
        #expect(FileManager.default.fileExists(atPath: outside), "a file outside the output was removed")
        #expect(Tree.contents(output) == ["other.html": Data("other".utf8)])
    }

    @Test("a build killed while it reuses an older folder leaves the published portal intact, and the next build succeeds",
          arguments: FaultPoint.allCases)
    func killedWhileReusing(at point: FaultPoint) throws {
        let portal = try Portal()
        try portal.build().expectSuccess()
        try portal.appendLastDay()
        try portal.build().expectSuccess()
        let before = Tree.contents(portal.output)
        // A ledger line more and a page less: the reused folder has files the build removes.
        try portal.append("2025-03-31 earn    zhang-wei  training  \"after the kill\"\n", to: portal.content + "/ledger/2025/2025-Q1.ledger")
        try FileManager.default.removeItem(atPath: portal.content + "/pages/news/2025-01-launch.md")
        let reference = try portal.referenceBuild()
        let crashed = try portal.build(environment: [FaultPoint.variable: point.rawValue])
        #expect(crashed.status == 137, "\(crashed)")
        Tree.expectSame(Tree.contents(portal.output), point == .afterSwitch ? reference : before, "the portal after a kill \(point.rawValue)")
        let next = try portal.build()
        try next.expectSuccess()
        Tree.expectSame(Tree.contents(portal.output), reference, "the build after the kill")
        #expect(portal.buildFolders().count == 6, "\(portal.buildFolders())")
    }

    // MARK: determinism and rollback

    @Test("--jobs 1 and --jobs 2, in different time zones, give byte-identical portals")
    func determinism() throws {
        let portal = try Portal(wholeDemo: true)
        let one = portal.root + "/one", two = portal.root + "/two"
        try portal.build(output: one, asOf: "2026-11-28", extra: ["--jobs", "1"], environment: ["TZ": "UTC"]).expectSuccess()
        try portal.build(output: two, asOf: "2026-11-28", extra: ["--jobs", "2"], environment: ["TZ": "Pacific/Kiritimati"]).expectSuccess()
        let a = Tree.contents(one), b = Tree.contents(two)
        #expect(a.count > 300)
        Tree.expectSame(b, a, "--jobs 2 against --jobs 1")
    }

    @Test("rollback publishes the previous build; the next build publishes the sources again")
    func rollback() throws {
        let portal = try Portal()
        try portal.build().expectSuccess()
        let before = Tree.contents(portal.output)
        try portal.appendLastDay()
        try portal.build().expectSuccess()
        let after = Tree.contents(portal.output)

        let back = try portal.laurel(["rollback", "--output", portal.output])
        try back.expectSuccess()
        Tree.expectSame(Tree.contents(portal.output), before, "the portal after rollback")
        let tooFar = try portal.laurel(["rollback", "--output", portal.output])
        #expect(tooFar.status == 2, "\(tooFar)")

        // Same sources as the build rolled back: it must not be skipped as "nothing changed".
        let rebuilt = try portal.build()
        try rebuilt.expectSuccess()
        #expect(!rebuilt.stdout.contains("nothing changed"), "\(rebuilt.stdout)")
        Tree.expectSame(Tree.contents(portal.output), after, "the build after rollback")
    }
}

// MARK: - Support

/// A scratch folder with a copy of the demo content and themes, and the `laurel` binary to
/// build it. Removed when the test ends.
final class Portal {
    let root: String
    let content: String
    let themes: String
    let output: String
    let asOf: String
    /// The ledger file whose last day is held back, and that day's lines.
    private let ledger: String
    private let lastDay: String

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    init(wholeDemo: Bool = false) throws {
        let fm = FileManager.default
        root = fm.temporaryDirectory.appendingPathComponent("laurel-publishing-" + UUID().uuidString).path
        content = root + "/content"
        themes = root + "/themes"
        output = root + "/public"
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        try fm.copyItem(atPath: Portal.repository + "/Content", toPath: content)
        try fm.copyItem(atPath: Portal.repository + "/Themes", toPath: themes)
        if wholeDemo {
            asOf = "2026-11-28"
            ledger = ""
            lastDay = ""
            return
        }
        let day = PublishingTests.asOf
        asOf = day
        let ledger = content + "/ledger/2025/2025-Q1.ledger"
        self.ledger = ledger
        for path in try fm.subpathsOfDirectory(atPath: content + "/ledger") where path.hasSuffix(".ledger") {
            if content + "/ledger/" + path != ledger { try fm.removeItem(atPath: content + "/ledger/" + path) }
        }
        let lines = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let dayLines = lines.filter { $0.hasPrefix(day) }
        precondition(dayLines.count > 2 && lines.last(where: { !$0.isEmpty }).map { $0.hasPrefix(day) } == true,
                     "the demo's 2025-Q1 ledger should end with lines of \(day)")
        lastDay = dayLines.joined(separator: "\n") + "\n"
        let kept = lines.filter { !$0.hasPrefix(day) && !$0.isEmpty }.joined(separator: "\n") + "\n"
        try Data(kept.utf8).write(to: URL(fileURLWithPath: ledger))
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// The nightly change: the ledger's last day arrives.
    func appendLastDay() throws { try append(lastDay, to: ledger) }

    func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    func buildArguments(output: String? = nil, asOf: String? = nil) -> [String] {
        ["build", "--content", content, "--themes", themes, "--output", output ?? self.output, "--as-of", asOf ?? self.asOf]
    }

    func build(output: String? = nil, asOf: String? = nil, extra: [String] = [], environment: [String: String] = [:],
               fileSizeLimitBlocks: Int? = nil) throws -> Outcome {
        try laurel(buildArguments(output: output, asOf: asOf) + extra, environment: environment, fileSizeLimitBlocks: fileSizeLimitBlocks)
    }

    /// The current sources built cleanly into a separate output: what the portal should be.
    func referenceBuild() throws -> [String: Data] {
        let reference = root + "/reference-" + UUID().uuidString
        try build(output: reference, extra: ["--quiet"]).expectSuccess()
        return Tree.contents(reference)
    }

    func link() throws -> String { try FileManager.default.destinationOfSymbolicLink(atPath: output) }

    func currentBuild() throws -> String {
        try #require(Publisher.currentBuild(output: output))
    }

    /// The build folders and manifests kept in `.public.laurel/builds`.
    func buildFolders() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Publisher.home(of: output) + "/builds")) ?? []).sorted()
    }

    func report() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: BuildReport.path(output: output)))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    // MARK: running the binary

    struct Outcome: CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "status \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
        func expectSuccess(sourceLocation: SourceLocation = #_sourceLocation) throws {
            try #require(status == 0, "\(self)", sourceLocation: sourceLocation)
        }
    }

    final class Running {
        let process: Process
        let out: URL
        let err: URL
        init(process: Process, out: URL, err: URL) {
            self.process = process
            self.out = out
            self.err = err
        }
        var isRunning: Bool { process.isRunning }
        func finish() -> Outcome {
            process.waitUntilExit()
            let o = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            let e = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
            return Outcome(status: process.terminationStatus, stdout: o, stderr: e)
        }
    }

    func laurel(_ arguments: [String], environment: [String: String] = [:], fileSizeLimitBlocks: Int? = nil) throws -> Outcome {
        try start(arguments, environment: environment, fileSizeLimitBlocks: fileSizeLimitBlocks).finish()
    }

    /// Starts `laurel ARGUMENTS`; standard output and error go to files (no pipe to fill up).
    /// With a file size limit, through `sh` so that `ulimit -f` applies and SIGXFSZ is ignored
    /// (an ignored signal stays ignored across exec): writes past the limit fail with EFBIG.
    func start(_ arguments: [String], environment: [String: String] = [:], fileSizeLimitBlocks: Int? = nil) throws -> Running {
        let binary = try LaurelBinary.path.get()
        let process = Process()
        if let blocks = fileSizeLimitBlocks {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -f \(blocks) && trap '' XFSZ && exec \"$0\" \"$@\"", binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env[FaultPoint.variable] = nil
        env.merge(environment) { $1 }
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        // Outside `root`, so that snapshots of `root` do not see them come and go.
        let tmp = FileManager.default.temporaryDirectory
        let out = tmp.appendingPathComponent("laurel-stdout-" + UUID().uuidString)
        let err = tmp.appendingPathComponent("laurel-stderr-" + UUID().uuidString)
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, out: out, err: err)
    }
}

/// Where the `laurel` executable is (see `PublishingTests`), found once per test run.
enum LaurelBinary {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static let path: Result<String, Missing> = locate()

    private static func locate() -> Result<String, Missing> {
        let fm = FileManager.default
        if let given = ProcessInfo.processInfo.environment["LAUREL_BINARY"] {
            return fm.isExecutableFile(atPath: given) ? .success(given) : .failure(Missing(description: "LAUREL_BINARY=\(given) is not an executable"))
        }
        // Beside the test bundle: <scratch>/<triple>/debug/{Laurel_LaurelTests.resources, LaurelPackageTests.xctest, laurel}.
        // `swift test` compiles the executable's module but does not link `laurel`, so that file is
        // only as new as the last `swift build`: use it only when no source of it is newer.
        var folders = [Bundle.module.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        for folder in folders {
            let candidate = folder.appendingPathComponent("laurel").path
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue, fm.isExecutableFile(atPath: candidate),
               let built = modified(candidate), built >= newestSource() {
                return .success(candidate)
            }
        }
        // Otherwise build it in a scratch folder of its own: the running `swift test` holds the
        // lock of its own scratch folder until the tests end, so building there would wait forever.
        let scratch = Portal.repository + "/.build-publishing-tests"
        let build = shell(["swift", "build", "--package-path", Portal.repository, "--scratch-path", scratch, "--product", "laurel"])
        guard build.status == 0 else { return .failure(Missing(description: "cannot build laurel: \(build.output)")) }
        let bin = shell(["swift", "build", "--package-path", Portal.repository, "--scratch-path", scratch, "--show-bin-path"])
        let candidate = bin.output.trimmingCharacters(in: .whitespacesAndNewlines) + "/laurel"
        return fm.isExecutableFile(atPath: candidate) ? .success(candidate) : .failure(Missing(description: "no laurel at \(candidate)"))
    }

    private static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The newest modification time among the files `laurel` is built from.
    private static func newestSource() -> Date {
        let fm = FileManager.default
        var newest = Date.distantPast
        for file in ["Package.swift", "Package.resolved"] {
            if let date = modified(Portal.repository + "/" + file) { newest = max(newest, date) }
        }
        for target in ["laurel", "LaurelSite", "LaurelSources", "LaurelPoints", "LaurelMarkdown", "CCmark"] {
            let folder = Portal.repository + "/Sources/" + target
            for path in (try? fm.subpathsOfDirectory(atPath: folder)) ?? [] {
                if let date = modified(folder + "/" + path) { newest = max(newest, date) }
            }
        }
        return newest
    }

    private static func shell(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Snapshots of a published tree.
enum Tree {
    /// What a reader sees under `folder` (a link to a build is followed): every file's bytes by
    /// relative path, `PATH/` for each folder, `PATH@` with the target for each link.
    static func contents(_ folder: String) -> [String: Data] {
        var result: [String: Data] = [:]
        for (path, entry) in stats(folder) {
            switch entry.kind {
            case .file: result[path] = FileManager.default.contents(atPath: folder + "/" + path) ?? Data()
            case .folder: result[path + "/"] = Data()
            case .link: result[path + "@"] = Data(((try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + path)) ?? "").utf8)
            case .other: result[path + "?"] = Data()
            }
        }
        return result
    }

    struct Entry: Equatable {
        enum Kind { case file, folder, link, other }
        let kind: Kind
        let inode: UInt64
        let mtime: [Int]
        let ctime: [Int]
        let links: UInt64
        let size: Int64
        var isFile: Bool { kind == .file }
    }

    /// `lstat` of everything under `folder` (hidden entries included), by relative path.
    static func stats(_ folder: String) -> [String: Entry] {
        var result: [String: Entry] = [:]
        func visit(_ relative: String) {
            let full = relative.isEmpty ? folder : folder + "/" + relative
            for name in (try? FileManager.default.contentsOfDirectory(atPath: full)) ?? [] {
                let path = relative.isEmpty ? name : relative + "/" + name
                var st = stat()
                guard lstat(folder + "/" + path, &st) == 0 else { continue }
                let kind: Entry.Kind
                switch st.st_mode & 0o170000 {
                case 0o100000: kind = .file
                case 0o040000: kind = .folder
                case 0o120000: kind = .link
                default: kind = .other
                }
                result[path] = Entry(kind: kind, inode: UInt64(st.st_ino),
                                     mtime: [Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec)],
                                     ctime: [Int(st.st_ctim.tv_sec), Int(st.st_ctim.tv_nsec)],
                                     links: UInt64(st.st_nlink), size: Int64(st.st_size))
                if kind == .folder { visit(path) }
            }
        }
        visit("")
        return result
    }

    /// Paths added, removed or with different bytes.
    static func differences(_ actual: [String: Data], _ expected: [String: Data]) -> [String] {
        Set(actual.keys).union(expected.keys).filter { actual[$0] != expected[$0] }.sorted().map { path in
            actual[path] == nil ? "missing \(path)" : expected[path] == nil ? "extra \(path)" : "changed \(path)"
        }
    }

    static func expectSame(_ actual: [String: Data], _ expected: [String: Data], _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!expected.isEmpty, "\(what): nothing to compare with", sourceLocation: sourceLocation)
        let diff = differences(actual, expected)
        #expect(diff.isEmpty, "\(what) differs in \(diff.count) paths: \(diff.prefix(12).joined(separator: ", "))",
                sourceLocation: sourceLocation)
    }
}

@Suite("Content hash: tells changed pages apart")
struct ContentHashTests {
    @Test("every length and every single-byte change gives another hash; the same bytes the same hash")
    func distinguishesChanges() {
        var seen: Set<UInt64> = []
        let page = Array("<tr><td>2026年11月28日 获得 签单 +340</td></tr>\n".utf8)
        var bytes: [UInt8] = []
        for k in 0..<200 {
            bytes.append(page[k % page.count])
            #expect(seen.insert(ContentHash.of(bytes)).inserted, "length \(bytes.count)")
            #expect(ContentHash.of(bytes) == ContentHash.of(Array(bytes)))
        }
        let base = ContentHash.of(bytes)
        for i in bytes.indices {
            var changed = bytes
            changed[i] ^= 1
            #expect(ContentHash.of(changed) != base, "byte \(i)")
        }
        // Swapping two 8-byte words of one 32-byte block changes the hash too.
        var swapped = bytes
        swapped.replaceSubrange(0..<16, with: bytes[8..<16] + bytes[0..<8])
        #expect(ContentHash.of(swapped) != base)
    }

    @Test("only relative paths without empty, '.' or '..' segments are written", arguments: [
        ("index.html", true), ("people/zhang-wei/index.html", true), ("a/.../b", true), ("a/.hidden", true), ("x..y/z", true),
        ("", false), ("/etc/passwd", false), ("../x", false), ("a/../b", false), ("a/./b", false), ("a//b", false),
        ("a/", false), (".", false), ("..", false), ("people/..", false),
    ])
    func safePaths(_ path: String, _ safe: Bool) {
        #expect(Publisher.isSafe(path) == safe, "\(path)")
    }
}

