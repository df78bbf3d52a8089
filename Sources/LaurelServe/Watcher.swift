import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches folders for changes to the files below them: inotify on Linux, or polling the
/// files' sizes and modification times where inotify cannot be had (`--poll`, or a file
/// system without it). Reports the changed paths, debounced: an editor's save is often
/// several events (write a temporary file, rename it over the old one).
public final class Watcher: @unchecked Sendable {
    /// A folder and the name changes below it are reported under (`content`, `theme`).
    public struct Root: Sendable {
        public let folder: String
        public let name: String
        public init(folder: String, name: String) {
            self.folder = folder
            self.name = name
        }
    }

    /// A changed file: which root, and its path relative to the root's folder.
    public struct Change: Hashable, Sendable {
        public let root: String
        public let path: String
        public init(root: String, path: String) {
            self.root = root
            self.path = path
        }
    }

    public let roots: [Root]
    /// How long the files must be quiet before a batch of changes is reported.
    public let quiet: Duration
    public private(set) var usesInotify = false
    private var inotify: Int32 = -1
    /// inotify watch descriptor -> (root, folder relative to the root).
    private var watches: [Int32: (root: Int, relative: String)] = [:]
    private var snapshot: [Change: Stamp] = [:]
    /// Written to by `stop()` to wake a waiting `next()`.
    private var wake: [Int32] = [-1, -1]
    private let stopLock = NSLock()
    private var stopped = false
    /// Guards the inotify reads, the watch table and the events read ahead by `hasPending()`.
    private let eventLock = NSLock()
    private var stash = Set<Change>()
    private var lastLook = ContinuousClock.now - .seconds(1)
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    struct Stamp: Equatable {
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    public init(roots: [Root], polling: Bool = false, quiet: Duration = .milliseconds(60)) {
        self.roots = roots
        self.quiet = quiet
        #if os(Linux)
        if !polling {
            let fd = inotify_init1(Int32(IN_CLOEXEC))
            if fd >= 0 {
                inotify = fd
                usesInotify = true
                for (i, root) in roots.enumerated() { addWatches(root: i, relative: "") }
            }
        }
        #endif
        if !usesInotify { snapshot = scan() }
        _ = pipe(&wake)
    }

    deinit {
        if inotify >= 0 { close(inotify) }
        for fd in wake where fd >= 0 { close(fd) }
    }

    /// Makes a waiting `next()` return (empty), and every later one.
    public func stop() {
        stopLock.withLock { stopped = true }
        if wake[1] >= 0 { var b: UInt8 = 1; _ = write(wake[1], &b, 1) }
    }

    public var isStopped: Bool { stopLock.withLock { stopped } }

    /// Blocks until files changed and have been quiet for `quiet`; returns what changed
    /// (nothing once stopped).
    public func next() -> Set<Change> {
        while !isStopped {
            let changes = usesInotify ? nextEvents() : nextScan()
            if !changes.isEmpty || isStopped { return isStopped ? [] : changes }
        }
        return []
    }

    // MARK: inotify

    #if os(Linux)
    private static let mask: UInt32 = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO
                                              | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB)

    private func addWatches(root: Int, relative: String) {
        let folder = relative.isEmpty ? roots[root].folder : roots[root].folder + "/" + relative
        let wd = inotify_add_watch(inotify, folder, Watcher.mask | UInt32(IN_ONLYDIR))
        guard wd >= 0 else { return }
        watches[wd] = (root, relative)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() where !name.hasPrefix(".") {
            var info = stat()
            let full = folder + "/" + name
            if lstat(full, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                addWatches(root: root, relative: relative.isEmpty ? name : relative + "/" + name)
            }
        }
    }
    #endif

    private func nextEvents() -> Set<Change> {
        #if os(Linux)
        var changes = eventLock.withLock { () -> Set<Change> in
            defer { stash = [] }
            return stash
        }
        let quietMilliseconds = Int32(quiet.components.seconds * 1000 + quiet.components.attoseconds / 1_000_000_000_000_000)
        var waitMilliseconds: Int32 = changes.isEmpty ? -1 : max(1, quietMilliseconds)
        while true {
            var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, waitMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return changes
            }
            if ready == 0 || isStopped { return changes }  // quiet long enough
            guard eventLock.withLock({ readEvents(into: &changes) }) else { return changes }
            waitMilliseconds = max(1, quietMilliseconds)
        }
        #else
        return nextScan()
        #endif
    }

    /// Whether a change is waiting (a rebuild in progress can give up and start again).
    /// Waiting events are read (at most every 20 ms, from any thread) and kept for `next()`;
    /// hidden files (editors' swap files, written as one types) do not count.
    public func hasPending() -> Bool {
        guard usesInotify else { return false }
        return eventLock.withLock {
            if !stash.isEmpty { return true }
            let now = ContinuousClock.now
            guard now - lastLook >= .milliseconds(20) else { return false }
            lastLook = now
            var p = pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)
            while poll(&p, 1, 0) > 0 {
                guard readEvents(into: &stash) else { break }
            }
            return !stash.isEmpty
        }
    }

    /// Reads the events waiting on the inotify descriptor (one read) into `changes`; false if
    /// the read failed. Called with `eventLock` held.
    private func readEvents(into changes: inout Set<Change>) -> Bool {
        #if os(Linux)
        let n = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
        if n <= 0 { return n < 0 && errno == EINTR }
        var offset = 0
        while offset + 16 <= n {
            let (wd, eventMask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                 raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                 Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
            }
            var name = ""
            if length > 0 {
                let bytes = buffer[(offset + 16)..<min(n, offset + 16 + length)].prefix { $0 != 0 }
                name = String(decoding: bytes, as: UTF8.self)
            }
            offset += 16 + length
            if eventMask & UInt32(IN_Q_OVERFLOW) != 0 {
                // Events were lost: report every root as changed.
                for root in roots { changes.insert(Change(root: root.name, path: "")) }
                continue
            }
            guard let (root, relative) = watches[wd] else { continue }
            if eventMask & UInt32(IN_IGNORED) != 0 { watches[wd] = nil; continue }
            if name.hasPrefix(".") { continue }  // editors' swap and backup files
            let path = name.isEmpty ? relative : (relative.isEmpty ? name : relative + "/" + name)
            if eventMask & UInt32(IN_ISDIR) != 0 && eventMask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                addWatches(root: root, relative: path)
            }
            changes.insert(Change(root: roots[root].name, path: path))
        }
        return true
        #else
        return false
        #endif
    }

    // MARK: polling

    private func nextScan() -> Set<Change> {
        while !isStopped {
            Thread.sleep(forTimeInterval: 0.25)
            let now = scan()
            guard now != snapshot else { continue }
            var changes = Set<Change>()
            for (key, stamp) in now where snapshot[key] != stamp { changes.insert(key) }
            for key in snapshot.keys where now[key] == nil { changes.insert(key) }
            snapshot = now
            // Wait until the files are quiet, as with inotify.
            while true {
                Thread.sleep(forTimeInterval: Double(quiet.components.seconds) + Double(quiet.components.attoseconds) / 1e18)
                let later = scan()
                if later == snapshot { return changes }
                for (key, stamp) in later where snapshot[key] != stamp { changes.insert(key) }
                for key in snapshot.keys where later[key] == nil { changes.insert(key) }
                snapshot = later
            }
        }
        return []
    }

    private func scan() -> [Change: Stamp] {
        var found: [Change: Stamp] = [:]
        for root in roots { walk(root, relative: "", into: &found) }
        return found
    }

    private func walk(_ root: Root, relative: String, into found: inout [Change: Stamp]) {
        let folder = relative.isEmpty ? root.folder : root.folder + "/" + relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where !name.hasPrefix(".") {
            let rel = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(root.folder + "/" + rel, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                walk(root, relative: rel, into: &found)
            } else {
                found[Change(root: root.name, path: rel)] = Stamp(size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
            }
        }
    }
}
