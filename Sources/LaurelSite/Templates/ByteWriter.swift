/// The bytes of a page being rendered. A person page is written in a few thousand small
/// pieces (a tag, a date, a name); appending to an `Array` checks uniqueness and capacity
/// through a generic call for each, which was a tenth of rendering. This buffer's append is
/// a capacity check and a copy, inlined.
///
/// Not copyable: it owns its memory and frees it when it goes away.
struct ByteWriter: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    /// Where `.placed` values were written, in writing order (see `RankPatch`).
    private(set) var placed: [(slot: UInt8, range: Range<Int>)] = []

    init(capacity: Int = 16_384) {
        self.capacity = max(64, capacity)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(1) }
        start[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(bytes.count) }
        (start + count).initialize(from: base, count: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ s: StaticString) {
        append(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Makes room for `n` more bytes and returns where they go; the caller fills all of them.
    @inline(__always)
    mutating func extend(by n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { grow(n) }
        let at = start + count
        count += n
        return at
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        let newCapacity = max(capacity * 2, count + needed)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.initialize(from: start, count: count)
        start.deallocate()
        start = bigger
        capacity = newCapacity
    }

    /// Empties the buffer and keeps its memory, for the next page.
    mutating func removeAll() {
        count = 0
        if !placed.isEmpty { placed.removeAll(keepingCapacity: true) }
    }

    /// Notes that `range` of the bytes holds the value of `slot`.
    mutating func place(_ slot: UInt8, _ range: Range<Int>) { placed.append((slot, range)) }

    /// The bytes written so far, valid until the next change.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

    var array: [UInt8] { Array(bytes) }
}
