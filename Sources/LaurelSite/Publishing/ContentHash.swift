/// A fast 64-bit hash of file contents, to tell whether a page changed since the last build.
/// Not cryptographic: it only has to tell our own outputs apart.
public struct ContentHash: Sendable {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var length: UInt64 = 0

    public init() {}

    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            state = ContentHash.mix(state ^ word, 0xA076_1D64_78BD_642F) &+ 0xE703_7ED1_A0B4_28DB
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        state = ContentHash.mix(state ^ tail, 0x8EBC_6AF0_9C88_C6E3)
        length &+= UInt64(n)
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }
    public mutating func update(_ text: String) { update(Array(text.utf8)) }

    public var value: UInt64 { ContentHash.mix(state ^ length, 0x5899_65CC_7537_4CC3) }

    public static func of(_ bytes: [UInt8]) -> UInt64 {
        var h = ContentHash()
        h.update(bytes)
        return h.value
    }

    public static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
