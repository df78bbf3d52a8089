import Testing
import LaurelPoints
import LaurelSources

/// FORMAT.md section 7: ledger syntax, verbs, order and errors.
///
/// Column arithmetic for the lines below (single spaces): the verb starts at column 12; after
/// `earn`/`award` the person starts at 17/18, after `redeem` at 19, after `balance`/`reverse`
/// the first argument at 20. `2026-01-05 earn zhang-wei RULE` puts RULE at 27.
@Suite("FORMAT.md 7 — ledger files")
struct FormatSection7Tests {
    static let main = "Content/ledger/main.ledger"

    static func portal() -> Fixture { Fixture.specPortal(expiry: "never") }

    static func memo(_ c: SpecComputed, line: Int, file: String = "main.ledger") -> String? {
        c.sources.ledger.memo(of: c.sources.ledger.entries[c.entryIndex(line: line, file: file)])
    }

    // MARK: 7.1 syntax

    @Test(#"quoted memos: \" and \\ are the only escapes, ; inside quotes is text"#)
    func quotesAndEscapes() throws {
        let c = try Self.portal().ledger(#"""
            2026-01-05 award li-na 50 by:zhang-wei "say \"hi\" \\ ok; not a comment"
            2026-01-06 award li-na 50 by:zhang-wei "花名册 李娜"

            """#).computed(asOf: "2026-02-01")
        #expect(Self.memo(c, line: 1) == #"say "hi" \ ok; not a comment"#)
        #expect(Self.memo(c, line: 2) == "花名册 李娜")
        #expect(c.balance("li-na") == 100)
    }

    @Test("any other backslash sequence is an error at the backslash")
    func otherEscapes() {
        let d = Self.portal().ledger(#"""
            2026-01-05 award li-na 50 by:zhang-wei "bad \n escape"
            2026-01-06 award li-na 50 by:zhang-wei "bad \t"
            2026-01-07 award li-na 50 by:zhang-wei "trailing \"

            """#).diagnostics(asOf: "2026-02-01")
        #expect(hasError(d, at: "\(Self.main):1:45", "escape"))
        #expect(hasError(d, at: "\(Self.main):2:45", "escape"))
        #expect(hasError(d, onLine: "\(Self.main):3"))  // \" escapes the quote: unterminated
        #expect(d.count == 3)
    }

    /// The tokenizer looks at eight bytes at a time: a special byte must be found at every
    /// place within a word, before, on and after a word boundary.
    @Test("a control byte, DEL, quote or ; is found wherever it falls in a long id or memo")
    func specialBytesAnywhere() throws {
        let id = "abcdefghijklmnopqrstuvwx"
        let memo = Array("一二三四五六七八九十甲乙丙丁戊己庚辛壬癸")
        for k in 0..<20 {
            let head = String(id.prefix(k)), tail = String(id.dropFirst(k))
            // `id:` starts at column 40, its value at 43.
            for (byte, gist) in [("\u{01}", "control character (byte 1)"), ("\u{7F}", "control character (byte 127)")] {
                let d = Self.portal().ledger("2026-01-05 earn zhang-wei new-customer id:" + head + byte + tail + "\n").diagnostics(asOf: "2026-02-01")
                #expect(hasError(d, at: "\(Self.main):1:\(43 + k)", gist), "\(gist) at \(k): \(d)")
            }
            if k > 0 {
                let quoted = Self.portal().ledger("2026-01-05 earn zhang-wei new-customer id:" + head + "\"" + tail + "\n").diagnostics(asOf: "2026-02-01")
                #expect(hasError(quoted, at: "\(Self.main):1:\(43 + k)", "unexpected '\"'"), "quote at \(k): \(quoted)")
                let c = try Self.portal().ledger("2026-01-05 earn zhang-wei new-customer id:" + head + ";" + tail + "\n").computed(asOf: "2026-02-01")
                #expect(c.sources.ledger.entries.first.flatMap { c.sources.ledger.idName(of: $0) } == head, "; at \(k)")
            }
            // The memo starts at column 41 ("…by:zhang-wei " is 39 characters, then the quote).
            let before = String(memo.prefix(k)), after = String(memo.dropFirst(k))
            let control = Self.portal().ledger("2026-01-05 award li-na 50 by:zhang-wei \"" + before + "\u{02}" + after + "\"\n").diagnostics(asOf: "2026-02-01")
            #expect(hasError(control, at: "\(Self.main):1:\(41 + k)", "control character (byte 2) inside quotes"), "memo control at \(k): \(control)")
            let c = try Self.portal().ledger("2026-01-05 award li-na 50 by:zhang-wei \"" + before + "\t\\\"" + after + "\"\n").computed(asOf: "2026-02-01")
            #expect(Self.memo(c, line: 1) == before + "\t\"" + after, "memo tab and escaped quote at \(k)")
        }
    }

    @Test("comments, blank lines, tabs; a ; starts a comment even right after a token")
    func commentsAndBlanks() throws {
        let c = try Self.portal().ledger("""
            ; a comment line
            \t
               ; indented comment
            2026-01-05 earn zhang-wei new-customer;comment right after a token
            2026-01-06\tearn\tzhang-wei\tnew-customer\tqty:2\t; tabs separate fields
            2026-01-07 award li-na 50 by:zhang-wei "a;b";c

            """).computed(asOf: "2026-02-01")
        #expect(c.points(line: 4) == 100)
        #expect(c.points(line: 5) == 200)
        #expect(Self.memo(c, line: 6) == "a;b")
        #expect(c.lifetime("zhang-wei") == 300)
        #expect(c.sources.ledger.entries.count == 3)
    }

    @Test("key:value pairs and the memo follow the positional arguments in any order")
    func anyOrder() throws {
        // A memo before a positional argument is not allowed: the ID is missing where it belongs.
        let d = Self.portal().ledger("""
            2026-01-05 award li-na 50 "memo first" rule:training id:x1 by:zhang-wei
            2026-01-06 earn zhang-wei deal-won id:x2 "memo between" amount:100000
            2026-01-07 reverse "memo before the id" id:r1 x1

            """).diagnostics(asOf: "2026-02-01")
        #expect(!d.isEmpty)
        #expect(d.allSatisfy { $0.hasPrefix("\(Self.main):3:") })
        let ok = try Self.portal().ledger("""
            2026-01-05 award li-na 50 "memo first" rule:training id:x1 by:zhang-wei
            2026-01-06 earn zhang-wei deal-won id:x2 "memo between" amount:100000
            2026-01-07 reverse x1 "memo last" id:r1

            """).computed(asOf: "2026-02-01")
        #expect(ok.points(line: 1) == 50)
        #expect(ok.points(line: 2) == 200)
        #expect(ok.outcome(line: 1).isReversed)
        #expect(ok.lifetime("li-na") == 0)
    }

    @Test(#"id:"x" is the same as id:x"#)
    func quotedKeyValue() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 earn zhang-wei new-customer id:"n1"
            2026-01-06 reverse n1

            """).computed(asOf: "2026-02-01")
        #expect(c.outcome(line: 1).isReversed)
        let d = Self.portal().ledger("""
            2026-01-05 earn zhang-wei new-customer id:"n1"
            2026-01-06 earn zhang-wei new-customer id:n1

            """).diagnostics(asOf: "2026-02-01")
        #expect(d.count == 1)
        #expect(hasError(d, onLine: "\(Self.main):2", "\(Self.main):1"))
    }

    @Test("unknown keys, repeated keys and keys a verb does not take are errors at the key")
    func keys() {
        let d = Self.portal().ledger("""
            2026-01-05 earn zhang-wei new-customer colour:red
            2026-01-05 earn zhang-wei deal-won amount:1000 amount:2000
            2026-01-05 redeem zhang-wei gift-card-200 by:li-na
            2026-01-05 balance zhang-wei 0 id:b1
            2026-01-05 earn zhang-wei new-customer ID:x

            """).diagnostics(asOf: "2026-02-01")
        #expect(hasError(d, at: "\(Self.main):1:40", "colour"))
        #expect(hasError(d, at: "\(Self.main):2:48", "amount"))
        #expect(hasError(d, at: "\(Self.main):3:43", "by"))
        #expect(hasError(d, at: "\(Self.main):4:32", "id"))
        #expect(hasError(d, at: "\(Self.main):5:40", "ID"))
        #expect(d.count == 5)
    }

    @Test("unknown verbs, bad dates and missing arguments are errors")
    func verbsAndDates() {
        let d = Self.portal().ledger("""
            2026-01-05 gift zhang-wei 5
            2026-01-05 Earn zhang-wei new-customer
            2026-01-05
            2026-02-30 earn zhang-wei new-customer
            2026-1-5 earn zhang-wei new-customer
            earn zhang-wei new-customer
            2026-03-01 earn zhang-wei
            2026-03-01 award li-na by:zhang-wei "no points"

            """).diagnostics(asOf: "2026-12-31")
        #expect(hasError(d, at: "\(Self.main):1:12", "gift"))
        #expect(hasError(d, at: "\(Self.main):2:12", "Earn"))
        #expect(hasError(d, onLine: "\(Self.main):3", "verb"))
        #expect(hasError(d, at: "\(Self.main):4:1", "2026-02-30"))
        #expect(hasError(d, at: "\(Self.main):5:1", "date"))
        #expect(hasError(d, at: "\(Self.main):6:1", "date"))
        #expect(hasError(d, onLine: "\(Self.main):7", "RULE"))
        #expect(hasError(d, onLine: "\(Self.main):8", "POINTS"))
        #expect(d.count == 8)
    }

    @Test("unknown people, rules, rewards and malformed ids are errors at the token")
    func references() {
        let d = Self.portal().ledger("""
            2026-01-05 earn nobody new-customer
            2026-01-05 earn zhang-wei nope
            2026-01-05 redeem zhang-wei yacht
            2026-01-05 earn Zhang-Wei new-customer
            2026-01-05 earn zhang-wei new-customer id:"a b"
            2026-01-05 award li-na 5 by:zhang-wei "x" rule:nope

            """).diagnostics(asOf: "2026-12-31")
        #expect(hasError(d, at: "\(Self.main):1:17", "nobody"))
        #expect(hasError(d, at: "\(Self.main):2:27", "nope"))
        #expect(hasError(d, at: "\(Self.main):3:29", "yacht"))
        #expect(hasError(d, at: "\(Self.main):4:17", "Zhang-Wei"))
        #expect(hasError(d, onLine: "\(Self.main):5", "a b"))
        #expect(hasError(d, at: "\(Self.main):6:48", "nope"))
        #expect(d.count == 6)
    }

    @Test("POINTS of award and deduct are >= 1; balance may assert 0")
    func pointsAtLeastOne() {
        let d = Self.portal().ledger("""
            2026-01-05 award li-na 0 by:zhang-wei "zero"
            2026-01-05 deduct li-na 0 by:zhang-wei "zero"
            2026-01-05 balance li-na 0

            """).diagnostics(asOf: "2026-12-31")
        #expect(hasError(d, at: "\(Self.main):1:24", "POINTS"))
        #expect(hasError(d, at: "\(Self.main):2:25", "POINTS"))
        #expect(d.count == 2)
    }

    @Test("quotes must be closed and stand as whole fields")
    func badQuotes() {
        let d = Self.portal().ledger("""
            2026-01-05 award li-na 5 by:zhang-wei "never closed
            2026-01-05 award li-na 5 by:zhang-wei a"b"
            2026-01-05 award li-na 5 by:zhang-wei "x"y

            """).diagnostics(asOf: "2026-12-31")
        #expect(hasError(d, at: "\(Self.main):1:39", "quote"))
        #expect(hasError(d, onLine: "\(Self.main):2"))
        #expect(hasError(d, onLine: "\(Self.main):3"))
        #expect(d.count == 3)
    }

    @Test("memos: at most one, allowed on every verb, required on award and deduct, \"\" does not count")
    func memos() throws {
        let d = Self.portal().ledger("""
            2026-01-05 award li-na 50 by:zhang-wei
            2026-01-05 award li-na 50 by:zhang-wei ""
            2026-01-05 deduct li-na 5 by:zhang-wei
            2026-01-05 earn zhang-wei new-customer "one" "two"

            """).diagnostics(asOf: "2026-12-31")
        #expect(hasError(d, onLine: "\(Self.main):1", "memo"))
        #expect(hasError(d, onLine: "\(Self.main):2", "memo"))
        #expect(hasError(d, onLine: "\(Self.main):3", "memo"))
        #expect(hasError(d, at: "\(Self.main):4:46", "memo"))
        #expect(d.count == 4)

        let c = try Self.portal().ledger("""
            2026-01-05 earn zhang-wei new-customer id:e1 "earn"
            2026-01-05 award zhang-wei 500 by:li-na "award"
            2026-01-06 balance zhang-wei 600 "balance"
            2026-01-06 redeem zhang-wei gift-card-200 id:r1 "redeem"
            2026-01-06 deduct zhang-wei 10 by:li-na "deduct"
            2026-01-07 reverse r1 "reverse"
            2026-01-07 earn zhang-wei new-customer ""

            """).computed(asOf: "2026-02-01")
        #expect(c.balance("zhang-wei") == 690)  // 100 + 500 - 400 - 10 + 400 + 100
        #expect(Self.memo(c, line: 6) == "reverse")
        #expect(Self.memo(c, line: 7) == "")
    }

    // MARK: 7.2 verbs

    @Test("by: names a person of the roster other than the entry's own person")
    func approver() {
        let d = Self.portal().ledger("""
            2026-01-05 award li-na 50 by:li-na "self"
            2026-01-05 award li-na 50 by:nobody "unknown"
            2026-01-05 award li-na 50 "no approver"
            2026-01-05 earn li-na training by:zhang-wei
            2026-01-05 award li-na 50 by:zhang-wei "fine"
            2026-01-06 deduct li-na 5 by:li-na "self"

            """).diagnostics(asOf: "2026-12-31")
        #expect(hasError(d, at: "\(Self.main):1:30", "by"))
        #expect(hasError(d, at: "\(Self.main):2:30", "nobody"))
        #expect(hasError(d, onLine: "\(Self.main):3", "by"))
        #expect(hasError(d, at: "\(Self.main):4:32", "by"))
        #expect(hasError(d, at: "\(Self.main):6:30", "by"))
        #expect(d.count == 5)
    }

    static let rosterWithDates = """
        - id: zhang-wei
          name: 张伟
          team: east
          joined: 2026-01-10
          left: 2026-03-31
        - id: li-na
          name: 李娜
          team: east
        - id: wang-fang
          name: 王芳
          team: east
          left: 2026-01-31
        """

    @Test("joined and left bind earn, award, deduct, redeem and balance, not reverse or by:")
    func joinedAndLeft() {
        let d = Fixture.specPortal(expiry: "never", people: Self.rosterWithDates).ledger("""
            2026-01-09 earn zhang-wei new-customer
            2026-01-10 earn zhang-wei new-customer id:n1
            2026-02-01 award li-na 10 by:wang-fang "approved by someone who left"
            2026-03-31 award zhang-wei 10 by:li-na "last day"
            2026-04-01 reverse n1
            2026-04-01 award zhang-wei 10 by:li-na "too late"
            2026-04-02 balance zhang-wei 0
            2026-04-02 deduct wang-fang 1 by:li-na "too late"
            2026-04-02 redeem wang-fang gift-card-200

            """).diagnostics(asOf: "2026-12-31")
        #expect(hasError(d, at: "\(Self.main):1:17", "joined"))
        #expect(hasError(d, at: "\(Self.main):6:18", "left"))
        #expect(hasError(d, at: "\(Self.main):7:20", "left"))
        #expect(hasError(d, at: "\(Self.main):8:19", "left"))
        #expect(hasError(d, at: "\(Self.main):9:19", "left"))
        #expect(d.count == 5)
    }

    // MARK: 7.3 order

    @Test("inside one file dates must not go backwards; across files they may")
    func dateOrder() {
        let d = Self.portal().ledger("""
            2026-01-05 earn zhang-wei new-customer
            2026-01-04 earn zhang-wei new-customer
            2026-01-05 earn zhang-wei new-customer

            """).diagnostics(asOf: "2026-12-31")
        #expect(d.count == 1)
        #expect(hasError(d, at: "\(Self.main):2:1", "2026-01-04"))

        let files = Self.portal()
            .ledger("2026-02-01 earn zhang-wei new-customer\n", file: "a.ledger")
            .ledger("2026-01-01 earn zhang-wei new-customer\n", file: "b.ledger")
        #expect(files.diagnostics(asOf: "2026-12-31").isEmpty)
    }

    @Test("entries apply in order of date, then file path, then line")
    func ledgerOrder() throws {
        let award = "2026-01-05 award zhang-wei 400 by:li-na \"x\"\n"
        let redeem = "2026-01-05 redeem zhang-wei gift-card-200\n"
        // Same date: a.ledger before b.ledger.
        let wrong = Self.portal().ledger(redeem, file: "a.ledger").ledger(award, file: "b.ledger")
        let d = wrong.diagnostics(asOf: "2026-12-31")
        #expect(d.count == 1)
        #expect(hasError(d, at: "Content/ledger/a.ledger:1:1", "400"))
        let right = try Self.portal().ledger(award, file: "a.ledger").ledger(redeem, file: "b.ledger").computed(asOf: "2026-12-31")
        #expect(right.balance("zhang-wei") == 0)
        // The date comes before the path.
        let byDate = Self.portal()
            .ledger("2026-01-06 redeem zhang-wei gift-card-200\n", file: "a.ledger")
            .ledger(award, file: "b.ledger")
        #expect(byDate.diagnostics(asOf: "2026-12-31").isEmpty)
        // Within a file and a day, by line.
        let byLine = Self.portal().ledger(redeem + award)
        #expect(hasError(byLine.diagnostics(asOf: "2026-12-31"), at: "\(Self.main):1:1", "400"))
    }

    @Test("paths relative to ledger/ are compared character by character")
    func pathOrder() {
        let award = "2026-01-05 award zhang-wei 400 by:li-na \"x\"\n"
        let redeem = "2026-01-05 redeem zhang-wei gift-card-200\n"
        // '-' (U+002D) sorts before '/' (U+002F): 2026-extra.ledger comes before 2026/q1.ledger.
        let ok = Self.portal().ledger(award, file: "2026-extra.ledger").ledger(redeem, file: "2026/q1.ledger")
        #expect(ok.diagnostics(asOf: "2026-12-31").isEmpty)
        let bad = Self.portal().ledger(redeem, file: "2026-extra.ledger").ledger(award, file: "2026/q1.ledger")
        #expect(hasError(bad.diagnostics(asOf: "2026-12-31"), at: "Content/ledger/2026-extra.ledger:1:1"))
        // Upper case before lower case.
        let upper = Self.portal().ledger(award, file: "Z.ledger").ledger(redeem, file: "a.ledger")
        #expect(upper.diagnostics(asOf: "2026-12-31").isEmpty)
        // Only *.ledger files are read.
        let other = Self.portal().with("ledger/notes.txt", "not a ledger \u{1}\n").ledger(award)
        #expect(other.diagnostics(asOf: "2026-12-31").isEmpty)
    }

    @Test("a duplicate id is reported at the later entry in ledger order, naming the first")
    func duplicateIds() {
        let d = Self.portal()
            .ledger("""
                2026-01-01 earn li-na new-customer
                2026-01-06 earn zhang-wei new-customer id:x

                """, file: "a.ledger")
            .ledger("2026-01-05 earn zhang-wei new-customer id:x\n", file: "b.ledger")
            .diagnostics(asOf: "2026-12-31")
        #expect(d.count == 1)
        #expect(hasError(d, onLine: "Content/ledger/a.ledger:2", "Content/ledger/b.ledger:1"))
    }

    @Test("reverse: unknown ids, reversals, repeats and reversals before the entry are errors")
    func reverseRules() {
        let d = Self.portal().ledger("""
            2026-01-05 earn zhang-wei new-customer id:n1
            2026-01-06 reverse n1 id:r1
            2026-01-07 reverse r1
            2026-01-08 reverse n1
            2026-01-09 reverse nope
            2026-01-10 earn zhang-wei new-customer
            2026-01-11 reverse n3
            2026-01-12 earn zhang-wei new-customer id:n3
            2026-01-12 earn zhang-wei new-customer id:n4
            2026-01-12 reverse n4 amount:5

            """).diagnostics(asOf: "2026-12-31")
        #expect(hasError(d, at: "\(Self.main):3:20", "r1"))
        #expect(hasError(d, at: "\(Self.main):4:20", "n1"))
        #expect(hasError(d, at: "\(Self.main):5:20", "nope"))
        #expect(hasError(d, at: "\(Self.main):7:20", "n3"))
        #expect(hasError(d, at: "\(Self.main):10:23", "amount"))
        #expect(d.count == 5)
    }

    @Test("a reversal on the same day as its entry, later in ledger order, is fine")
    func sameDayReversal() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 earn zhang-wei new-customer id:n1
            2026-01-05 reverse n1

            """).computed(asOf: "2026-12-31")
        #expect(c.outcome(line: 1).isReversed)
        #expect(c.lifetime("zhang-wei") == 0)
    }

    @Test("a byte order mark and CRLF line ends are accepted; a lone CR is not a line end")
    func bomAndCRLF() throws {
        let c = try Self.portal()
            .ledger("\u{FEFF}2026-01-05 earn zhang-wei new-customer\r\n; comment\r\n2026-01-06 earn zhang-wei new-customer qty:2 \"备注\"\r\n")
            .with("people.yaml", "\u{FEFF}- id: zhang-wei\r\n  name: 张伟\r\n  team: east\r\n- id: li-na\r\n  name: 李娜\r\n  team: east\r\n")
            .computed(asOf: "2026-12-31")
        #expect(c.points(line: 3) == 200)
        #expect(Self.memo(c, line: 3) == "备注")
        #expect(c.lifetime("zhang-wei") == 300)

        let d = Self.portal()
            .ledger("\u{FEFF}2026-01-05 earn zhang-wei nope\r\n2026-01-06 earn li-na nope\r\n")
            .diagnostics(asOf: "2026-12-31")
        #expect(hasError(d, at: "\(Self.main):1:27", "nope"))  // the BOM is not a column
        #expect(hasError(d, at: "\(Self.main):2:23", "nope"))
        #expect(d.count == 2)

        let cr = Self.portal().ledger("2026-01-05 earn zhang-wei new-customer\r2026-01-06 earn zhang-wei new-customer\n")
            .diagnostics(asOf: "2026-12-31")
        #expect(cr.count == 1)
        #expect(hasError(cr, onLine: "\(Self.main):1"))
    }

    @Test("entries after the as-of date are checked statically but have no effect")
    func afterAsOf() throws {
        let d = Self.portal().ledger("""
            2026-01-05 award zhang-wei 100 by:li-na "a"
            2026-06-01 redeem zhang-wei gift-card-200
            2026-06-02 balance zhang-wei 999
            2026-06-03 earn nobody new-customer
            2026-06-04 earn zhang-wei new-customer id:a
            2026-07-01 earn zhang-wei new-customer
            2026-07-02 earn zhang-wei training id:a
            2026-07-03 reverse zz
            2026-07-04 award zhang-wei 5 by:zhang-wei "self"
            2026-07-01 earn li-na training

            """).diagnostics(asOf: "2026-03-01")
        #expect(hasError(d, at: "\(Self.main):4:17", "nobody"))
        #expect(hasError(d, at: "\(Self.main):6:27", "retired"))
        #expect(hasError(d, onLine: "\(Self.main):7", "\(Self.main):5"))
        #expect(hasError(d, at: "\(Self.main):8:20", "zz"))
        #expect(hasError(d, at: "\(Self.main):9:33", "by"))
        #expect(hasError(d, at: "\(Self.main):10:1", "2026-07-01"))
        #expect(d.count == 6, "\(d)")

        let c = try Self.portal().ledger("""
            2026-01-05 award zhang-wei 100 by:li-na "a"
            2026-06-01 redeem zhang-wei gift-card-200
            2026-06-02 balance zhang-wei 999
            2026-06-04 earn zhang-wei new-customer

            """).computed(asOf: "2026-03-01")
        #expect(c.balance("zhang-wei") == 100)
        #expect(c.lifetime("zhang-wei") == 100)
        #expect(!c.outcome(line: 2).applied)
        #expect(!c.outcome(line: 4).applied)
    }

    @Test("an entry can use what an earlier entry of the same day created")
    func sameDay() throws {
        let c = try Self.portal().ledger("""
            2026-01-05 award zhang-wei 400 by:li-na "x"
            2026-01-05 redeem zhang-wei gift-card-200

            """).computed(asOf: "2026-12-31")
        #expect(c.balance("zhang-wei") == 0)
    }

    // MARK: 7.4 errors

    @Test("every problem is reported at once as PATH:LINE:COLUMN: error: MESSAGE, sorted")
    func everyError() throws {
        let d = Self.portal().ledger("""
            2026-01-05 earn nobody new-customer
            2026-01-05 award li-na 50 "中文备注" by:li-na
            2026-01-06 earn wang-fang deal-won
            2026-01-07 award zhang-wei 10 by:li-na "fine"
            2026-01-07 redeem zhang-wei gift-card-200
            2026-01-08 balance zhang-wei 200
            2026-01-09 gift li-na 1

            """).diagnostics(asOf: "2026-12-31")
        #expect(d.count == 6)
        #expect(hasError(d, at: "\(Self.main):1:17", "nobody"))
        #expect(hasError(d, at: "\(Self.main):2:37", "by"))  // columns count characters, not bytes
        #expect(hasError(d, at: "\(Self.main):3:27", "amount"))
        #expect(hasError(d, at: "\(Self.main):5:1", "400"))
        #expect(hasError(d, at: "\(Self.main):7:12", "gift"))
        #expect(hasError(d, at: "\(Self.main):6:1"))
        for line in d {
            #expect(line.wholeMatch(of: /Content\/ledger\/main\.ledger:[0-9]+:[0-9]+: error: .+/) != nil, "\(line)")
        }
        let lines = d.compactMap { Int($0.split(separator: ":")[1]) }
        #expect(lines == lines.sorted())
    }

    @Test("a failed balance assertion states asserted, computed and difference")
    func failedAssertion() {
        let d = Self.portal().ledger("""
            2026-01-05 award zhang-wei 300 by:li-na "a"
            2026-01-06 balance zhang-wei 200
            2026-01-06 balance li-na 5

            """).diagnostics(asOf: "2026-12-31")
        #expect(d.count == 2)
        let first = d.first { $0.hasPrefix("\(Self.main):2:1: error: ") }
        #expect(first?.contains("asserted 200") == true)
        #expect(first?.contains("computed 300") == true)
        #expect(first?.contains("difference -100") == true)
        let second = d.first { $0.hasPrefix("\(Self.main):3:1: error: ") }
        #expect(second?.contains("asserted 5") == true)
        #expect(second?.contains("computed 0") == true)
        #expect(second?.contains("difference +5") == true || second?.contains("difference 5") == true)
    }
}
