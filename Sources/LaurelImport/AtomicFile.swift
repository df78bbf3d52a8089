import Glibc

/// Writing one new file so that a crash leaves either no file or the whole file: the bytes go
/// to a hidden temporary file beside it, which is flushed to disk, then renamed into place,
/// and the folder is flushed so that the rename itself survives a power cut.
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Writes `bytes` to `path` (in an existing or new folder `folder`), refusing to replace
    /// an existing file.
    public static func create(_ path: String, bytes: [UInt8]) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        try makeFolders(folder)
        if access(path, F_OK) == 0 { throw Failure(description: "\(path) already exists; nothing was written") }
        let temporary = folder + "/.\(name).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        var ok = false
        defer { if !ok { unlink(temporary) } }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress.map { $0 + written }, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let f = failure("cannot write \(temporary)")
                close(fd)
                throw f
            }
            written += n
        }
        if fsync(fd) != 0 { let f = failure("cannot flush \(temporary)"); close(fd); throw f }
        if close(fd) != 0 { throw failure("cannot close \(temporary)") }
        // link + unlink instead of rename: link fails if the file appeared meanwhile, where
        // rename would silently replace it.
        if link(temporary, path) != 0 { throw failure("cannot move the new file to \(path)") }
        ok = true
        unlink(temporary)
        syncFolder(folder)
    }

    /// Replaces the existing file at `path` with `bytes`, the same way (rename over it).
    public static func replace(_ path: String, bytes: [UInt8]) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = folder + "/.\(name).\(getpid()).tmp"
        try create(temporary, bytes: bytes)
        if rename(temporary, path) != 0 {
            let f = failure("cannot replace \(path)")
            unlink(temporary)
            throw f
        }
        syncFolder(folder)
    }

    static func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno))); nothing was written")
    }

    /// Creates `folder` and its parents as needed, flushing each parent that gained a folder.
    static func makeFolders(_ folder: String) throws {
        var st = stat()
        if stat(folder, &st) == 0 {
            if st.st_mode & S_IFMT == S_IFDIR { return }
            throw Failure(description: "\(folder) is not a folder; nothing was written")
        }
        let slash = folder.lastIndex(of: "/")
        let parent = slash.map { String(folder[..<$0]) } ?? "."
        if !parent.isEmpty && parent != folder { try makeFolders(parent) }
        if mkdir(folder, 0o755) != 0 && errno != EEXIST { throw failure("cannot create the folder \(folder)") }
        syncFolder(parent.isEmpty ? "/" : parent)
    }

    static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
