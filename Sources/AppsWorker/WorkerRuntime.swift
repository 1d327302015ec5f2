public import AirlockJSON
public import AppsPackage
public import AppsRuntime
import Foundation
public import JavaScriptRuntime
import Synchronization

/// An app's runtime in worker processes (the default mode): one ``WorkerProcess`` at a time, restarted after a
/// crash or a kill with exponential backoff, the requests that set the app up (`construct`, `initialize`,
/// `onEnable`) replayed into the new process, and — after `failuresBeforeStop` failures within `failureWindow` —
/// given up on: `onGiveUp` tells the owner (the manager moves the app to `error_disabled` with the reason).
///
/// A call in flight when its worker dies fails (``JavaScriptError/Kind/unavailable``) and goes through the caller's
/// failure policy; calls made while a restart is under way wait for it.
public final class WorkerRuntime: AppRuntimeChannel {
    private struct State {
        var process: WorkerProcess?
        var starting: Task<WorkerProcess, any Error>?
        var options: WorkerOptions
        /// The setup requests to replay into a new process, in order.
        var boot: [BridgeProtocol.Envelope] = []
        var failures: [ContinuousClock.Instant] = []
        var failuresInARow = 0
        var restarts = 0
        var lastFailure: String?
        var lastFailureAt: Date?
        var lastRestartAt: Date?
        var closed = false
        var gaveUp = false
        var generation = 0
        var started = false
    }

    private let package: AppPackage
    private let host: any AppHost
    private let onGiveUp: @Sendable (String) -> Void
    private let state: Mutex<State>
    private let monitor = Mutex<Task<Void, Never>?>(nil)

    private init(package: AppPackage, host: any AppHost, options: WorkerOptions, onGiveUp: @escaping @Sendable (String) -> Void) {
        self.package = package
        self.host = host
        self.onGiveUp = onGiveUp
        self.state = Mutex(State(options: options))
    }

    /// Starts the app's first worker and sends it the package (its lockdown done before any app code runs).
    public static func start(
        _ package: AppPackage, host: any AppHost, options: WorkerOptions, onGiveUp: @escaping @Sendable (String) -> Void
    ) async throws -> WorkerRuntime {
        let runtime = WorkerRuntime(package: package, host: host, options: options, onGiveUp: onGiveUp)
        let process = try await runtime.launch(generation: 0)
        runtime.state.withLock { state in
            state.process = process
            state.started = true
        }
        runtime.startMonitor()
        return runtime
    }

    public func send(_ envelope: BridgeProtocol.Envelope, budget: CallBudget) async throws -> JSONValue {
        let process = try await current()
        let reply = try await process.call(envelope, budget: budget)
        if Self.isSetup(envelope.request), reply["result"] != nil {
            state.withLock { $0.boot.append(envelope) }
        }
        return reply
    }

    public func heapSize(full: Bool) async throws -> Int {
        try await current().heap(full: full)
    }

    public func status() -> AppRuntimeStatus {
        let (process, snapshot) = state.withLock { ($0.process, $0) }
        var status = AppRuntimeStatus(mode: "worker")
        status.restarts = snapshot.restarts
        status.lastFailure = snapshot.lastFailure
        status.lastFailureAt = snapshot.lastFailureAt
        status.lastRestartAt = snapshot.lastRestartAt
        if let process, !process.hasExited {
            status.pid = process.pid
            status.rssBytes = process.rssBytes
            status.cpuSeconds = process.cpuSeconds
            status.isolation = process.isolation
        }
        return status
    }

    /// New limits for the running worker and the ones started later (the memory cap applies at once).
    public func setOptions(_ options: WorkerOptions) {
        let process = state.withLock { state in
            state.options = options
            return state.process
        }
        process?.setOptions(options)
    }

    public func close() async {
        let (process, starting) = state.withLock { state in
            state.closed = true
            defer { state.process = nil }
            return (state.process, state.starting)
        }
        monitor.withLock { $0 }?.cancel()
        starting?.cancel()
        process?.close()
    }

    // MARK: Processes

    /// The live process, waiting for a restart under way.
    private func current() async throws -> WorkerProcess {
        let (process, starting, closed, gaveUp) = state.withLock { ($0.process, $0.starting, $0.closed, $0.gaveUp) }
        if closed || gaveUp { throw JavaScriptError(kind: .unavailable, message: "the app's worker is stopped") }
        if let process, !process.hasExited { return process }
        if let starting { return try await starting.value }
        throw JavaScriptError(kind: .unavailable, message: "the app's worker is restarting")
    }

    private func launch(generation: Int) async throws -> WorkerProcess {
        let options = state.withLock { $0.options }
        let process = try await WorkerPool.shared.take(options)
        let events = WorkerProcess.Events(exited: { [weak self] reason, expected in
            self?.exited(generation: generation, reason: reason, expected: expected)
        })
        guard process.bind(appId: package.manifest.id, host: host, options: options, events: events) else {
            throw WorkerProcess.gone("it ended before it was given the app")
        }
        do {
            try await process.load(package)
        } catch {
            process.kill(reason: "loading failed")
            throw error
        }
        return process
    }

    /// A worker ended: unless that was asked for, count the failure and restart, or give up.
    private func exited(generation: Int, reason: String, expected: Bool) {
        let next = state.withLock { state -> Next in
            // A restart under way answers for its own process; before `start` returns, its caller does.
            guard state.started, state.starting == nil, generation == state.generation, !state.closed, !state.gaveUp, !expected
            else { return .nothing }
            state.process = nil
            return record(&state, reason)
        }
        handle(next)
    }

    private enum Next {
        case nothing
        case restart(Duration, Int)
        case giveUp(String)
    }

    private func record(_ state: inout State, _ reason: String) -> Next {
        let now = ContinuousClock.now
        state.lastFailure = reason
        state.lastFailureAt = Date()
        state.failures = state.failures.filter { now - $0 < state.options.failureWindow } + [now]
        state.failuresInARow += 1
        host.log(appId: package.manifest.id, level: "error", method: "worker", message: "The app's worker process stopped: \(reason)")
        if state.failures.count >= state.options.failuresBeforeStop {
            state.gaveUp = true
            return .giveUp("its worker failed \(state.failures.count) times within \(state.options.failureWindow); last: \(reason)")
        }
        let step = state.options.firstBackoff * (1 << min(state.failuresInARow - 1, 16))
        state.generation += 1
        return .restart(min(step, state.options.maxBackoff), state.generation)
    }

    private func handle(_ next: Next) {
        switch next {
        case .nothing: return
        case .giveUp(let reason): onGiveUp(reason)
        case .restart(let delay, let generation):
            let task = Task { [weak self] () throws -> WorkerProcess in
                try await Task.sleep(for: delay)
                guard let self else { throw CancellationError() }
                return try await self.restart(generation: generation)
            }
            state.withLock { $0.starting = task }
            Task { [weak self] in
                do {
                    let process = try await task.value
                    self?.state.withLock { state in
                        state.starting = nil
                        state.process = process
                        state.restarts += 1
                        state.lastRestartAt = Date()
                    }
                    self?.host.log(appId: self?.package.manifest.id ?? "", level: "info", method: "worker", message: "The app's worker process restarted (pid \(process.pid))")
                } catch {
                    guard let self else { return }
                    let next = self.state.withLock { state -> Next in
                        state.starting = nil
                        guard !state.closed, !state.gaveUp, !(error is CancellationError) else { return .nothing }
                        return self.record(&state, "restart failed: \((error as? JavaScriptError)?.description ?? "\(error)")")
                    }
                    self.handle(next)
                }
            }
        }
    }

    /// A new process with the app set up again: the package, then `construct`, `initialize` and `onEnable` as they
    /// first ran.
    private func restart(generation: Int) async throws -> WorkerProcess {
        let boot = state.withLock { $0.boot }
        let process = try await launch(generation: generation)
        for envelope in boot {
            do {
                let reply = try await process.call(envelope, budget: CallBudget.standard)
                guard reply["result"] != nil else { throw JavaScriptError(kind: .thrown, message: "\(envelope.request.json["type"] ?? "") was refused") }
            } catch {
                process.kill(reason: "setting the app up again failed")
                throw error
            }
        }
        state.withLock { $0.failuresInARow = 0 }
        return process
    }

    /// Every 50 ms: deadlines of calls in flight, and the worker's resident memory against its cap.
    private func startMonitor() {
        let task = Task.detached { [weak self] in
            var tick = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                guard let self else { return }
                let (process, cap) = self.state.withLock { ($0.process, $0.options.memoryBytes) }
                guard let process else { continue }
                process.checkDeadlines()
                tick += 1
                if tick % 2 == 0, let rss = process.rssBytes, rss > cap {
                    process.kill(reason: "its resident memory reached \(rss >> 20) MiB, over its cap of \(cap >> 20) MiB")
                }
            }
        }
        monitor.withLock { $0 = task }
    }

    private static func isSetup(_ request: BridgeProtocol.Request) -> Bool {
        switch request {
        case .construct, .initialize, .lifecycle(method: .onEnable, _, _): true
        default: false
        }
    }
}
