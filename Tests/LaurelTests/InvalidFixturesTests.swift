import Foundation
import Testing
import LaurelSite
import LaurelSources

/// Every folder of `Fixtures/invalid/` is a small content folder with an `expected.txt`: the
/// exact diagnostics `laurel check --content Content` prints for it, one per line, at as-of
/// 2026-12-31 unless the folder has an `as-of.txt`.
///
/// Re-record after a deliberate change of messages with
/// `LAUREL_RECORD=1 swift test --filter InvalidFixturesTests`, then review the diff.
@Suite("Invalid fixtures")
struct InvalidFixturesTests {
    /// The fixtures in the source tree (written when recording).
    static let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("invalid")

    /// Where to read them: the source tree when present, else the test bundle's copy.
    static var folder: URL {
        if FileManager.default.fileExists(atPath: sourceFolder.path) { return sourceFolder }
        return Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("invalid")
    }

    static var names: [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return all.filter { !$0.hasPrefix(".") }.sorted()
    }

    static var recording: Bool { ProcessInfo.processInfo.environment["LAUREL_RECORD"] == "1" }

    /// Checks one fixture folder as `laurel check` does and returns the printed diagnostics.
    static func check(_ name: String) throws -> [String] {
        let dir = folder.appendingPathComponent(name)
        var tree = try SourceTree.read(folder: dir.path, label: "Content")
        tree.files["expected.txt"] = nil
        var asOf = "2026-12-31"
        if let bytes = tree.files.removeValue(forKey: "as-of.txt") {
            asOf = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let day = try #require(Day(asOf), "as-of.txt of \(name) is not a date")
        return PortalRun.check(tree, asOf: .day(day)).diagnostics.map(\.description)
    }

    @Test("there are at least 15 fixtures, also in the test bundle")
    func enough() throws {
        #expect(Self.names.count >= 15)
        let bundled = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let names = try FileManager.default.contentsOfDirectory(atPath: bundled.appendingPathComponent("invalid").path)
        #expect(names.filter { !$0.hasPrefix(".") }.sorted() == Self.names)
    }

    @Test("each fixture produces exactly the diagnostics of its expected.txt", arguments: names)
    func fixture(_ name: String) throws {
        let actual = try Self.check(name)
        let printed = actual.map { $0 + "\n" }.joined()
        if Self.recording {
            let target = Self.sourceFolder.appendingPathComponent(name).appendingPathComponent("expected.txt")
            try printed.write(to: target, atomically: true, encoding: .utf8)
            return
        }
        let expectedURL = Self.folder.appendingPathComponent(name).appendingPathComponent("expected.txt")
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(printed == expected, "\(name): got\n\(printed)")
    }

    @Test("diagnostics are one line each, in the PATH:LINE:COLUMN: error: MESSAGE form, short", arguments: names)
    func form(_ name: String) throws {
        for line in try Self.check(name) {
            #expect(line.wholeMatch(of: /Content\/[^:\n]+:[1-9][0-9]*:[1-9][0-9]*: error: [^\n]+/) != nil, "\(line)")
            #expect(line.count < 1000, "\(line.prefix(200))…")
        }
    }
}
