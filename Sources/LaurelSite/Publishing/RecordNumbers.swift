/// The numbers of laurel's own record files (the build manifest, the dependency record), read
/// on their bytes: only what laurel writes is accepted, so a damaged file is refused, never
/// half-read.
enum RecordNumbers {
    /// 1 to 16 hexadecimal digits (`ContentHash.hex` writes 16, lowercase; either case is read).
    static func hex<C: Collection>(_ digits: C) -> UInt64? where C.Element == UInt8 {
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        var n: UInt64 = 0
        for c in digits {
            let digit: UInt8
            switch c {
            case 48...57: digit = c - 48
            case 97...102: digit = c - 87
            case 65...70: digit = c - 55
            default: return nil
            }
            n = n << 4 | UInt64(digit)
        }
        return n
    }

    /// Writes `v` as `ContentHash.hex` does (16 lowercase digits), without a `String`.
    static func appendHex(_ v: UInt64, to out: inout ByteWriter) {
        let digits: StaticString = "0123456789abcdef"
        let at = out.extend(by: 16)
        for i in 0..<16 { at[i] = digits.utf8Start[Int((v >> UInt64(60 - 4 * i)) & 15)] }
    }

    /// A whole number of 1 to 18 decimal digits (no sign: it cannot overflow).
    static func whole<C: Collection>(_ digits: C) -> Int64? where C.Element == UInt8 {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var n: Int64 = 0
        for c in digits {
            guard c >= 48, c <= 57 else { return nil }
            n = n * 10 + Int64(c - 48)
        }
        return n
    }
}
