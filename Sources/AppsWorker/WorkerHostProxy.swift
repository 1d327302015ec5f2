import AirlockJSON
import AppsRuntime
import Foundation
import JavaScriptRuntime
import Synchronization

/// The server as the app's VM sees it from inside a worker: accessor calls and log lines become frames to the
/// server, and accessor answers come back by id. The server checks permissions and arguments, as in process; what
/// it refuses arrives as a `HostError` the app can catch.
final class WorkerHostProxy: AppHost {
    private let socket: FrameSocket
    private let pending = Mutex<[UInt64: CheckedContinuation<JSONValue?, any Error>]>([:])
    private let nextId = Atomic<UInt64>(0)

    init(socket: FrameSocket) {
        self.socket = socket
    }

    func accessor(appId: String, name: String, arguments: [JSONValue]) async throws -> JSONValue? {
        let id = nextId.add(1, ordering: .relaxed).newValue
        let frame = WorkerFrame(.accessor, id: id, payload: Array(try JSONEncoder().encode(["name": .string(name), "args": .array(arguments)] as JSONValue)))
        return try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0[id] = continuation }
            if !socket.send(frame) {
                pending.withLock { $0.removeValue(forKey: id) }?.resume(throwing: HostError(message: "The server is gone"))
            }
        }
    }

    func log(appId: String, level: String, method: String, message: String) {
        if let frame = try? WorkerFrame(.log, json: WorkerMessages.LogLine(level: level, method: method, message: message)) {
            socket.send(frame)
        }
    }

    /// The server's answer to accessor call `id`.
    func answer(_ frame: WorkerFrame) {
        guard let continuation = pending.withLock({ $0.removeValue(forKey: frame.id) }) else { return }
        let (status, text) = frame.statusAndText
        if status == WorkerFrame.ok {
            continuation.resume(with: Result { text.isEmpty ? nil : try JSONCodec.shared.decode(text) })
        } else {
            let error = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null
            continuation.resume(throwing: HostError(name: error["name"]?.stringValue ?? "Error", message: error["message"]?.stringValue ?? "The host could not answer"))
        }
    }

    /// The server went away: every accessor call still waiting fails.
    func failAll() {
        let waiting = pending.withLock { pending in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for continuation in waiting { continuation.resume(throwing: HostError(message: "The server is gone")) }
    }
}
