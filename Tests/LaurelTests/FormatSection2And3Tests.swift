import Testing
import LaurelPoints
import LaurelSite
import LaurelSources

/// FORMAT.md sections 1 to 3: the layout of a portal's sources, the strict YAML of
/// portal.yaml, people.yaml and teams.yaml.
@Suite("FORMAT.md 2 and 3 — portal.yaml, people.yaml, teams.yaml")
struct FormatSection2And3Tests {
    static func portal(_ text: String) -> Fixture { Fixture.spec.with("portal.yaml", text) }
    static func people(_ text: String) -> Fixture { Fixture.spec.with("people.yaml", text) }

    // MARK: files

    @Test("portal.yaml, people.yaml, teams.yaml and rules.yaml are required", arguments: [
        "portal.yaml", "people.yaml", "teams.yaml", "rules.yaml",
    ])
    func requiredFiles(name: String) {
        let d = Fixture.spec.without(name).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/\(name):1:1", name))
    }

    @Test("the other files are optional and ledger/ may be missing or empty")
    func optionalFiles() throws {
        let bare = Fixture.spec.without("rewards.yaml").without("honours.yaml").without("targets.yaml")
        #expect(bare.diagnostics(asOf: "2026-01-01").isEmpty)
        let c = try bare.ledger("", file: "empty.ledger").ledger("; only a comment\n\n", file: "comments.ledger")
            .computed(asOf: "2026-01-01")
        #expect(c.sources.ledger.entries.isEmpty)
        #expect(c.balance("zhang-wei") == 0)
    }

    @Test("a byte order mark and CRLF line ends are accepted in YAML")
    func bomAndCRLF() throws {
        let c = try Fixture.spec
            .with("portal.yaml", "\u{FEFF}title: 门户\r\nperiod: month\r\nexpiry: never\r\n")
            .with("teams.yaml", "\u{FEFF}- id: east\r\n  name: 华东一组\r\n  lead: zhang-wei\r\n")
            .computed(asOf: "2026-03-15")
        #expect(c.sources.settings.title == "门户")
        #expect(c.book.period.description == "2026-03")
    }

    @Test("text that is not UTF-8 is an error at the first bad byte")
    func invalidUTF8() {
        var tree = Fixture.spec.tree
        tree.files["people.yaml"] = Array("- id: zhang-wei\n  name: Zh".utf8) + [0xC3, 0x28] + Array("\n  team: east\n".utf8)
        let d = PortalRun.check(tree, asOf: .day(Day("2026-01-01")!)).diagnostics.map(\.description)
        #expect(hasError(d, at: "Content/people.yaml:2:11", "UTF-8"))
    }

    // MARK: 2. portal.yaml

    @Test("portal.yaml: defaults for locale and timezone")
    func portalDefaults() throws {
        let c = try Self.portal("""
            title: Points
            period: year
            expiry: months:6
            """).computed(asOf: "2026-03-15")
        #expect(c.sources.settings.locale == .en)
        #expect(c.sources.settings.timezone == "UTC")
        #expect(c.sources.settings.expiry == .months(6))
        #expect(c.book.period.description == "2026")
    }

    @Test("portal.yaml: title, period and expiry are required")
    func portalRequired() {
        let d = Self.portal("locale: en\n").diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, onLine: "Content/portal.yaml:1", "title"))
        #expect(hasError(d, onLine: "Content/portal.yaml:1", "period"))
        #expect(hasError(d, onLine: "Content/portal.yaml:1", "expiry"))
        #expect(d.count == 3)
    }

    @Test("portal.yaml: unknown keys, repeated keys and wrong values are errors at their line and column")
    func portalStrict() {
        let d = Self.portal("""
            title: Points
            period: week
            expiry: months:0
            locale: fr
            timezone: Mars/Olympus
            colour: blue
            base-url: portal.example.internal
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/portal.yaml:2:9", "week"))
        #expect(hasError(d, at: "Content/portal.yaml:3:9", "months:0"))
        #expect(hasError(d, at: "Content/portal.yaml:4:9", "fr"))
        #expect(hasError(d, at: "Content/portal.yaml:5:11", "Mars/Olympus"))
        #expect(hasError(d, at: "Content/portal.yaml:6:1", "colour"))
        #expect(hasError(d, at: "Content/portal.yaml:7:11", "base-url"))
        #expect(d.count == 6, "\(d)")
    }

    @Test("portal.yaml: a repeated key is reported at the repeat")
    func repeatedKey() {
        let d = Self.portal("""
            title: Points
            period: quarter
            expiry: year
            period: month
            """).diagnostics(asOf: "2026-01-01")
        #expect(d.count == 1)
        #expect(hasError(d, at: "Content/portal.yaml:4:1", "period"))
    }

    @Test("portal.yaml: several repeated keys are each reported at the repeat, in line order, every time")
    func severalRepeatedKeys() {
        let text = """
            title: Points
            period: quarter
            expiry: year
            locale: en
            period: month
            expiry: never
            title: Again
            """
        // Yams names the repeats in an order that changes from run to run; the report must not.
        for _ in 0..<20 {
            let d = Self.portal(text).diagnostics(asOf: "2026-01-01")
            #expect(d.map(\.description) == [
                "Content/portal.yaml:5:1: error: repeated key 'period'; each key may appear once in a mapping, remove or merge the repeated one",
                "Content/portal.yaml:6:1: error: repeated key 'expiry'; each key may appear once in a mapping, remove or merge the repeated one",
                "Content/portal.yaml:7:1: error: repeated key 'title'; each key may appear once in a mapping, remove or merge the repeated one",
            ])
        }
    }

    @Test("portal.yaml: 1 and \"1\" are the same key (keys are text), and each repeat is reported")
    func quotedAndPlainKeys() {
        let d = Self.portal("""
            title: Points
            period: quarter
            1: a
            "1": b
            period: month
            """).diagnostics(asOf: "2026-01-01")
        #expect(d.filter { $0.contains("repeated key") } == [
            "Content/portal.yaml:4:1: error: repeated key '1'; each key may appear once in a mapping, remove or merge the repeated one",
            "Content/portal.yaml:5:1: error: repeated key 'period'; each key may appear once in a mapping, remove or merge the repeated one",
        ])
    }

    @Test("portal.yaml: values of the wrong type are errors")
    func wrongTypes() {
        let d = Self.portal("""
            title: [a, b]
            period: {kind: quarter}
            expiry: year
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/portal.yaml:1:8", "title"))
        #expect(hasError(d, at: "Content/portal.yaml:2:9", "period"))
        #expect(d.count == 2)
    }

    @Test("scalars are taken as written: 2026 and yes are text")
    func scalarsAsWritten() throws {
        let c = try Self.portal("""
            title: 2026
            period: quarter
            expiry: year
            """).with("people.yaml", """
            - id: zhang-wei
              name: yes
              team: east
            - id: li-na
              name: 2026-01-01
              team: east
            - id: '007'
              name: 0x1F
              team: east
            """).computed(asOf: "2026-01-01")
        #expect(c.sources.settings.title == "2026")
        #expect(c.sources.people.map(\.name) == ["yes", "2026-01-01", "0x1F"])
        #expect(c.sources.people.map(\.id) == ["zhang-wei", "li-na", "007"])
    }

    // MARK: 3. people.yaml and teams.yaml

    @Test("people.yaml: optional fields and defaults")
    func peopleDefaults() throws {
        let c = try Self.people("""
            - id: zhang-wei
              name: 张伟
              team: east
              joined: 2025-03-01
              left: 2026-06-30
              leaderboard: false
            - id: li-na
              name: 李娜
              team: east
            """).computed(asOf: "2026-01-01")
        let zw = c.sources.people[0]
        #expect(zw.joined?.description == "2025-03-01")
        #expect(zw.left?.description == "2026-06-30")
        #expect(zw.leaderboard == false)
        #expect(c.sources.people[1].leaderboard == true)
        #expect(c.rank("zhang-wei") == nil)
        #expect(c.rank("li-na") == 1)
    }

    @Test("people.yaml: booleans are only true and false")
    func booleans() {
        let d = Self.people("""
            - id: zhang-wei
              name: 张伟
              team: east
              leaderboard: yes
            - id: li-na
              name: 李娜
              team: east
              leaderboard: True
            - id: wang-fang
              name: 王芳
              team: east
              leaderboard: "false"
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/people.yaml:4:16", "yes"))
        #expect(hasError(d, at: "Content/people.yaml:8:16", "True"))
        #expect(hasError(d, at: "Content/people.yaml:12:16", "false"))
        #expect(d.count == 3)
    }

    @Test("people.yaml: name and team are required; left may not be before joined")
    func peopleRequired() {
        let d = Self.people("""
            - id: zhang-wei
              name: 张伟
              team: east
            - id: li-na
              team: east
            - id: wang-fang
              name: 王芳
            - id: liu-yang
              name: 刘洋
              team: east
              joined: 2026-03-01
              left: 2026-02-28
            - id: zhao-lei
              name: 赵磊
              team: east
              joined: 2026-03-01
              left: 2026-03-01
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, onLine: "Content/people.yaml:4", "name"))
        #expect(hasError(d, onLine: "Content/people.yaml:6", "team"))
        #expect(hasError(d, at: "Content/people.yaml:12:9", "left"))
        #expect(d.count == 3)
    }

    @Test("people.yaml: unknown and repeated keys, bad ids, bad dates, unknown teams, duplicates")
    func peopleStrict() {
        let d = Self.people("""
            - id: zhang-wei
              name: 张伟
              team: east
              email: zw@example.com
            - id: Li-Na
              name: 李娜
              team: east
            - id: wang-fang
              name: 王芳
              team: west
            - id: zhang-wei
              name: 张伟2
              team: east
            - id: liu-yang
              name: 刘洋
              team: east
              joined: 2026-02-30
            - id: \(String(repeating: "a", count: 65))
              name: Long
              team: east
            - id: \(String(repeating: "b", count: 64))
              name: Long enough
              team: east
            - id: a..b
              name: Dots
              team: east
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/people.yaml:4:3", "email"))
        #expect(hasError(d, at: "Content/people.yaml:5:7", "Li-Na"))
        #expect(hasError(d, at: "Content/people.yaml:10:9", "west"))
        #expect(hasError(d, at: "Content/people.yaml:11:7", "zhang-wei"))
        #expect(hasError(d, at: "Content/people.yaml:17:11", "2026-02-30"))
        #expect(hasError(d, at: "Content/people.yaml:18:7"))
        #expect(hasError(d, at: "Content/people.yaml:24:7", "a..b"))
        #expect(d.count == 7, "\(d)")
    }

    @Test("people.yaml: a repeated key is an error at the repeat")
    func peopleRepeatedKey() {
        let d = Self.people("""
            - id: zhang-wei
              name: 张伟
              team: east
            - id: li-na
              name: 李娜
              team: east
              name: 李娜娜
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/people.yaml:7:3", "name"))
    }

    @Test("people.yaml must be a list of mappings")
    func peopleShape() {
        let d = Self.people("""
            zhang-wei:
              name: 张伟
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, onLine: "Content/people.yaml:1"))
    }

    @Test("an empty people.yaml is an error")
    func emptyPeople() {
        let d = Self.people("").with("teams.yaml", "- {id: east, name: East}\n").diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/people.yaml:1:1"))
        #expect(d.count == 1)
    }

    @Test("teams.yaml: lead names a person; name required; unknown keys are errors")
    func teams() {
        let d = Fixture.spec.with("teams.yaml", """
            - id: east
              name: 华东一组
              lead: nobody
            - id: west
              lead: li-na
            - id: north
              name: 北
              region: n
            - id: east
              name: 重复
            """).diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/teams.yaml:3:9", "nobody"))
        #expect(hasError(d, onLine: "Content/teams.yaml:4", "name"))
        #expect(hasError(d, at: "Content/teams.yaml:8:3", "region"))
        #expect(hasError(d, at: "Content/teams.yaml:9:7", "east"))
        #expect(d.count == 4, "\(d)")
    }

    @Test("YAML that does not parse is an error at its position")
    func badYAML() {
        let d = Self.people("""
            - id: zhang-wei
              name: "张伟
              team: east
            """).diagnostics(asOf: "2026-01-01")
        #expect(d.contains { $0.hasPrefix("Content/people.yaml:") && $0.contains(": error: ") })
        let tabs = Self.people("- id: zhang-wei\n\tname: 张伟\n").diagnostics(asOf: "2026-01-01")
        #expect(tabs.contains { $0.hasPrefix("Content/people.yaml:2:") })
    }
}

extension FormatSection2And3Tests {
    @Test("lines end at LF or CRLF only: a lone CR in YAML is an error, not a line end")
    func loneCR() {
        let d = Self.portal("title: T\rperiod: quarter\nexpiry: bogus\n").diagnostics(asOf: "2026-01-01")
        #expect(hasError(d, at: "Content/portal.yaml:1:9", "CR"), "\(d)")
        #expect(!d.contains { $0.hasPrefix("Content/portal.yaml:3:") }, "\(d)")
    }
}
