/// JSON escaping for the export and the build report. HTML is escaped by the template
/// writer (`HTMLWriter`), XML by `XML`, URLs are built from identifiers only.
public enum Escape {
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
}
