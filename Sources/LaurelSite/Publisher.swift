import Foundation

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
/// a staging folder beside the output, which then replaces the output folder.
public struct Publisher {
    public let output: String

    public init(output: String) {
        var o = output
        while o.count > 1 && o.hasSuffix("/") { o.removeLast() }
        self.output = o
    }

    public enum Failure: Error, CustomStringConvertible {
        case io(String)
        public var description: String {
            switch self { case .io(let m): return m }
        }
    }

    /// The folder that keeps the previous build after a publish, for a rollback.
    public var previous: String { output + ".previous" }

    public func publish(_ files: [OutputFile]) throws(Failure) -> Int {
        let fm = FileManager.default
        let staging = output + ".staging"
        do {
            if fm.fileExists(atPath: staging) { try fm.removeItem(atPath: staging) }
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
            var made = Set<String>()
            for file in files {
                guard Publisher.isSafe(file.path) else { throw Failure.io("refusing to write outside the output: \(file.path)") }
                let full = staging + "/" + file.path
                let folder = (full as NSString).deletingLastPathComponent
                if !made.contains(folder) {
                    try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    made.insert(folder)
                }
                guard fm.createFile(atPath: full, contents: Data(file.bytes)) else {
                    throw Failure.io("\(full): cannot write (disk full or no permission?)")
                }
            }
            if fm.fileExists(atPath: output) {
                if fm.fileExists(atPath: previous) { try fm.removeItem(atPath: previous) }
                try fm.moveItem(atPath: output, toPath: previous)
            }
            try fm.moveItem(atPath: staging, toPath: output)
        } catch let failure as Failure {
            try? fm.removeItem(atPath: staging)
            throw failure
        } catch {
            try? fm.removeItem(atPath: staging)
            throw Failure.io("cannot publish to \(output): \(error.localizedDescription)")
        }
        return files.count
    }

    /// A relative path without `..`, empty or hidden segments.
    public static func isSafe(_ path: String) -> Bool {
        !path.hasPrefix("/") && path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0 != "." && $0 != ".."
        }
    }
}
