import Foundation
import LaurelSources

/// The dependency record of one build (docs/incremental.md): for every file of the build, the
/// fingerprint of the inputs it was rendered from. The next build renders a file again only
/// when its fingerprint changed, and hard-links it from this build otherwise.
///
/// Kept beside the build it describes, in `.OUTPUT.laurel/builds/bNNNNNN.deps` (never in the
/// served output), so that after `laurel rollback` the record read is the one of the build
/// the output shows. A text file, one `FINGERPRINT PATH` line per file in path order, between
/// a header naming the record's format version and an end line with a checksum of everything
/// before it: a record that is missing, cut short, edited, or from another format version is
/// no record, and the build renders everything. A person page's line also carries its rank
/// patch (`FINGERPRINT+PATCH PATH`, see `RankPatch`).
public struct DependencyRecord: Sendable {
    /// The format of the record and of the fingerprints in it. Raise it whenever what a
    /// fingerprint covers changes: an older record is then ignored (a full render).
    public static let version = 5
    static let header = "laurel-dependency-record \(version)"

    public private(set) var fingerprints: [String: UInt64]
    /// Person pages: where their current rank is written, to patch it (`RankPatch`).
    private(set) var patches: [String: RankPatch]

    public init(fingerprints: [String: UInt64] = [:]) { self.init(fingerprints: fingerprints, patches: [:]) }

    init(fingerprints: [String: UInt64], patches: [String: RankPatch]) {
        self.fingerprints = fingerprints
        self.patches = patches
    }

    /// The record's file beside a build folder.
    public static func path(ofBuild folder: String) -> String { folder + ".deps" }

    public var bytes: [UInt8] {
        var lines = ByteWriter(capacity: fingerprints.count * 64 + 128)
        lines.append(DependencyRecord.header)
        lines.append(10)
        for (path, fingerprint) in fingerprints.sorted(by: { $0.key < $1.key }) {
            RecordNumbers.appendHex(fingerprint, to: &lines)
            if let patch = patches[path] {
                lines.append(UInt8(ascii: "+"))
                patch.write(into: &lines)
            }
            lines.append(32)
            lines.append(path)
            lines.append(10)
        }
        let checksum = ContentHash.of(lines.bytes)
        lines.append("end \(fingerprints.count) \(ContentHash.hex(checksum))\n")
        return lines.array
    }

    /// Why a record could not be used.
    public enum Unusable: Error, Equatable, CustomStringConvertible {
        case missing
        case otherVersion(String)
        case corrupt(String)
        public var description: String {
            switch self {
            case .missing: return "no dependency record"
            case .otherVersion(let header): return "dependency record of another format (\(header))"
            case .corrupt(let why): return "dependency record unreadable (\(why))"
            }
        }
    }

    /// Parses a record; any doubt is an error (and a full render), never a guess.
    public static func parse(_ data: [UInt8]) -> Result<DependencyRecord, Unusable> {
        guard let firstBreak = data.firstIndex(of: 10) else { return .failure(.corrupt("no header")) }
        let header = String(decoding: data[..<firstBreak], as: UTF8.self)
        guard header == DependencyRecord.header else {
            return header.hasPrefix("laurel-dependency-record ") ? .failure(.otherVersion(header)) : .failure(.corrupt("no header"))
        }
        // The end line: `end COUNT CHECKSUM\n`, the checksum over every byte before it.
        guard data.last == 10 else { return .failure(.corrupt("cut short")) }
        let body = data[..<(data.count - 1)]
        guard let lastBreak = body.lastIndex(of: 10) else { return .failure(.corrupt("cut short")) }
        let end = String(decoding: body[(lastBreak + 1)...], as: UTF8.self).split(separator: " ")
        guard end.count == 3, end[0] == "end", let count = Int(end[1]), let checksum = UInt64(end[2], radix: 16) else {
            return .failure(.corrupt("no end line"))
        }
        let covered = Array(data[...lastBreak])
        guard ContentHash.of(covered) == checksum else { return .failure(.corrupt("checksum does not match")) }
        var fingerprints: [String: UInt64] = [:]
        // The announced count is checked below; it only sizes the table, never beyond the lines
        // the data can hold (a crafted count must not ask for terabytes).
        fingerprints.reserveCapacity(max(0, min(count, data.count / 18)))
        var patches: [String: RankPatch] = [:]
        var start = firstBreak + 1
        while start <= lastBreak {
            guard let newline = covered[start...].firstIndex(of: 10) else { break }
            let line = covered[start..<newline]
            start = newline + 1
            guard let space = line.firstIndex(of: 32), space - line.startIndex >= 16, space + 1 < line.endIndex,
                  let fingerprint = RecordNumbers.hex(line.prefix(16)) else {
                return .failure(.corrupt("bad line"))
            }
            let path = String(decoding: line[(space + 1)...], as: UTF8.self)
            if space - line.startIndex > 16 {
                guard line[line.startIndex + 16] == UInt8(ascii: "+"),
                      let patch = RankPatch(bytes: line[(line.startIndex + 17)..<space]) else {
                    return .failure(.corrupt("bad line"))
                }
                patches[path] = patch
            }
            fingerprints[path] = fingerprint
        }
        guard fingerprints.count == count else { return .failure(.corrupt("\(fingerprints.count) lines, \(count) announced")) }
        return .success(DependencyRecord(fingerprints: fingerprints, patches: patches))
    }

    /// The record of the build in `folder`.
    public static func read(ofBuild folder: String) -> Result<DependencyRecord, Unusable> {
        guard let data = FileManager.default.contents(atPath: path(ofBuild: folder)) else { return .failure(.missing) }
        return parse([UInt8](data))
    }
}
