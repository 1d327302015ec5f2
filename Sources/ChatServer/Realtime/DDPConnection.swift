import ChatCore
import Foundation
import Synchronization

/// One realtime client: its session, login, stream subscriptions and a bounded outbound queue.
///
/// A client that does not read fast enough fills the queue; it is then disconnected rather than buffered without
/// limit. State is guarded by a mutex because events arrive from the hub's task while frames arrive from the reader.
final class DDPConnection: Sendable {
    /// A stream subscription: `collection` is the DDP name, `eventName` the key inside it.
    struct Stream: Hashable, Sendable {
        let collection: String
        let eventName: String
    }

    private struct State {
        var user: User?
        var tokenDigest: String?
        var streams: [String: Stream] = [:]
        /// Rooms the user belongs to; loaded at login and kept current from subscription events.
        var roomIds: Set<String> = []
        var lastInbound = Date()
        var closed = false
        var closeReason: String?
    }

    let id: Int
    let session: String
    private let state = Mutex(State())
    private let continuation: AsyncStream<String>.Continuation
    let frames: AsyncStream<String>

    init(id: Int, session: String, queueLimit: Int) {
        self.id = id
        self.session = session
        (frames, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(queueLimit))
    }

    // MARK: Sending

    /// Queues a frame; a full queue disconnects the client (slow consumer).
    func send(_ frame: String) {
        guard !isClosed else { return }
        if case .dropped = continuation.yield(frame) {
            close(reason: "slow consumer: outbound queue full")
        }
    }

    func close(reason: String) {
        let first = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.closed = true
            state.closeReason = reason
            return true
        }
        if first { continuation.finish() }
    }

    var isClosed: Bool { state.withLock { $0.closed } }
    var closeReason: String? { state.withLock { $0.closeReason } }

    // MARK: Session

    var user: User? { state.withLock { $0.user } }
    var tokenDigest: String? { state.withLock { $0.tokenDigest } }

    func logIn(_ user: User, tokenDigest: String, roomIds: Set<String>) {
        state.withLock {
            $0.user = user
            $0.tokenDigest = tokenDigest
            $0.roomIds = roomIds
        }
    }

    func logOut() {
        state.withLock {
            $0.user = nil
            $0.tokenDigest = nil
            $0.roomIds = []
        }
    }

    func touch() { state.withLock { $0.lastInbound = Date() } }
    var idleSeconds: TimeInterval { state.withLock { Date().timeIntervalSince($0.lastInbound) } }

    // MARK: Rooms and streams

    func isMember(of roomId: String) -> Bool { state.withLock { $0.roomIds.contains(roomId) } }
    func joined(_ roomId: String) { _ = state.withLock { $0.roomIds.insert(roomId) } }
    func left(_ roomId: String) { _ = state.withLock { $0.roomIds.remove(roomId) } }

    /// Records a subscription; false when the id is already used on this connection.
    func addStream(id: String, _ stream: Stream) -> Bool {
        state.withLock { state in
            guard state.streams[id] == nil else { return false }
            state.streams[id] = stream
            return true
        }
    }

    func removeStream(id: String) -> Stream? { state.withLock { $0.streams.removeValue(forKey: id) } }
    func allStreams() -> [String: Stream] { state.withLock { $0.streams } }
}
