import LaurelSources

/// `audit/flags.csv` and `audit/PERIOD/flags.csv` (managers only; docs/exports.md): one row
/// per flag, with every ledger line behind it.
enum AuditExport {
    static let header = ["scope", "flag", "person", "name", "approver", "count", "total", "value", "median", "deviations", "direction", "rule", "lines"]

    static func csv(_ audit: FairnessAudit, _ sources: PortalSources) -> [UInt8] {
        var csv = CSVFile(header: header)
        let scope = audit.period?.description ?? "all"
        let prefixes = sources.ledger.files.map { "ledger/" + $0.path + ":" }
        for flag in audit.flags {
            let person = sources.people[flag.person]
            let lines = flag.entries.map { i -> String in
                let e = sources.ledger.entries[Int(i)]
                return prefixes[Int(e.file)] + String(e.line)
            }
            let outlier = flag.kind == .outlier
            csv.append([.text(scope), .text(flag.kind.rawValue), .text(person.id), .text(person.name),
                        .text(flag.approver >= 0 ? sources.people[flag.approver].id : ""),
                        outlier ? .text("") : .number(flag.count), outlier || flag.kind == .repeated ? .text("") : .number(flag.total),
                        outlier || flag.kind == .repeated ? .number(flag.value) : .text(""),
                        .text(outlier ? AuditExport.decimal(flag.median) : ""), .text(outlier ? AuditExport.decimal(abs(flag.deviations)) : ""),
                        .text(outlier ? (flag.deviations > 0 ? "above" : "below") : ""),
                        .text(flag.rule >= 0 ? sources.rules[flag.rule].id : ""), .text(lines.joined(separator: " "))])
        }
        return csv.bytes
    }

    /// One decimal place (a text cell: CSVFile writes whole numbers only). The distance is
    /// written without its sign, which `direction` gives, so it never starts with `-`.
    static func decimal(_ x: Double) -> String {
        let tenths = (x * 10).rounded()
        let n = Int64(tenths)
        let sign = n < 0 ? "-" : ""
        return sign + String(n.magnitude / 10) + "." + String(n.magnitude % 10)
    }
}
