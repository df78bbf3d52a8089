import LaurelPoints
import LaurelSources
import Testing

/// A department of 50,000 people has 5,000,000 entries, outcomes and lots in memory at once;
/// their sizes are part of the memory budget (docs/benchmark.md).
@Suite("Memory layout of the per-entry values")
struct LayoutTests {
    @Test("a ledger entry is 64 bytes, an outcome 24, a lot 32")
    func strides() {
        #expect(MemoryLayout<LedgerEntry>.stride == 64)
        #expect(MemoryLayout<EntryOutcome>.stride == 24)
        #expect(MemoryLayout<Lot>.stride == 32)
    }
}

/// The entry's shared fields (decision 116): each verb sees only its own, and setting a field
/// the verb does not use changes nothing.
@Suite("Ledger entry: fields shared between verbs")
struct SharedEntryFieldTests {
    @Test("every verb reads its own fields and the defaults of the others", arguments: Verb.allCases)
    func ownFields(_ verb: Verb) {
        var e = LedgerEntry(date: Day(serial: 20_000), verb: verb, file: 0, line: 1)
        #expect(e.amount == -1 && e.points == 0 && e.qty == 1 && e.by == -1, "\(verb.name) defaults")
        e.amount = 250_000
        e.points = 999_999_999_999
        e.qty = 7
        e.by = 42
        let usesAmount = verb == .earn
        let usesPoints = [.award, .deduct, .balance, .redeem, .reverse].contains(verb)
        let usesQty = verb == .earn || verb == .redeem
        let usesBy = verb == .award || verb == .deduct
        #expect(e.amount == (usesAmount ? 250_000 : -1), "\(verb.name) amount")
        #expect(e.points == (usesPoints ? 999_999_999_999 : 0), "\(verb.name) points")
        #expect(e.qty == (usesQty ? 7 : 1), "\(verb.name) qty")
        #expect(e.by == (usesBy ? 42 : -1), "\(verb.name) by")
    }
}
