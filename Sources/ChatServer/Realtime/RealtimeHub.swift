public import ChatCore
import Foundation
import Synchronization

/// Routes chat events to the realtime connections subscribed to them, and keeps every open session in step with
/// what admitted it.
///
/// Subscriptions are indexed by stream (collection + event name), so one message reaches exactly the connections
/// watching its room; each event's frame is encoded once and shared by every recipient. The hub listens to the
/// chat core's ``EventHub`` synchronously: a kick, deactivation, demotion, password change, token removal or logout
/// is applied to open connections before the service that caused it answers, and every delivery to a private room
/// checks the connection's in-memory membership (kept current by the same events; no store read per delivery).
public final class RealtimeHub: Sendable {
    /// A subscriber of one stream on one connection: how many subscription ids share it, and what it needs.
    private struct Entry {
        var count: Int
        let access: DDPConnection.Access
    }

    private struct State {
        var connections: [Int: DDPConnection] = [:]
        var subscribers: [DDPConnection.Stream: [Int: Entry]] = [:]
        /// Logged-in connections by user id.
        var byUser: [String: Set<Int>] = [:]
        /// Connections not logged in, by client address.
        var anonymousByAddress: [String: Int] = [:]
    }

    /// Why a connection or a login was refused.
    enum Refusal: Error {
        case tooManyAnonymous, tooManyForUser
    }

    private let state = Mutex(State())
    private let nextId = Atomic<Int>(0)
    let policy: PermissionPolicy

    public init(policy: PermissionPolicy = PermissionPolicy()) {
        self.policy = policy
    }

    /// Open sockets.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    func nextConnectionId() -> Int { nextId.add(1, ordering: .relaxed).newValue }

    // MARK: Connections and logins

    /// Admits a new, not yet logged-in connection unless its address already has `maxAnonymous` of them.
    func add(_ connection: DDPConnection, maxAnonymous: Int = .max) throws(Refusal) {
        try state.withLock { state throws(Refusal) in
            if let address = connection.address {
                guard state.anonymousByAddress[address, default: 0] < maxAnonymous else { throw .tooManyAnonymous }
                state.anonymousByAddress[address, default: 0] += 1
            }
            state.connections[connection.id] = connection
        }
    }

    func remove(_ connection: DDPConnection) {
        state.withLock { state in
            guard state.connections.removeValue(forKey: connection.id) != nil else { return }
            Self.forgetLogin(of: connection, in: &state)
            for (_, subscription) in connection.allSubscriptions() { Self.unsubscribe(connection.id, from: subscription.stream, in: &state) }
        }
    }

    /// Logs `connection` in as `user` unless the user has `maxPerUser` logged-in connections already; a previous
    /// login's subscriptions end (`nosub`). The caller then loads the user's rooms and calls `finishLogin`.
    func logIn(_ connection: DDPConnection, as user: User, tokenDigest: String, expiresAt: Date?, maxPerUser: Int) throws(Refusal) {
        let dropped = try state.withLock { state throws(Refusal) -> [(String, DDPConnection.Subscription)] in
            let others = state.byUser[user.id, default: []].subtracting([connection.id])
            guard others.count < maxPerUser else { throw .tooManyForUser }
            Self.forgetLogin(of: connection, in: &state)
            let previous = connection.allSubscriptions()
            _ = connection.beginLogin(user, tokenDigest: tokenDigest, expiresAt: expiresAt)
            for (_, subscription) in previous { Self.unsubscribe(connection.id, from: subscription.stream, in: &state) }
            state.byUser[user.id, default: []].insert(connection.id)
            return previous.map { ($0.key, $0.value) }
        }
        for (id, _) in dropped { connection.send(DDPOutbound.encode(DDPOutbound.NoSub(id: id, error: nil))) }
    }

    /// Logs `connection` out: every subscription needed the login, so all of them end (`nosub`).
    func logOut(_ connection: DDPConnection) {
        let dropped = state.withLock { state -> [String] in
            Self.forgetLogin(of: connection, in: &state)
            if let address = connection.address { state.anonymousByAddress[address, default: 0] += 1 }
            let subscriptions = connection.allSubscriptions()
            for (_, subscription) in subscriptions { Self.unsubscribe(connection.id, from: subscription.stream, in: &state) }
            return connection.logOut()
        }
        for id in dropped { connection.send(DDPOutbound.encode(DDPOutbound.NoSub(id: id, error: nil))) }
    }

    /// Removes the connection from its user's set (or its address's anonymous count) without touching its state.
    private static func forgetLogin(of connection: DDPConnection, in state: inout State) {
        if let userId = connection.userId, state.byUser[userId]?.remove(connection.id) != nil {
            if state.byUser[userId]?.isEmpty == true { state.byUser.removeValue(forKey: userId) }
        } else if let address = connection.address, let count = state.anonymousByAddress[address] {
            if count <= 1 { state.anonymousByAddress.removeValue(forKey: address) } else { state.anonymousByAddress[address] = count - 1 }
        }
    }

    // MARK: Subscriptions

    func subscribe(_ connection: DDPConnection, to subscription: DDPConnection.Subscription) {
        state.withLock { state in
            guard state.connections[connection.id] != nil else { return }
            state.subscribers[subscription.stream, default: [:]][connection.id, default: Entry(count: 0, access: subscription.access)].count += 1
        }
    }

    func unsubscribe(_ connection: DDPConnection, from stream: DDPConnection.Stream) {
        state.withLock { Self.unsubscribe(connection.id, from: stream, in: &$0) }
    }

    private static func unsubscribe(_ connectionId: Int, from stream: DDPConnection.Stream, in state: inout State) {
        guard let entry = state.subscribers[stream]?[connectionId] else { return }
        if entry.count <= 1 {
            state.subscribers[stream]?.removeValue(forKey: connectionId)
        } else {
            state.subscribers[stream]?[connectionId]?.count = entry.count - 1
        }
        if state.subscribers[stream]?.isEmpty == true { state.subscribers.removeValue(forKey: stream) }
    }

    /// Ends the subscriptions of `connection` that `predicate` selects, telling the client (`nosub`).
    private func endSubscriptions(of connection: DDPConnection, where predicate: (DDPConnection.Subscription) -> Bool) {
        let removed = connection.removeSubscriptions(where: predicate)
        guard !removed.isEmpty else { return }
        state.withLock { state in
            for (_, subscription) in removed { Self.unsubscribe(connection.id, from: subscription.stream, in: &state) }
        }
        for (id, _) in removed { connection.send(DDPOutbound.encode(DDPOutbound.NoSub(id: id, error: nil))) }
    }

    private func recipients(of stream: DDPConnection.Stream) -> [(DDPConnection, DDPConnection.Access)] {
        state.withLock { state in
            (state.subscribers[stream] ?? [:]).compactMap { id, entry in state.connections[id].map { ($0, entry.access) } }
        }
    }

    private func connections(of userId: String) -> [DDPConnection] {
        state.withLock { state in (state.byUser[userId] ?? []).compactMap { state.connections[$0] } }
    }

    private func connections(where predicate: (DDPConnection) -> Bool) -> [DDPConnection] {
        state.withLock { $0.connections.values.filter(predicate) }
    }

    /// Sends `args` to every subscriber of `collection`/`eventName` still entitled to it, encoded once; `args` is
    /// not even built when nobody (or nobody passing `filter`) listens.
    func publish<Args: Encodable>(
        _ collection: String, _ eventName: String, _ args: @autoclosure () -> Args, only filter: ((DDPConnection) -> Bool)? = nil
    ) {
        let targets = recipients(of: .init(collection: collection, eventName: eventName))
            .filter { connection, access in connection.mayReceive(access) && (filter?(connection) ?? true) }
        guard !targets.isEmpty else { return }
        let frame = DDPOutbound.changed(collection, eventName, args())
        for (connection, _) in targets { connection.send(frame) }
    }

    /// Rocket.Chat's `stream-apps`: event `name` (`app/added`, `command/removed`, `actions/changed`, ...) with
    /// `argument` to its subscribers, and `[name, [argument]]` to subscribers of `apps` (what newer clients follow).
    public func publishAppsEvent(_ name: String, _ argument: JSONValue? = nil) {
        let args: [JSONValue] = argument.map { [$0] } ?? []
        publish("stream-apps", name, args)
        publish("stream-apps", "apps", [JSONValue.array([.string(name), .array(args)])])
    }

    /// Closes every socket with "going away" (1001): the node is shutting down and clients reconnect, through the
    /// load balancer, to another node. Answers how many were open.
    @discardableResult
    public func closeAll(reason: String) -> Int {
        let open = connections { _ in true }
        for connection in open { connection.close(reason: reason, code: .goingAway) }
        return open.count
    }

    // MARK: Chat events

    /// Applies one chat event; registered with the chat core's ``EventHub`` (synchronous, in publish order).
    public func route(_ event: ChatEvent) {
        switch event {
        case .messageCreated(let message, let room), .messageUpdated(let message, let room):
            publish("stream-room-messages", room.id, [MessageDTO(message, style: .ejson)])
            publish("stream-room-messages", "__my_messages__", [MessageDTO(message, style: .ejson)], only: { $0.isMember(of: room.id) })
            if case .messageCreated = event, room.type == .direct {
                let notification = [Notification(message: message, room: room)]
                for userId in room.userIds where userId != message.sender.id {
                    publish("stream-notify-user", "\(userId)/notification", notification)
                }
            }
        case .messageDeleted(let messageId, let roomId):
            publish("stream-notify-room", "\(roomId)/deleteMessage", [["_id": messageId]])
        case .subscriptionChanged(let subscription):
            for connection in connections(of: subscription.user.id) { connection.joined(subscription.roomId) }
            publish("stream-notify-user", "\(subscription.user.id)/subscriptions-changed", ChangeArgs("updated", SubscriptionDTO(subscription, style: .ejson)))
        case .subscriptionRemoved(let subscription):
            let roomId = subscription.roomId
            for connection in connections(of: subscription.user.id) {
                connection.left(roomId)
                let readsPublic = connection.user.map { policy.allows($0, .viewPublicRoom) } ?? false
                endSubscriptions(of: connection) { $0.access == .member(roomId: roomId) || ($0.access == .publicRoom(roomId: roomId) && !readsPublic) }
            }
            publish("stream-notify-user", "\(subscription.user.id)/subscriptions-changed", ChangeArgs("removed", SubscriptionDTO(subscription, style: .ejson)))
        case .roomChanged(let room):
            let members = connections { $0.isMember(of: room.id) || room.userIds.contains($0.userId ?? "") }
            for userId in Set(members.compactMap(\.userId)) {
                publish("stream-notify-user", "\(userId)/rooms-changed", ChangeArgs("updated", RoomDTO(room, style: .ejson)))
            }
        case .roomDeleted(let roomId):
            let members = connections { $0.isMember(of: roomId) }
            for connection in connections(where: { _ in true }) { endSubscriptions(of: connection) { $0.access.roomId == roomId } }
            for connection in members { connection.left(roomId) }
            for userId in Set(members.compactMap(\.userId)) {
                publish("stream-notify-user", "\(userId)/rooms-changed", ChangeArgs("removed", ["_id": roomId]))
            }
        case .userNotified(let userId, let message):
            publish("stream-notify-user", "\(userId)/message", [MessageDTO(message, style: .ejson)])
        case .uiInteraction(let userId, let response):
            publish("stream-notify-user", "\(userId)/uiInteraction", [response])
        case .userActivity(let roomId, let username, let activities):
            publish("stream-notify-room", "\(roomId)/user-activity", [.string(username), .array(activities.map(JSONValue.string)), JSONValue.object([:])])
        case .tokenRevoked(let userId, let digest):
            for connection in connections(of: userId) where connection.tokenDigest == digest {
                connection.close(reason: "logged out", code: .policyViolation)
            }
        case .sessionsRevoked(let userId, let keep):
            for connection in connections(of: userId) where keep == nil || connection.tokenDigest != keep {
                connection.close(reason: "session ended", code: .policyViolation)
            }
        case .appChanged:
            // For the nodes' apps managers; clients read `commands.list` and `actionButtons` again when they reload.
            break
        case .clusterEventsMissed:
            // Sockets may have missed messages and revocations: clients reconnect (through the balancer) and resync.
            closeAll(reason: "missed events from other nodes")
        case .userChanged(let user):
            for connection in connections(of: user.id) {
                guard user.active else {
                    connection.close(reason: "account deactivated", code: .policyViolation)
                    continue
                }
                connection.reauthenticate(user)
                if !policy.allows(user, .viewPublicRoom) {
                    endSubscriptions(of: connection) { if case .publicRoom(let id) = $0.access { !connection.isMember(of: id) } else { false } }
                }
            }
        }
    }

    /// `["updated"|"removed"|"inserted", record]`, the args of `*-changed` events.
    struct ChangeArgs<Record: Encodable>: Encodable {
        let kind: String
        let record: Record

        init(_ kind: String, _ record: Record) {
            self.kind = kind
            self.record = record
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(kind)
            try container.encode(record)
        }
    }

    /// The payload of `<uid>/notification` for a direct message.
    struct Notification: Encodable {
        let title: String
        let text: String
        let payload: Payload

        struct Payload: Encodable {
            let _id: String
            let rid: String
            let sender: UserRefDTO
            let type: String
        }

        init(message: Message, room: Room) {
            title = message.sender.username
            text = message.text
            payload = Payload(_id: message.id, rid: room.id, sender: UserRefDTO(message.sender, includeName: false), type: room.type.rawValue)
        }
    }
}
