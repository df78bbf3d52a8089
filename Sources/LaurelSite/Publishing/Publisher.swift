import Foundation
import LaurelSources
#if canImport(Glibc)
import Glibc
#endif

/// Publishes a portal so that readers never see a half-written one, and so that a file whose
/// bytes did not change is not rewritten.
///
/// `OUTPUT` is a symbolic link to a complete build in `.OUTPUT.laurel/builds/` (a hidden folder
/// beside it). A build writes into a new folder there; files whose bytes match the previous
/// build are hard-linked from it (same inode, same modification time, nothing written); then
/// one `rename` of a new link over `OUTPUT` switches readers to the new build. The previous
/// build stays for `laurel rollback`; older ones are removed.
///
/// The new folder is the build before the previous one, reused (decision 123): its manifest
/// says what each of its files holds, so a file whose bytes it and the published build both
/// have costs no system call; a file only that folder links (one link) is written over in
/// place (decision 124); any other file is unlinked and made again (never written through:
/// its inode may be shared with the published build); and what the new build lacks is
/// removed before its manifest is written. Without such a build (the first two builds of an output, or after a
/// build killed before its manifest) the folder is new.
public final class Publisher: SiteSink, @unchecked Sendable {
    public let output: String
    /// `.OUTPUT.laurel` beside the output: builds, manifests, the lock, the build report.
    public let home: String
    public let folder: String
    private let previousFolder: String?
    /// The build folder and the previous one, open: files are made relative to them, so the
    /// kernel does not walk the whole path for each of 100,000 files.
    private let folderFD: Int32
    private let previousFD: Int32
    private let previousManifest: [String: (size: Int, hash: UInt64)]
    /// What the reused folder holds (its build's manifest); empty for a new folder.
    private let reusedManifest: [String: (size: Int, hash: UInt64)]
    /// The older build whose folder this build reuses, if any (for the report and tests).
    public let reusedBuild: String?
    private let lock = NSLock()
    private var folders = Set<String>()
    /// Names of the reused folder removed by this build (`clear`).
    private var cleared = Set<String>()
    private var manifest: [String: (size: Int, hash: UInt64)] = [:]
    public private(set) var written = 0
    public private(set) var unchanged = 0

    public enum Failure: Error, CustomStringConvertible {
        case io(String)
        public var description: String {
            switch self { case .io(let m): return m }
        }
    }

    /// The bookkeeping folder of an output.
    public static func home(of output: String) -> String {
        let url = URL(fileURLWithPath: Publisher.trimmed(output))
        return url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".laurel").path
    }

    static func trimmed(_ path: String) -> String {
        var o = path
        while o.count > 1 && o.hasSuffix("/") { o.removeLast() }
        return o
    }

    public init(output: String) throws(Failure) {
        self.output = Publisher.trimmed(output)
        home = Publisher.home(of: output)
        let builds = home + "/builds"
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: builds, withIntermediateDirectories: true)
        } catch {
            throw Failure.io("cannot create \(builds): \(Publisher.reason(error))")
        }
        try Publisher.adoptPlainFolder(self.output, builds: builds)
        let current = Publisher.currentBuild(output: self.output)
        previousFolder = current
        previousManifest = current.map { Publisher.readManifest($0 + ".manifest") } ?? [:]
        let existing = (try? fm.contentsOfDirectory(atPath: builds)) ?? []
        let next = (existing.compactMap { name -> Int? in
            guard name.hasPrefix("b"), !name.hasSuffix(".manifest") else { return nil }
            return Int(name.dropFirst())
        }.max() ?? 0) + 1
        folder = builds + "/b" + String(format: "%06d", next)
        try? fm.removeItem(atPath: folder)
        try? fm.removeItem(atPath: DependencyRecord.path(ofBuild: folder))
        let currentName = current.map { URL(fileURLWithPath: $0).lastPathComponent }
        if let (old, manifest) = Publisher.reusable(builds: builds, names: existing, except: currentName), rename(old, folder) == 0 {
            reusedManifest = manifest
            reusedBuild = old
        } else {
            reusedManifest = [:]
            reusedBuild = nil
        }
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Failure.io("cannot create \(folder): \(Publisher.reason(error))")
        }
        // The reused folder's folders exist: no mkdirat for the 10,000 people's.
        folders = Publisher.folders(of: reusedManifest.keys)
        folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folderFD >= 0 else { throw Failure.io("cannot open \(folder): \(String(cString: strerror(errno)))") }
        previousFD = current.map { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } ?? -1
    }

    /// The newest build other than the published one that was completed (it has its
    /// manifest), with that manifest, ready to be reused: its manifest and dependency record
    /// are removed first, so that a crash from here on leaves a folder no build trusts (the
    /// next build's switch removes it).
    static func reusable(builds: String, names: [String], except current: String?) -> (String, [String: (size: Int, hash: UInt64)])? {
        let done = Set(names.filter { $0.hasSuffix(".manifest") }.map { String($0.dropLast(".manifest".count)) })
        let candidates = names.filter { $0 != current && done.contains($0) && $0.hasPrefix("b") && Int($0.dropFirst()) != nil }
        guard let name = candidates.max(by: { (Int($0.dropFirst()) ?? 0) < (Int($1.dropFirst()) ?? 0) }) else { return nil }
        let old = builds + "/" + name
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: old, isDirectory: &isFolder), isFolder.boolValue,
              let data = FileManager.default.contents(atPath: old + ".manifest") else { return nil }
        // Only paths laurel could have written: the leftovers of an edited manifest are never
        // removed outside the folder.
        let manifest = parseManifest([UInt8](data)).filter { isSafe($0.key) }
        guard unlink(old + ".manifest") == 0 else { return nil }
        unlink(DependencyRecord.path(ofBuild: old))
        return (old, manifest)
    }

    deinit {
        close(folderFD)
        if previousFD >= 0 { close(previousFD) }
    }

    /// The build folder `OUTPUT` points at, if it is one of ours.
    public static func currentBuild(output: String) -> String? {
        let output = trimmed(output)  // readlink("public/") would follow the link
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: output) else { return nil }
        let parent = URL(fileURLWithPath: output).deletingLastPathComponent().path
        let full = target.hasPrefix("/") ? target : parent + "/" + target
        return FileManager.default.fileExists(atPath: full) ? full : nil
    }

    /// An output that is a plain folder (from an older version or made by hand) becomes the
    /// first build, so the switch can be a link from now on.
    static func adoptPlainFolder(_ output: String, builds: String) throws(Failure) {
        var isFolder: ObjCBool = false
        let fm = FileManager.default
        guard (try? fm.destinationOfSymbolicLink(atPath: output)) == nil,
              fm.fileExists(atPath: output, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else { throw Failure.io("\(output) exists and is not a folder; move it away") }
        let adopted = builds + "/b000000"
        do {
            try? fm.removeItem(atPath: adopted)
            try fm.moveItem(atPath: output, toPath: adopted)
            try fm.createSymbolicLink(atPath: output, withDestinationPath: relative(adopted, from: output))
        } catch {
            throw Failure.io("cannot adopt \(output) as a build: \(Publisher.reason(error))")
        }
    }

    /// The system's reason for a failed file operation ("Not a directory", "No space left on
    /// device"), not Foundation's generic "The operation could not be completed".
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        }
        return ns.localizedDescription
    }

    static func relative(_ target: String, from link: String) -> String {
        let parent = URL(fileURLWithPath: link).deletingLastPathComponent().standardizedFileURL.path
        let full = URL(fileURLWithPath: target).standardizedFileURL.path
        return full.hasPrefix(parent + "/") ? String(full.dropFirst(parent.count + 1)) : full
    }

    // MARK: writing

    public func write(_ path: String, _ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard Publisher.isSafe(path) else { throw Failure.io("refusing to write outside the output: \(path)") }
        // The parent folder, cut at the last "/" (no NSString round trip per file).
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
            try makeFolder(String(path[..<slash]))
        }
        let hash = ContentHash.of(bytes)
        let old = previousManifest[path]
        let asBefore = old.map { $0.size == bytes.count && $0.hash == hash } ?? false
        // The reused folder has these bytes already, and so had the previous build: then they
        // share the inode (each build took its inode from the one before when it could), and
        // the file stays as it is. Bytes the previous build did not have are a new file with
        // a new time even if the older build had them (If-Modified-Since, rsync -u).
        let again = touched(path)
        if !again, asBefore, let here = reusedManifest[path], here.size == bytes.count, here.hash == hash {
            record(path, bytes.count, hash, changed: false)
            return
        }
        // A file of the reused folder that is no other build's (one link: its bytes were never
        // the published build's) is written over where it is: the kernel keeps its pages,
        // where a new file would take fresh ones and free the old (decision 124).
        if !again, !asBefore, reusedManifest[path] != nil, try overwrite(path, bytes) {
            record(path, bytes.count, hash, changed: true)
            return
        }
        // A file there (reused, or kept and then written after all) may be a hard link into the
        // previous build: remove the name, never write through it.
        if again || reusedManifest[path] != nil { clear(path) }
        if previousFD >= 0, asBefore, link(path) {
            record(path, bytes.count, hash, changed: false)
            return
        }
        try Publisher.writeFile(path, in: folderFD, shown: folder, bytes, fresh: true)
        record(path, bytes.count, hash, changed: true)
    }

    /// Hard-links `path` from the previous build, as it is there (an incremental build's
    /// unchanged file, docs/incremental.md). False when the previous build has no such file.
    public func keep(_ path: String) -> Bool {
        guard previousFD >= 0, Publisher.isSafe(path), let old = previousManifest[path] else { return false }
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
            guard (try? makeFolder(String(path[..<slash]))) != nil else { return false }
        }
        let again = touched(path)
        if !again, let here = reusedManifest[path], here.size == old.size, here.hash == old.hash {
            record(path, old.size, old.hash, changed: false)
            return true
        }
        if again || reusedManifest[path] != nil { clear(path) }
        guard link(path) else { return false }
        record(path, old.size, old.hash, changed: false)
        return true
    }

    /// Whether `path` was written, kept or cleared already in this build: then what the reused
    /// folder's manifest says of it no longer holds.
    private func touched(_ path: String) -> Bool {
        lock.withLock { manifest[path] != nil || cleared.contains(path) }
    }

    /// Removes the name `path` from the build folder (a file, or a folder of the reused build
    /// where this build has a file), noting it so that no later shortcut trusts the manifest.
    private func clear(_ path: String) {
        lock.withLock { _ = cleared.insert(path) }
        if unlinkat(folderFD, path, 0) != 0 && errno == EISDIR {
            try? FileManager.default.removeItem(atPath: folder + "/" + path)
        }
    }

    /// Writes `bytes` over the reused folder's file `path` if it is a regular file with no
    /// other link (so no other build, and never the published one, sees it change); false,
    /// with nothing changed, when it is not one.
    private func overwrite(_ path: String, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Bool {
        let fd = openat(folderFD, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return false }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else {
            close(fd)
            return false
        }
        lock.withLock { _ = cleared.insert(path) }  // its old bytes are going: trust no manifest
        var failure = Publisher.writeAll(fd, bytes, shown: folder + "/" + path)
        if failure == nil, Int(info.st_size) > bytes.count, ftruncate(fd, off_t(bytes.count)) != 0 {
            failure = Failure.io("\(folder)/\(path): cannot write (\(String(cString: strerror(errno))))")
        }
        if close(fd) != 0, failure == nil { throw Failure.io("\(folder)/\(path): cannot write (\(String(cString: strerror(errno))))") }
        if let failure { throw failure }
        return true
    }

    /// Hard-links `path` from the previous build; a folder of the reused build in the way is
    /// removed first.
    private func link(_ path: String) -> Bool {
        if linkat(previousFD, path, folderFD, path, 0) == 0 { return true }
        guard errno == EEXIST, reusedBuild != nil else { return false }
        clear(path)
        return linkat(previousFD, path, folderFD, path, 0) == 0
    }

    /// The previous build's bytes of `path`, if they are what its manifest says (size and hash).
    public func previous(_ path: String) -> [UInt8]? {
        guard previousFD >= 0, Publisher.isSafe(path), let old = previousManifest[path], old.size >= 0,
              old.size <= 64 << 20 else { return nil }
        let fd = openat(previousFD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // One byte more than recorded: a file that grew since is not the recorded one.
        var bytes = [UInt8](repeating: 0, count: old.size + 1)
        var count = 0
        let ok = bytes.withUnsafeMutableBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return false }
            while count < raw.count {
                let n = read(fd, base + count, raw.count - count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return n == 0 }
                count += n
            }
            return true
        }
        guard ok, count == old.size else { return nil }
        bytes.removeLast()
        guard bytes.withUnsafeBufferPointer({ ContentHash.of($0) }) == old.hash else { return nil }
        return bytes
    }

    /// The dependency record of the build published now, if it has a usable one.
    public var previousRecord: Result<DependencyRecord, DependencyRecord.Unusable> {
        guard let previousFolder else { return .failure(.missing) }
        return DependencyRecord.read(ofBuild: previousFolder)
    }

    private func record(_ path: String, _ size: Int, _ hash: UInt64, changed: Bool) {
        lock.lock()
        manifest[path] = (size, hash)
        if changed { written += 1 } else { unchanged += 1 }
        let first = written + unchanged == 1
        lock.unlock()
        if first { FaultPoint.afterFirstWrite.reach() }
    }

    static func writeFile(_ full: String, _ bytes: UnsafeBufferPointer<UInt8>) throws {
        try writeFile(full, in: AT_FDCWD, shown: "", bytes)
    }

    /// Writes `path` relative to the open folder `base` (shown as `shown` in messages).
    /// `fresh`: as a new file (a new inode), never through a name that is there already, which
    /// in a build folder may be a hard link into another build; what is in the way (a file or
    /// folder the manifest did not list) is removed first.
    static func writeFile(_ path: String, in base: Int32, shown: String, _ bytes: UnsafeBufferPointer<UInt8>, fresh: Bool = false) throws {
        let full = shown.isEmpty ? path : shown + "/" + path
        var fd = openat(base, path, O_WRONLY | O_CREAT | (fresh ? O_EXCL : O_TRUNC) | O_CLOEXEC, 0o644)
        if fd < 0 && fresh && errno == EEXIST {
            if unlinkat(base, path, 0) != 0 && errno == EISDIR {
                try? FileManager.default.removeItem(atPath: full)
            }
            fd = openat(base, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw Failure.io("\(full): cannot create (\(String(cString: strerror(errno))))") }
        let failure = writeAll(fd, bytes, shown: full)
        if close(fd) != 0, failure == nil { throw Failure.io("\(full): cannot write (\(String(cString: strerror(errno))))") }
        if let failure { throw failure }
    }

    /// Writes all of `bytes` to `fd` from its current offset.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>, shown: String) -> Failure? {
        var offset = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while offset < raw.count {
            let n = Glibc.write(fd, raw.baseAddress?.advanced(by: offset), raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return Failure.io("\(shown): cannot write (\(String(cString: strerror(errno))))")
            }
            offset += n
        }
        return nil
    }

    /// Makes `path` (relative to the build folder) and its parents.
    private func makeFolder(_ path: String) throws {
        lock.lock()
        let known = folders.contains(path)
        lock.unlock()
        if known { return }
        // mkdirat(2) directly: the parent almost always exists already (FileManager would stat
        // every component first, which costs as much as the page on a large department).
        // A file of the reused folder where this build needs a folder (or one of its parents)
        // goes first.
        if !reusedManifest.isEmpty {
            var prefix = Substring(path)
            while true {
                if reusedManifest[String(prefix)] != nil { clear(String(prefix)) }
                guard let slash = prefix.utf8.lastIndex(of: UInt8(ascii: "/")) else { break }
                prefix = prefix[..<slash]
            }
        }
        if mkdirat(folderFD, path, 0o755) != 0 && errno != EEXIST {
            guard errno == ENOENT, let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else {
                throw Failure.io("\(folder)/\(path): cannot create (\(String(cString: strerror(errno))))")
            }
            try makeFolder(String(path[..<slash]))
            if mkdirat(folderFD, path, 0o755) != 0 && errno != EEXIST {
                throw Failure.io("\(folder)/\(path): cannot create (\(String(cString: strerror(errno))))")
            }
        }
        lock.lock()
        folders.insert(path)
        lock.unlock()
    }

    // MARK: switching

    /// Makes the new build the published one with one rename, then removes builds older than
    /// the previous one.
    public func commit(record: DependencyRecord? = nil) throws(Failure) {
        // `HASH SIZE PATH` per line, in path order, written as bytes (100,000 lines at 50,000 people).
        var lines = ByteWriter(capacity: manifest.count * 64 + 64)
        for (path, entry) in manifest.sorted(by: { $0.key < $1.key }) {
            RecordNumbers.appendHex(entry.hash, to: &lines)
            lines.append(32)
            HTMLWriter.digits(Int64(entry.size), into: &lines)
            lines.append(32)
            lines.append(path)
            lines.append(10)
        }
        if manifest.isEmpty { lines.append(10) }
        // Before the manifest: a folder with a manifest holds exactly what it lists, or the
        // build after a kill here would reuse it and publish what this one removed.
        removeLeftovers()
        FaultPoint.beforeManifest.reach()
        do {
            try Publisher.writeFile(folder + ".manifest", lines.bytes)
            // Written before the switch: a published build always has its record (or none,
            // when it was built without one, which makes the next build a full render).
            if let record {
                try record.bytes.withUnsafeBufferPointer { try Publisher.writeFile(DependencyRecord.path(ofBuild: folder), $0) }
            }
        } catch {
            throw Failure.io("cannot write the build manifest: \(error)")
        }
        try Publisher.point(output, at: folder)
        FaultPoint.afterSwitch.reach()
        prune(keeping: [folder, previousFolder].compactMap { $0 })
    }

    /// Replaces the link `output` by one to `folder`, atomically (rename over the old link).
    static func point(_ output: String, at folder: String) throws(Failure) {
        let temporary = output + ".laurel-link"
        unlink(temporary)
        guard symlink(relative(folder, from: output), temporary) == 0 else {
            throw Failure.io("cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        FaultPoint.beforeSwitch.reach()
        guard rename(temporary, output) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure.io("cannot switch \(output) to the new build: \(reason)")
        }
    }

    /// Removes from a reused folder the files of its old build that this build does not have,
    /// then the folders left empty, deepest first.
    private func removeLeftovers() {
        let gone = reusedManifest.keys.filter { manifest[$0] == nil }
        guard !gone.isEmpty else { return }
        for path in gone { unlinkat(folderFD, path, 0) }
        let kept = Publisher.folders(of: manifest.keys)
        let empty = Publisher.folders(of: gone).subtracting(kept)
        for path in empty.sorted(by: { $0.utf8.count > $1.utf8.count }) { unlinkat(folderFD, path, AT_REMOVEDIR) }
    }

    /// Every folder that holds one of `paths`, at any depth.
    static func folders<S: Sequence<String>>(of paths: S) -> Set<String> {
        var folders = Set<String>()
        for path in paths {
            var path = Substring(path)
            while let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
                path = path[..<slash]
                guard folders.insert(String(path)).inserted else { break }
            }
        }
        return folders
    }

    private func prune(keeping: [String]) {
        let builds = home + "/builds"
        let keep = Set(keeping.map { URL(fileURLWithPath: $0).lastPathComponent })
        for name in (try? FileManager.default.contentsOfDirectory(atPath: builds)) ?? [] {
            let base = name.hasSuffix(".manifest") ? String(name.dropLast(".manifest".count))
                : name.hasSuffix(".deps") ? String(name.dropLast(".deps".count)) : name
            if !keep.contains(base) { try? FileManager.default.removeItem(atPath: builds + "/" + name) }
        }
    }

    /// Removes the unfinished build after a failure; the published portal is untouched.
    public func abandon() {
        try? FileManager.default.removeItem(atPath: folder)
        try? FileManager.default.removeItem(atPath: folder + ".manifest")
        try? FileManager.default.removeItem(atPath: DependencyRecord.path(ofBuild: folder))
    }

    /// Points the output back at the build before the current one.
    public static func rollback(output: String) throws(Failure) -> String {
        let output = trimmed(output)
        let builds = home(of: output) + "/builds"
        guard let current = currentBuild(output: output) else { throw Failure.io("\(output) is not a build published by laurel") }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: builds)) ?? [])
            .filter { $0.hasPrefix("b") && !$0.hasSuffix(".manifest") && !$0.hasSuffix(".deps") }.sorted()
        let currentName = URL(fileURLWithPath: current).lastPathComponent
        guard let i = names.firstIndex(of: currentName), i > 0 else { throw Failure.io("no earlier build of \(output) is kept") }
        let previous = builds + "/" + names[i - 1]
        try point(output, at: previous)
        return previous
    }

    /// `HASH SIZE PATH` lines, as `commit` writes them; a line that is not one is skipped (the
    /// file it names is then written again, never linked on a guess). Parsed on the bytes: every
    /// incremental build reads one line per file of the portal (31,580 at 10,000 people; split
    /// into `String`s that took about 0.15 s of one core, 3 % of a one-entry build).
    static func readManifest(_ path: String) -> [String: (size: Int, hash: UInt64)] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return parseManifest([UInt8](data))
    }

    static func parseManifest(_ bytes: [UInt8]) -> [String: (size: Int, hash: UInt64)] {
        var entries: [String: (size: Int, hash: UInt64)] = [:]
        entries.reserveCapacity(bytes.count / 48)
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                var end = i
                while end < b.count && b[end] != 10 { end += 1 }
                if let (hash, size, pathStart) = manifestLine(b, i, end) {
                    entries[String(decoding: UnsafeBufferPointer(rebasing: b[pathStart..<end]), as: UTF8.self)] = (size, hash)
                }
                i = end + 1
            }
        }
        return entries
    }

    /// The hash, size and where the path starts of one manifest line `b[start..<end]`.
    private static func manifestLine(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (UInt64, Int, Int)? {
        var hashEnd = start
        while hashEnd < end && b[hashEnd] != 32 { hashEnd += 1 }
        guard hashEnd < end, let hash = RecordNumbers.hex(b[start..<hashEnd]) else { return nil }
        var sizeEnd = hashEnd + 1
        while sizeEnd < end && b[sizeEnd] != 32 { sizeEnd += 1 }
        guard sizeEnd + 1 < end, let size = RecordNumbers.whole(b[(hashEnd + 1)..<sizeEnd]) else { return nil }
        return (hash, Int(size), sizeEnd + 1)
    }

    /// A relative path without `..`, empty or hidden segments.
    /// Relative, and no segment empty, `.` or `..`: checked on the bytes, once per file.
    public static func isSafe(_ path: String) -> Bool {
        var segment = 0       // bytes in the current segment
        var dots = 0          // how many of them are "."
        for c in path.utf8 {
            if c == UInt8(ascii: "/") {
                if segment == 0 || (segment == dots && dots <= 2) { return false }
                segment = 0
                dots = 0
            } else {
                segment += 1
                if c == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return !(segment == 0 || (segment == dots && dots <= 2))
    }
}
