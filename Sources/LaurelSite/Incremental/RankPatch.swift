import LaurelSources

/// A person page's current-period rank and as-of day, patched into the previous build's bytes
/// instead of rendering the page again (docs/incremental.md, decisions 117 and 118).
///
/// A day of ledger entries moves the current rank of almost everyone, and for most people it is
/// the only thing on their page that changed (6,771 of the 7,000 people without new entries of
/// a 10,000-person day); a nightly build also moves the as-of day, which every page shows. The
/// rank is written as a `.placed` value and the day as a `.placedDay`, so the render notes
/// where they are; the record keeps those places, the values written there, and the page's
/// fingerprint without those values (`main`). When a later build finds the same `main`
/// fingerprint and only the values differ, it copies the previous page with the values
/// replaced, after checking that the bytes there are the values it recorded.
struct RankPatch: Sendable, Equatable {
    /// The slots of `TemplateValue.placed` and `.placedDay`: the summary's current rank, the
    /// current period's row in the scores table (numbers), and the as-of day (a day serial).
    static let slots = 3
    static let asOfSlot: UInt8 = 2

    struct Span: Sendable, Equatable {
        var slot: UInt8
        var start: Int
        var end: Int
    }

    /// The page's fingerprint without the slots' values (with whether each is shown).
    var main: UInt64
    /// The value of each slot when the page was rendered; -1 when not shown.
    var values: [Int64]
    /// Where each slot's value is written, in byte order.
    var spans: [Span]

    init(main: UInt64, values: [Int64], spans: [Span]) {
        self.main = main
        self.values = values
        self.spans = spans
    }

    init(main: UInt64, values: [Int64], placed: [(slot: UInt8, range: Range<Int>)]) {
        self.init(main: main, values: values, spans: placed.map { Span(slot: $0.slot, start: $0.range.lowerBound, end: $0.range.upperBound) })
    }

    /// The page with the slots' `new` values, made from `old`, the page as rendered with
    /// `values`, and the patch that describes the result; nil when the bytes at a span are not
    /// the value recorded for it (the page is then rendered).
    func apply(to old: [UInt8], values new: [Int64], locale: PortalSettings.Locale) -> (bytes: [UInt8], patch: RankPatch)? {
        guard new.count == values.count else { return nil }
        var out = ByteWriter(capacity: old.count + 16 * spans.count)
        var next = RankPatch(main: main, values: new, spans: [])
        var from = 0
        var digits = ByteWriter(capacity: 32)
        for span in spans {
            let slot = Int(span.slot)
            guard slot < values.count, span.start >= from, span.start <= span.end, span.end <= old.count,
                  values[slot] >= 0, new[slot] >= 0 else { return nil }
            digits.removeAll()
            guard RankPatch.write(values[slot], slot: span.slot, locale: locale, into: &digits),
                  old[span.start..<span.end].elementsEqual(digits.bytes) else { return nil }
            old.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[from..<span.start])) }
            let start = out.count
            guard RankPatch.write(new[slot], slot: span.slot, locale: locale, into: &out) else { return nil }
            next.spans.append(Span(slot: span.slot, start: start, end: out.count))
            from = span.end
        }
        old.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[from..<old.count])) }
        return (out.array, next)
    }

    /// Writes `value` as the template writes its slot: a rank grouped by thousands, the as-of
    /// day in the locale's format; false for a day outside the calendar.
    private static func write(_ value: Int64, slot: UInt8, locale: PortalSettings.Locale, into out: inout ByteWriter) -> Bool {
        guard slot == asOfSlot else {
            HTMLWriter.group(value, into: &out)
            return true
        }
        // 1970-01-01 to 9999-12-31: a day a ledger can be as of (a record is not trusted further).
        guard (0...2_932_896).contains(value), let serial = Int32(exactly: value) else { return false }
        HTMLWriter.day(Day(serial: serial), locale, into: &out)
        return true
    }

    /// The patch as one word without spaces, for the dependency record:
    /// `MAIN,VALUE,VALUE[,SLOT:START:END]…` (MAIN in hexadecimal).
    var text: String {
        var s = ContentHash.hex(main)
        for v in values { s += "," + String(v) }
        for span in spans { s += ",\(span.slot):\(span.start):\(span.end)" }
        return s
    }

    /// Parses `text`; nil when it is not one (the record is then unusable).
    init?(text: Substring) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count >= 1 + RankPatch.slots, parts[0].count == 16, let main = UInt64(parts[0], radix: 16) else { return nil }
        var values: [Int64] = []
        for part in parts[1...RankPatch.slots] {
            guard let v = Int64(part), v >= -1 else { return nil }
            values.append(v)
        }
        var spans: [Span] = []
        var last = 0
        for part in parts[(1 + RankPatch.slots)...] {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3, let slot = UInt8(fields[0]), Int(slot) < RankPatch.slots,
                  let start = Int(fields[1]), let end = Int(fields[2]), start >= last, end >= start else { return nil }
            spans.append(Span(slot: slot, start: start, end: end))
            last = end
        }
        self.init(main: main, values: values, spans: spans)
    }
}
