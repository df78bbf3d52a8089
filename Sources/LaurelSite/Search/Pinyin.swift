/// Toneless pinyin of Chinese characters, for finding people by how their names are typed
/// (`zhangwei`, `zhang wei`, `zw`). The table (PinyinTable.swift) is generated from pypinyin
/// by scripts/generate-pinyin-table; docs/search.md says what it holds.
enum Pinyin {
    /// Every character's first reading, as an index into `syllables`.
    private static let table: (syllables: [String], reading: [UInt32: UInt16], surname: [UInt32: String]) = {
        var syllables: [String] = []
        var reading: [UInt32: UInt16] = [:]
        reading.reserveCapacity(21_000)
        for line in readings.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let n = UInt16(syllables.count)
            syllables.append(String(line[..<space]))
            for c in line[line.index(after: space)...].unicodeScalars { reading[c.value] = n }
        }
        var surname: [UInt32: String] = [:]
        for line in surnameReadings.split(separator: "\n") {
            guard let first = line.unicodeScalars.first else { continue }
            surname[first.value] = String(String.UnicodeScalarView(line.unicodeScalars.dropFirst()))
        }
        return (syllables, reading, surname)
    }()

    /// The character's first (most common) reading without tone, ü written v; nil when the
    /// table does not have the character.
    static func reading(_ c: Unicode.Scalar) -> String? {
        table.reading[c.value].map { table.syllables[Int($0)] }
    }

    /// The character's reading as a surname when it differs from its first reading (单 shan).
    static func surnameReading(_ c: Unicode.Scalar) -> String? { table.surname[c.value] }

    /// The ways a name is typed in pinyin: each spelling as its syllables, the first reading of
    /// every character, and also the surname reading of the first one when it has one. Empty
    /// when a character of the name has no reading (the name is not all Chinese).
    static func spellings(ofName name: String) -> [[String]] {
        var syllables: [String] = []
        var first: String?
        for c in name.unicodeScalars {
            guard let r = reading(c) else {
                if SearchText.isCJK(c) { return [] } else { continue }  // a middle dot, a space
            }
            if syllables.isEmpty { first = surnameReading(c) }
            syllables.append(r)
        }
        if syllables.isEmpty { return [] }
        guard let surname = first else { return [syllables] }
        return [syllables, [surname] + syllables.dropFirst()]
    }
}
