public import Foundation

/// How the server runs one app's worker process: where the binary is, how strongly it is isolated, its limits and
/// its restart policy. Built by the apps host from the app's limits (`AppLimits`); tests set low values so the
/// hostile-app suite runs in seconds.
public struct WorkerOptions: Sendable, Hashable {
    public enum Isolation: String, Sendable, Hashable {
        /// Network namespace, cgroups, rlimits, root dropped, seccomp: whatever of these the machine allows.
        case full
        /// No namespace and no cgroups (rlimits, root dropped, seccomp, the server watching RSS): what an install
        /// without privileges gets, forced for tests.
        case degraded
    }

    /// The `airlock` binary, run as `airlock worker`.
    public var executable: String
    public var isolation: Isolation = .full
    /// Resident memory the worker may use: a cgroup's hard limit where one can be made, and the server's RSS watch.
    public var memoryBytes = 512 << 20
    /// Largest frame the worker may send (a reply, an accessor call, a log line).
    public var frameBytes = 16 << 20
    /// Log lines per minute the server keeps from the app; the rest are counted and dropped.
    public var logLinesPerMinute = 6000
    /// How long past a call's wall deadline the server waits for the worker's answer before killing it.
    public var grace: Duration = .milliseconds(200)
    /// First restart delay after a failure; doubles per failure in a row, up to `maxBackoff`.
    public var firstBackoff: Duration = .milliseconds(50)
    public var maxBackoff: Duration = .seconds(5)
    /// Failures (crashes, kills, failed restarts) within `failureWindow` after which the app is stopped.
    public var failuresBeforeStop = 5
    public var failureWindow: Duration = .seconds(600)
    /// Keep a spare worker ready (``WorkerPool``): starting an app's worker then skips the process start.
    public var spare = true
    /// Threads the worker may run (the cgroup's `pids.max`).
    public var maxThreads = 64
    /// The empty directory workers start in.
    public var directory: String = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-worker-root").path

    public init(executable: String) {
        self.executable = executable
    }

    /// The `airlock` binary to run workers from: `AIRLOCK_WORKER_EXECUTABLE`, else this process's own executable
    /// when it is `airlock`, else an `airlock` next to it (a test bundle in `.build/debug`). Nil when none exists.
    public static func defaultExecutable() -> String? {
        if let path = ProcessInfo.processInfo.environment["AIRLOCK_WORKER_EXECUTABLE"], !path.isEmpty { return path }
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        if (own as NSString).lastPathComponent == "airlock" { return own }
        var directory = URL(fileURLWithPath: own).deletingLastPathComponent()
        // `swift test` runs `.build/debug/airlockPackageTests.xctest` (a file on Linux).
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("airlock").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}
