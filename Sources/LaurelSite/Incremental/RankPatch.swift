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
        var out = ByteWriter(capacity: 64)
        write(into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// `text`, written into the record's bytes.
    func write(into out: inout ByteWriter) {
        RecordNumbers.appendHex(main, to: &out)
        for v in values {
            out.append(UInt8(ascii: ","))
            HTMLWriter.digits(v, into: &out)
        }
        for span in spans {
            out.append(UInt8(ascii: ","))
            HTMLWriter.digits(Int64(span.slot), into: &out)
            out.append(UInt8(ascii: ":"))
            HTMLWriter.digits(Int64(span.start), into: &out)
            out.append(UInt8(ascii: ":"))
            HTMLWriter.digits(Int64(span.end), into: &out)
        }
    }

    /// Parses `text`; nil when it is not one (the record is then unusable).
    init?(text: Substring) { self.init(bytes: ArraySlice(text.utf8)) }

    /// Parses the patch word of a record line, on its bytes (a record has one per person
    /// page: 10,000 of them at every incremental build). Only what `text` writes is accepted:
    /// 16 hexadecimal digits, `slots` decimal values of at least -1, then `SLOT:START:END`
    /// spans in byte order.
    init?(bytes: ArraySlice<UInt8>) {
        // One pass over the fields, comma-separated, each checked as it ends.
        var at = bytes.startIndex
        /// The next field: the bytes up to the next `,` (or the end); nil past the last.
        func field() -> ArraySlice<UInt8>? {
            guard at <= bytes.endIndex else { return nil }
            var end = at
            while end < bytes.endIndex && bytes[end] != UInt8(ascii: ",") { end += 1 }
            defer { at = end + 1 }
            return bytes[at..<end]
        }
        guard let first = field(), first.count == 16, let main = RecordNumbers.hex(first) else { return nil }
        var values: [Int64] = []
        values.reserveCapacity(RankPatch.slots)
        for _ in 0..<RankPatch.slots {
            guard let f = field() else { return nil }
            if f.first == UInt8(ascii: "-") {
                guard f.count == 2, f.last == UInt8(ascii: "1") else { return nil }
                values.append(-1)
            } else {
                guard let v = RecordNumbers.whole(f) else { return nil }
                values.append(v)
            }
        }
        var spans: [Span] = []
        var last = 0
        while let f = field() {
            // SLOT:START:END, three whole numbers.
            var parts: (Int64, Int64, Int64) = (0, 0, 0)
            var k = 0
            var from = f.startIndex
            for i in f.indices where f[i] == UInt8(ascii: ":") {
                guard k < 2, let n = RecordNumbers.whole(f[from..<i]) else { return nil }
                if k == 0 { parts.0 = n } else { parts.1 = n }
                k += 1
                from = i + 1
            }
            guard k == 2, let end = RecordNumbers.whole(f[from...]) else { return nil }
            parts.2 = end
            let (slot, start) = (parts.0, parts.1)
            guard slot < RankPatch.slots, start >= last, end >= start else { return nil }
            spans.append(Span(slot: UInt8(slot), start: Int(start), end: Int(end)))
            last = Int(end)
        }
        self.init(main: main, values: values, spans: spans)
    }
}
