#if canImport(Glibc)
import Glibc
#endif

/// Large arrays read in random order (the ledger's entries in ledger order, the engine's outcomes)
/// are asked to be backed by 2 MB pages where the kernel offers them on request
/// (`transparent_hugepage=madvise`, the default of Debian): rendering a person's history jumps
/// through a million entries, and with 4 KB pages most of those jumps miss the TLB.
/// Purely a hint: nothing changes where the kernel declines. Not for bytes read once in order
/// (the gathered source files, decision 125): zeroing a 2 MB page at its first touch costs more
/// there than the misses it saves.
public enum HugePages {
    static let size = 2 << 20

    /// Advises the whole 2 MB pages inside `count` bytes at `start`; call before they are first written.
    public static func advise(_ start: UnsafeMutableRawPointer?, bytes count: Int) {
        #if os(Linux)
        guard let start, count >= 2 * size else { return }
        let first = (Int(bitPattern: start) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: start) + count) & ~(size - 1)
        guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(aligned, end - first, MADV_HUGEPAGE)
        #endif
    }

    public static func advise<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
        advise(UnsafeMutableRawPointer(buffer.baseAddress), bytes: buffer.count * MemoryLayout<T>.stride)
    }
}
