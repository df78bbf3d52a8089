/// A request's path, checked and turned into a path of the built site. Nothing outside the
/// site can be named: the site is a set of files in memory (no folder on disk, so no symbolic
/// link to follow), and a path that tries to climb out or hide a separator is refused before
/// it is looked up: `.` and `..` segments, in plain or percent-encoded form, an encoded `/`
/// (`%2f`) or `\`, a backslash, NUL or any control character, a hidden segment (`.git`),
/// invalid percent-encoding or UTF-8.
public enum RequestPath: Equatable, Sendable {
    /// A path of the built site, relative (`people/li-lei/index.html`).
    case file(String)
    case refused

    /// `raw` is the request target's path as sent, still percent-encoded (`/people/li-lei/`).
    public static func resolve(_ raw: String) -> RequestPath {
        let bytes = Array(raw.utf8)
        guard bytes.first == UInt8(ascii: "/"), bytes.count <= 4096 else { return .refused }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) else { return .refused }
                let byte = hi << 4 | lo
                // An encoded separator would be a second way to write a path: refused.
                if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\") { return .refused }
                decoded.append(byte)
                i += 3
                continue
            }
            if c == UInt8(ascii: "?") || c == UInt8(ascii: "#") { break }
            decoded.append(c)
            i += 1
        }
        guard !decoded.contains(where: { $0 < 0x20 || $0 == 0x7f || $0 == UInt8(ascii: "\\") }),
              let text = String(validating: decoded, as: UTF8.self) else { return .refused }
        let segments = text.split(separator: "/", omittingEmptySubsequences: true)
        for segment in segments where segment.hasPrefix(".") { return .refused }  // `.`, `..`, `.git`
        var path = segments.joined(separator: "/")
        if path.isEmpty { return .file("index.html") }
        if text.hasSuffix("/") { path += "/index.html" }
        return .file(path)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// The Content-Type of a built file, by its extension; text types say their charset (every
/// text file Laurel writes is UTF-8).
public enum ContentType {
    public static func of(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
        switch name[name.index(after: dot)...].lowercased() {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json; charset=utf-8"
        case "xml": return "application/xml; charset=utf-8"
        case "svg": return "image/svg+xml; charset=utf-8"
        case "csv": return "text/csv; charset=utf-8"
        case "txt", "md": return "text/plain; charset=utf-8"
        case "webmanifest": return "application/manifest+json; charset=utf-8"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "avif": return "image/avif"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        case "woff": return "font/woff"
        case "ttf": return "font/ttf"
        case "otf": return "font/otf"
        case "pdf": return "application/pdf"
        default: return "application/octet-stream"
        }
    }

    public static func isHTML(_ path: String) -> Bool { of(path).hasPrefix("text/html") }
}
