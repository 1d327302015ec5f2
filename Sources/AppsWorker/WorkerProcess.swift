import AirlockJSON
import AppsPackage
import AppsRuntime
import CSandbox
import Foundation
import JavaScriptRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One running worker process as the server sees it: spawned with a clean slate and placed in its cgroups, the
/// handshake done (its VM and the SDK already up), its frames read by a thread of its own. It may wait as a spare
/// (``WorkerPool``) until ``bind(appId:host:options:events:)`` gives it an app. Calls wait for their reply by id; accessor
/// calls and log lines from the app go to the ``AppHost``; when the process ends (or is killed) every waiting call
/// fails and the app's `Events` are told why. A worker runs one app once: a restart is a new `WorkerProcess`.
final class WorkerProcess: Sendable {
    /// What the owner learns from the process.
    struct Events: Sendable {
        /// The process ended; the reason says how (and why, when the server killed it). `expected` when the server
        /// closed it on purpose.
        var exited: @Sendable (_ reason: String, _ expected: Bool) -> Void
    }

    private struct Waiting {
        let continuation: CheckedContinuation<WorkerFrame, any Error>
        /// When the server stops waiting and kills the worker (nil: no deadline, e.g. `load`).
        let deadline: ContinuousClock.Instant?
    }

    private struct State {
        var waiting: [UInt64: Waiting] = [:]
        var accessorTasks: [UInt64: Task<Void, Never>] = [:]
        var killReason: String?
        var closing = false
        var exited: String?
        var logWindow: (start: ContinuousClock.Instant, lines: Int, dropped: Int) = (.now, 0, 0)
        var isolation: [String: Bool] = [:]
    }

    /// The app a worker serves, once claimed.
    private struct Binding {
        let appId: String
        let host: any AppHost
        let events: Events
    }

    let pid: Int32
    /// The limits in force (an admin's change applies to the running worker at once).
    private let current: Mutex<WorkerOptions>
    var options: WorkerOptions { current.withLock { $0 } }
    let cgroup: WorkerCgroup
    private let socket: FrameSocket
    private let binding = Mutex<Binding?>(nil)
    private let state = Mutex(State())
    private let nextControlId = Atomic<UInt64>(1 << 62)

    private init(pid: Int32, options: WorkerOptions, cgroup: WorkerCgroup, socket: FrameSocket) {
        self.pid = pid
        self.current = Mutex(options)
        self.cgroup = cgroup
        self.socket = socket
    }

    /// Spawns `airlock worker`, places it in its cgroups (named `name`, unique in the server) and completes the
    /// handshake, after which the worker has its VM and the SDK ready.
    static func spawn(name: String, options: WorkerOptions) async throws -> WorkerProcess {
        let (server, worker) = try FrameSocket.pair()
        mkdir(options.directory, 0o555)
        let cgroup = options.isolation == .full
            ? WorkerCgroup(name: name, memoryBytes: options.memoryBytes, maxThreads: options.maxThreads)
            : WorkerCgroup(memory: nil, pids: nil)
        let (result, pid) = await SpawnThread.shared.run { () -> (Int32, pid_t) in
            let arguments = [options.executable, "worker", "--fd", "3"]
            var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { for argument in argv { free(argument) } }
            var pid: pid_t = 0
            let result = WorkerLockdown.withPaths { directories, directoryCount, files, fileCount in
                airlock_spawn_worker(
                    options.executable, &argv, worker, options.directory, options.isolation == .full ? 1 : 0, UInt32(WorkerLockdown.nobody),
                    directories, directoryCount, files, fileCount, &pid)
            }
            return (result, pid)
        }
        // Only the worker holds its end now: when it dies, the reader sees the end of the stream.
        Glibc.close(worker)
        guard result == 0 else {
            Glibc.close(server)
            cgroup.remove()
            throw JavaScriptError(kind: .unavailable, message: "could not start the worker \(options.executable): \(String(cString: strerror(result)))")
        }
        let process = WorkerProcess(
            pid: pid, options: options, cgroup: cgroup, socket: FrameSocket(fd: server))
        var isolation = cgroup.attach(pid)
        isolation["networkNamespace"] = Self.namespace(of: pid) != nil && Self.namespace(of: pid) != Self.namespace(of: getpid())
        isolation["unprivileged"] = Self.realUid(of: pid).map { $0 != 0 } ?? false
        isolation["landlock"] = WorkerLockdown.landlockAvailable
        process.state.withLock { $0.isolation = isolation }
        let thread = Thread { process.readLoop() }
        thread.name = "worker-\(pid)"
        thread.stackSize = 512 << 10
        thread.start()
        let hello = WorkerMessages.Hello(version: WorkerFrame.version)
        let ready = try await process.request(try WorkerFrame(.hello, id: 0, json: hello), id: 0, deadline: .now + .seconds(10), watch: true)
        guard ready.kind == .ready, let answer = try? ready.decode(WorkerMessages.Ready.self), answer.version == WorkerFrame.version,
            answer.pid == pid
        else {
            process.kill(reason: "the worker spoke another protocol version")
            throw JavaScriptError(kind: .unavailable, message: "the worker at \(options.executable) speaks another protocol version")
        }
        return process
    }

    /// Gives the worker its app: accessor calls and logs go to `host` as `appId`'s, its end to `events`; its limits
    /// become `options`. False when it already ended.
    func bind(appId: String, host: any AppHost, options: WorkerOptions, events: Events) -> Bool {
        binding.withLock { $0 = Binding(appId: appId, host: host, events: events) }
        setOptions(options)
        return !hasExited
    }

    /// Sends the package; the worker loads it into its VM and locks itself down.
    func load(_ package: AppPackage) async throws {
        let id = nextControlId.add(1, ordering: .relaxed).newValue
        let frame = try WorkerFrame(.load, id: id, json: WorkerMessages.Load(files: package.files))
        let reply = try await request(frame, id: id, deadline: .now + .seconds(30), watch: true)
        let (status, text) = reply.statusAndText
        guard status == WorkerFrame.ok else { throw Self.failure(text) }
        if let loaded = try? JSONDecoder().decode(WorkerMessages.Loaded.self, from: Data(text.utf8)) {
            state.withLock { $0.isolation.merge(loaded.isolation) { $1 } }
        }
    }

    /// One bridge request; answers the reply. The server waits `budget.wall` plus the grace, then kills the worker.
    func call(_ envelope: BridgeProtocol.Envelope, budget: CallBudget) async throws -> JSONValue {
        var payload: [UInt8] = []
        payload.reserveCapacity(256)
        WorkerFrame.append(budget.cpu.bitPattern, to: &payload)
        WorkerFrame.append(budget.wall.bitPattern, to: &payload)
        payload.append(contentsOf: try JSONEncoder().encode(envelope.json))
        let reply = try await request(
            WorkerFrame(.call, id: envelope.id, payload: payload), id: envelope.id, deadline: .now + .seconds(budget.wall) + options.grace)
        let (status, text) = reply.statusAndText
        guard status == WorkerFrame.ok else { throw Self.failure(text) }
        return try JSONCodec.shared.decode(text)
    }

    /// The VM's heap after a young (or full) collection.
    func heap(full: Bool) async throws -> Int {
        let id = nextControlId.add(1, ordering: .relaxed).newValue
        let reply = try await request(WorkerFrame(.heap, id: id, payload: [full ? 1 : 0]), id: id, deadline: nil)
        let bytes = Int(WorkerFrame.read(Int64.self, from: reply.payload, at: 0))
        guard bytes >= 0 else { throw JavaScriptError(kind: .unavailable, message: "the worker could not measure its heap") }
        return bytes
    }

    /// Sends a frame and waits for the frame answering `id`. Calls' deadlines are watched by the runtime's monitor;
    /// `watch` has this request watch its own (the handshake and `load`, before any monitor runs).
    private func request(_ frame: WorkerFrame, id: UInt64, deadline: ContinuousClock.Instant?, watch: Bool = false) async throws -> WorkerFrame {
        if watch, let deadline {
            Task.detached { [weak self] in
                try? await Task.sleep(until: deadline + .milliseconds(10))
                self?.checkDeadlines()
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let exited = state.withLock { state -> String? in
                if let exited = state.exited { return exited }
                state.waiting[id] = Waiting(continuation: continuation, deadline: deadline)
                return nil
            }
            if let exited {
                continuation.resume(throwing: Self.gone(exited))
            } else if !socket.send(frame) {
                state.withLock { $0.waiting.removeValue(forKey: id) }?.continuation.resume(throwing: Self.gone("its connection closed"))
            }
        }
    }

    // MARK: Watching

    /// Kills the worker when a call is past its deadline (the VM never answered, not even with a timeout).
    func checkDeadlines(now: ContinuousClock.Instant = .now) {
        let overdue = state.withLock { state in state.waiting.values.contains { $0.deadline.map { $0 < now } ?? false } }
        if overdue { kill(reason: "a request got no answer within its deadline (a call's wall budget plus \(options.grace))") }
    }

    /// Resident memory (from `/proc/<pid>/statm`).
    var rssBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * sysconf(Int32(_SC_PAGESIZE))
    }

    /// User + system CPU seconds (from `/proc/<pid>/stat`).
    var cpuSeconds: Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// New limits for this worker: frame size and log rate at once, the memory cap in its cgroup.
    func setOptions(_ options: WorkerOptions) {
        current.withLock { $0 = options }
        cgroup.setMemory(options.memoryBytes)
    }

    /// Mechanisms active for this worker.
    var isolation: [String: Bool] { state.withLock { $0.isolation } }

    var hasExited: Bool { state.withLock { $0.exited != nil } }

    /// Ends the worker at once (SIGKILL); `reason` is what its exit reports.
    func kill(reason: String) {
        let first = state.withLock { state -> Bool in
            guard state.killReason == nil, state.exited == nil else { return false }
            state.killReason = reason
            return true
        }
        if first { Glibc.kill(pid, SIGKILL) }
    }

    /// Asks the worker to finish (it exits when its connection closes); it is killed if it has not within a second.
    func close() {
        state.withLock { $0.closing = true }
        socket.shutDown()
        Task.detached { [weak self] in
            try? await Task.sleep(for: .seconds(1))
            guard let self, !self.hasExited else { return }
            self.kill(reason: "it did not stop when closed")
        }
    }

    // MARK: Reading

    private func readLoop() {
        var problem: String?
        do {
            while let frame = try socket.receive(limit: options.frameBytes + WorkerFrame.headerBytes) {
                handle(frame)
            }
        } catch {
            problem = "it sent \(error)"
        }
        if let problem { kill(reason: problem) }
        // The connection ended: make sure the process ends too, then reap it.
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        socket.release()
        let oomKilled = cgroup.oomKills > 0
        cgroup.remove()
        let (reason, expected, waiting, tasks) = state.withLock { state in
            let how = Self.describe(status)
            let reason: String
            if oomKilled {
                reason = "killed by the kernel: its memory reached the cap of \(options.memoryBytes >> 20) MiB"
            } else if let killReason = state.killReason {
                reason = "killed: \(killReason)"
            } else {
                reason = how
            }
            state.exited = reason
            defer {
                state.waiting.removeAll()
                state.accessorTasks.removeAll()
            }
            return (reason, state.closing && state.killReason == nil && !oomKilled, Array(state.waiting.values), Array(state.accessorTasks.values))
        }
        for task in tasks { task.cancel() }
        for entry in waiting { entry.continuation.resume(throwing: Self.gone(reason)) }
        binding.withLock { $0 }?.events.exited(reason, expected)
    }

    private func handle(_ frame: WorkerFrame) {
        switch frame.kind {
        case .reply, .ready, .heapReply:
            state.withLock { $0.waiting.removeValue(forKey: frame.id) }?.continuation.resume(returning: frame)
        case .accessor:
            accessor(frame)
        case .log:
            guard let line = try? frame.decode(WorkerMessages.LogLine.self) else { return }
            log(line)
        case .notice:
            guard let notice = try? frame.decode(WorkerMessages.Notice.self) else { return }
            switch notice.kind {
            case "stuck": kill(reason: "its VM was stuck (one job ran for \(String(format: "%.1f", notice.seconds)) s)")
            case "timerOverrun": kill(reason: "a timer callback ran past its CPU budget")
            default: break
            }
        default:
            break
        }
    }

    private func accessor(_ frame: WorkerFrame) {
        let id = frame.id
        let call = try? JSONCodec.shared.decode(String(decoding: frame.payload, as: UTF8.self))
        let bound = binding.withLock { $0 }
        let task = Task { [socket, weak self] in
            let reply: WorkerFrame
            do {
                guard let bound, let name = call?["name"]?.stringValue else { throw HostError.type("malformed accessor call") }
                let value = try await bound.host.accessor(appId: bound.appId, name: name, arguments: call?["args"]?.arrayValue ?? [])
                let text = try value.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) } ?? ""
                reply = WorkerFrame(.accessorReply, id: id, status: WorkerFrame.ok, text: text)
            } catch {
                let hostError = error as? HostError ?? HostError(message: "The host could not answer")
                let text = String(decoding: (try? JSONEncoder().encode(["name": hostError.name, "message": hostError.message])) ?? Data(), as: UTF8.self)
                reply = WorkerFrame(.accessorReply, id: id, status: WorkerFrame.failed, text: text)
            }
            self?.state.withLock { _ = $0.accessorTasks.removeValue(forKey: id) }
            socket.send(reply)
        }
        state.withLock { state in
            if state.exited == nil { state.accessorTasks[id] = task } else { task.cancel() }
        }
    }

    /// Keeps at most `logLinesPerMinute` lines a minute; says how many it dropped when the next minute starts.
    private func log(_ line: WorkerMessages.LogLine) {
        guard let bound = binding.withLock({ $0 }) else { return }
        let now = ContinuousClock.now
        let limit = options.logLinesPerMinute
        let (keep, dropped) = state.withLock { state -> (Bool, Int) in
            var dropped = 0
            if now - state.logWindow.start >= .seconds(60) {
                dropped = state.logWindow.dropped
                state.logWindow = (now, 0, 0)
            }
            if state.logWindow.lines < limit {
                state.logWindow.lines += 1
                return (true, dropped)
            }
            state.logWindow.dropped += 1
            return (false, dropped)
        }
        if dropped > 0 {
            bound.host.log(appId: bound.appId, level: "warn", method: "log", message: "\(dropped) log lines dropped (limit \(limit) a minute)")
        }
        if keep { bound.host.log(appId: bound.appId, level: line.level, method: line.method, message: line.message) }
    }

    // MARK: Helpers

    /// The network namespace a process is in (`net:[inode]`).
    private static func namespace(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net")
    }

    /// A process's real user id, from `/proc/<pid>/status`.
    private static func realUid(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("Uid:") {
            return line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    private static func failure(_ text: String) -> JavaScriptError {
        (try? JSONDecoder().decode(WorkerMessages.Failure.self, from: Data(text.utf8)))?.error
            ?? JavaScriptError(kind: .unavailable, message: "the worker sent an unreadable failure")
    }

    static func gone(_ reason: String) -> JavaScriptError {
        JavaScriptError(kind: .unavailable, message: "the app's worker process stopped (\(reason))")
    }

    private static func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exited with status \((status >> 8) & 0xff)" }
        let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
        return "killed by signal \(signal) (\(name))"
    }
}
