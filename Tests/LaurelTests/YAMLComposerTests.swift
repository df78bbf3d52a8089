import Foundation
@testable import LaurelSources
import Testing

/// `YAMLComposer` composes YAML from libyaml's events instead of Yams, and leaves to Yams what
/// it is not sure of (`StrictYAML.parse`). Wherever it answers, its tree must be Yams's: the
/// same kinds, texts, scalar styles and places.
@Suite("YAML composer")
struct YAMLComposerTests {
    /// Every YAML file of the project: the demo department, the themes' strings, the fixtures
    /// (the golden site, invalid departments, fuzz seeds); and the fuzz regressions, whole
    /// pages whose front matter is hostile YAML.
    static let files: [URL] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var found: [URL] = []
        for folder in ["Content", "Themes", "Tests/LaurelTests/Fixtures"] {
            let base = root.appendingPathComponent(folder)
            guard let walk = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walk where url.pathExtension == "yaml" || url.path.contains("fuzz-") {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue { found.append(url) }
            }
        }
        return found.sorted { $0.path < $1.path }
    }()

    static let edgeCases: [String] = [
        "", "# only a comment\n", "---\n", "---\n...\n", "a: 1\n---\nb: 2\n", "plain\n", "'quoted'\n", "\"\\0nul\\x41\\u00e9\"\n",
        "a: &x [1, 2]\nb: *x\n", "a: *undefined\n", "a: &s text\nb: *s\n*s : c\n", "a: 1\na: 2\n", "1: a\n\"1\": b\n",
        "? [k]\n: v\n", "? {k: v}\n: v\n", "a: |\n  block\n  text\nb: >\n  folded\n", "!!str a: !custom b\n",
        "list:\n  - a\n  - - nested\n    - more\n  - {x: 1, y: [2, 3]}\n", "[a, b, {c: d}]\n", "{}\n", "[]\n", "a:\n", "a: ~\nb: null\n",
        "key: [unclosed\n", "a: b: c\n", "\u{FEFF}a: 1\n", "a: 'it''s'\n", "名字: 张伟\n团队: 华东\n", "a:\n  b:\n    c:\n      d: deep\n",
        "&a a: 1\n", "name: \"\\uFEFFAlice\"\n", "id: \u{FEFF}alice\n", "id: a\u{FEFF}b\n", "- &x 1\n- *x\n- &x 2\n- *x\n", "a: 1\r\nb: 2\r\n", "%YAML 1.1\n---\na: 1\n", "a: [1, *b]\n",
        (0..<40).map { "k\($0): v\($0)" }.joined(separator: "\n") + "\nk7: again\n",
        (0..<40).map { "k\($0): v\($0)" }.joined(separator: "\n") + "\n",
    ]

    static func same(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
        guard a.mark == b.mark else { return false }
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return x.string == y.string && x.style == y.style
        case (.sequence(let x), .sequence(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.mapping(let x), .mapping(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0.key, $1.key) && same($0.value, $1.value) }
        default: return false
        }
    }

    /// Where the composer answers, it answers as Yams does; returns whether it answered.
    static func agrees(_ text: String, _ name: String) -> Bool {
        let ours = YAMLComposer.compose(text)
        let yams = StrictYAML.yamsComposition(text)
        switch (ours, yams) {
        case (.unsure, _): return false
        case (.empty, .empty): return true
        case (.document(let a), .document(let b)):
            #expect(same(a, b), "\(name): a different tree")
            return true
        default:
            Issue.record("\(name): the composer answered where Yams did not, or the reverse")
            return true
        }
    }

    @Test("every YAML file of the project composes as Yams composes it")
    func projectFiles() throws {
        #expect(YAMLComposerTests.files.count > 100)
        var answered = 0
        for url in YAMLComposerTests.files {
            let bytes = try [UInt8](Data(contentsOf: url))
            guard case .success(let text) = SourceText.decode(bytes) else { continue }
            // Fuzz regressions are pages: their front matter is the YAML.
            let yaml = url.pathExtension == "yaml" ? text : text.components(separatedBy: "\n---").first.map { String($0.dropFirst(4)) } ?? text
            if YAMLComposerTests.agrees(yaml, url.lastPathComponent) { answered += 1 }
        }
        // The files that are valid YAML without repeated keys are most of them: the composer's path is the usual one.
        #expect(answered * 10 > YAMLComposerTests.files.count * 7)
    }

    @Test("edge cases: empty, several documents, aliases, repeated and complex keys, styles, errors")
    func edgeCases() {
        for (i, text) in YAMLComposerTests.edgeCases.enumerated() { _ = YAMLComposerTests.agrees(text, "edge case \(i)") }
        // What it must leave to Yams, so that Yams's messages are the ones reported.
        for text in ["a: 1\na: 2\n", "a: 1\n---\nb: 2\n", "name: \"\\uFEFFAlice\"\n", "id: \u{FEFF}alice\n", "a: *undefined\n", "key: [unclosed\n", "? [k]\n: v\n",
                     (0..<40).map { "k\($0): v\($0)" }.joined(separator: "\n") + "\nk7: again\n"] {
            guard case .unsure = YAMLComposer.compose(text) else {
                Issue.record("composed \(text.debugDescription) instead of leaving it to Yams")
                continue
            }
        }
        guard case .document(let node) = YAMLComposer.compose("名字: 张伟\nlist: [a, 'b']\n"), case .mapping(let m) = node,
              case .sequence(let list)? = m["list"], case .scalar(let b) = list[1] else {
            Issue.record("a mapping with a list")
            return
        }
        #expect(m["名字"]?.string == "张伟")
        #expect(b.string == "b" && b.style == .singleQuoted && b.mark == YAMLNode.Mark(line: 2, column: 11))
    }
}
