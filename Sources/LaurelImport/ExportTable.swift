import CSV
import LaurelSources

/// A CRM export read as a table: the header and every record with the physical line where
/// it starts, so that an error names the line a spreadsheet or an editor shows.
///
/// CSV.swift keeps a quoted field's characters as written, line breaks included; a record
/// therefore spans one line plus the line breaks inside its fields, and counting them gives
/// each record's and field's first line without a parser of our own.
public struct ExportTable: Sendable {
    /// Header names, trimmed of surrounding spaces.
    public var header: [String]
    public var records: [Record]

    /// One record (row) of the export.
    public struct Record: Sendable {
        public var fields: [String]
        /// The physical line (from 1) where each field starts.
        public var lines: [Int]
        /// The physical line where the record starts.
        public var line: Int { lines.first ?? 1 }
    }

    /// A problem of the table itself, before any field is read: its line and column.
    public struct Problem: Error, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
    }

    /// Reads `text` (already decoded). Blank lines are skipped; a record whose field count
    /// differs from the header's is a problem at its line.
    public static func read(_ text: String) -> (ExportTable, [Problem]) {
        var problems: [Problem] = []
        guard let reader = try? CSVReader(string: text, hasHeaderRow: false) else {
            return (ExportTable(header: [], records: []), [Problem(line: 1, column: 1, message: "the export cannot be read as CSV")])
        }
        var line = 1
        var header: [String]?
        var records: [Record] = []
        while let row = reader.next() {
            var lines: [Int] = []
            lines.reserveCapacity(row.count)
            var at = line
            for field in row {
                lines.append(at)
                at += lineBreaks(in: field)
            }
            let start = line
            line = at + 1
            if row.count == 1 && row[0].isEmpty { continue }  // a blank line
            guard header != nil else {
                header = row.map { $0.trimmed(" \t") }
                continue
            }
            records.append(Record(fields: row, lines: lines))
            if let count = header?.count, row.count != count {
                problems.append(Problem(line: start, column: min(row.count, count + 1),
                                        message: "this row has \(row.count) field\(row.count == 1 ? "" : "s"), the header has \(count); a field with a comma or a line break must be in double quotes"))
            }
        }
        // An opening quote that is never closed runs to the end of the file (CSV.swift reads
        // on): an odd number of quote characters in the whole file is the sign of it.
        if text.utf8.reduce(0, { $0 + ($1 == 34 ? 1 : 0) }) % 2 == 1 {
            let last = records.last
            problems.append(Problem(line: last?.line ?? 1, column: last.map { r in (r.fields.firstIndex { lineBreaks(in: $0) > 0 } ?? r.fields.count - 1) + 1 } ?? 1,
                                    message: "a double quote is not closed, or a quote stands alone inside a field; every quoted field ends with \", and a quote inside one is written \"\""))
        }
        return (ExportTable(header: header ?? [], records: records), problems)
    }

    /// Line breaks as CSV.swift ends a record: CRLF, LF or CR.
    static func lineBreaks(in field: String) -> Int {
        var count = 0
        var previousCR = false
        for c in field.utf8 {
            if c == 13 { count += 1; previousCR = true; continue }
            if c == 10 && !previousCR { count += 1 }
            previousCR = false
        }
        return count
    }
}

extension String {
    /// The text without the given characters around it (no Foundation needed).
    func trimmed(_ set: String) -> String {
        // Called for every field of every row: no work when nothing is to be trimmed.
        let drop = Array(set.unicodeScalars)
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return self }
        if !drop.contains(first) && !drop.contains(last) { return self }
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, drop.contains(f) { scalars.removeFirst() }
        while let l = scalars.last, drop.contains(l) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
