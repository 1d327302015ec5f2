import ChatCore
import Foundation
import Synchronization

/// One realtime client: its session, login, stream subscriptions, method rate and a bounded outbound queue.
///
/// A client that does not read fast enough fills the queue (counted in frames and in bytes); it is then disconnected
/// rather than buffered without limit. State is guarded by a mutex because events arrive from publishing services
/// while frames arrive from the reader.
final class DDPConnection: Sendable {
    /// A stream subscription: `collection` is the DDP name, `eventName` the key inside it.
    struct Stream: Hashable, Sendable {
        let collection: String
        let eventName: String
    }

    /// What a subscription needs to stay open; re-checked whenever that changes.
    enum Access: Hashable, Sendable {
        /// Membership of a private group or direct room: delivery only while a member.
        case member(roomId: String)
        /// A public channel, readable without membership (`view-c-room`).
        case publicRoom(roomId: String)
        /// Only a login (the user's own streams, `__my_messages__`).
        case login

        var roomId: String? {
            switch self {
            case .member(let id), .publicRoom(let id): id
            case .login: nil
            }
        }
    }

    struct Subscription: Sendable {
        let stream: Stream
        let access: Access
    }

    /// Rooms the user belongs to. While a login loads them from the store, membership events are recorded and
    /// replayed on the loaded set, so a change that lands between the read and the login is never lost.
    private enum Membership {
        case loading(changes: [(roomId: String, joined: Bool)])
        case loaded(Set<String>)
    }

    private struct State {
        var user: User?
        var tokenDigest: String?
        var tokenExpiresAt: Date?
        var membership = Membership.loaded([])
        var subscriptions: [String: Subscription] = [:]
        var lastInbound = Date()
        var windowStart = Date()
        var callsInWindow = 0
        var closed = false
        var closeReason: String?
        var closeCode: CloseCode = .normal
    }

    /// How the server ends a connection (RFC 6455 close codes); `byTransport` when the WebSocket layer closes it
    /// with the code of the client's protocol violation.
    enum CloseCode: Sendable {
        case normal, policyViolation, tryAgainLater, goingAway, byTransport
    }

    let id: Int
    let session: String
    /// The client's address (after trusted-proxy resolution), for per-address limits and the login throttle.
    let address: String?
    private let state = Mutex(State())
    private let queuedBytes = Atomic<Int>(0)
    private let maxQueuedBytes: Int
    private let continuation: AsyncStream<String>.Continuation
    let frames: AsyncStream<String>

    init(id: Int, session: String, address: String? = nil, queueLimit: Int, queueBytesLimit: Int = .max) {
        self.id = id
        self.session = session
        self.address = address
        self.maxQueuedBytes = queueBytesLimit
        (frames, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(queueLimit))
    }

    // MARK: Sending

    /// Queues a frame; a full queue (frames or bytes) disconnects the client (slow consumer).
    func send(_ frame: String) {
        guard !isClosed else { return }
        let size = frame.utf8.count
        if queuedBytes.add(size, ordering: .relaxed).newValue > maxQueuedBytes {
            close(reason: "slow consumer: outbound queue full", code: .tryAgainLater)
            return
        }
        if case .dropped = continuation.yield(frame) {
            close(reason: "slow consumer: outbound queue full", code: .tryAgainLater)
        }
    }

    /// The writer took `frame` off the queue.
    func sent(_ frame: String) {
        queuedBytes.subtract(frame.utf8.count, ordering: .relaxed)
    }

    func close(reason: String, code: CloseCode = .normal) {
        let first = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.closed = true
            state.closeReason = reason
            state.closeCode = code
            return true
        }
        if first { continuation.finish() }
    }

    var isClosed: Bool { state.withLock { $0.closed } }
    var closeReason: String? { state.withLock { $0.closeReason } }
    var closeCode: CloseCode { state.withLock { $0.closeCode } }

    // MARK: Session

    var user: User? { state.withLock { $0.user } }
    var userId: String? { state.withLock { $0.user?.id } }
    var tokenDigest: String? { state.withLock { $0.tokenDigest } }

    /// The logged-in user, or nil when there is none or the token expired (which logs the connection out).
    func currentUser(now: Date) -> User? {
        state.withLock { state in
            if let expiry = state.tokenExpiresAt, expiry <= now {
                state.user = nil
                state.tokenDigest = nil
                state.tokenExpiresAt = nil
            }
            return state.user
        }
    }

    /// Starts a login: from here on membership events are recorded until ``finishLogin(roomIds:)``. Answers the
    /// subscriptions that belonged to a previous login (they are dropped).
    func beginLogin(_ user: User, tokenDigest: String, expiresAt: Date?) -> [String] {
        state.withLock { Self.reset(&$0, user: user, tokenDigest: tokenDigest, expiresAt: expiresAt, membership: .loading(changes: [])) }
    }

    /// Ends a login with the rooms read from the store, replaying membership changes seen meanwhile.
    func finishLogin(roomIds: Set<String>) {
        state.withLock { state in
            guard case .loading(let changes) = state.membership else { return }
            var rooms = roomIds
            for change in changes {
                if change.joined { rooms.insert(change.roomId) } else { rooms.remove(change.roomId) }
            }
            state.membership = .loaded(rooms)
        }
    }

    /// Logs out; answers the ids of the subscriptions that needed the login (all of them).
    func logOut() -> [String] {
        state.withLock { Self.reset(&$0, user: nil, tokenDigest: nil, expiresAt: nil, membership: .loaded([])) }
    }

    /// A new session state; answers the ids of the subscriptions the old one had (they all end).
    private static func reset(_ state: inout State, user: User?, tokenDigest: String?, expiresAt: Date?, membership: Membership) -> [String] {
        let dropped = Array(state.subscriptions.keys)
        state.subscriptions = [:]
        state.user = user
        state.tokenDigest = tokenDigest
        state.tokenExpiresAt = expiresAt
        state.membership = membership
        return dropped
    }

    /// Re-authenticates with a changed version of the same account (new roles take effect at once).
    func reauthenticate(_ user: User) {
        state.withLock { state in
            if state.user?.id == user.id { state.user = user }
        }
    }

    func touch() { state.withLock { $0.lastInbound = Date() } }
    var idleSeconds: TimeInterval { state.withLock { Date().timeIntervalSince($0.lastInbound) } }

    /// Counts a method call or subscription against the per-connection rate (a fixed window, like Meteor's
    /// `DDPRateLimiter`); answers the milliseconds until the window resets when the call is over the limit.
    func admitCall(limit: Int, per interval: TimeInterval, now: Date) -> Int? {
        state.withLock { state in
            if now.timeIntervalSince(state.windowStart) >= interval {
                state.windowStart = now
                state.callsInWindow = 0
            }
            guard state.callsInWindow < limit else {
                return max(1, Int(((interval - now.timeIntervalSince(state.windowStart)) * 1000).rounded(.up)))
            }
            state.callsInWindow += 1
            return nil
        }
    }

    // MARK: Rooms and subscriptions

    func isMember(of roomId: String) -> Bool {
        state.withLock { state in
            guard case .loaded(let rooms) = state.membership else { return false }
            return rooms.contains(roomId)
        }
    }

    func joined(_ roomId: String) { changeMembership(roomId, joined: true) }
    func left(_ roomId: String) { changeMembership(roomId, joined: false) }

    private func changeMembership(_ roomId: String, joined: Bool) {
        state.withLock { state in
            switch state.membership {
            case .loading(var changes):
                changes.append((roomId, joined))
                state.membership = .loading(changes: changes)
            case .loaded(var rooms):
                if joined { rooms.insert(roomId) } else { rooms.remove(roomId) }
                state.membership = .loaded(rooms)
            }
        }
    }

    /// Whether a delivery on a subscription with `access` may reach this connection now.
    func mayReceive(_ access: Access) -> Bool {
        switch access {
        case .member(let roomId): isMember(of: roomId)
        case .publicRoom, .login: true
        }
    }

    enum AddResult {
        case added, idInUse, tooMany
    }

    /// Records a subscription, unless the id is in use or the connection holds `limit` subscriptions already.
    func addSubscription(id: String, _ subscription: Subscription, limit: Int) -> AddResult {
        state.withLock { state in
            guard state.subscriptions[id] == nil else { return .idInUse }
            guard state.subscriptions.count < limit else { return .tooMany }
            state.subscriptions[id] = subscription
            return .added
        }
    }

    func removeSubscription(id: String) -> Subscription? { state.withLock { $0.subscriptions.removeValue(forKey: id) } }

    /// Removes and answers the subscriptions `predicate` selects.
    func removeSubscriptions(where predicate: (Subscription) -> Bool) -> [(id: String, subscription: Subscription)] {
        state.withLock { state in
            let removed = state.subscriptions.filter { predicate($0.value) }
            for id in removed.keys { state.subscriptions.removeValue(forKey: id) }
            return removed.map { ($0.key, $0.value) }
        }
    }

    func allSubscriptions() -> [String: Subscription] { state.withLock { $0.subscriptions } }
}
