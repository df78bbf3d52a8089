import Foundation
@testable import LaurelSite
import LaurelSources
import Testing

/// The name orders (people index, team pages, boards' ties, search terms) are computed without
/// Foundation's or the standard library's slow paths; they must be exactly the orders those
/// paths give, whatever the names.
@Suite("Name order: faster comparisons, the same order")
struct NameOrderTests {
    /// Names from an alphabet with the hard cases: ASCII, Chinese, a precomposed and a
    /// decomposed é (equal as `String`s, different bytes), kana with a combining voicing mark,
    /// Hangul, a compatibility ideograph (its own NFC is another character), the middle dot.
    static let alphabet: [String] = ["a", "B", "z", "张", "伟", "王", "芳", "·", " ", "é", "e\u{301}", "か", "\u{3099}", "한", "\u{F900}", "\u{8C48}", "Z", "1"]

    static func names(seed: UInt64, count: Int) -> [String] {
        var state = seed
        func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        return (0..<count).map { _ in (0..<(1 + next() % 4)).map { _ in alphabet[next() % alphabet.count] }.joined() }
    }

    @Test("CodePointKey answers String's < and == for every pair", arguments: [1, 2, 3] as [UInt64])
    func codePointKey(seed: UInt64) {
        let names = NameOrderTests.names(seed: seed, count: 120) + ["张伟", "张伟", "zhang", "é", "e\u{301}"]
        let keys = names.map(CodePointKey.init)
        for (i, a) in keys.enumerated() {
            for (j, b) in keys.enumerated() {
                #expect(CodePointKey.precedes(a, b) == (names[i] < names[j]), "\(names[i].debugDescription) < \(names[j].debugDescription)")
                #expect(CodePointKey.same(a, b) == (names[i] == names[j]), "\(names[i].debugDescription) == \(names[j].debugDescription)")
            }
        }
        // Chinese and ASCII names take the byte path; the others keep String's.
        #expect(CodePointKey("张伟").stable && CodePointKey("Li Na").stable && CodePointKey("欧阳·娜").stable)
        #expect(!CodePointKey("e\u{301}").stable && !CodePointKey("\u{F900}").stable && !CodePointKey("か").stable)
    }
}
