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
