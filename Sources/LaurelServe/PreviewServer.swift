import FlyingFox
import FlyingSocks
import Foundation
import LaurelSite
import LaurelSources

/// The pages open in browsers: the paths their reload scripts are asking about, so a rebuild
/// renders those first.
public final class OpenPages: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    public init() {}
    func add(_ path: String) { lock.withLock { counts[path, default: 0] += 1 } }
    func remove(_ path: String) {
        lock.withLock {
            let n = (counts[path] ?? 1) - 1
            counts[path] = n > 0 ? n : nil
        }
    }
    public var paths: Set<String> { lock.withLock { Set(counts.keys) } }
}

/// Why the server could not start.
public enum ServeError: Error, CustomStringConvertible {
    case portInUse(host: String, port: UInt16)
    case badAddress(String)
    case cannotListen(String)

    public var description: String {
        switch self {
        case .portInUse(let host, let port):
            return "port \(port) on \(host) is already in use (another laurel serve?); stop it or choose another port with --port"
        case .badAddress(let host): return "--bind \(host) is not an IPv4 or IPv6 address (example: --bind 127.0.0.1)"
        case .cannotListen(let why): return "cannot listen: \(why)"
        }
    }
}

/// The HTTP side of `laurel serve` (FlyingFox): files from the live site, HTML with the
/// reload script, and the reload script's endpoint.
public final class PreviewServer: Sendable {
    public let site: LiveSite
    public let open: OpenPages
    private let server: HTTPServer
    public let host: String
    /// How long the reload script's request is held open when nothing changes.
    let holdSeconds: Double

    public init(site: LiveSite, open: OpenPages = OpenPages(), host: String, port: UInt16, holdSeconds: Double = 20) throws {
        self.site = site
        self.open = open
        self.host = host
        self.holdSeconds = holdSeconds
        let address: any SocketAddress
        do {
            address = host.contains(":") ? try sockaddr_in6.inet6(ip6: host, port: port) : try sockaddr_in.inet(ip4: host, port: port)
        } catch {
            throw ServeError.badAddress(host)
        }
        try PreviewServer.checkFree(address, host: host, port: port)
        let handler = Handler(site: site, open: open, holdSeconds: holdSeconds)
        server = HTTPServer(config: HTTPServer.Configuration(address: address, timeout: holdSeconds + 40, logger: .disabled), handler: handler)
    }

    /// Starts listening; returns the port (the one asked for, or the one the system chose for 0).
    public func start() async throws -> UInt16 {
        let server = self.server
        Task { try? await server.run() }
        do { try await server.waitUntilListening(timeout: 15) } catch {
            throw ServeError.cannotListen("\(error)")
        }
        switch await server.listeningAddress {
        case .ip4(_, let port)?, .ip6(_, let port)?: return port
        default: return 0
        }
    }

    public func stop() async { await server.stop(timeout: 1) }

    /// A second `laurel serve` on the same port gets a clear message, not a socket error: the
    /// address is bound once here (and released) before the server binds it.
    static func checkFree(_ address: some SocketAddress, host: String, port: UInt16) throws {
        guard port != 0 else { return }
        let socket: Socket
        do { socket = try Socket(domain: Int32(type(of: address).family)) } catch { throw ServeError.cannotListen("\(error)") }
        defer { try? socket.close() }
        try? socket.setValue(true, for: .localAddressReuse)
        do { try socket.bind(to: address) } catch {
            if case SocketError.failed(_, let code, _) = error, code == EADDRINUSE { throw ServeError.portInUse(host: host, port: port) }
            throw ServeError.cannotListen("\(error)")
        }
    }

    struct Handler: HTTPHandler {
        let site: LiveSite
        let open: OpenPages
        let holdSeconds: Double

        func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
            guard request.method == .GET || request.method == .HEAD else {
                return HTTPResponse(statusCode: .methodNotAllowed, headers: [.contentType: "text/plain; charset=utf-8", HTTPHeader("Allow"): "GET, HEAD"],
                                    body: Data("laurel serve only shows pages (GET, HEAD)\n".utf8))
            }
            let raw = request.target.path(percentEncoded: true)
            if raw == ServedPages.changesEndpoint { return await changes(request) }
            if raw == ServedPages.scriptEndpoint {
                return HTTPResponse(statusCode: .ok, headers: [.contentType: ContentType.of("reload.js"), .cacheControl: "no-store"],
                                    body: Data(ServedPages.reloadScript.utf8))
            }
            if raw == ServedPages.versionEndpoint {
                return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                                    body: Data("\(site.currentVersion)\n".utf8))
            }
            let answer = site.answer(RequestPath.resolve(raw))
            var headers: HTTPHeaders = [.contentType: answer.contentType, .cacheControl: "no-store", HTTPHeader("X-Content-Type-Options"): "nosniff"]
            if let location = answer.location { headers[.location] = location }
            var body = answer.body
            if answer.contentType.hasPrefix("text/html") && answer.status != 403 && answer.location == nil {
                body = ServedPages.inject(body, path: answer.path, hash: Handler.hash(answer.body))
            }
            let status = HTTPStatusCode(answer.status, phrase: Handler.phrase(answer.status))
            return HTTPResponse(statusCode: status, headers: headers, body: request.method == .HEAD ? Data() : Data(body))
        }

        /// Answers `reload` once `path` would answer other bytes than those hashed `since`
        /// (rebuilt, broken, fixed), or `same` after `holdSeconds`.
        func changes(_ request: HTTPRequest) async -> HTTPResponse {
            let headers: HTTPHeaders = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
            guard let path = request.query["path"], let since = request.query["since"],
                  case .file(let file) = RequestPath.resolve("/" + ServedPages.percentEncode(path)) else {
                return HTTPResponse(statusCode: .badRequest, headers: headers, body: Data("expected ?path=…&since=…\n".utf8))
            }
            open.add(file)
            defer { open.remove(file) }
            let clock = ContinuousClock()
            let deadline = clock.now + .milliseconds(Int(holdSeconds * 1000))
            var seen: UInt64?
            while clock.now < deadline {
                let version = site.currentVersion
                if version != seen {
                    seen = version
                    if Handler.hash(site.answer(.file(file)).body) != since {
                        return HTTPResponse(statusCode: .ok, headers: headers, body: Data("reload\n".utf8))
                    }
                }
                if Task.isCancelled { break }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return HTTPResponse(statusCode: .ok, headers: headers, body: Data("same\n".utf8))
        }

        static func hash(_ bytes: [UInt8]) -> String { ContentHash.hex(ContentHash.of(bytes)) }

        static func phrase(_ status: Int) -> String {
            switch status {
            case 200: return "OK"
            case 301: return "Moved Permanently"
            case 403: return "Forbidden"
            case 404: return "Not Found"
            default: return "Internal Server Error"
            }
        }
    }
}
