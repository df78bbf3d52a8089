import Foundation
import LaurelSources

/// libFuzzer's entry point (scripts/fuzz builds this target with -sanitize=fuzzer, and
/// libFuzzer supplies `main`). The logic lives in FuzzEntry.swift, shared with the tests.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    FuzzEntry.run(bytes)
    // Every other input also checks that one job and three read it the same.
    if size % 2 == 1, FuzzEntry.differsByJobs(bytes) {
        let report = ["one job:"] + FuzzEntry.diagnostics(bytes, jobs: 1).map { "  \($0)" }
            + ["three jobs:"] + FuzzEntry.diagnostics(bytes, jobs: 3).map { "  \($0)" }
        FileHandle.standardError.write(Data(("laurel-fuzz: one job and three read this input differently\n" + report.joined(separator: "\n") + "\n").utf8))
        abort()
    }
    return 0
}

#if LAUREL_FUZZ
// The fuzzing build (scripts/fuzz): hand over to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    guard let data else {
        var nothing: UInt8 = 0
        return withUnsafePointer(to: &nothing) { fuzz($0, 0) }
    }
    return fuzz(data, size)
})
#else
// Without the fuzzer (a plain `swift build`): replay saved inputs and print their diagnostics,
// e.g. `swift run laurel-fuzz fuzz-crashes/crash-…`.
let arguments = CommandLine.arguments.dropFirst()
if arguments.isEmpty {
    FileHandle.standardError.write(Data("usage: laurel-fuzz INPUT...  (replays fuzz inputs; scripts/fuzz builds the fuzzer)\n".utf8))
    exit(2)
}
for path in arguments {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("\(path): cannot be read\n".utf8))
        exit(2)
    }
    let bytes = [UInt8](data)
    let diagnostics = FuzzEntry.run(bytes)
    print("\(path): \(FuzzEntry.slot(of: bytes).path), \(diagnostics.count) diagnostics")
    for d in diagnostics { print("  \(d)") }
    if FuzzEntry.differsByJobs(bytes) {
        print("  read differently on three jobs:")
        for d in FuzzEntry.diagnostics(bytes, jobs: 3) { print("    \(d)") }
    }
}
#endif
