import LaurelSources

/// Writing ledger syntax (FORMAT.md 7.1) from text that came from a CRM export.
public enum LedgerText {
    /// The longest memo written, in characters: a CRM's notes field can be pages long.
    public static let memoLimit = 200

    /// A memo in quotes. `"` and `\` are escaped (the only escapes 7.1 has); line breaks,
    /// tabs and other control characters become spaces (an entry is one line, and the reader
    /// refuses control bytes); bidi embeddings, overrides and isolates (U+202A-202E,
    /// U+2066-2069) are removed, so that a memo cannot reorder what is shown around it.
    /// Formula prefixes (`=`, `+`, `-`, `@`) and markup stay as text: the portal escapes
    /// every memo for HTML, and the CSV writer neutralises formulas.
    public static func memo(_ text: String) -> String {
        "\"" + escaped(clean(text)) + "\""
    }

    /// The memo's text as the ledger reader will give it back.
    public static func clean(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var lastWasSpace = true  // no leading space
        var count = 0
        var truncated = false
        for s in text.unicodeScalars {
            let v = s.value
            if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0xFEFF { continue }
            let isSpace = v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0x20 || v == 0x85
            if isSpace {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
                continue
            }
            if count >= memoLimit { truncated = true; break }
            out.append(s)
            count += 1
            lastWasSpace = false
        }
        while out.last == " " { out.removeLast() }
        if truncated { out.append("…") }
        return String(out)
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 2)
        for c in text.unicodeScalars {
            if c == "\"" || c == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(c)
        }
        return out
    }
}
