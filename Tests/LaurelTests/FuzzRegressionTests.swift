import Foundation
import LaurelSources
import Testing
@testable import laurel_fuzz

/// Inputs the fuzzer (scripts/fuzz, docs/fuzzing.md) or its review turned up, kept under
/// Fixtures/fuzz-regressions/ and replayed through the fuzz target's own logic (`FuzzEntry.run`):
/// each must finish quickly with diagnostics, never crash or hang. A file `NAME.expected` beside
/// an input lists, one per line, text that must appear in its diagnostics.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func inputs(_ sub: String) -> [String] {
        let dir = folder.appendingPathComponent(sub)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasSuffix(".expected") && !$0.hasPrefix(".") }.sorted()
    }

    static func bytes(_ sub: String, _ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(sub).appendingPathComponent(name)))
    }

    @Test("the fuzz target's base portal is clean, so the fuzzer's time goes into the input's file")
    func baseIsClean() {
        for slot in FuzzEntry.Slot.allCases {
            var input = [slot.rawValue]
            switch slot {
            case .ledger: break  // an empty ledger file beside the base ledger
            case .page: input += Array("---\ntitle: A page\n---\nText.\n".utf8)
            default: input += Array((FuzzEntry.base[slot.path] ?? "").utf8)  // the base file itself
            }
            #expect(FuzzEntry.run(input).isEmpty, "\(slot)")
        }
    }

    @Test("there are regression inputs")
    func haveInputs() {
        #expect(!Self.inputs("fuzz-regressions").isEmpty)
        #expect(!Self.inputs("fuzz-seeds").isEmpty)
    }

    @Test("each regression input yields diagnostics, in time", arguments: inputs("fuzz-regressions"))
    func regression(_ name: String) throws {
        let data = try Self.bytes("fuzz-regressions", name)
        let clock = ContinuousClock()
        let start = clock.now
        let diagnostics = FuzzEntry.run(data).map(\.description)
        let elapsed = clock.now - start
        #expect(!diagnostics.isEmpty, "\(name): no diagnostics")
        #expect(elapsed < .seconds(20), "\(name) took \(elapsed)")
        let expectedURL = Self.folder.appendingPathComponent("fuzz-regressions/\(name).expected")
        if let expected = try? String(contentsOf: expectedURL, encoding: .utf8) {
            for line in expected.split(separator: "\n") where !line.isEmpty {
                #expect(diagnostics.contains { $0.contains(line) }, "\(name): no diagnostic with '\(line)' in \(diagnostics.prefix(5))")
            }
        }
        // The same with the ledger read on several threads, as the command line does.
        #expect(FuzzEntry.run(data, jobs: 4).map(\.description) == diagnostics, "\(name): jobs 1 and 4 differ")
    }

    @Test("each seed runs through the fuzz target", arguments: inputs("fuzz-seeds"))
    func seed(_ name: String) throws {
        _ = FuzzEntry.run(try Self.bytes("fuzz-seeds", name))
        // The fuzzer's differential check: one job and three read the seed the same.
        #expect(!FuzzEntry.differsByJobs(try Self.bytes("fuzz-seeds", name)))
    }
}
