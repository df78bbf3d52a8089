import Foundation

/// How text becomes search terms; Themes/default/static/search.js does the same to a query,
/// step for step, so the two must change together (SearchTests pins both sides' rules).
/// Text is lowercased and its accents taken off (NFD, combining marks dropped, ü → v as on a
/// pinyin keyboard, so `zhāng` is `zhang` and `lǚ` is `lv`); then a word is a run of letters and
/// digits, and a run of Chinese (or Japanese, Korean) characters gives each character and each
/// pair of neighbours, since Chinese text has no spaces to split words at.
enum SearchText {
    /// Chinese, Japanese and Korean characters: searched by single characters and pairs.
    static func isCJK(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x3134F: return true
        default: return false
        }
    }

    /// Lowercase, accents off, ü as v.
    static func normalized(_ text: String) -> String {
        // ASCII, CJK punctuation and fullwidth forms, and the main ideograph blocks have no
        // canonical decomposition: text of only those (names and pages in Chinese) skips the
        // (slower) Foundation call. Everything else is decomposed as search.js does.
        if text.unicodeScalars.allSatisfy({ c in
            switch c.value {
            case 0..<0x80, 0x3000...0x303F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF00...0xFFEF: return true
            default: return false
            }
        }) { return text.lowercased() }
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for c in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if c.value == 0x308, let p = previous, p == "u" || p == "U" {
                out.removeLast()
                out.append("v")
            } else if !(0x300...0x36F).contains(c.value) {
                out.append(c)
            }
            previous = c
        }
        return String(out).lowercased()
    }

    static func isWord(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || (c >= "A" && c <= "Z") }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// Every term of `text`: its words, and its CJK characters and pairs of neighbours, in
    /// one pass over the normalized text (the index calls this for every name and page).
    /// Returns the whole text as one term: its words and characters run together (`Zhang Wei`
    /// → `zhangwei`), so that typing all of a name ranks that name first.
    @discardableResult
    static func terms(_ text: String, _ body: (String) -> Void) -> String {
        var whole = String.UnicodeScalarView()
        var word = String.UnicodeScalarView()
        var previous: Unicode.Scalar?  // the CJK character before this one
        func endWord() {
            if !word.isEmpty { body(String(word)); word = String.UnicodeScalarView() }
        }
        for c in normalized(text).unicodeScalars {
            if isCJK(c) {
                endWord()
                var one = String.UnicodeScalarView()
                one.append(c)
                body(String(one))
                if let p = previous {
                    var pair = String.UnicodeScalarView()
                    pair.append(p)
                    pair.append(c)
                    body(String(pair))
                }
                previous = c
                whole.append(c)
            } else if isWord(c) {
                previous = nil
                word.append(c)
                whole.append(c)
            } else {
                previous = nil
                endWord()
            }
        }
        endWord()
        return String(whole)
    }

    /// The whole of `text` as one term (see `terms`).
    static func whole(_ text: String) -> String { terms(text) { _ in } }
}
