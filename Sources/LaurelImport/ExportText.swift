import Glibc
import LaurelSources

/// The text of a CRM export as saved: UTF-8 with or without a byte order mark, or GB18030
/// (what Excel in zh-CN saves as "CSV"). Valid UTF-8 is taken as UTF-8 (GB18030 text of
/// Chinese characters is almost never valid UTF-8); anything else is decoded as GB18030.
public enum ExportEncoding: String, Sendable, CaseIterable {
    case auto, utf8 = "utf-8", gb18030
}

/// Decoding an export's bytes into text, with the place of the first undecodable byte.
public enum ExportText {
    public struct Decoded: Sendable {
        public var text: String
        /// The encoding that was used (never `.auto`).
        public var encoding: ExportEncoding
    }

    /// The decoded text, or the line and column (in bytes of the line, from 1) of the first
    /// byte that is not valid in the chosen encoding.
    public static func decode(_ bytes: [UInt8], as wanted: ExportEncoding = .auto) -> Result<Decoded, SourceText.Location> {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let badUTF8 = SourceText.firstInvalidUTF8(body)
        switch wanted {
        case .utf8:
            if let bad = badUTF8 { return .failure(SourceText.location(ofByte: bad, in: body)) }
            return .success(Decoded(text: String(decoding: body, as: UTF8.self), encoding: .utf8))
        case .auto where badUTF8 == nil:
            return .success(Decoded(text: String(decoding: body, as: UTF8.self), encoding: .utf8))
        case .auto, .gb18030:
            return gb18030(Array(bytes)).map { Decoded(text: $0, encoding: .gb18030) }
        }
    }

    /// GB18030 through glibc's iconv, which implements the whole standard (four-byte
    /// sequences included); Foundation on Linux does not name the encoding.
    static func gb18030(_ bytes: [UInt8]) -> Result<String, SourceText.Location> {
        let converter = iconv_open("UTF-8", "GB18030")
        guard converter != iconv_t(bitPattern: -1) else {
            return .failure(SourceText.location(ofByte: 0, in: bytes[..<0]))
        }
        defer { iconv_close(converter) }
        var input = bytes
        // Every GB18030 sequence of n bytes becomes at most 2n bytes of UTF-8 (4 -> 4, 2 -> 3).
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        let outputSize = output.count
        var failedAt: Int?
        var produced = 0
        input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outputSize
                if iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) == -1 || inLeft > 0 {
                    failedAt = bytes.count - inLeft
                }
                produced = outputSize - outLeft
            }
        }
        if let at = failedAt {
            return .failure(SourceText.location(ofByte: at, in: bytes[...]))
        }
        var text = Array(output.prefix(produced))
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }  // GB18030's own BOM 84 31 95 33
        return .success(String(decoding: text, as: UTF8.self))
    }
}
