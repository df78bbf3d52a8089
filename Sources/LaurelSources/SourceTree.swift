import Foundation

/// The files of one portal's sources (the `--content` folder), by path relative to it.
/// Tests build one in memory; the command line reads one from disk.
public struct SourceTree: Sendable {
    /// Relative path (with `/`) -> bytes.
    public var files: [String: [UInt8]]
    /// How paths are shown in diagnostics: the `--content` argument as given, e.g. `Content`.
    public var label: String

    public init(label: String = "Content", files: [String: [UInt8]]) {
        self.label = label
        self.files = files
    }

    public init(label: String = "Content", texts: [String: String]) {
        self.init(label: label, files: texts.mapValues { Array($0.utf8) })
    }

    /// Files under `assets/`, by path relative to it (copied to the output unchanged).
    public var assets: [String: [UInt8]] {
        var found: [String: [UInt8]] = [:]
        for (path, bytes) in files where path.hasPrefix("assets/") { found[String(path.dropFirst(7))] = bytes }
        return found
    }

    /// The path as a diagnostic names it.
    public func display(_ relative: String) -> String {
        if label.isEmpty || label == "." { return relative }
        return label.hasSuffix("/") ? label + relative : label + "/" + relative
    }

    /// Relative paths under `folder/` ending in `suffix`, in byte order of the path.
    public func paths(under folder: String, suffix: String) -> [String] {
        let prefix = folder + "/"
        return files.keys.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public enum ReadError: Error, CustomStringConvertible {
        case notAFolder(String)
        case unreadable(String, String)
        public var description: String {
            switch self {
            case .notAFolder(let p): return "\(p): not a folder (expected the portal's content folder with portal.yaml)"
            case .unreadable(let p, let why): return "\(p): cannot be read: \(why)"
            }
        }
    }

    /// Reads every regular file below `folder`. Hidden files and folders (starting with `.`)
    /// are skipped; symbolic links are not followed out of the folder.
    public static func read(folder: String, label: String? = nil) throws -> SourceTree {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReadError.notAFolder(folder)
        }
        var paths: [String] = []
        try walk(root: folder, relative: "", into: &paths)
        // Read on two threads: a large department's ledger is hundreds of megabytes, and the
        // copy from the page cache (into fresh memory the kernel zeroes first) is most of it.
        let read = Parallel.map(paths.count, jobs: min(2, paths.count)) { [paths] i -> Result<[UInt8], ReadError> in
            do { return .success(try readFile(folder + "/" + paths[i])) } catch let error as ReadError {
                return .failure(error)
            } catch {
                return .failure(.unreadable(paths[i], "\(error)"))
            }
        }
        var files: [String: [UInt8]] = [:]
        for (path, result) in zip(paths, read) {
            switch result {
            case .success(let bytes): files[path] = bytes
            case .failure(let error): throw error
            }
        }
        var shown = label ?? folder
        while shown.count > 1 && shown.hasSuffix("/") { shown.removeLast() }
        return SourceTree(label: shown, files: files)
    }

    /// The regular files below `root`, as paths relative to it, in walking order.
    private static func walk(root: String, relative: String, into files: inout [String]) throws {
        let fm = FileManager.default
        let here = relative.isEmpty ? root : root + "/" + relative
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: here) } catch {
            throw ReadError.unreadable(here, "\(error.localizedDescription)")
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let full = root + "/" + rel
            guard let attributes = try? fm.attributesOfItem(atPath: full),
                  let type = attributes[.type] as? FileAttributeType else { continue }
            if type == .typeDirectory {
                try walk(root: root, relative: rel, into: &files)
            } else if type == .typeRegular {
                files.append(rel)
            }
        }
    }

    /// A file's bytes, read straight into the array (a large ledger is read once, not copied
    /// out of a `Data`).
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError.unreadable(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ReadError.unreadable(path, String(cString: strerror(errno))) }
        var bytes: [UInt8] = []
        var want = max(Int(info.st_size), 0) + 1  // one byte more notices a file that grew
        while true {
            var failure: Int32 = 0
            let piece = [UInt8](unsafeUninitializedCapacity: want) { buffer, count in
                count = 0
                guard let base = buffer.baseAddress else { return }
                while count < want {
                    let n = Glibc.read(fd, base + count, want - count)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        break
                    }
                    if n == 0 { break }
                    count += n
                }
            }
            if failure != 0 { throw ReadError.unreadable(path, String(cString: strerror(failure))) }
            if bytes.isEmpty { bytes = piece } else { bytes.append(contentsOf: piece) }
            if piece.count < want { return bytes }
            want = 65_536
        }
    }
}
