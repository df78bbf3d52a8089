/// JSON escaping for the export and the build report, and HTML for the few pages written
/// without templates. Template pages are escaped by `HTMLWriter`, XML by `XML`; URLs are built
/// from identifiers only.
public enum Escape {
    /// Text for HTML outside templates (serve's error pages, what-if's pages): `&`, `<`, `>`, quotes as
    /// entities; control (but tab and newline) and bidirectional-override characters shown as `U+XXXX`, so a
    /// hostile memo cannot reorder the line. Pages rendered from templates are escaped by `HTMLWriter`.
    public static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.unicodeScalars.append(c)
            default:
                if c.value < 0x20 || c.value == 0x7F || (0x202A...0x202E).contains(c.value) || (0x2066...0x2069).contains(c.value)
                    || c.value == 0x200E || c.value == 0x200F || c.value == 0x061C {
                    let hex = String(c.value, radix: 16, uppercase: true)
                    out += "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }

    /// A JSON string literal, quotes included. `<`, `>`, `&` and U+2028/2029 are escaped too,
    /// so the text is safe even inside an HTML script block or a JavaScript file.
    public static func json(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    let hex = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    /// `json(s)`, byte for byte, written into `out` (the export writes 50,000 of them).
    static func json(_ s: String, into out: inout ByteWriter) {
        var s = s
        s.withUTF8 { json($0, into: &out) }
    }

    static func json(_ utf8: UnsafeBufferPointer<UInt8>, into out: inout ByteWriter) {
        out.append(34)
        var start = 0
        var i = 0
        let hex: StaticString = "0123456789abcdef"
        while i < utf8.count {
            let c = utf8[i]
            var width = 1
            let escaped: StaticString?
            switch c {
            case 34: escaped = "\\\""
            case 92: escaped = "\\\\"
            case 10: escaped = "\\n"
            case 13: escaped = "\\r"
            case 9: escaped = "\\t"
            case 60: escaped = "\\u003c"
            case 62: escaped = "\\u003e"
            case 38: escaped = "\\u0026"
            case 0xE2 where i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
                escaped = utf8[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                width = 3
            default:
                escaped = nil
            }
            if escaped == nil && !(c < 0x20 || c == 0x7F) {
                i += 1
                continue
            }
            if start < i { out.append(UnsafeBufferPointer(rebasing: utf8[start..<i])) }
            if let escaped {
                out.append(escaped)
            } else {
                out.append("\\u00")
                out.append(hex.utf8Start[Int(c >> 4)])
                out.append(hex.utf8Start[Int(c & 15)])
            }
            i += width
            start = i
        }
        if start < utf8.count { out.append(UnsafeBufferPointer(rebasing: utf8[start..<utf8.count])) }
        out.append(34)
    }
}

