/// Text for a terminal: how many columns a string takes there (East Asian wide and
/// full-width characters take two, combining marks none), and names made safe to print.
enum TerminalText {
    /// The string with every control character (C0, DEL, C1) and bidirectional override or
    /// isolate replaced by U+FFFD: a name from people.yaml cannot move the cursor, clear the
    /// screen or reorder the rest of the line.
    static func safe(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            let v = scalar.value
            let unsafe = v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
            out.append(unsafe ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }

    /// Columns a scalar takes: 0 for combining marks and zero-width characters, 2 for the
    /// East Asian wide and full-width ranges (CJK, kana, hangul, full-width forms, emoji).
    static func width(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        switch v {
        case 0x0300...0x036F, 0x0483...0x0489, 0x0591...0x05BD, 0x0610...0x061A, 0x064B...0x065F,
             0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x200B...0x200D, 0x20D0...0x20FF, 0xFE00...0xFE0F,
             0xFE20...0xFE2F, 0xFEFF:
            return 0
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
             0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// Columns a string takes.
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + width($1) }
    }

    /// The string cut to at most `columns` (with `…` when cut), whole characters only.
    static func fit(_ s: String, _ columns: Int) -> String {
        guard width(s) > columns else { return s }
        var kept = "", used = 0
        for ch in s {
            let w = ch.unicodeScalars.reduce(0) { $0 + width($1) }
            if used + w > columns - 1 { break }
            kept.append(ch)
            used += w
        }
        return kept + "…"
    }

    /// Fitted to `columns` and padded with spaces to exactly that many, on the right
    /// (`alignRight`: on the left, for numbers).
    static func cell(_ s: String, _ columns: Int, alignRight: Bool = false) -> String {
        let fitted = fit(s, columns)
        let pad = String(repeating: " ", count: max(0, columns - width(fitted)))
        return alignRight ? pad + fitted : fitted + pad
    }

    /// 1234567 → "1,234,567"; with `sign`, "+1,234" and "-1,234" ("0" stays "0").
    static func grouped(_ n: Int64, sign: Bool = false) -> String {
        let digits = String(n.magnitude)
        var out = n < 0 ? "-" : (sign && n > 0 ? "+" : "")
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    /// The text in lines of at most `columns`, broken at spaces (a word longer than a line
    /// stays whole on its own line).
    static func wrap(_ text: String, _ columns: Int = 80) -> [String] {
        guard width(text) > columns else { return [text] }
        var lines: [String] = [], line = "", used = 0, first = true
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let w = width(String(word))
            if used > 0 && used + 1 + w > columns {
                lines.append(line)
                line = ""
                used = 0
                first = true
            }
            if !first {
                line += " "
                used += 1
            }
            first = false
            line += word
            used += w
        }
        lines.append(line)
        return lines
    }
}
