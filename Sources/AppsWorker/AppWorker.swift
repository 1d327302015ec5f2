import AirlockJSON
import AppsPackage
import AppsRuntime
import Foundation
import JavaScriptRuntime

#if canImport(Glibc)
import Glibc
#endif

/// The worker process (`airlock worker`): one app's VM, driven by the server over the socket it inherited as
/// descriptor 3. Start-up: `hello` → the VM with the SDK → `ready` (a spare waits here), then `load` adds the
/// package's files and locks the process down (``WorkerLockdown``) before any app code runs; from then on the VM
/// thread itself waits on the socket beside its jobs: it reads a `call` frame, runs it and writes the reply (no other
/// thread woken, no task, no executor hop).
public enum AppWorker {
    /// Serves the server on `fd` until it closes the connection; answers the exit status.
    public static func run(fd: Int32) -> Int32 {
        WorkerLockdown.start()
        let socket = FrameSocket(fd: fd)
        let limit = 256 << 20
        guard let helloFrame = try? socket.receive(limit: limit), helloFrame.kind == .hello,
            let hello = try? helloFrame.decode(WorkerMessages.Hello.self), hello.version == WorkerFrame.version
        else { return 2 }
        // The VM and the SDK now, before any app: a spare worker is ready to load one at once.
        let proxy = WorkerHostProxy(socket: socket)
        guard case .success(let runtime) = blockingWait({ try await create(proxy: proxy, socket: socket) }),
            let ready = try? WorkerFrame(.ready, json: WorkerMessages.Ready(version: WorkerFrame.version, pid: getpid()))
        else { return 3 }
        socket.send(ready)
        // Until the app is loaded this thread reads (blocking); then the VM thread takes the socket over.
        var loaded = false
        while !loaded {
            guard let frame = try? socket.receive(limit: limit) else { return 0 }
            guard frame.kind == .load else { continue }
            guard load(frame, into: runtime, socket: socket) else { return 3 }
            loaded = true
        }
        let ended = DispatchSemaphore(value: 0)
        socket.setNonBlocking()
        runtime.serve(socket.fd) {
            guard let frames = try? socket.receiveAvailable(limit: limit) else {
                proxy.failAll()
                ended.signal()
                return
            }
            for frame in frames { handle(frame, runtime: runtime, proxy: proxy, socket: socket) }
        }
        ended.wait()
        return 0
    }

    /// One frame from the server, on the VM thread.
    private static func handle(_ frame: WorkerFrame, runtime: InProcessRuntime, proxy: WorkerHostProxy, socket: FrameSocket) {
        switch frame.kind {
        case .call:
            call(frame, runtime: runtime, socket: socket)
        case .accessorReply:
            proxy.answer(frame)
        case .heap:
            let id = frame.id
            let full = frame.payload.first == 1
            Task {
                let bytes = (try? await runtime.heapSize(full: full)) ?? -1
                var payload: [UInt8] = []
                WorkerFrame.append(Int64(bytes), to: &payload)
                socket.send(WorkerFrame(.heapReply, id: id, payload: payload))
            }
        default:
            break
        }
    }

    /// The VM with the SDK; stuck VMs and overrunning timers are reported to the server as notices.
    private static func create(proxy: WorkerHostProxy, socket: FrameSocket) async throws -> InProcessRuntime {
        var configuration = JavaScriptVM.Configuration()
        configuration.onStuck = { seconds in
            if let notice = try? WorkerFrame(.notice, json: WorkerMessages.Notice(kind: "stuck", seconds: seconds)) { socket.send(notice) }
        }
        configuration.onTimerOverrun = {
            if let notice = try? WorkerFrame(.notice, json: WorkerMessages.Notice(kind: "timerOverrun", seconds: 0)) { socket.send(notice) }
        }
        return try await InProcessRuntime.create(appId: "", host: proxy, configuration: configuration)
    }

    /// Loads the package into the VM, then locks the process down; answers `reply` with what the lockdown achieved,
    /// or the failure.
    private static func load(_ frame: WorkerFrame, into runtime: InProcessRuntime, socket: FrameSocket) -> Bool {
        let id = frame.id
        let result = blockingWait { () async throws -> Void in
            let load = try frame.decode(WorkerMessages.Load.self)
            try await runtime.load(files: load.files)
            // What JSC and ICU read lazily (time zone, locale data) is read now, while files can still be opened.
            try await runtime.warmUp()
        }
        switch result {
        case .success:
            let isolation = WorkerLockdown.lockDown()
            let text = (try? String(decoding: JSONEncoder().encode(WorkerMessages.Loaded(isolation: isolation)), as: UTF8.self)) ?? "{}"
            socket.send(WorkerFrame(.reply, id: id, status: WorkerFrame.ok, text: text))
            return true
        case .failure(let error):
            let text = (try? String(decoding: JSONEncoder().encode(WorkerMessages.Failure(error)), as: UTF8.self)) ?? "{}"
            socket.send(WorkerFrame(.reply, id: id, status: WorkerFrame.failed, text: text))
            return false
        }
    }

    /// Hands a call to the VM thread; the reply is written from there.
    private static func call(_ frame: WorkerFrame, runtime: InProcessRuntime, socket: FrameSocket) {
        let id = frame.id
        guard frame.payload.count >= 16 else { return }
        let cpu = Double(bitPattern: WorkerFrame.read(UInt64.self, from: frame.payload, at: 0))
        let wall = Double(bitPattern: WorkerFrame.read(UInt64.self, from: frame.payload, at: 8))
        let json = String(decoding: frame.payload[16...], as: UTF8.self)
        runtime.dispatch(id: id, json: json, budget: CallBudget(cpu: cpu, wall: wall)) { result in
            switch result {
            case .success(let text):
                socket.send(WorkerFrame(.reply, id: id, status: WorkerFrame.ok, text: text ?? "null"))
            case .failure(let error):
                let text = (try? String(decoding: JSONEncoder().encode(WorkerMessages.Failure(error)), as: UTF8.self)) ?? "{}"
                socket.send(WorkerFrame(.reply, id: id, status: WorkerFrame.failed, text: text))
            }
        }
    }

    /// `airlock worker --self-test`: isolates itself and locks down like a worker, then tries to open a file, create
    /// a socket, start a program and signal its parent. Answers the JSON report.
    public static func selfTest(degraded: Bool) -> String {
        WorkerLockdown.start()
        var isolation = WorkerLockdown.isolateSelf(degraded: degraded)
        isolation.merge(WorkerLockdown.lockDown()) { $1 }
        let report: JSONValue = [
            "pid": .number(Double(getpid())),
            "isolation": .object(isolation.mapValues(JSONValue.bool)),
            "attempts": .object(WorkerLockdown.probe().mapValues(JSONValue.string)),
            "readable": .array((WorkerLockdown.readable.directories + WorkerLockdown.readable.files).map(JSONValue.string)),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self)
    }

    /// Runs async work from the worker's synchronous reader thread (only at load: calls never wait like this).
    private static func blockingWait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return box.result!
    }
}

/// A result handed from a task to the thread waiting on a semaphore (written before `signal`, read after `wait`).
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
