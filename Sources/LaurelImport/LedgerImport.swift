import LaurelSite
import LaurelSources

/// `laurel import`: a CRM export and its map become one new ledger file (docs/import.md).
/// Planning reads and checks everything and computes the file; nothing is written unless the
/// plan has no error, and then by `ImportPlan.write` only.
public enum LedgerImport {
    /// What an import is given. `today` is the import day in portal.yaml's time zone: it names
    /// the new file, dates reversals and is the as-of day of the check.
    public struct Request: Sendable {
        public var export: [UInt8]
        /// The export as diagnostics name it (the argument as given).
        public var exportPath: String
        public var map: [UInt8]
        public var mapPath: String
        public var content: SourceTree
        public var today: Day
        public init(export: [UInt8], exportPath: String, map: [UInt8], mapPath: String, content: SourceTree, today: Day) {
            self.export = export
            self.exportPath = exportPath
            self.map = map
            self.mapPath = mapPath
            self.content = content
            self.today = today
        }
    }

    /// The folder under `ledger/` that imports write into.
    public static let folder = "ledger/import"

    /// Reads, checks and computes the import. The plan's `diagnostics` hold every problem;
    /// with any error, `file` is nil.
    public static func plan(_ request: Request) -> ImportPlan {
        var planner = Planner(request: request)
        return planner.run()
    }
}

/// The outcome of planning an import: the new ledger file (if any) and the counts.
public struct ImportPlan: Sendable {
    public var diagnostics: [Diagnostic] = []
    public var rowsRead = 0
    /// New `earn` entries.
    public var earned = 0
    /// `reverse` entries of records that changed since they were imported.
    public var reversed = 0
    /// Records already in the ledger as they are now.
    public var skipped = 0
    /// Rows whose stage does not earn and that were never imported.
    public var notEarning = 0
    /// Path relative to the content folder, e.g. `ledger/import/2026-12-06-01-zoho-deals.ledger`.
    public var path: String?
    /// The path as shown (under the `--content` argument).
    public var displayPath: String?
    /// The entry lines of the new file, in file order (for `--dry-run`).
    public var lines: [String] = []
    public var file: [UInt8]?
    public var encoding: ExportEncoding = .utf8

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Writes the new ledger file under `content` (the folder the plan was made from),
    /// atomically; does nothing when there is nothing to write or the plan has errors.
    public func write(content folder: String) throws {
        guard !hasErrors, let path, let file else { return }
        try AtomicFile.create(folder + "/" + path, bytes: file)
    }

    /// One line for the terminal.
    public func summary(export: String) -> String {
        let target = displayPath.map { " to \($0)" } ?? ""
        return "\(export): \(rowsRead) row\(rowsRead == 1 ? "" : "s") read, \(earned + reversed) entr\(earned + reversed == 1 ? "y" : "ies") written\(target) (\(earned) earn, \(reversed) reverse), \(skipped) skipped as already imported, \(notEarning) not earning"
    }
}

/// One entry the import will write, with the export's place it came from.
struct PlannedEntry {
    var date: Day
    var text: String
    /// The export line and column the entry comes from, and the record's id, for the check's
    /// diagnostics.
    var line: Int
    var column: Int
    var header: String
    var order: Int
}

struct Planner {
    let request: Request
    typealias Request = LedgerImport.Request
    var plan = ImportPlan()
    var problems: [Diagnostic] = []

    init(request: Request) { self.request = request }

    mutating func error(_ line: Int, _ column: Int, _ message: String) {
        problems.append(Diagnostic(path: request.exportPath, line: line, column: column, message: message))
    }

    mutating func finish() -> ImportPlan {
        plan.diagnostics = problems.sorted()
        if plan.hasErrors { plan.file = nil; plan.lines = []; plan.path = nil; plan.displayPath = nil }
        return plan
    }

    mutating func run() -> ImportPlan {
        let (mapValue, mapProblems) = ImportMap.read(request.map, path: request.mapPath)
        problems += mapProblems
        guard let map = mapValue else { return finish() }
        let decoded: ExportText.Decoded
        switch ExportText.decode(request.export, as: map.encoding) {
        case .success(let d): decoded = d
        case .failure(let at):
            let what = map.encoding == .utf8 ? "UTF-8 (the map says encoding: utf-8)" : "UTF-8 or GB18030"
            error(at.line, at.column, "the export is not valid \(what) from this byte on; save it as UTF-8 CSV")
            return finish()
        }
        plan.encoding = decoded.encoding
        let (table, tableProblems) = ExportTable.read(decoded.text)
        for p in tableProblems { error(p.line, p.column, p.message) }
        plan.rowsRead = table.records.count
        guard !table.header.isEmpty else {
            error(1, 1, "the export is empty; expected a header line naming the columns, then one line per record")
            return finish()
        }
        // Columns by name; a name the map uses must appear exactly once.
        var columnIndex: [String: Int] = [:]
        var repeated: Set<String> = []
        for (i, name) in table.header.enumerated() {
            if columnIndex[name] != nil { repeated.insert(name) } else { columnIndex[name] = i }
        }
        var mapOK = true
        for c in map.columns {
            if repeated.contains(c.name) {
                problems.append(c.location.error("the export has two columns named '\(c.name)'; rename one in the export"))
                mapOK = false
            } else if columnIndex[c.name] == nil {
                let known = table.header.map { "'\($0)'" }.joined(separator: ", ")
                problems.append(c.location.error("the export has no column '\(c.name)'; its columns are \(known)"))
                mapOK = false
            }
        }
        // The roster, the rules and the ledger as they are now.
        let (sources, _) = PortalSources.load(request.content, jobs: 2)
        let rules = RuleChoice(map: map, sources: sources)
        problems += rules.problems
        let owners = OwnerMatch(map: map, sources: sources)
        problems += owners.problems
        if !rules.problems.isEmpty || !owners.problems.isEmpty { mapOK = false }
        guard mapOK else { return finish() }
        let columns = Columns(map: map, index: columnIndex)
        var rows: [ExportRow] = []
        var seenIds: [String: Int] = [:]
        for record in table.records {
            guard record.fields.count == table.header.count else { continue }  // reported above
            var reader = RowReader(record: record, header: table.header, columns: columns, map: map,
                                   sources: sources, owners: owners, rules: rules)
            let row = reader.read()
            for p in reader.problems { error(p.line, p.column, p.message) }
            guard let row else { continue }
            if let first = seenIds[row.id] {
                error(row.idLine, row.idColumn, "\(row.idHeader): record id '\(row.id)' appears twice in the export (first on line \(first)); each record is one row")
                continue
            }
            seenIds[row.id] = row.idLine
            rows.append(row)
        }
        guard problems.isEmpty else { return finish() }
        let entries = diff(rows, against: sources.ledger, sources: sources, source: map.source)
        guard problems.isEmpty else { return finish() }
        guard !entries.isEmpty else { return finish() }
        write(entries, map: map)
        check(entries)
        return finish()
    }

    // MARK: changes against the ledger

    mutating func diff(_ rows: [ExportRow], against ledger: Ledger, sources: PortalSources, source: String) -> [PlannedEntry] {
        var byId: [String: Int] = [:]
        byId.reserveCapacity(ledger.entries.count)
        for (i, e) in ledger.entries.enumerated() where e.id >= 0 {
            if let name = ledger.idName(of: e) { byId[name] = i }
        }
        var reversedEntries = Set<Int>()
        for e in ledger.entries where e.verb == .reverse && e.isValid && e.subject >= 0 { reversedEntries.insert(Int(e.subject)) }
        let newPath = nextPath(source: source)
        var entries: [PlannedEntry] = []
        for row in rows {
            var versions: [Int] = []
            var candidate = row.id
            while let i = byId[candidate] {
                versions.append(i)
                candidate = row.id + ".r\(versions.count + 1)"
            }
            let next = versions.isEmpty ? row.id : candidate
            var live: Int?
            if let last = versions.last {
                let e = ledger.entries[last]
                guard e.verb == .earn else {
                    error(row.idLine, row.idColumn, "\(row.idHeader): id '\(ledger.idName(of: e) ?? row.id)' is already used by a \(e.verb.name) entry at \(ledger.location(of: e).path):\(e.line); change the map's id: template so that CRM records get ids of their own")
                    continue
                }
                if !reversedEntries.contains(last) { live = last }
            }
            let wanted = row.earn
            if let live {
                let e = ledger.entries[live]
                if let w = wanted, Int(e.person) == w.person, Int(e.subject) == w.rule, e.date == w.date, e.amount == (w.amount ?? -1) {
                    plan.skipped += 1
                    continue
                }
                // Changed (or no longer earning): undo what was imported, on the import day or
                // later, and always after the entry in ledger order.
                var date = max(request.today, e.date)
                let oldPath = ledger.files[Int(e.file)].path
                if date == e.date && !oldPath.utf8.lexicographicallyPrecedes(newPath.utf8) { date = date.adding(days: 1) }
                let oldId = ledger.idName(of: e) ?? row.id
                let why = wanted == nil ? "stage is now \(row.stage)" : "the record changed in the CRM"
                entries.append(PlannedEntry(date: date, text: "\(date) reverse \(oldId) \(LedgerText.memo("import: \(why)"))",
                                            line: row.idLine, column: row.idColumn, header: row.idHeader, order: entries.count))
                plan.reversed += 1
            } else if wanted == nil {
                if versions.isEmpty { plan.notEarning += 1 } else { plan.skipped += 1 }
                continue
            }
            guard let w = wanted else { continue }
            var text = "\(w.date) earn \(sources.people[w.person].id) \(sources.rules[w.rule].id)"
            if let amount = w.amount { text += " amount:\(amount)" }
            text += " id:\(next)"
            if !row.memo.isEmpty { text += " " + LedgerText.memo(row.memo) }
            entries.append(PlannedEntry(date: w.date, text: text, line: row.idLine, column: row.idColumn, header: row.idHeader, order: entries.count))
            plan.earned += 1
        }
        // No date goes backwards inside the file (FORMAT.md 7.3): by date, then export order.
        return entries.sorted { ($0.date, $0.order) < ($1.date, $1.order) }
    }

    /// `import/DATE-NN-SOURCE.ledger` relative to `ledger/`: the first number of the day that
    /// no file has yet, so that a day's imports sort in the order they were made.
    func nextPath(source: String) -> String {
        let prefix = LedgerImport.folder + "/\(request.today)-"
        var used = Set<Int>()
        for path in request.content.files.keys where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            if let n = Int(rest.prefix(2)), rest.dropFirst(2).hasPrefix("-") { used.insert(n) }
        }
        var n = 1
        while used.contains(n) { n += 1 }
        let number = n < 10 ? "0\(n)" : "\(n)"
        return "import/\(request.today)-\(number)-\(source).ledger"
    }

    mutating func write(_ entries: [PlannedEntry], map: ImportMap) {
        let relative = "ledger/" + nextPath(source: map.source)
        let exportName = request.exportPath.split(separator: "/").last.map(String.init) ?? request.exportPath
        let mapName = request.mapPath.split(separator: "/").last.map(String.init) ?? request.mapPath
        var text = "; imported by laurel import on \(request.today) from \(LedgerText.clean(exportName)) with \(LedgerText.clean(mapName))\n"
        text += "; do not edit: a later import compares the CRM's records with these lines by id\n"
        plan.lines = entries.map(\.text)
        for e in entries { text += e.text + "\n" }
        plan.path = relative
        plan.displayPath = request.content.display(relative)
        plan.file = Array(text.utf8)
    }

    // MARK: the check of the would-be content

    static let headerLines = 2

    mutating func check(_ entries: [PlannedEntry]) {
        guard let path = plan.path, let file = plan.file else { return }
        var tree = request.content
        tree.files[path] = file
        let run = PortalRun.check(tree, asOf: .day(request.today))
        let shown = tree.display(path)
        for d in run.diagnostics where d.severity == .error {
            if d.path == shown, d.line > Planner.headerLines, d.line - Planner.headerLines <= entries.count {
                let e = entries[d.line - Planner.headerLines - 1]
                error(e.line, e.column, "\(e.header): the ledger would not pass the check with this record: \(d.message)")
            } else {
                problems.append(Diagnostic(path: d.path, line: d.line, column: d.column,
                                           message: d.message + " (with the import's entries in place; nothing was written)"))
            }
        }
    }
}

// MARK: reading one row

/// The map's columns as indices into the export's header.
struct Columns {
    /// Every column of the export by header name (templates may name any).
    var byName: [String: Int]
    var owner: Int
    var date: Int
    var amount: Int?
    var stage: Int
    var kind: Int?

    init(map: ImportMap, index: [String: Int]) {
        byName = index
        owner = index[map.owner.name] ?? 0
        date = index[map.date.name] ?? 0
        amount = map.amount.flatMap { index[$0.name] }
        stage = index[map.stage.name] ?? 0
        kind = map.kind.flatMap { index[$0.name] }
    }
}

/// A row ready to be compared with the ledger.
struct ExportRow {
    struct Earn {
        var person: Int
        var rule: Int
        var date: Day
        var amount: Int64?
    }
    var id: String
    var idLine: Int
    var idColumn: Int
    var idHeader: String
    var stage: String
    var memo: String
    /// Nil when the row's stage does not earn.
    var earn: Earn?
}

/// Which rule an earning row earns, checked once against rules.yaml.
struct RuleChoice {
    var byKind: [String: Int] = [:]
    var fallback: Int?
    var problems: [Diagnostic] = []

    init(map: ImportMap, sources: PortalSources) {
        func resolve(_ p: ImportMap.Placed) -> Int? {
            guard let r = sources.ruleIndex.find(p.text) else {
                problems.append(p.location.error("unknown rule '\(p.text)'; it must be an id of rules.yaml"))
                return nil
            }
            let rule = sources.rules[Int(r)]
            if rule.isTarget {
                problems.append(p.location.error("'\(p.text)' is a target rule: its points come from targets.yaml, never from ledger entries; name the rule whose amounts it sums"))
                return nil
            }
            if rule.versions.contains(where: { $0.per != nil }) && map.amount == nil {
                problems.append(p.location.error("'\(p.text)' is a rate rule (per:): its entries need an amount; name the column with amount:"))
                return nil
            }
            return Int(r)
        }
        if let r = map.rule { fallback = resolve(r) }
        for (kind, rule) in map.rules {
            if let r = resolve(rule) { byKind[kind.text] = r }
        }
    }
}

/// Owners as exported, matched to people: the map's `owners:` first, then the roster's
/// names (spaces around and repeated inside a name do not count).
struct OwnerMatch {
    var table: [String: Int] = [:]
    var byName: [String: [Int]] = [:]
    var problems: [Diagnostic] = []

    static func normal(_ name: String) -> String {
        name.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\u{00A0}" }).joined(separator: " ")
    }

    init(map: ImportMap, sources: PortalSources) {
        for (i, p) in sources.people.enumerated() { byName[OwnerMatch.normal(p.name), default: []].append(i) }
        for (owner, person) in map.owners {
            guard let p = sources.peopleIndex.find(person.text) else {
                problems.append(person.location.error("unknown person '\(person.text)' for owner '\(owner.text)'; it must be an id of people.yaml"))
                continue
            }
            table[OwnerMatch.normal(owner.text)] = Int(p)
        }
    }
}

struct RowReader {
    let record: ExportTable.Record
    let header: [String]
    let columns: Columns
    let map: ImportMap
    let sources: PortalSources
    let owners: OwnerMatch
    let rules: RuleChoice
    var problems: [ExportTable.Problem] = []

    func field(_ i: Int) -> String { record.fields[i].trimmed(" \t") }

    mutating func fail(_ i: Int, _ message: String) {
        problems.append(ExportTable.Problem(line: record.lines[i], column: i + 1, message: "\(header[i]): \(message)"))
    }

    func render(_ template: FieldTemplate) -> String {
        var out = ""
        for part in template.parts {
            switch part {
            case .text(let t): out += t
            case .column(let c): if let i = columns.byName[c] { out += field(i) }
            }
        }
        return out
    }

    mutating func read() -> ExportRow? {
        let idColumn = map.id.columns.first.flatMap { columns.byName[$0] } ?? 0
        var id = ""
        for part in map.id.parts {
            switch part {
            case .text(let t): id += t
            case .column(let c):
                // Ids are lower case (FORMAT.md 1): a CRM's `ABC123` is the same record as `abc123`.
                if let i = columns.byName[c] { id += field(i).lowercased() }
            }
        }
        var ok = true
        if map.id.columns.contains(where: { c in columns.byName[c].map { field($0).isEmpty } ?? true }) {
            fail(idColumn, "the record id is empty; every row needs one, the import tells records apart by it")
            ok = false
        } else if !Identifier.isValid(id) || id.utf8.count > 60 {
            fail(idColumn, "the id '\(LedgerText.clean(id))' made from it is not a valid ledger id (\(Identifier.rule), at most 60 here, so that a corrected record's .rN fits); change the map's id: template")
            ok = false
        }
        let stage = field(columns.stage)
        var earns = false
        if map.earning.contains(where: { $0.text == stage }) { earns = true } else if !map.notEarning.contains(where: { $0.text == stage }) {
            let listed = (map.earning + map.notEarning).map { "'\($0.text)'" }.joined(separator: ", ")
            fail(columns.stage, "unknown stage '\(LedgerText.clean(stage))'; the map knows \(listed): add it to earning: or not-earning:")
            ok = false
        }
        let memo = map.memo.map { render($0) } ?? ""
        let base = ExportRow(id: id, idLine: record.lines[idColumn], idColumn: idColumn + 1, idHeader: header[idColumn],
                             stage: LedgerText.clean(stage), memo: memo, earn: nil)
        guard earns else { return ok ? base : nil }
        // An earning row: who, when, which rule, how much.
        let person = owner()
        let date: Day?
        let rawDate = field(columns.date)
        if let d = map.dateFormat.parse(rawDate) { date = d } else {
            fail(columns.date, rawDate.isEmpty ? "the date is empty; an earning row needs one" : "'\(LedgerText.clean(rawDate))' is not a date of the form \(map.dateFormat) (the map's date-format:)")
            date = nil
        }
        var rule = rules.fallback
        if let k = columns.kind {
            let kind = field(k)
            if let r = rules.byKind[kind] { rule = r } else if rule == nil {
                let listed = map.rules.map { "'\($0.kind.text)'" }.joined(separator: ", ")
                fail(k, "no rule for '\(LedgerText.clean(kind))'; the map's rules: lists \(listed) (add it, or give a rule: for every other value)")
            }
        }
        var amount: Int64?
        let isRate = rule.map { sources.rules[$0].versions.contains { $0.per != nil } } ?? false
        if let a = columns.amount {
            let raw = field(a)
            if !(raw.isEmpty && !isRate) {
                switch map.amountFormat.parse(raw) {
                case .success(let n): amount = n
                case .failure(.empty): fail(a, "the amount is empty; rule '\(rule.map { sources.rules[$0].id } ?? "")' is a rate rule and needs one")
                case .failure(.negative): fail(a, "the amount '\(LedgerText.clean(raw))' is negative; an earn's amount is 0 or more (a correction is a changed record, not a negative one)")
                case .failure(.tooLarge): fail(a, "the amount '\(LedgerText.clean(raw))' has more than 12 digits")
                case .failure(.notANumber): fail(a, "'\(LedgerText.clean(raw))' is not an amount; write digits with an optional currency sign, thousands separators and \(map.amountFormat.decimalMark) for decimals")
                }
            }
        }
        if let person, let date {
            let p = sources.people[person]
            if let j = p.joined, date < j { fail(columns.date, "\(date) is before \(p.id) joined (\(j), people.yaml)") }
            if let l = p.left, date > l { fail(columns.date, "\(date) is after \(p.id) left (\(l), people.yaml)") }
        }
        if let rule, let date {
            let r = sources.rules[rule]
            if let v = r.versionIndex(on: date) {
                if r.versions[v].retired { fail(columns.date, "rule '\(r.id)' is retired on \(date) (since \(r.versions[v].since), rules.yaml)") }
            } else {
                fail(columns.date, "rule '\(r.id)' is not in force on \(date); its first version is since \(r.versions.first?.since.description ?? "?")")
            }
        }
        guard ok, problems.isEmpty, let person, let date, let rule else { return nil }
        var row = base
        row.earn = ExportRow.Earn(person: person, rule: rule, date: date, amount: amount)
        return row
    }

    mutating func owner() -> Int? {
        let raw = field(columns.owner)
        let name = OwnerMatch.normal(raw)
        if name.isEmpty {
            fail(columns.owner, "the owner is empty; an earning row needs the salesperson")
            return nil
        }
        if let p = owners.table[name] { return p }
        let found = owners.byName[name] ?? []
        if found.count == 1 { return found[0] }
        if found.isEmpty {
            fail(columns.owner, "unknown owner '\(LedgerText.clean(raw))': no one in people.yaml has this name; add it to the map's owners: (owner: person-id)")
        } else {
            let ids = found.map { sources.people[$0].id }.joined(separator: ", ")
            fail(columns.owner, "owner '\(LedgerText.clean(raw))' is ambiguous: people.yaml has \(found.count) people of that name (\(ids)); say which in the map's owners:")
        }
        return nil
    }
}
