@testable import LaurelSite
import LaurelSources
import Testing

/// `RankPatch` (decisions 117, 118): the previous page with its rank's digits and its as-of day
/// replaced, only where the recorded values are.
@Suite("Rank patch: a person page's rank replaced in place")
struct RankPatchTests {
    static let nov28 = Int64(Day(year: 2026, month: 11, day: 28)!.serial)
    static let nov29 = Int64(Day(year: 2026, month: 11, day: 29)!.serial)

    static func day(_ serial: Int64, _ locale: PortalSettings.Locale = .zhCN) -> String {
        var out = ByteWriter(capacity: 32)
        HTMLWriter.day(Day(serial: Int32(serial)), locale, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// A page with the three slots: the summary's rank, the scores row's rank, the as-of day.
    static func page(_ summary: String, _ row: String, _ day: String) -> (bytes: [UInt8], spans: [RankPatch.Span]) {
        let parts = ["<dd>第 ", summary, " 名</dd><td>", row, "</td><p>3,790</p><p>数据截至 <strong>", day, "</strong></p>"]
        var bytes: [UInt8] = [], spans: [RankPatch.Span] = []
        for (k, part) in parts.enumerated() {
            let start = bytes.count
            bytes += Array(part.utf8)
            if k % 2 == 1 { spans.append(RankPatch.Span(slot: UInt8(k / 2), start: start, end: bytes.count)) }
        }
        return (bytes, spans)
    }

    @Test("digits and the day replaced, grouped by thousands and in the locale's format, the places moved when their length changes")
    func replaces() throws {
        let old = RankPatchTests.page("999", "3,790", "2026年11月28日")
        let patch = RankPatch(main: 7, values: [999, 3790, Self.nov28], spans: old.spans)
        let (bytes, next) = try #require(patch.apply(to: old.bytes, values: [1000, 12, Self.nov29], locale: .zhCN))
        let expected = RankPatchTests.page("1,000", "12", "2026年11月29日")
        #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: expected.bytes, as: UTF8.self))
        #expect(next == RankPatch(main: 7, values: [1000, 12, Self.nov29], spans: expected.spans))
        // The new places patch again.
        let (again, _) = try #require(next.apply(to: bytes, values: [999, 3790, Self.nov28], locale: .zhCN))
        #expect(again == old.bytes)
        // In English the day is written as the English template writes it.
        let english = RankPatchTests.page("1", "1", Self.day(Self.nov28, .en))
        let (patched, _) = try #require(RankPatch(main: 7, values: [1, 1, Self.nov28], spans: english.spans)
            .apply(to: english.bytes, values: [1, 1, Self.nov29], locale: .en))
        #expect(patched == RankPatchTests.page("1", "1", Self.day(Self.nov29, .en)).bytes)
    }

    @Test("bytes that are not the recorded value are not patched")
    func refuses() {
        let old = RankPatchTests.page("999", "3,790", "2026年11月28日")
        let values = [999, 3790, Self.nov28]
        #expect(RankPatch(main: 7, values: [998, 3790, Self.nov28], spans: old.spans).apply(to: old.bytes, values: [5, 5, Self.nov29], locale: .zhCN) == nil)
        // The recorded day is not the one written (or is written in the other locale).
        #expect(RankPatch(main: 7, values: [999, 3790, Self.nov29], spans: old.spans).apply(to: old.bytes, values: [5, 5, Self.nov29], locale: .zhCN) == nil)
        #expect(RankPatch(main: 7, values: values, spans: old.spans).apply(to: old.bytes, values: [5, 5, Self.nov29], locale: .en) == nil)
        // A day no calendar writes, recorded or asked for.
        #expect(RankPatch(main: 7, values: [999, 3790, 99_999_999_999], spans: old.spans).apply(to: old.bytes, values: [5, 5, Self.nov29], locale: .zhCN) == nil)
        #expect(RankPatch(main: 7, values: values, spans: old.spans).apply(to: old.bytes, values: [5, 5, Int64(Int32.max) + 1], locale: .zhCN) == nil)
        let shifted = old.spans.map { RankPatch.Span(slot: $0.slot, start: $0.start + 1, end: $0.end + 1) }
        #expect(RankPatch(main: 7, values: values, spans: shifted).apply(to: old.bytes, values: [5, 5, Self.nov29], locale: .zhCN) == nil)
        let beyond = [RankPatch.Span(slot: 0, start: old.bytes.count, end: old.bytes.count + 3)]
        #expect(RankPatch(main: 7, values: [999, -1, Self.nov28], spans: beyond).apply(to: old.bytes, values: [5, -1, Self.nov29], locale: .zhCN) == nil)
        #expect(RankPatch(main: 7, values: values, spans: old.spans).apply(to: old.bytes, values: [5, 5], locale: .zhCN) == nil)
    }

    @Test("the record's text form reads back as written; anything else is refused")
    func text() {
        let patch = RankPatch(main: 0xfeed_0000_0000_0001, values: [12, -1, Self.nov28],
                              spans: [RankPatch.Span(slot: 0, start: 1200, end: 1202), RankPatch.Span(slot: 2, start: 1300, end: 1317)])
        #expect(RankPatch(text: Substring(patch.text)) == patch)
        for bad in ["", "feed", "feed000000000001,1", "feed000000000001,1,2", "feed000000000001,1,2,3,4",
                    "feed000000000001,1,2,3,0:5:3", "feed000000000001,1,2,3,3:1:2", "feed000000000001,1,2,3,0:5:9,1:6:8",
                    "feed000000000001,-2,1,3", "feed00000000000g,1,2,3", "+eed000000000001,1,2,3", "feed000000000001,+1,2,3",
                    "feed000000000001,1,2,3,0:1", "feed000000000001,1,2,3,0:1:2:3", "feed000000000001,1,2,3,0:-1:2",
                    "feed000000000001,1,2,9999999999999999999999", "feed000000000001,1,2,3,0:1:99999999999999999999",
                    "feed000000000001,1,,3", "feed000000000001,1,2,3,"] {
            #expect(RankPatch(text: Substring(bad)) == nil, "\(bad)")
        }
    }

    @Test("a record announcing more lines than it has is refused, however large the count")
    func hugeCount() {
        for count in ["9223372036854775807", "100000000000000", "-5"] {
            var body = Array((DependencyRecord.header + "\n0000000000000001 index.html\n").utf8)
            let checksum = ContentHash.of(body)
            body += Array("end \(count) \(ContentHash.hex(checksum))\n".utf8)
            guard case .failure = DependencyRecord.parse(body) else {
                Issue.record("count \(count) accepted")
                continue
            }
        }
    }

    @Test("a record with patches reads back as written")
    func record() throws {
        let patch = RankPatch(main: 3, values: [1, 1, Self.nov28], spans: [RankPatch.Span(slot: 0, start: 10, end: 11), RankPatch.Span(slot: 1, start: 90, end: 91)])
        let record = DependencyRecord(fingerprints: ["people/a b/index.html": 5, "index.html": 6], patches: ["people/a b/index.html": patch])
        let back = try DependencyRecord.parse(record.bytes).get()
        #expect(back.fingerprints == record.fingerprints)
        #expect(back.patches == record.patches)
    }
}
