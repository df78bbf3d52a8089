import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `laurel-bench run --serve`: the live preview's latency, edit to refreshed page, with the
/// release `laurel serve` as a separate process on 127.0.0.1 (docs/serve.md). Each sample
/// holds the page's reload request open, as a browser does, saves a file the way editors do
/// (a new file renamed over the old), and stops the clock when the page, fetched again after
/// the reload answer, shows the edit. Between samples it waits until serve has rendered the
/// whole portal again, so each edit meets an idle preview.
struct ServeBench {
    let laurel: String
    let department: SyntheticDepartment
    let folder: String
    let cache: String
    let samples: Int
    let asOf: String

    struct Failure: Error, CustomStringConvertible { let description: String }

    func run() throws {
        let fm = FileManager.default
        let content = cache + "/serve-content"
        try? fm.removeItem(atPath: content)
        try fm.copyItem(atPath: folder, toPath: content)
        defer { try? fm.removeItem(atPath: content) }
        let log = cache + "/serve.log"
        fm.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: laurel)
        process.arguments = ["serve", "--content", content, "--as-of", asOf, "--port", "0"]
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let clock = ContinuousClock()
        let started = clock.now
        try process.run()
        defer {
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
        }
        var port: UInt16 = 0
        try wait(seconds: 300) {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            guard let r = text.range(of: "http://127.0.0.1:") else { return false }
            port = UInt16(text[r.upperBound...].prefix { $0.isNumber }) ?? 0
            return port != 0
        }
        print(String(format: "laurel serve: first build and listening after %.3f s", seconds(clock.now - started)))
        func rebuilds() -> Int {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").components(separatedBy: "rebuilt: ").count - 1
        }
        var done = rebuilds()

        // Markdown: a training page's title.
        let training = ((try? fm.contentsOfDirectory(atPath: content + "/pages/training")) ?? []).filter { $0.hasSuffix(".md") }.sorted()
        guard !training.isEmpty else { throw Failure(description: "no training pages in \(content)") }
        var markdown: [Double] = []
        for i in 0..<samples {
            let name = training[i % training.count]
            let page = "/training/" + name.dropLast(3) + "/"
            let marker = "SERVE-BENCH-MD-\(i)"
            markdown.append(try sample(port: port, page: page, marker: marker) {
                try rewrite(content + "/pages/training/" + name) { text in
                    text.replacingOccurrences(of: "\ntitle: ", with: "\ntitle: \(marker) ", options: [], range: text.range(of: "\ntitle: "))
                }
            })
            try wait(seconds: 300) { rebuilds() > done }
            done = rebuilds()
        }
        report("Markdown page edit → refreshed page served", markdown)

        // Ledger: one more entry with a memo, shown on the person's page.
        let ledgers = ((try? fm.subpathsOfDirectory(atPath: content + "/ledger")) ?? []).filter { $0.hasSuffix(".ledger") }.sorted()
        guard let last = ledgers.last else { throw Failure(description: "no ledger in \(content)") }
        var ledger: [Double] = []
        for i in 0..<samples {
            let person = department.personId((i * 7919 + 17) % department.people)
            let marker = "SERVE-BENCH-LEDGER-\(i)"
            ledger.append(try sample(port: port, page: "/people/\(person)/", marker: marker) {
                try rewrite(content + "/ledger/" + last) { $0 + "\(asOf) earn \(person) visit id:serve-bench-\(i) \"\(marker)\"\n" }
            })
            try wait(seconds: 300) { rebuilds() > done }
            done = rebuilds()
        }
        report("ledger edit → refreshed person page served", ledger)
        let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.hasPrefix("rebuilt: ") }
        for line in lines.suffix(2) { print("  serve said: \(line)") }
        // Peak and current resident memory of the serve process (Linux).
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let memory = status.split(separator: "\n").filter { $0.hasPrefix("VmHWM") || $0.hasPrefix("VmRSS") }
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        if !memory.isEmpty { print("  serve memory: " + memory.joined(separator: ", ")) }
    }

    /// One edit, timed from the save to the refreshed page in hand.
    func sample(port: UInt16, page: String, marker: String, edit: () throws -> Void) throws -> Double {
        let before = try get(port, page)
        guard let r = before.range(of: "data-since=\"") else { throw Failure(description: "\(page) has no reload script") }
        let hash = String(before[r.upperBound...].prefix(16))
        let key = page.dropFirst() + "index.html"
        let answered = DispatchSemaphore(value: 0)
        let holder = Thread { [self] in
            _ = try? get(port, "/__laurel/changes?path=\(key)&since=\(hash)")
            answered.signal()
        }
        holder.start()
        Thread.sleep(forTimeInterval: 0.5)  // the request is held open by now
        let clock = ContinuousClock()
        let start = clock.now
        try edit()
        answered.wait()
        var body = try get(port, page)
        while !body.contains(marker) {
            guard clock.now - start < .seconds(300) else { throw Failure(description: "\(page) never showed \(marker)") }
            Thread.sleep(forTimeInterval: 0.01)
            body = try get(port, page)
        }
        return seconds(clock.now - start)
    }

    func rewrite(_ path: String, _ change: (String) -> String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try Data(change(text).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    func report(_ name: String, _ values: [Double]) {
        let sorted = values.sorted()
        print(String(format: "laurel serve, %@: median %.0f ms (min %.0f, max %.0f) over %d edits", name,
                     sorted[sorted.count / 2] * 1000, sorted[0] * 1000, sorted[sorted.count - 1] * 1000, sorted.count))
    }

    func wait(seconds limit: Double, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(limit)
        while !condition() {
            guard Date() < deadline else { throw Failure(description: "laurel serve did not get there in \(Int(limit)) s") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    /// GET over a plain socket to 127.0.0.1; the body as text.
    func get(_ port: UInt16, _ path: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "cannot connect to 127.0.0.1:\(port)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { throw Failure(description: "send") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received += buffer[..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
