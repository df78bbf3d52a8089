import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One build of an output at a time. The lock is `flock` on a file in the output's
/// bookkeeping folder: the kernel releases it when the process ends, however it ends, so a
/// killed build never leaves a lock behind.
public final class BuildLock: @unchecked Sendable {
    private let fd: Int32
    public let path: String

    public enum Failure: Error, CustomStringConvertible {
        case busy(holder: String)
        case io(String)
        public var description: String {
            switch self {
            case .busy(let holder): return "another build of this output is running (\(holder)); wait for it with --wait"
            case .io(let m): return m
            }
        }
    }

    /// Takes the lock of `output`, waiting for a running build when `wait` is set.
    public init(output: String, wait: Bool) throws(Failure) {
        let home = Publisher.home(of: output)
        do {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        } catch {
            throw Failure.io("cannot create \(home): \(Publisher.reason(error))")
        }
        path = home + "/lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingWhitespace() ?? ""
            close(fd)
            if errno == EWOULDBLOCK { throw Failure.busy(holder: holder.isEmpty ? "pid unknown" : holder) }
            throw Failure.io("cannot lock \(path): \(String(cString: strerror(errno)))")
        }
        let note = "pid \(getpid())\n"
        ftruncate(fd, 0)
        _ = note.withCString { Glibc.write(fd, $0, strlen($0)) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// The machine-readable report of a build, kept outside the published pages in
/// `.OUTPUT.laurel/report.json` for operators and monitoring.
public struct BuildReport: Sendable {
    public enum Status: String, Sendable { case published, unchanged, failed }
    public var status: Status
    public var asOf: String = ""
    public var people = 0
    public var entries = 0
    public var pages = 0
    public var written = 0
    public var unchanged = 0
    /// Files rendered, and files taken from the previous build without rendering (docs/incremental.md).
    public var rendered = 0
    public var reused = 0
    /// Of the files rendered, person pages made by patching their rank into the previous page.
    public var patched = 0
    /// Why every page was rendered ("--force", "no dependency record" …); empty for an incremental build.
    public var fullRender: String = ""
    public var errors = 0
    public var warnings = 0
    public var build: String = ""
    /// The older build whose folder this one was made in (decision 123), empty for a new folder.
    public var reusedFolder: String = ""
    public var fingerprint: String = ""
    public var stages: [(name: String, seconds: Double)] = []
    public var message: String = ""

    public init(status: Status) { self.status = status }

    public var json: String {
        let stageText = stages.map { "\(Escape.json($0.name)): \(String(format: "%.3f", $0.seconds))" }.joined(separator: ", ")
        return """
        {
          "status": \(Escape.json(status.rawValue)),
          "asOf": \(Escape.json(asOf)),
          "people": \(people),
          "entries": \(entries),
          "pages": \(pages),
          "written": \(written),
          "unchanged": \(unchanged),
          "rendered": \(rendered),
          "reused": \(reused),
          "patched": \(patched),
          "fullRender": \(Escape.json(fullRender)),
          "errors": \(errors),
          "warnings": \(warnings),
          "build": \(Escape.json(build)),
          "reusedFolder": \(Escape.json(reusedFolder)),
          "fingerprint": \(Escape.json(fingerprint)),
          "stages": {\(stageText)},
          "message": \(Escape.json(message))
        }

        """
    }

    public static func path(output: String) -> String { Publisher.home(of: output) + "/report.json" }

    /// The fingerprint of the last successful build, to skip a build whose inputs are the same;
    /// nil unless that build is the one `output` shows now (not after `laurel rollback`, nor
    /// after a build killed between the switch and this report).
    public static func lastFingerprint(output: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path(output: output)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let status = object["status"] as? String, status != Status.failed.rawValue,
              let build = object["build"] as? String, let current = Publisher.currentBuild(output: output),
              URL(fileURLWithPath: build).lastPathComponent == URL(fileURLWithPath: current).lastPathComponent
        else { return nil }
        return object["fingerprint"] as? String
    }

    public func write(output: String) {
        // Atomically (a temporary file renamed over it): a monitor never reads half a report.
        try? Data(json.utf8).write(to: URL(fileURLWithPath: BuildReport.path(output: output)), options: .atomic)
    }
}
