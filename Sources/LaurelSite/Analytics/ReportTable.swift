import LaurelSources

/// One table of a period report, written twice from the same cells: as an HTML table on the
/// page (labels from the theme) and as a CSV file next to it (column ids as the header, numbers
/// as numbers), so the page and the spreadsheet can never disagree.
struct ReportTable: Sendable {
    enum Cell: Sendable {
        case text(String)
        /// Text linking to a page (a person, a team, a rule, a reward).
        case link(String, address: String)
        case number(Int64)
        /// A change: +20, −15.
        case signed(Int64)
        /// A ratio in 1/1000, shown as a percentage with one decimal (nil: not defined).
        case permille(Int64?)
        case period(Period)
        case day(Day)
    }

    struct Column: Sendable {
        /// The CSV header (stable, English, documented in docs/analytics.md).
        let id: String
        /// The theme string key of its heading on the page.
        let label: String
        let numeric: Bool
    }

    /// The CSV file's name (without `.csv`) and the section's anchor.
    let id: String
    let columns: [Column]
    var rows: [[Cell]] = []

    init(_ id: String, _ columns: [(String, String, Bool)]) {
        self.id = id
        self.columns = columns.map { Column(id: $0.0, label: $0.1, numeric: $0.2) }
    }

    /// "45.3" for 453/1000 (the page adds " %").
    static func percent(_ permille: Int64) -> String {
        let sign = permille < 0 ? "-" : ""
        let m = permille.magnitude
        return sign + String(m / 10) + "." + String(m % 10)
    }

    var csv: [UInt8] {
        var file = CSVFile(header: columns.map(\.id))
        for row in rows {
            file.append(row.map { cell -> CSVFile.Cell in
                switch cell {
                case .text(let s), .link(let s, _): return .text(s)
                case .number(let n), .signed(let n): return .number(n)
                case .permille(let p): return .text(p.map(ReportTable.percent) ?? "")
                case .period(let p): return .text(p.description)
                case .day(let d): return .text(d.description)
                }
            })
        }
        return file.bytes
    }
}

/// Horizontal bar charts as inline SVG, written by Laurel: no script, no external file. Bars
/// run left to right with the label before and the value after, which stays legible on a
/// 390 px phone (the chart scales with the page; its text is 12 units in a 360-unit viewBox) and
/// in print. Colours are from the Okabe–Ito palette, told apart by colour-blind readers, and
/// at least 3:1 against the white card (WCAG 1.4.11); text is the page's text colour (above
/// 4.5:1). The chart is an image with an accessible name; the same figures are in the table
/// next to it.
enum BarChart {
    struct Bar: Sendable {
        let label: String
        let values: [Int64]
    }

    /// Okabe–Ito blue (#0072B2, 5.2:1 on white) and vermillion (#D55E00, 3.9:1 on white).
    static let colours = ["#0072B2", "#D55E00"]
    static let text = "#1c2430"
    static let width = 360
    static let labelWidth = 122
    static let valueWidth = 58

    /// `series`: the name of each value of a bar (shown as a legend when there are two).
    static func svg(id: String, title: String, bars: [Bar], series: [String] = []) -> String {
        let perBar = max(1, bars.first?.values.count ?? 1)
        let barHeight = 14, gap = 8
        let rowHeight = perBar * barHeight + gap
        let legend = series.count > 1 ? 22 : 0
        let height = legend + bars.count * rowHeight + gap
        let maxValue = max(1, bars.flatMap(\.values).max() ?? 1)
        let span = width - labelWidth - valueWidth
        var out = "<svg class=\"chart\" role=\"img\" aria-labelledby=\"\(id)-t\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" font-size=\"12\" fill=\"\(text)\">"
        out += "<title id=\"\(id)-t\">" + XML.escape(title) + "</title>"
        if series.count > 1 {
            var x = labelWidth
            for (k, name) in series.enumerated() {
                out += "<rect x=\"\(x)\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(colours[k % colours.count])\"/>"
                out += "<text x=\"\(x + 16)\" y=\"14\">" + XML.escape(name) + "</text>"
                x += 16 + 12 * max(4, name.count) + 12
            }
        }
        for (i, bar) in bars.enumerated() {
            let top = legend + gap / 2 + i * rowHeight
            let middle = top + perBar * barHeight / 2 + 4
            out += "<text x=\"\(labelWidth - 6)\" y=\"\(middle)\" text-anchor=\"end\">" + XML.escape(shorten(bar.label)) + "</text>"
            for (k, value) in bar.values.enumerated() {
                let y = top + k * barHeight
                let length = value > 0 ? max(1, Int(value * Int64(span) / maxValue)) : 0
                if length > 0 {
                    out += "<rect x=\"\(labelWidth)\" y=\"\(y + 1)\" width=\"\(length)\" height=\"\(barHeight - 2)\" fill=\"\(colours[k % colours.count])\"/>"
                }
                out += "<text x=\"\(labelWidth + length + 4)\" y=\"\(y + barHeight - 3)\" font-size=\"11\">" + grouped(value) + "</text>"
            }
        }
        return out + "</svg>"
    }

    /// Long labels are cut so they fit before the bars (the table has them whole).
    static func shorten(_ s: String) -> String {
        // Wide (CJK) characters take about twice the width of Latin ones.
        var units = 0, kept = ""
        for ch in s {
            let w = ch.unicodeScalars.first.map { $0.value > 0x2E7F ? 2 : 1 } ?? 1
            if units + w > 18 { return kept + "…" }
            units += w
            kept.append(ch)
        }
        return kept
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = n < 0 ? "−" : ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
