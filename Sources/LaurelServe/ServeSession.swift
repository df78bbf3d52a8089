import Foundation
import LaurelSite
import LaurelSources

/// One `laurel serve`: the watcher, the in-memory build and the HTTP server, wired together.
/// Nothing is written to disk: the private build folder of docs/serve.md is memory, so it can
/// never be the published output and nothing is left behind when it stops.
public final class ServeSession: @unchecked Sendable {
    public let site = LiveSite()
    public let open = OpenPages()
    public let preview: Preview
    public let watcher: Watcher
    public let server: PreviewServer
    private var thread: Thread?

    /// Checks the address first (a busy port fails at once, before a long first build), then
    /// starts watching, so that no save made during the first build is missed.
    public init(settings: PreviewSettings, host: String, port: UInt16, polling: Bool = false,
                say: @escaping @Sendable (String) -> Void) throws {
        server = try PreviewServer(site: site, open: open, host: host, port: port)
        var roots = [Watcher.Root(folder: settings.content, name: "content")]
        roots.append(Watcher.Root(folder: settings.themes + "/" + settings.theme, name: "theme"))
        watcher = Watcher(roots: roots, polling: polling)
        preview = Preview(settings: settings, site: site, say: say)
        let open = self.open, watcher = self.watcher
        preview.looking = { open.paths }
        preview.superseded = { watcher.hasPending() }
    }

    /// Builds, starts serving and watching; returns the port served on.
    public func start() async throws -> UInt16 {
        preview.buildAll()
        let port = try await server.start()
        let watcher = self.watcher, preview = self.preview
        let thread = Thread {
            while !watcher.isStopped {
                let changes = watcher.next()
                if changes.isEmpty { continue }
                preview.apply(changes)
            }
        }
        thread.name = "laurel serve watcher"
        thread.start()
        self.thread = thread
        return port
    }

    public func stop() async {
        watcher.stop()
        await server.stop()
    }
}
