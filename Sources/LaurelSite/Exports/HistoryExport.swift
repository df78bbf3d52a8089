import LaurelPoints
import LaurelSources

/// `people/ID/history.csv` (docs/exports.md): a person's history as their page shows it, one
/// row per ledger entry and target bonus, oldest first. Every person has one, so the rows are
/// written from the ledger's bytes straight into the page buffer with CSVFile's field rules.
struct HistoryExport: Sendable {
    static let header: [String] = ["date", "verb", "rule", "version", "reward", "points", "capped", "reversed", "memo", "source", "id"]
    let headerBytes: [UInt8]
    let ruleIds: [[UInt8]]
    let rewardIds: [[UInt8]]
    let prefixes: [[UInt8]]
    /// Per ledger file: whether its prefix needs CSV quotes (worked out once, not per row).
    let quotedPrefixes: [Bool]
    /// Per verb, its name as bytes.
    let verbNames: [[UInt8]]

    init(_ site: SiteContext) {
        headerBytes = CSVFile(header: HistoryExport.header).bytes
        ruleIds = site.sources.rules.map { Array($0.id.utf8) }
        rewardIds = site.sources.rewards.map { Array($0.id.utf8) }
        prefixes = site.sourcePrefixes.map { Array($0.utf8) }
        quotedPrefixes = prefixes.map { $0.contains(UInt8(ascii: ",")) || $0.contains(UInt8(ascii: "\"")) }
        verbNames = Verb.allCases.map { Array($0.name.utf8) }
    }

    /// Writes person `p`'s file into `out`.
    func write(_ p: Int, _ site: SiteContext, support: PersonPageSupport, into out: inout ByteWriter) {
        out.append(headerBytes)
        let account = site.book.accounts[p]
        let entries = site.sources.ledger.entries
        var bonuses = account.bonuses[...]
        for i in account.entries {
            let e = entries[Int(i)]
            // A target bonus is dated the last day of its period, after that day's entries.
            while let t = bonuses.first, let bonus = site.book.bonuses[Int(t)], bonus.period.lastDay < e.date {
                bonusRow(bonus, site, into: &out)
                bonuses = bonuses.dropFirst()
            }
            entryRow(Int(i), site, support: support, into: &out)
        }
        for t in bonuses {
            if let bonus = site.book.bonuses[Int(t)] { bonusRow(bonus, site, into: &out) }
        }
    }

    func entryRow(_ i: Int, _ site: SiteContext, support: PersonPageSupport, into out: inout ByteWriter) {
        let entries = site.sources.ledger.entries
        let e = entries[i]
        let o = site.book.outcomes[i]
        HistoryExport.day(e.date, into: &out)
        out.append(UInt8(ascii: ","))
        verbNames[Int(e.verb.rawValue)].withUnsafeBufferPointer { out.append($0) }
        out.append(UInt8(ascii: ","))
        var points: Int64 = 0
        switch e.verb {
        case .earn:
            field(ruleIds[Int(e.subject)], into: &out)
            out.append(UInt8(ascii: ","))
            if o.ruleVersion >= 0 { HistoryExport.number(Int64(o.ruleVersion) + 1, into: &out) }
            out.append(",,")
            points = o.points
        case .award:
            if e.subject >= 0 { field(ruleIds[Int(e.subject)], into: &out) }
            out.append(",,,")
            points = e.points
        case .redeem:
            out.append(",,")
            field(rewardIds[Int(e.subject)], into: &out)
            out.append(UInt8(ascii: ","))
            points = -o.points
        case .deduct, .reverse, .balance:
            out.append(",,,")
            switch e.verb {
            case .deduct: points = -e.points
            case .balance: points = e.points
            default: points = site.book.reversalEffect(of: Int(e.subject), in: entries)
            }
        }
        HistoryExport.number(points, into: &out)
        out.append(UInt8(ascii: ","))
        if o.capped > 0 { HistoryExport.number(o.capped, into: &out) }
        out.append(UInt8(ascii: ","))
        if o.isReversed { source(entries[Int(o.reversedBy)], into: &out) }
        out.append(UInt8(ascii: ","))
        if let memo = support.text(e.memoStart, e.memoLength) {
            // A memo with `\"` or `\\` is unescaped first (rare).
            if memo.contains(92) {
                var text = site.sources.ledger.memo(of: e) ?? ""
                text.withUTF8 { CSVFile.appendText($0, to: &out) }
            } else {
                CSVFile.appendText(memo, to: &out)
            }
        }
        out.append(UInt8(ascii: ","))
        source(e, into: &out)
        out.append(UInt8(ascii: ","))
        if e.id >= 0, let id = support.text(e.idStart, Int32(e.idLength)) { CSVFile.appendText(id, to: &out) }
        out.append("\r\n")
    }

    func bonusRow(_ bonus: TargetBonus, _ site: SiteContext, into out: inout ByteWriter) {
        HistoryExport.day(bonus.period.lastDay, into: &out)
        out.append(",bonus,")
        field(ruleIds[Int(bonus.rule)], into: &out)
        out.append(UInt8(ascii: ","))
        HistoryExport.number(Int64(bonus.version) + 1, into: &out)
        out.append(",,")
        HistoryExport.number(bonus.points, into: &out)
        out.append(",,,,targets.yaml,\r\n")
    }

    func field(_ bytes: [UInt8], into out: inout ByteWriter) {
        bytes.withUnsafeBufferPointer { CSVFile.appendText($0, to: &out) }
    }

    /// `ledger/PATH:LINE` (paths never start like a formula; quoted if one holds a comma).
    func source(_ e: LedgerEntry, into out: inout ByteWriter) {
        let file = Int(e.file)
        if quotedPrefixes[file] {
            var text = String(decoding: prefixes[file], as: UTF8.self) + String(e.line)
            text.withUTF8 { CSVFile.appendText($0, to: &out) }
            return
        }
        prefixes[file].withUnsafeBufferPointer { out.append($0) }
        HistoryExport.number(Int64(e.line), into: &out)
    }

    /// Every day from 2000 to 2099 as YYYY-MM-DD, ten bytes each: a million rows each wrote
    /// its date through the calendar arithmetic.
    static let isoDays: [UInt8] = {
        var table = ByteWriter(capacity: Int(isoDayEnd - isoDayFirst) * 10)
        for serial in isoDayFirst..<isoDayEnd { computeDay(Day(serial: serial), into: &table) }
        return table.array
    }()
    static let isoDayFirst: Int32 = 10_957  // 2000-01-01, days after 1970-01-01
    static let isoDayEnd: Int32 = 47_482    // 2100-01-01

    /// YYYY-MM-DD without a `String`.
    @inline(__always)
    static func day(_ d: Day, into out: inout ByteWriter) {
        guard d.serial >= isoDayFirst, d.serial < isoDayEnd else { return computeDay(d, into: &out) }
        let at = Int(d.serial - isoDayFirst) * 10
        isoDays.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[at..<at + 10])) }
    }

    static func computeDay(_ d: Day, into out: inout ByteWriter) {
        let c = d.civil
        let at = out.extend(by: 10)
        var y = c.year
        for k in (0..<4).reversed() { at[k] = UInt8(48 + y % 10); y /= 10 }
        at[4] = 45
        at[5] = UInt8(48 + c.month / 10); at[6] = UInt8(48 + c.month % 10)
        at[7] = 45
        at[8] = UInt8(48 + c.day / 10); at[9] = UInt8(48 + c.day % 10)
    }

    /// A whole number in decimal, `-` for negatives (a number cell, never neutralised).
    static func number(_ n: Int64, into out: inout ByteWriter) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var m = n.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(48 + m % 10)
                m /= 10
                count += 1
            } while m > 0
            out.append(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[(20 - count)...]))
        }
    }
}

extension HistoryExport {
    /// The file's name beside the person page, and its path.
    static let file = "history.csv"
    static func path(_ id: String) -> String { Address.person(id) + file }
}

extension SiteContext {
    /// A page's view with the link to the export beside it (`csvfile`, relative: same folder).
    func withExportLink(_ view: View, _ file: String) -> View {
        var view = view
        view.set(.csvfile, .text(file))
        return view
    }
}
