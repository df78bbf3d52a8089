import LaurelPoints
import LaurelSources

/// Per person, one digest of every entry of their history as their page, feed and CSV show it
/// (decision 126): the entry with its outcome, the entry that reversed it, the entry it
/// reverses and what that undid, and where it stands in the person's history.
///
/// Made in one pass over the ledger in ledger order, on every core, so that the entries,
/// outcomes and memos are read where they lie, one after the other. Read in each person's
/// order instead (10,000 people, a million entries), the same reads were cache misses, 13 % of
/// a one-entry build's CPU.
///
/// A person's digest is the wrapping sum of their entries' digests. Each entry's digest hashes
/// its place in the person's history (0, 1, 2 …) with everything shown about it, so the sum
/// covers the order as well as the entries: two histories have the same sum only by a 64-bit
/// accident, as any two fingerprints have the same hash. The sum does not depend on how the
/// ledger is split between cores, so the digests are the same bytes on any machine.
enum HistoryDigests {
    static func make(_ site: SiteContext, support: PersonPageSupport, fileHashes: [UInt64], jobs: Int) -> [UInt64] {
        let book = site.book
        let entries = site.sources.ledger.entries
        let people = book.accounts.count
        // Whose history each entry is in (each is recorded for one person at most), and where.
        var owner = [Int32](repeating: -1, count: entries.count)
        var place = [Int32](repeating: 0, count: entries.count)
        for p in 0..<people {
            for (k, i) in book.accounts[p].entries.enumerated() where Int(i) < entries.count {
                owner[Int(i)] = Int32(p)
                place[Int(i)] = Int32(k)
            }
        }
        let owners = owner, places = place
        let pieces = max(1, min(jobs * 2, entries.count / 65_536))
        let piece = (entries.count + pieces - 1) / max(pieces, 1)
        let sums = Parallel.map(pieces, jobs: jobs) { t -> [UInt64] in
            var sum = [UInt64](repeating: 0, count: people)
            var words = FingerprintWriter()
            let outcomes = book.outcomes
            for i in (t * piece)..<min(entries.count, (t + 1) * piece) {
                let p = Int(owners[i])
                if p < 0 { continue }
                words.reset()
                words.int32(places[i])
                let e = entries[i]
                let o = outcomes[i]
                entry(e, fileHashes: fileHashes, into: &words)
                words.int32(e.subject)
                words.int64(e.points)
                words.int64(e.amount)
                words.int64(e.qty)
                words.bytes(e.id >= 0 ? support.text(e.idStart, Int32(e.idLength)) : nil)
                words.bytes(support.text(e.memoStart, e.memoLength))
                words.int64(o.points)
                words.int64(o.capped)
                words.int(Int(o.ruleVersion))
                if o.isReversed {
                    words.bool(true)
                    entry(entries[Int(o.reversedBy)], fileHashes: fileHashes, into: &words)
                } else {
                    words.bool(false)
                }
                if e.verb == .reverse, e.subject >= 0 {
                    entry(entries[Int(e.subject)], fileHashes: fileHashes, into: &words)
                    words.int64(book.reversalEffect(of: Int(e.subject), in: entries))
                }
                sum[p] &+= words.value
            }
            return sum
        }
        var total = [UInt64](repeating: 0, count: people)
        for s in sums {
            for p in 0..<people { total[p] &+= s[p] }
        }
        return total
    }

    /// Where an entry is and what it is: its date, verb and `ledger/PATH:LINE`.
    @inline(__always)
    static func entry(_ e: LedgerEntry, fileHashes: [UInt64], into words: inout FingerprintWriter) {
        words.day(e.date)
        words.int(Int(e.verb.rawValue))
        words.word(Int(e.file) < fileHashes.count ? fileHashes[Int(e.file)] : 0)
        words.int32(e.line)
    }
}
