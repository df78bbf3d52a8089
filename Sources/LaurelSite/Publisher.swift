import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One file of the built portal, by path relative to the output folder.
public struct OutputFile: Sendable {
    public let path: String
    public let bytes: [UInt8]
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
    public init(path: String, text: String) { self.init(path: path, bytes: Array(text.utf8)) }
}

/// Writes a built portal so that readers never see a half-written one: everything goes into
/// a staging folder beside the output, which then replaces the output folder; the previous
/// build stays beside it as `OUTPUT.previous` for a rollback.
public final class Publisher: SiteSink, @unchecked Sendable {
    public let output: String
    public let staging: String
    private let lock = NSLock()
    private var folders = Set<String>()

    public enum Failure: Error, CustomStringConvertible {
        case io(String)
        public var description: String {
            switch self { case .io(let m): return m }
        }
    }

    public init(output: String) throws(Failure) {
        var o = output
        while o.count > 1 && o.hasSuffix("/") { o.removeLast() }
        self.output = o
        staging = o + ".staging"
        let fm = FileManager.default
        do {
            if fm.fileExists(atPath: staging) { try fm.removeItem(atPath: staging) }
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw Failure.io("cannot create \(staging): \(error.localizedDescription)")
        }
        folders.insert(staging)
    }

    /// The folder that keeps the previous build after a publish, for a rollback.
    public var previous: String { output + ".previous" }

    public func write(_ path: String, _ bytes: [UInt8]) throws {
        guard Publisher.isSafe(path) else { throw Failure.io("refusing to write outside the output: \(path)") }
        let full = staging + "/" + path
        let folder = (full as NSString).deletingLastPathComponent
        try makeFolder(folder)
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure.io("\(full): cannot create (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress?.advanced(by: offset), raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Failure.io("\(full): cannot write (\(String(cString: strerror(errno))))")
                }
                offset += n
            }
        }
    }

    private func makeFolder(_ folder: String) throws {
        lock.lock()
        let known = folders.contains(folder)
        lock.unlock()
        if known { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Failure.io("\(folder): cannot create (\(error.localizedDescription))")
        }
        lock.lock()
        folders.insert(folder)
        lock.unlock()
    }

    /// Replaces the output with the staging folder; the old output becomes `OUTPUT.previous`.
    public func commit() throws(Failure) {
        let fm = FileManager.default
        do {
            if fm.fileExists(atPath: output) {
                if fm.fileExists(atPath: previous) { try fm.removeItem(atPath: previous) }
                try fm.moveItem(atPath: output, toPath: previous)
            }
            try fm.moveItem(atPath: staging, toPath: output)
        } catch {
            throw Failure.io("cannot publish to \(output): \(error.localizedDescription)")
        }
    }

    /// Removes the staging folder after a failed build; the output is untouched.
    public func abandon() {
        try? FileManager.default.removeItem(atPath: staging)
    }

    /// A relative path without `..`, empty or hidden segments.
    public static func isSafe(_ path: String) -> Bool {
        !path.hasPrefix("/") && path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0 != "." && $0 != ".."
        }
    }
}
