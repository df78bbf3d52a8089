import Foundation
import LaurelSite
import LaurelSources

/// The portal as `laurel serve` shows it: the files of the latest render of good sources, in
/// memory, and the problems of the latest sources. While there are errors every HTML page is the error
/// page; the files stay for when the sources are fixed (and for the theme's CSS meanwhile).
/// Shared by the builder (one thread) and the server's connections.
public final class LiveSite: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: [UInt8]] = [:]
    private var problems: [Diagnostic] = []
    /// Goes up by one whenever what is served may have changed.
    private var version: UInt64 = 0

    public init() {}

    /// What serving `path` answers, before the reload script is added.
    public struct Answer: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
        /// The path the answer is for, as the reload script asks about it again.
        public var path: String
        /// Where a redirect points.
        public var location: String? = nil
    }

    public var currentVersion: UInt64 { lock.withLock { version } }

    /// A file of a whole-portal render, written in place as it is rendered (the old bytes are
    /// freed at once: one portal in memory, not two). Problems and version change at `finish`.
    public func put(_ path: String, _ bytes: [UInt8]) {
        lock.withLock { files[path] = bytes }
    }

    /// A whole-portal render is complete: the files it did not write are gone from the
    /// sources (a deleted page), problems are cleared.
    public func finish(written: Set<String>) {
        lock.withLock {
            for path in files.keys where !written.contains(path) { files[path] = nil }
            problems = []
            version += 1
        }
    }

    /// Some files replaced (the pages an edit touched, rendered first), problems cleared.
    public func update(_ changed: [String: [UInt8]]) {
        lock.withLock {
            for (path, bytes) in changed { files[path] = bytes }
            problems = []
            version += 1
        }
    }

    /// The sources have errors: every page shows them until the next good build.
    public func fail(_ errors: [Diagnostic]) {
        lock.withLock {
            problems = errors
            version += 1
        }
    }

    public var currentProblems: [Diagnostic] { lock.withLock { problems } }

    public func file(_ path: String) -> [UInt8]? { lock.withLock { files[path] } }

    /// The answer for a resolved request path: the file; a folder's `index.html` (by redirect,
    /// so relative links resolve); the portal's 404 page; or, while the sources have errors,
    /// the error page for every HTML page and every missing file.
    public func answer(_ request: RequestPath) -> Answer {
        guard case .file(let path) = request else {
            return Answer(status: 403, contentType: ContentType.of("x.html"), body: Array(ServedPages.refused.utf8), path: "")
        }
        let (bytes, folder, notFound, errors) = lock.withLock { () -> ([UInt8]?, Bool, [UInt8]?, [Diagnostic]) in
            let bytes = files[path]
            let folder = bytes == nil && files[path + "/index.html"] != nil
            return (bytes, folder, files[Address.notFound], problems)
        }
        if folder {
            return Answer(status: 301, contentType: "text/plain; charset=utf-8", body: [], path: path, location: "/" + ServedPages.percentEncode(path) + "/")
        }
        let html = ContentType.isHTML(path)
        if !errors.isEmpty && (html || bytes == nil) {
            return Answer(status: 500, contentType: ContentType.of("x.html"), body: Array(ServedPages.errorPage(errors).utf8), path: path)
        }
        if let bytes {
            return Answer(status: 200, contentType: ContentType.of(path), body: bytes, path: path)
        }
        let page = notFound ?? Array(ServedPages.notFound.utf8)
        return Answer(status: 404, contentType: ContentType.of("x.html"), body: page, path: path)
    }
}

/// Renders the whole portal straight into the live site (`SiteBuilder.build`'s sink).
final class LiveSink: SiteSink, @unchecked Sendable {
    let site: LiveSite
    private let lock = NSLock()
    private var paths = Set<String>()
    init(site: LiveSite) { self.site = site }
    func write(_ path: String, _ bytes: UnsafeBufferPointer<UInt8>) throws {
        site.put(path, Array(bytes))
        lock.withLock { _ = paths.insert(path) }
    }
    var written: Set<String> { lock.withLock { paths } }
}
