import LaurelSources

/// A map says how one CRM's export becomes ledger entries (docs/import.md): which columns
/// hold the record id, owner, date, amount and stage, which stages earn, which rule each kind
/// of row earns, and who the owners are. Read strictly, like every YAML source.
public struct ImportMap: Sendable {
    /// A column name of the map, with where the map wrote it.
    public struct Column: Sendable {
        public var name: String
        public var location: SourceLocation
    }
    /// A text of the map (a stage, a kind, an owner) with where it was written.
    public struct Placed: Sendable {
        public var text: String
        public var location: SourceLocation
    }

    /// Names the ledger file, `ledger/import/DATE-NN-SOURCE.ledger`.
    public var source: String
    public var encoding: ExportEncoding = .auto
    public var id: FieldTemplate
    public var idLocation: SourceLocation
    public var owner: Column
    public var date: Column
    public var dateFormat: DateFormat
    public var amount: Column?
    public var amountFormat = AmountFormat()
    public var stage: Column
    public var earning: [Placed]
    public var notEarning: [Placed]
    /// The rule of an earning row whose kind `rules` does not name (or of every row).
    public var rule: Placed?
    public var kind: Column?
    /// Kind value -> rule id, in the map's order.
    public var rules: [(kind: Placed, rule: Placed)] = []
    public var memo: FieldTemplate?
    public var memoLocation: SourceLocation?
    /// Owner as exported -> person id, in the map's order.
    public var owners: [(owner: Placed, person: Placed)] = []

    static let keys = ["source", "encoding", "id", "owner", "date", "date-format", "amount", "decimal-mark", "stage",
                       "earning", "not-earning", "rule", "kind", "rules", "memo", "owners"]

    /// Reads a map file; `path` is how diagnostics name it.
    public static func read(_ bytes: [UInt8], path: String) -> (ImportMap?, [Diagnostic]) {
        var y = StrictYAML(path: path)
        guard let node = y.parse(bytes) else {
            if y.sink.diagnostics.isEmpty { y.sink.error(1, 1, "the map is empty; it needs at least source:, id:, owner:, date:, stage:, earning: and rule:") }
            return (nil, y.sink.diagnostics)
        }
        var reader = MapReader(y: y)
        let map = reader.read(node)
        return (reader.y.sink.diagnostics.isEmpty ? map : nil, reader.y.sink.diagnostics.sorted())
    }

    /// Every column the map names, with where it names it.
    public var columns: [Column] {
        var all: [Column] = []
        for c in id.columns { all.append(Column(name: c, location: idLocation)) }
        all += [owner, date, stage]
        if let amount { all.append(amount) }
        if let kind { all.append(kind) }
        if let memo, let at = memoLocation { for c in memo.columns { all.append(Column(name: c, location: at)) } }
        return all
    }
}

private struct MapReader {
    var y: StrictYAML

    func location(_ node: YAMLNode) -> SourceLocation {
        let p = StrictYAML.position(node)
        return SourceLocation(path: y.sink.path, line: p.line, column: p.column)
    }

    mutating func column(_ f: StrictYAML.Fields, _ key: String, required: Bool) -> ImportMap.Column? {
        guard let n = required ? y.required(f, key, what: "the map") : f[key] else { return nil }
        guard let t = y.text(n, what: key) else { return nil }
        return ImportMap.Column(name: t.trimmed(" \t"), location: location(n))
    }

    mutating func template(_ n: YAMLNode, what: String) -> FieldTemplate? {
        guard let t = y.text(n, what: what) else { return nil }
        switch FieldTemplate.parse(t) {
        case .success(let template): return template
        case .failure(.unclosed):
            y.error(at: n, "\(what): a '{' is not closed; write a column name in braces, like zoho-{Record Id}")
        case .failure(.empty):
            y.error(at: n, "\(what): '{}' names no column; write a column name in braces, like zoho-{Record Id}")
        }
        return nil
    }

    mutating func placedList(_ n: YAMLNode, what: String) -> [ImportMap.Placed] {
        guard let list = y.sequence(n, what: what) else { return [] }
        return list.compactMap { item in y.text(item, what: what).map { ImportMap.Placed(text: $0, location: location(item)) } }
    }

    mutating func placedPairs(_ n: YAMLNode, what: String) -> [(ImportMap.Placed, ImportMap.Placed)] {
        guard case .mapping(let m) = n else {
            y.error(at: n, "expected \(what) as a mapping of `value: id` lines")
            return []
        }
        var pairs: [(ImportMap.Placed, ImportMap.Placed)] = []
        for (k, v) in m {
            guard let key = y.text(k, what: what), let value = y.identifier(v, what: what) else { continue }
            pairs.append((ImportMap.Placed(text: key, location: location(k)), ImportMap.Placed(text: value, location: location(v))))
        }
        return pairs
    }

    mutating func read(_ node: YAMLNode) -> ImportMap? {
        guard let f = y.mapping(node, what: "the map", allowed: ImportMap.keys) else { return nil }
        let source = y.required(f, "source", what: "the map").flatMap { y.identifier($0, what: "source") }
        var encoding = ExportEncoding.auto
        if let n = f["encoding"], let e = y.choice(n, what: "encoding", ExportEncoding.allCases.map(\.rawValue)) {
            encoding = ExportEncoding(rawValue: e) ?? .auto
        }
        let idNode = y.required(f, "id", what: "the map")
        let id = idNode.flatMap { template($0, what: "id") }
        if let id, let idNode, id.columns.isEmpty {
            y.error(at: idNode, "id: must name the column of the record id in braces, like zoho-{Record Id}; a fixed id would be the same for every row")
        }
        let owner = column(f, "owner", required: true)
        let date = column(f, "date", required: true)
        var dateFormat = DateFormat("YYYY-MM-DD")
        if let n = f["date-format"], let t = y.text(n, what: "date-format") {
            dateFormat = DateFormat(t)
            if dateFormat == nil {
                y.error(at: n, "unknown date-format '\(t)'; use YYYY, MM or M, DD or D, MMM and separators, like YYYY-MM-DD or MM/DD/YYYY")
            }
        }
        let amount = column(f, "amount", required: false)
        var amountFormat = AmountFormat()
        if let n = f["decimal-mark"], let t = y.choice(n, what: "decimal-mark", [".", ","]) {
            amountFormat = AmountFormat(decimalMark: t == "," ? "," : ".")
        }
        let stage = column(f, "stage", required: true)
        let earning = y.required(f, "earning", what: "the map").map { placedList($0, what: "earning") } ?? []
        let notEarning = f["not-earning"].map { placedList($0, what: "not-earning") } ?? []
        if let n = f["earning"], earning.isEmpty { y.error(at: n, "earning: lists the stage values that earn, such as [Closed Won]") }
        var seenStages: [String: SourceLocation] = [:]
        for s in earning + notEarning {
            if let first = seenStages[s.text] {
                y.sink.error(s.location.line, s.location.column, "stage '\(s.text)' is listed twice (first at line \(first.line)); a stage earns or does not")
            }
            seenStages[s.text] = s.location
        }
        var rule: ImportMap.Placed?
        if let n = f["rule"], let r = y.identifier(n, what: "rule") { rule = ImportMap.Placed(text: r, location: location(n)) }
        let kind = column(f, "kind", required: false)
        let rules = f["rules"].map { placedPairs($0, what: "rules") } ?? []
        if let n = f["rules"], kind == nil { y.error(at: n, "rules: picks a rule by the value of a column: name that column with kind:") }
        if let n = f["kind"], f["rules"] == nil { y.error(at: n, "kind: names a column whose values pick a rule: list them with rules:") }
        if f["rule"] == nil && f["rules"] == nil { y.error(at: f.node, "missing required key 'rule' in the map (or kind: with rules:); it names the rule earning rows earn") }
        let memoNode = f["memo"]
        let memo = memoNode.flatMap { template($0, what: "memo") }
        let owners = f["owners"].map { placedPairs($0, what: "owners") } ?? []
        guard let source, let id, let idNode, let owner, let date, let dateFormat, let stage else { return nil }
        var map = ImportMap(source: source, encoding: encoding, id: id, idLocation: location(idNode), owner: owner, date: date,
                            dateFormat: dateFormat, amount: amount, amountFormat: amountFormat, stage: stage,
                            earning: earning, notEarning: notEarning, rule: rule, kind: kind)
        map.rules = rules.map { (kind: $0.0, rule: $0.1) }
        map.memo = memo
        map.memoLocation = memoNode.map(location)
        map.owners = owners.map { (owner: $0.0, person: $0.1) }
        return map
    }
}
