import ChatCore
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// A minimal DDP test client over a real WebSocket: send JSON frames, await frames matching a predicate.
final class DDPClient: Sendable {
    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, Never>
    /// Set when the connection ended (closed by either side).
    private let state: State

    /// Shared with the connection task.
    final class State: Sendable {
        let inbox = Mutex<[JSONValue]>([])
        let closed = Mutex(false)
        /// The close code the server sent, if it closed the connection.
        let closeCode = Mutex<UInt16?>(nil)
    }

    init(port: Int, maxFrameSize: Int = 4 << 20) {
        let (outgoingStream, outgoing) = AsyncStream.makeStream(of: String.self)
        self.outgoing = outgoing
        let state = State()
        self.state = state
        task = Task {
                let close = try? await WebSocketClient.connect(
                    url: "ws://127.0.0.1:\(port)/websocket", configuration: .init(maxFrameSize: maxFrameSize),
                    logger: Logger(label: "ddp-test")
                ) { inbound, outbound, _ in
                    let writer = Task {
                        for await text in outgoingStream { try? await outbound.write(.text(text)) }
                    }
                    defer { writer.cancel() }
                    for try await message in inbound.messages(maxSize: 8 << 20) {
                        if case .text(let text) = message, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) {
                            state.inbox.withLock { $0.append(value) }
                        }
                    }
                }
                if let code = close?.closeCode {
                    var buffer = ByteBuffer()
                    buffer.write(webSocketErrorCode: code)
                    state.closeCode.withLock { $0 = buffer.readInteger(as: UInt16.self) }
                }
                state.closed.withLock { $0 = true }
        }
    }

    /// The close code the server ended the connection with (nil while open, or when it just dropped it).
    var closeCode: UInt16? { state.closeCode.withLock { $0 } }

    /// Frames received so far that match `predicate`, without consuming them.
    func received(where predicate: (JSONValue) -> Bool) -> [JSONValue] {
        state.inbox.withLock { $0.filter(predicate) }
    }

    func send(_ frame: JSONValue) {
        let data = (try? JSONEncoder().encode(frame)) ?? Data()
        outgoing.yield(String(decoding: data, as: UTF8.self))
    }

    func sendRaw(_ text: String) { outgoing.yield(text) }

    /// Removes and returns the first received frame matching `predicate`, waiting up to `timeout`.
    func next(timeout: Duration = .seconds(10), where predicate: (JSONValue) -> Bool) async throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found = state.inbox.withLock { frames -> JSONValue? in
                guard let index = frames.firstIndex(where: predicate) else { return nil }
                return frames.remove(at: index)
            }
            if let found { return found }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TestFailure("no matching DDP frame within \(timeout); received: \(state.inbox.withLock { $0 })")
    }

    /// The `result` frame of method call `id`.
    func result(_ id: String) async throws -> JSONValue {
        try await next { $0["msg"] == "result" && $0["id"] == .string(id) }
    }

    /// Calls a method and returns its result frame.
    func call(_ method: String, _ params: [JSONValue], id: String = UUID().uuidString) async throws -> JSONValue {
        send(["msg": "method", "method": .string(method), "id": .string(id), "params": .array(params)])
        return try await result(id)
    }

    /// Connects and logs in with a password digest.
    func login(_ username: String, _ password: String) async throws -> JSONValue {
        send(["msg": "connect", "version": "1", "support": ["1"]])
        let digest = PasswordHasher.digest(ofPlaintext: password)
        return try await call("login", [["user": ["username": .string(username)], "password": ["digest": .string(digest), "algorithm": "sha-256"]]])
    }

    func waitUntilClosed(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !state.closed.withLock({ $0 }) {
            guard ContinuousClock.now < deadline else { throw TestFailure("connection still open after \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func close() {
        outgoing.finish()
        task.cancel()
    }
}
