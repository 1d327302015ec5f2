public import AppsPackage
public import AppsRuntime
public import AppsWorker
import JavaScriptRuntime

/// Server-wide choices about where apps run: the limits of apps whose admin set none (the runtime mode among them),
/// the binary workers are started from, and how strongly they are isolated.
public struct AppRuntimeSettings: Sendable {
    /// Limits for apps without their own (`POST /api/apps/:id/limits` overrides them per app).
    public var defaultLimits = AppLimits()
    /// The `airlock` binary run as `airlock worker`; nil when none was found (worker mode then refuses to start).
    public var workerExecutable: String? = WorkerOptions.defaultExecutable()
    public var isolation: WorkerOptions.Isolation = .full

    public init() {}

    /// Every app in the server's process (tests of the host's own logic, benchmarks of the in-process path).
    public static var inProcess: AppRuntimeSettings {
        var settings = AppRuntimeSettings()
        settings.defaultLimits.runtime = .inProcess
        return settings
    }

    /// Starts `package` where `limits` says — a worker process or a VM in this process — with its files loaded,
    /// ready for ``AppInstance/construct(_:in:privateHash:budgets:)``. `onFailure` hears a worker that gave up or a
    /// VM that is stuck or lets timers overrun (the reason, for the log and the app's status).
    public func start(
        _ package: AppPackage, host: any AppHost, limits: AppLimits, onFailure: @escaping @Sendable (String) -> Void,
        onStuck: @escaping @Sendable (Double) -> Void = { _ in }, onTimerOverrun: @escaping @Sendable () -> Void = {}
    ) async throws -> any AppRuntimeChannel {
        switch limits.runtime {
        case .worker:
            return try await WorkerRuntime.start(package, host: host, options: try workerOptions(limits), onGiveUp: onFailure)
        case .inProcess:
            var configuration = JavaScriptVM.Configuration()
            configuration.onStuck = onStuck
            configuration.onTimerOverrun = onTimerOverrun
            return try await InProcessRuntime.prepare(package, host: host, configuration: configuration)
        }
    }

    /// The worker options for an app with `limits`.
    func workerOptions(_ limits: AppLimits) throws -> WorkerOptions {
        guard let executable = workerExecutable else {
            throw AppEngineError.runtimeUnavailable(
                "no airlock executable to run the app's worker process from (set AIRLOCK_WORKER_EXECUTABLE, or install the app with runtime in-process)")
        }
        var options = WorkerOptions(executable: executable)
        options.isolation = isolation
        options.memoryBytes = limits.workerMemoryBytes
        options.frameBytes = limits.bridgeFrameBytes
        options.logLinesPerMinute = limits.logLinesPerMinute
        options.firstBackoff = .milliseconds(limits.restartBackoffMilliseconds)
        options.failuresBeforeStop = limits.failuresBeforeStop
        options.failureWindow = .seconds(limits.failureWindowSeconds)
        return options
    }
}
