#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Test hook, not a feature: deterministic crashes for the publishing tests
/// (Tests/LaurelTests/PublishingTests.swift).
///
/// When the environment variable `LAUREL_TEST_CRASH` names one of these points, the process
/// ends there at once with `_exit(137)` — no clean-up, no `defer`, no buffered output, as if it
/// had been killed with `kill -9` — so a test can check that the published portal survives a
/// build killed at that moment and that the next build succeeds. The variable is read once per
/// process; an unknown or missing value does nothing. Never set it in production.
///
/// | value | where |
/// | --- | --- |
/// | `after-first-write` | the first file of the build has been written (or hard-linked) |
/// | `before-manifest` | every file is written; the build's manifest is not |
/// | `before-switch` | the temporary link `OUTPUT.laurel-link` exists; the rename over `OUTPUT` has not happened |
/// | `after-switch` | `OUTPUT` points at the new build; older builds are not pruned and report.json is not written |
public enum FaultPoint: String, Sendable, CaseIterable {
    case afterFirstWrite = "after-first-write"
    case beforeManifest = "before-manifest"
    case beforeSwitch = "before-switch"
    case afterSwitch = "after-switch"

    /// The environment variable that arms a point.
    public static let variable = "LAUREL_TEST_CRASH"

    /// The point armed for this process, read once.
    static let armed: FaultPoint? = ProcessInfo.processInfo.environment[variable].flatMap(FaultPoint.init(rawValue:))

    /// Ends the process with status 137 if this point is armed.
    @inline(__always)
    func reach() {
        if FaultPoint.armed == self { _exit(137) }
    }
}
