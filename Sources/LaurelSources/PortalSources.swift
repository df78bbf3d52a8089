/// Everything a portal is built from, read and checked (FORMAT.md sections 1 to 7 and 9).
/// Indices (`Int32`) refer into the arrays here; ids appear only in the arrays.
public struct PortalSources: Sendable {
    public var settings: PortalSettings
    public var people: [Person] = []
    public var peopleIndex = SymbolTable()
    public var teams: [Team] = []
    public var teamIndex = SymbolTable()
    public var rules: [Rule] = []
    public var ruleIndex = SymbolTable()
    public var rewards: [Reward] = []
    public var rewardIndex = SymbolTable()
    /// Titles in increasing `min`.
    public var titles: [Title] = []
    public var badges: [Badge] = []
    public var targets: [SalesTarget] = []
    public var ledger = Ledger()
    public var pages: [ContentPage] = []
    /// Paths under `assets/`, relative to it, in byte order.
    public var assets: [String] = []
    public init(settings: PortalSettings) { self.settings = settings }

    public static let defaultSettings = PortalSettings(
        title: "Laurel", period: .quarter, expiry: .endOf(.year), locale: .en, timezone: "UTC", baseURL: nil)

    /// Reads and checks every source of `tree`. Returns the sources (complete only when there
    /// are no errors) and every problem found, sorted.
    /// `ledgerCache`: ledger chunks parsed by an earlier build (`laurel build`), reused when
    /// their bytes and the YAML files are the same.
    public static func load(_ tree: consuming SourceTree, jobs: Int = 2, ledgerCache: ParsedLedgerCache? = nil) -> (PortalSources, [Diagnostic]) {
        var loader = SourcesLoader(tree: tree)
        let sources = loader.load(jobs: jobs, ledgerCache: ledgerCache)
        return (sources, loader.diagnostics.sorted())
    }
}

struct SourcesLoader {
    var tree: SourceTree
    var diagnostics: [Diagnostic] = []
    /// The YAML files, parsed ahead on every core (people.yaml and targets.yaml of a large
    /// department take tens of milliseconds each); read in the order `load` needs them.
    var parsed: [String: ParsedYAML] = [:]

    init(tree: SourceTree) { self.tree = tree }

    static let yamlFiles = ["portal.yaml", "teams.yaml", "people.yaml", "rules.yaml", "honours.yaml", "rewards.yaml", "targets.yaml"]

    /// A parsed file handed from the thread that parsed it to the loader.
    struct ParsedYAML: Sendable {
        var reader: StrictYAML
        var node: YAMLNode?
    }

    /// Parses the YAML files on every core and, beside them, gathers the ledger's bytes (in
    /// pieces, so whichever core is free copies).
    mutating func parseYAML(jobs: Int) -> LedgerReader.Gathered {
        let present = SourcesLoader.yamlFiles.filter { tree.files[$0] != nil }
        let inputs = present.map { (path: tree.display($0), bytes: tree.files[$0] ?? []) }
        let ledgerFiles = LedgerReader.Files(taking: &tree)
        let plan = LedgerReader.GatherPlan(ledgerFiles)
        // Largest first, so the work spreads evenly over the cores; the ledger's pieces last.
        let order = inputs.indices.sorted { inputs[$0].bytes.count > inputs[$1].bytes.count }
        var results: [ParsedYAML?] = []
        let storage = [UInt8](unsafeUninitializedCapacity: plan.total) { buffer, count in
            // No huge pages here (decision 125): these bytes are read in order, once, and a
            // 2 MB page zeroed at the first touch cost more than the TLB misses it saves.
            let target = SharedBytes(buffer: buffer)
            results = Parallel.map(order.count + plan.pieceCount, jobs: jobs) { k -> ParsedYAML? in
                guard k < order.count else {
                    plan.copy(k - order.count, from: ledgerFiles, into: target.buffer)
                    return nil
                }
                let i = order[k]
                var reader = StrictYAML(path: inputs[i].path)
                let node = reader.parse(inputs[i].bytes)
                return ParsedYAML(reader: reader, node: node)
            }
            count = plan.total
        }
        ledgerFiles.release()
        for (k, result) in results.prefix(order.count).enumerated() {
            if let result { parsed[present[order[k]]] = result }
        }
        return plan.finish(storage)
    }

    mutating func yaml(_ name: String, required: Bool) -> (StrictYAML, YAMLNode)? {
        guard let bytes = tree.files[name] else {
            if required {
                diagnostics.append(Diagnostic(path: tree.display(name), line: 1, column: 1,
                                              message: "missing required file \(name); every portal has portal.yaml, people.yaml, teams.yaml and rules.yaml"))
            }
            return nil
        }
        var reader: StrictYAML
        let parsedNode: YAMLNode?
        if let ahead = parsed.removeValue(forKey: name) {
            reader = ahead.reader
            parsedNode = ahead.node
        } else {
            reader = StrictYAML(path: tree.display(name))
            parsedNode = reader.parse(bytes)
        }
        guard let node = parsedNode else {
            if reader.sink.diagnostics.isEmpty {
                reader.sink.error(1, 1, "the file is empty; expected \(name == "portal.yaml" || name == "honours.yaml" || name == "targets.yaml" ? "a mapping" : "a list")")
            }
            diagnostics += reader.sink.diagnostics
            return nil
        }
        return (reader, node)
    }

    mutating func load(jobs: Int, ledgerCache: ParsedLedgerCache? = nil) -> PortalSources {
        // What ledger lines are resolved against comes from the YAML files alone: their paths
        // and bytes are in the key of every kept chunk.
        var yaml = ContentHash()
        if ledgerCache != nil {
            for path in SourcesLoader.yamlFiles {
                guard let bytes = tree.files[path] else { continue }
                yaml.update(Array("\(path)\u{0}\(bytes.count)\u{0}".utf8))
                yaml.update(bytes)
            }
        }
        let gathered = parseYAML(jobs: jobs)
        var sources = PortalSources(settings: readPortal() ?? PortalSources.defaultSettings)
        readTeams(&sources)
        readPeople(&sources)
        readRules(&sources)
        readHonours(&sources)
        readRewards(&sources)
        readTargets(&sources)
        sources.assets = tree.paths(under: "assets", suffix: "").map { String($0.dropFirst("assets/".count)) }
        let references = LedgerReader.References(
            people: sources.people, peopleIndex: sources.peopleIndex, rules: sources.rules, ruleIndex: sources.ruleIndex,
            rewards: sources.rewards, rewardIndex: sources.rewardIndex)
        let (ledger, ledgerDiagnostics) = LedgerReader(references: references, jobs: jobs).read(gathered, cache: ledgerCache.map { ($0, yaml.value) })
        sources.ledger = ledger
        diagnostics += ledgerDiagnostics
        let (pageList, pageDiagnostics) = SourcesLoader.readPages(tree, sources)
        sources.pages = pageList
        diagnostics += pageDiagnostics
        checkFileReferences(sources)
        return sources
    }

    // MARK: portal.yaml

    mutating func readPortal() -> PortalSettings? {
        guard case (var y, let node)? = yaml("portal.yaml", required: true) else { return nil }
        defer { diagnostics += y.sink.diagnostics }
        guard let f = y.mapping(node, what: "portal.yaml", allowed: ["title", "period", "expiry", "locale", "timezone", "base-url", "audit"]) else { return nil }
        var settings = PortalSources.defaultSettings
        var ok = true
        if let n = y.required(f, "title", what: "portal.yaml"), let t = y.text(n, what: "title") { settings.title = t } else { ok = false }
        if let n = y.required(f, "period", what: "portal.yaml"), let p = y.choice(n, what: "period", ["month", "quarter", "year"]),
           let kind = PeriodKind(rawValue: p) {
            settings.period = kind
        } else { ok = false }
        if let n = y.required(f, "expiry", what: "portal.yaml"), let e = expiry(&y, n) { settings.expiry = e } else { ok = false }
        if let n = f["locale"] {
            if let l = y.choice(n, what: "locale", ["zh-CN", "en"]), let locale = PortalSettings.Locale(rawValue: l) { settings.locale = locale } else { ok = false }
        }
        if let n = f["timezone"] {
            if let t = y.text(n, what: "timezone") {
                if TimeZoneCheck.isKnown(t) { settings.timezone = t } else {
                    y.error(at: n, "unknown time zone '\(t)'; use an IANA name such as Asia/Shanghai or UTC")
                    ok = false
                }
            } else { ok = false }
        }
        if let n = f["base-url"] {
            if let t = y.text(n, what: "base-url") {
                if (t.hasPrefix("https://") || t.hasPrefix("http://")) && !t.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" }) {
                    settings.baseURL = t.hasSuffix("/") ? t : t + "/"
                } else {
                    y.error(at: n, "base-url must be an absolute http:// or https:// address, found '\(t)'")
                    ok = false
                }
            } else { ok = false }
        }
        if let n = f["audit"] {
            if let t = auditThresholds(&y, n) { settings.audit = t } else { ok = false }
        }
        return ok ? settings : settings
    }

    func expiry(_ y: inout StrictYAML, _ n: YAMLNode) -> ExpiryPolicy? {
        guard let t = y.text(n, what: "expiry") else { return nil }
        guard let e = ExpiryPolicy(t) else {
            y.error(at: n, "unknown expiry '\(t)'; expected never, month, quarter, year or months:N (N from 1 to 1200)")
            return nil
        }
        return e
    }

    // MARK: people.yaml, teams.yaml

    mutating func readTeams(_ s: inout PortalSources) {
        guard case (var y, let node)? = yaml("teams.yaml", required: true) else { return }
        defer { diagnostics += y.sink.diagnostics }
        guard let list = y.sequence(node, what: "teams") else { return }
        var leads: [(Int, YAMLNode)] = []
        for item in list {
            guard let f = y.mapping(item, what: "a team", allowed: ["id", "name", "lead"]) else { continue }
            guard let idNode = y.required(f, "id", what: "a team"), let id = y.identifier(idNode, what: "a team id") else { continue }
            let name = y.required(f, "name", what: "team '\(id)'").flatMap { y.text($0, what: "name") } ?? id
            if s.teamIndex.insert(Array(id.utf8)).inserted {
                let p = StrictYAML.position(item)
                s.teams.append(Team(id: id, name: name, lead: nil, location: SourceLocation(path: y.sink.path, line: p.line, column: p.column)))
                if let lead = f["lead"] { leads.append((s.teams.count - 1, lead)) }
            } else {
                y.error(at: idNode, "duplicate team id '\(id)'")
            }
        }
        // Leads are people: resolved once people.yaml is read.
        pendingLeads = leads.map { ($0.0, $0.1, y.sink.path) }
    }

    var pendingLeads: [(Int, YAMLNode, String)] = []

    mutating func readPeople(_ s: inout PortalSources) {
        if case (var y, let node)? = yaml("people.yaml", required: true) {
            if let list = y.sequence(node, what: "people") {
                s.people.reserveCapacity(list.count)
                for item in list { readPerson(&y, item, &s) }
            }
            diagnostics += y.sink.diagnostics
        }
        for (team, node, path) in pendingLeads {
            var y = StrictYAML(path: path)
            if let id = y.identifier(node, what: "lead") {
                if let p = s.peopleIndex.find(id) { s.teams[team].lead = p } else {
                    y.error(at: node, "unknown person '\(id)' as lead of team '\(s.teams[team].id)'; it must be an id of people.yaml")
                }
            }
            diagnostics += y.sink.diagnostics
        }
    }

    private mutating func readPerson(_ y: inout StrictYAML, _ item: YAMLNode, _ s: inout PortalSources) {
        guard let f = y.mapping(item, what: "a person", allowed: ["id", "name", "team", "joined", "left", "leaderboard"]) else { return }
        guard let idNode = y.required(f, "id", what: "a person"), let id = y.identifier(idNode, what: "a person id") else { return }
        let name = y.required(f, "name", what: "person '\(id)'").flatMap { y.text($0, what: "name") } ?? id
        var team: Int32 = -1
        if let t = y.required(f, "team", what: "person '\(id)'"), let teamId = y.identifier(t, what: "team") {
            if let found = s.teamIndex.find(teamId) { team = found } else {
                y.error(at: t, "unknown team '\(teamId)' for '\(id)'; it must be an id of teams.yaml")
            }
        }
        let joined = f["joined"].flatMap { y.day($0, what: "joined") }
        let left = f["left"].flatMap { y.day($0, what: "left") }
        if let j = joined, let l = left, l < j, let n = f["left"] {
            y.error(at: n, "left (\(l)) is before joined (\(j))")
        }
        let leaderboard = f["leaderboard"].flatMap { y.bool($0, what: "leaderboard") } ?? true
        guard s.peopleIndex.insert(Array(id.utf8)).inserted else {
            y.error(at: idNode, "duplicate person id '\(id)'")
            return
        }
        let p = StrictYAML.position(item)
        s.people.append(Person(id: id, name: name, team: team, joined: joined, left: left, leaderboard: leaderboard,
                               location: SourceLocation(path: y.sink.path, line: p.line, column: p.column)))
    }

    // MARK: rules.yaml

    mutating func readRules(_ s: inout PortalSources) {
        guard case (var y, let node)? = yaml("rules.yaml", required: true) else { return }
        defer { diagnostics += y.sink.diagnostics }
        guard let list = y.sequence(node, what: "rules") else { return }
        // Two passes: a target's metric may name a rule listed after it.
        var metrics: [(Int, YAMLNode)] = []
        for item in list {
            guard let f = y.mapping(item, what: "a rule", allowed: ["id", "name", "category", "page", "kind", "metric", "period", "versions"]) else { continue }
            guard let idNode = y.required(f, "id", what: "a rule"), let id = y.identifier(idNode, what: "a rule id") else { continue }
            let name = y.required(f, "name", what: "rule '\(id)'").flatMap { y.text($0, what: "name") } ?? id
            let category = f["category"].flatMap { y.identifier($0, what: "category") } ?? "other"
            var page: String?
            if let n = f["page"], let t = y.text(n, what: "page") {
                if PagePath.isValid(t) { page = t } else {
                    y.error(at: n, "page '\(t)' must be a path under pages/ without .md, such as rules/deal-won")
                }
            }
            var isTarget = false
            if let n = f["kind"], let k = y.choice(n, what: "rule kind", ["target"]) { isTarget = k == "target" }
            var targetPeriod = PeriodKind.quarter
            var metricNode: YAMLNode?
            if isTarget {
                metricNode = y.required(f, "metric", what: "target rule '\(id)'")
                if let n = y.required(f, "period", what: "target rule '\(id)'"), let p = y.choice(n, what: "period", ["month", "quarter", "year"]),
                   let kind = PeriodKind(rawValue: p) { targetPeriod = kind }
            } else {
                for key in ["metric", "period"] {
                    if let n = f[key] { y.error(at: n, "\(key): belongs to target rules only (kind: target)") }
                }
            }
            var versions: [RuleVersion] = []
            if let n = y.required(f, "versions", what: "rule '\(id)'"), let list = y.sequence(n, what: "versions") {
                if list.isEmpty { y.error(at: n, "rule '\(id)' needs at least one version") }
                for v in list {
                    guard let version = readVersion(&y, v, ruleId: id, target: isTarget) else { continue }
                    if let last = versions.last, version.since <= last.since {
                        y.error(at: v, "versions of '\(id)' must be in date order with distinct since dates; \(version.since) is not after \(last.since)")
                        continue
                    }
                    versions.append(version)
                }
            }
            guard s.ruleIndex.insert(Array(id.utf8)).inserted else {
                y.error(at: idNode, "duplicate rule id '\(id)'")
                continue
            }
            let p = StrictYAML.position(item)
            s.rules.append(Rule(id: id, name: name, category: category, page: page,
                                kind: isTarget ? .target(metric: -1, period: targetPeriod) : .activity,
                                versions: versions, location: SourceLocation(path: y.sink.path, line: p.line, column: p.column)))
            // Only once the rule is in: a duplicate id is left out, and its metric with it.
            if let n = metricNode { metrics.append((s.rules.count - 1, n)) }
        }
        for (ruleIndex, n) in metrics {
            guard let metric = y.identifier(n, what: "metric") else { continue }
            guard let m = s.ruleIndex.find(metric) else {
                y.error(at: n, "unknown rule '\(metric)' as metric; it must be an id of rules.yaml")
                continue
            }
            if s.rules[Int(m)].isTarget {
                y.error(at: n, "metric '\(metric)' is a target rule; a metric names a rule whose earn entries carry amount:")
                continue
            }
            if case .target(_, let period) = s.rules[ruleIndex].kind {
                s.rules[ruleIndex].kind = .target(metric: m, period: period)
            }
        }
    }

    private func readVersion(_ y: inout StrictYAML, _ node: YAMLNode, ruleId: String, target: Bool) -> RuleVersion? {
        let keys = target ? ["since", "points", "expiry", "retired"] : ["since", "per", "points", "cap", "expiry", "retired"]
        guard let f = y.mapping(node, what: target ? "a version of target rule '\(ruleId)'" : "a version of rule '\(ruleId)'", allowed: keys) else { return nil }
        guard let sinceNode = y.required(f, "since", what: "a version"), let since = y.day(sinceNode, what: "since") else { return nil }
        let retiredValue = f["retired"].flatMap { y.bool($0, what: "retired") }
        // A bad retired: value is its own error; do not also ask for points: it may mean true.
        if f["retired"] != nil && retiredValue == nil { return nil }
        let retired = retiredValue ?? false
        let p = StrictYAML.position(node)
        var version = RuleVersion(since: since, per: nil, points: 0, cap: nil, expiry: nil, retired: retired,
                                  location: SourceLocation(path: y.sink.path, line: p.line, column: p.column))
        if retired {
            for key in ["per", "points", "cap", "expiry"] where f[key] != nil {
                if let n = f[key] { y.error(at: n, "a retired version takes since: and retired: only") }
            }
            return version
        }
        guard let pointsNode = y.required(f, "points", what: "version \(since) of '\(ruleId)'"),
              let points = y.whole(pointsNode, what: "points", range: 1...999_999_999_999) else { return nil }
        version.points = points
        if let n = f["per"] {
            guard let per = y.whole(n, what: "per", range: 1...999_999_999_999) else { return nil }
            version.per = per
        }
        if let n = f["cap"] {
            guard let c = y.mapping(n, what: "cap", allowed: ["max", "per"]),
                  let maxNode = y.required(c, "max", what: "cap"), let max = y.whole(maxNode, what: "cap max", range: 0...999_999_999_999),
                  let perNode = y.required(c, "per", what: "cap"), let per = y.choice(perNode, what: "cap period", ["month", "quarter", "year"]),
                  let kind = PeriodKind(rawValue: per) else { return nil }
            version.cap = Cap(max: max, per: kind)
        }
        if let n = f["expiry"] {
            guard let e = expiry(&y, n) else { return nil }
            version.expiry = e
        }
        return version
    }

    // MARK: honours.yaml

    mutating func readHonours(_ s: inout PortalSources) {
        guard case (var y, let node)? = yaml("honours.yaml", required: false) else { return }
        defer { diagnostics += y.sink.diagnostics }
        guard let f = y.mapping(node, what: "honours.yaml", allowed: ["titles", "badges"]) else { return }
        var ids = SymbolTable()
        if let n = f["titles"], let list = y.sequence(n, what: "titles") {
            for item in list {
                guard let t = y.mapping(item, what: "a title", allowed: ["id", "name", "min"]),
                      let idNode = y.required(t, "id", what: "a title"), let id = y.identifier(idNode, what: "a title id") else { continue }
                let name = y.required(t, "name", what: "title '\(id)'").flatMap { y.text($0, what: "name") } ?? id
                guard let minNode = y.required(t, "min", what: "title '\(id)'"),
                      let min = y.whole(minNode, what: "min", range: 0...999_999_999_999) else { continue }
                guard ids.insert(Array(id.utf8)).inserted else { y.error(at: idNode, "duplicate honour id '\(id)'"); continue }
                if let last = s.titles.last, min <= last.min {
                    y.error(at: minNode, "titles must be listed by increasing min; \(min) is not above \(last.min) of '\(last.id)'")
                    continue
                }
                let p = StrictYAML.position(item)
                s.titles.append(Title(id: id, name: name, min: min, location: SourceLocation(path: y.sink.path, line: p.line, column: p.column)))
            }
        }
        if let n = f["badges"], let list = y.sequence(n, what: "badges") {
            for item in list {
                guard let b = y.mapping(item, what: "a badge", allowed: ["id", "name", "rule", "count", "within"]),
                      let idNode = y.required(b, "id", what: "a badge"), let id = y.identifier(idNode, what: "a badge id") else { continue }
                let name = y.required(b, "name", what: "badge '\(id)'").flatMap { y.text($0, what: "name") } ?? id
                guard let ruleNode = y.required(b, "rule", what: "badge '\(id)'"), let ruleId = y.identifier(ruleNode, what: "rule") else { continue }
                guard let rule = s.ruleIndex.find(ruleId) else {
                    y.error(at: ruleNode, "unknown rule '\(ruleId)'; it must be an id of rules.yaml")
                    continue
                }
                guard let countNode = y.required(b, "count", what: "badge '\(id)'"),
                      let count = y.whole(countNode, what: "count", range: 1...999_999_999_999) else { continue }
                var within: PeriodKind?
                if let w = b["within"] {
                    guard let t = y.choice(w, what: "within", ["month", "quarter", "year"]) else { continue }
                    within = PeriodKind(rawValue: t)
                }
                guard ids.insert(Array(id.utf8)).inserted else { y.error(at: idNode, "duplicate honour id '\(id)'"); continue }
                let p = StrictYAML.position(item)
                s.badges.append(Badge(id: id, name: name, rule: rule, count: count, within: within,
                                      location: SourceLocation(path: y.sink.path, line: p.line, column: p.column)))
            }
        }
    }

    // MARK: rewards.yaml

    mutating func readRewards(_ s: inout PortalSources) {
        guard case (var y, let node)? = yaml("rewards.yaml", required: false) else { return }
        defer { diagnostics += y.sink.diagnostics }
        guard let list = y.sequence(node, what: "rewards") else { return }
        for item in list {
            guard let f = y.mapping(item, what: "a reward", allowed: ["id", "name", "tier", "cost", "costs", "stock", "requires", "image", "description"]),
                  let idNode = y.required(f, "id", what: "a reward"), let id = y.identifier(idNode, what: "a reward id") else { continue }
            let name = y.required(f, "name", what: "reward '\(id)'").flatMap { y.text($0, what: "name") } ?? id
            // Every field is checked even after an error (FORMAT.md 7.4); a reward with one is left out.
            let tier = y.required(f, "tier", what: "reward '\(id)'")
                .flatMap { y.choice($0, what: "tier", ["basic", "advanced", "premium"]) }
                .flatMap(Reward.Tier.init(rawValue:))
            var costs: [Reward.Cost] = []
            var costsOK = true
            switch (f["cost"], f["costs"]) {
            case (.some(let c), .some):
                y.error(at: c, "give cost: or costs:, not both")
                costsOK = false
            case (.some(let c), nil):
                if let cost = y.whole(c, what: "cost", range: 0...LedgerReader.pointsLimit) {
                    costs = [Reward.Cost(since: Day(serial: Int32.min), cost: cost)]
                } else { costsOK = false }
            case (nil, .some(let c)):
                guard let history = y.sequence(c, what: "costs") else { costsOK = false; break }
                var ok = true
                for h in history {
                    guard let hf = y.mapping(h, what: "a cost", allowed: ["since", "cost"]),
                          let sn = y.required(hf, "since", what: "a cost"), let since = y.day(sn, what: "since"),
                          let cn = y.required(hf, "cost", what: "a cost"), let cost = y.whole(cn, what: "cost", range: 0...LedgerReader.pointsLimit) else { ok = false; continue }
                    if let last = costs.last, since <= last.since {
                        y.error(at: h, "costs must be in date order with distinct since dates; \(since) is not after \(last.since)")
                        ok = false
                        continue
                    }
                    costs.append(Reward.Cost(since: since, cost: cost))
                }
                if history.isEmpty { y.error(at: c, "costs: needs at least one {since, cost}"); ok = false }
                if !ok { costsOK = false }
            case (nil, nil):
                y.error(at: item, "reward '\(id)' needs cost: N or costs: [{since: YYYY-MM-DD, cost: N}, …]")
                costsOK = false
            }
            let stock = f["stock"].flatMap { y.whole($0, what: "stock", range: 0...999_999_999_999) }
            var requires: Int32?
            if let r = f["requires"], let t = y.identifier(r, what: "requires") {
                if let found = s.titles.firstIndex(where: { $0.id == t }) { requires = Int32(found) } else {
                    y.error(at: r, "unknown title '\(t)'; requires: names a title of honours.yaml")
                }
            }
            var image: String?
            if let n = f["image"], let t = y.text(n, what: "image") {
                if PagePath.isValidAsset(t) {
                    if tree.files["assets/" + t] == nil {
                        y.error(at: n, "image '\(t)' does not exist; put the file at assets/\(t)")
                    } else { image = t }
                } else {
                    y.error(at: n, "image must be a relative path under assets/ without '..', found '\(t)'")
                }
            }
            let description = f["description"].flatMap { y.text($0, what: "description") } ?? ""
            guard let tier, costsOK else { continue }
            guard s.rewardIndex.insert(Array(id.utf8)).inserted else {
                y.error(at: idNode, "duplicate reward id '\(id)'")
                continue
            }
            let p = StrictYAML.position(item)
            s.rewards.append(Reward(id: id, name: name, tier: tier, costs: costs, stock: stock, requires: requires, image: image,
                                    description: description, location: SourceLocation(path: y.sink.path, line: p.line, column: p.column)))
        }
    }

    // MARK: targets.yaml

    mutating func readTargets(_ s: inout PortalSources) {
        guard case (var y, let node)? = yaml("targets.yaml", required: false) else { return }
        defer { diagnostics += y.sink.diagnostics }
        guard case .mapping(let rules) = node else {
            y.error(at: node, "expected a mapping: target rule -> period -> person -> target")
            return
        }
        for (ruleNode, periods) in rules {
            guard let ruleId = y.identifier(ruleNode, what: "a target rule") else { continue }
            guard let r = s.ruleIndex.find(ruleId) else {
                y.error(at: ruleNode, "unknown rule '\(ruleId)'; targets.yaml is keyed by target rules of rules.yaml")
                continue
            }
            guard case .target(_, let kind) = s.rules[Int(r)].kind else {
                y.error(at: ruleNode, "'\(ruleId)' is not a target rule (kind: target)")
                continue
            }
            guard case .mapping(let byPeriod) = periods else {
                y.error(at: periods, "expected periods of '\(ruleId)' as a mapping, such as 2026-Q1:")
                continue
            }
            for (periodNode, people) in byPeriod {
                guard let name = y.text(periodNode, what: "a period") else { continue }
                guard let period = Period(kind: kind, name: name) else {
                    let example = kind == .month ? "2026-03" : kind == .quarter ? "2026-Q1" : "2026"
                    y.error(at: periodNode, "'\(name)' is not a \(kind.rawValue) of '\(ruleId)'; write it like \(example)")
                    continue
                }
                guard case .mapping(let byPerson) = people else {
                    y.error(at: people, "expected person: target lines under \(name)")
                    continue
                }
                for (personNode, valueNode) in byPerson {
                    guard let pid = y.identifier(personNode, what: "a person") else { continue }
                    guard let p = s.peopleIndex.find(pid) else {
                        y.error(at: personNode, "unknown person '\(pid)'; it must be an id of people.yaml")
                        continue
                    }
                    guard let target = y.whole(valueNode, what: "target", range: 1...999_999_999_999) else { continue }
                    s.targets.append(SalesTarget(rule: r, period: period, person: p, target: target))
                }
            }
        }
    }

    // MARK: pages

    static func readPages(_ tree: SourceTree, _ s: PortalSources) -> ([ContentPage], [Diagnostic]) {
        let paths = tree.paths(under: "pages", suffix: ".md")
        var reader = PageReader(tree: tree, sources: s)
        var pages: [ContentPage] = []
        for path in paths {
            if let page = reader.read(path) { pages.append(page) }
        }
        reader.checkLinks(pages)
        return (pages, reader.diagnostics)
    }

    /// A rule's `page:` must exist (FORMAT.md section 1).
    mutating func checkFileReferences(_ s: PortalSources) {
        let pagePaths = Set(s.pages.map(\.path))
        for rule in s.rules {
            guard let page = rule.page, !pagePaths.contains(page) else { continue }
            if tree.files["pages/" + page + ".md"] != nil { continue }  // exists but had errors
            diagnostics.append(rule.location.error("rule '\(rule.id)' names page '\(page)', but pages/\(page).md does not exist"))
        }
    }
}

/// Paths that sources name: under pages/ or assets/, never outside them.
public enum PagePath {
    /// `rules/deal-won`: segments of letters, digits, `.`, `_`, `-` (no `..`, no leading `/`).
    public static func isValid(_ path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.isEmpty, path.utf8.count <= 512 else { return false }
        return segments.allSatisfy { seg in
            !seg.isEmpty && seg != "." && seg != ".." && !seg.hasPrefix(".")
                && seg.utf8.allSatisfy { c in
                    (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 95 || c == 46 || (c >= 65 && c <= 90)
                }
        }
    }

    public static func isValidAsset(_ path: String) -> Bool { isValid(path) }
}

extension PortalSources {
    /// portal.yaml's time zone alone (UTC when it is missing or invalid), to resolve "today"
    /// before the full check.
    public static func timezone(of tree: SourceTree) -> String {
        guard let bytes = tree.files["portal.yaml"] else { return "UTC" }
        var y = StrictYAML(path: "portal.yaml")
        guard let node = y.parse(bytes), case .mapping(let m) = node, let zone = m["timezone"]?.string,
              TimeZoneCheck.isKnown(zone) else { return "UTC" }
        return zone
    }
}

/// The gathered ledger's buffer while cores copy pieces into it, each its own part.
private struct SharedBytes: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<UInt8>
}
