import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where `laurel what-if --output DIR` may write, and the writing itself, all or nothing
/// (docs/what-if.md). The page set goes into a new hidden folder beside DIR and then takes
/// DIR's place in one rename, so DIR is either the previous what-if or the new one, never a
/// mix. A what-if writes only into a folder that is new, empty, or marked by an earlier
/// what-if: never into a published portal, its bookkeeping, or the content folder.
public enum WhatIfOutput {
    /// The file that marks a folder as written by `laurel what-if`.
    public static let marker = ".laurel-what-if"
    static let markerText = "This folder was written by `laurel what-if` (docs/what-if.md). A later\n`laurel what-if --output` into it replaces the whole folder.\n"

    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Why `folder` may not receive a what-if, or nil when it may. `content`: the content folder.
    public static func refusal(folder given: String, content: String) -> Refusal? {
        guard !given.isEmpty else { return Refusal(description: "--output needs a folder") }
        // "what-if/" is "what-if": a trailing slash would make lstat look through a link.
        var folder = given
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        let fm = FileManager.default
        let target = resolved(folder)
        if let contentPath = realpath(content) {
            if target == contentPath || target.hasPrefix(contentPath + "/") {
                return Refusal(description: "\(folder) is inside the content folder \(content); write the what-if elsewhere (for example --output what-if)")
            }
            if contentPath.hasPrefix(target + "/") {
                return Refusal(description: "\(folder) holds the content folder \(content); write the what-if into a folder of its own")
            }
        }
        // A published portal is a link into `.NAME.laurel/builds/`, beside which `laurel build`
        // keeps its bookkeeping: refuse the portal, anything in it, and the bookkeeping itself.
        var ancestor = target
        while !ancestor.isEmpty && ancestor != "/" {
            let name = (ancestor as NSString).lastPathComponent
            if name.hasPrefix(".") && name.hasSuffix(".laurel") {
                return Refusal(description: "\(folder) is inside \(name), where laurel build keeps published portals; write the what-if elsewhere")
            }
            if fm.fileExists(atPath: Publisher.home(of: ancestor)) {
                return Refusal(description: "\(folder) is \(ancestor == target ? "" : "inside ")a portal published by laurel build (\(ancestor)); a what-if never writes into the published output")
            }
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        var info = stat()
        if lstat(folder, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFLNK {
                return Refusal(description: "\(folder) is a symbolic link; give the folder itself")
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                return Refusal(description: "\(folder) exists and is not a folder")
            }
            let names = (try? fm.contentsOfDirectory(atPath: folder)) ?? ["?"]
            if !names.isEmpty && !names.contains(marker) {
                return Refusal(description: "\(folder) is not empty and was not written by laurel what-if (it has no \(marker)); choose a new or empty folder")
            }
        }
        return nil
    }

    /// Writes `files` (paths without folders) and the marker into `folder`, replacing an
    /// earlier what-if there. Checks `refusal` again first. Nothing changes on failure.
    public static func write(_ files: [(path: String, bytes: [UInt8])], to folder: String, content: String) throws(Refusal) {
        if let refusal = refusal(folder: folder, content: content) { throw refusal }
        var trimmed = folder
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let url = URL(fileURLWithPath: trimmed)
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw Refusal(description: "cannot create \(parent): \(Publisher.reason(error))")
        }
        var template = Array((parent + "/." + name + ".what-if-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw Refusal(description: "cannot create a folder beside \(trimmed): \(String(cString: strerror(errno)))")
        }
        let temporary = String(cString: made)
        do {
            // mkdtemp makes the folder for its owner only; the pages are for a browser or a web server.
            guard chmod(temporary, 0o755) == 0 else { throw failure("cannot open up \(temporary)") }
            for file in files + [(path: marker, bytes: Array(markerText.utf8))] {
                guard !file.path.contains("/"), Publisher.isSafe(file.path) else {
                    throw Refusal(description: "refusing to write \(file.path)")
                }
                try writeFile(temporary + "/" + file.path, file.bytes)
            }
            try sync(temporary)
            try swap(temporary, into: trimmed)
            try sync(parent)
        } catch let refusal as Refusal {
            try? FileManager.default.removeItem(atPath: temporary)
            throw refusal
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw Refusal(description: "\(error)")
        }
    }

    /// `temporary` takes the place of `folder`; the previous folder (ours, checked) is removed.
    static func swap(_ temporary: String, into folder: String) throws(Refusal) {
        var info = stat()
        guard lstat(folder, &info) == 0 else {
            guard rename(temporary, folder) == 0 else { throw failure("cannot rename \(temporary) to \(folder)") }
            return
        }
        // The old folder moves aside first, then the new one in: between the two renames DIR
        // is missing for an instant, never half-written.
        let aside = temporary + ".old"
        guard rename(folder, aside) == 0 else { throw failure("cannot move \(folder) aside") }
        guard rename(temporary, folder) == 0 else {
            let f = failure("cannot rename \(temporary) to \(folder)")
            _ = rename(aside, folder)
            throw f
        }
        try? FileManager.default.removeItem(atPath: aside)
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws(Refusal) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(path)") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                buffer.baseAddress.map { Glibc.write(fd, $0 + written, bytes.count - written) } ?? -1
            }
            if n < 0 {
                if errno == EINTR { continue }
                let f = failure("cannot write \(path)")
                close(fd)
                throw f
            }
            written += n
        }
        if fsync(fd) != 0 { let f = failure("cannot flush \(path)"); close(fd); throw f }
        if close(fd) != 0 { throw failure("cannot close \(path)") }
    }

    static func sync(_ folder: String) throws(Refusal) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open \(folder)") }
        fsync(fd)
        close(fd)
    }

    static func failure(_ what: String) -> Refusal {
        Refusal(description: "\(what): \(String(cString: strerror(errno)))")
    }

    /// The absolute path with every link resolved, also when the last parts do not exist yet.
    static func resolved(_ path: String) -> String {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        if let real = realpath(trimmed) { return real }
        let url = URL(fileURLWithPath: trimmed)
        let parent = url.deletingLastPathComponent().path
        if parent == trimmed || parent.isEmpty { return url.standardizedFileURL.path }
        let base = resolved(parent)
        return (base == "/" ? "" : base) + "/" + url.lastPathComponent
    }

    static func realpath(_ path: String) -> String? {
        guard let p = Glibc.realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
