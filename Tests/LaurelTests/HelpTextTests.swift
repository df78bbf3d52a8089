import Foundation
import Testing

/// Issue 11: `laurel --help` and every subcommand's help read well at 80 columns. The
/// subcommands are read off `laurel --help` itself, so a new command is checked without
/// being listed here.
@Suite struct HelpTextTests {
    static let columns = 80

    /// `laurel ARGUMENTS` with COLUMNS=80: its standard output.
    static func help(_ arguments: [String]) throws -> String {
        let portal = try Portal()
        let outcome = try portal.laurel(arguments, environment: ["COLUMNS": "\(columns)"])
        try outcome.expectSuccess()
        return outcome.stdout
    }

    static func subcommands() throws -> [String] {
        let lines = try help(["--help"]).split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("SUBCOMMANDS:") }) else { return [] }
        return lines[(start + 1)...].prefix(while: { !$0.isEmpty }).compactMap { line -> String? in
            // "  check                   Check the sources …": a name indented by two spaces.
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            let name = line.drop(while: { $0 == " " }).prefix(while: { $0 != " " })
            return name.allSatisfy({ $0.isLetter || $0 == "-" }) && !name.isEmpty ? String(name) : nil
        }
    }

    /// Columns a terminal gives the line: East Asian wide characters take two.
    static func width(_ line: Substring) -> Int {
        line.unicodeScalars.reduce(0) { sum, scalar in
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return sum + (wide ? 2 : 1)
        }
    }

    @Test func theSubcommandsAreFound() throws {
        let names = try Self.subcommands()
        #expect(names.contains("build") && names.contains("check") && names.contains("import"), "\(names)")
    }

    @Test(arguments: [[String]()] + ((try? HelpTextTests.subcommands()) ?? []).map { [$0] })
    func readsWellAtEightyColumns(_ command: [String]) throws {
        let text = try Self.help(command + ["--help"])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let name = (["laurel"] + command).joined(separator: " ")
        for line in lines {
            #expect(Self.width(line) <= Self.columns, "\(name) --help: a line of \(Self.width(line)) columns: \(line)")
        }
        // A sentence broken by hand and then wrapped again leaves a short line followed by the
        // rest of the sentence ("… (nothing is" / "published)," / "2 the command …").
        for (line, next) in zip(lines, lines.dropFirst()) where !line.hasPrefix(" ") && !next.hasPrefix(" ") {
            let continues = next.first.map { $0.isLowercase || $0.isNumber } ?? false
            #expect(!(Self.width(line) < 40 && !line.isEmpty && continues),
                    "\(name) --help breaks a sentence: '\(line)' / '\(next)'")
        }
        // The usage (wrapped by Laurel, not by swift-argument-parser) names every option.
        let usage = lines.drop(while: { !$0.hasPrefix("USAGE:") }).prefix(while: { !$0.isEmpty }).joined(separator: " ")
        #expect(!usage.isEmpty, "\(name) --help has no USAGE")
        let optionsStart = lines.firstIndex(where: { $0.hasPrefix("OPTIONS:") })
        for line in lines[(optionsStart ?? lines.endIndex)...] where line.hasPrefix("  --") {
            let option = line.drop(while: { $0 == " " }).prefix(while: { $0 != " " && $0 != "," })
            #expect(usage.contains(option), "\(name): the usage does not mention \(option)")
        }
    }
}
