import ChatCore
import Foundation
import Synchronization

/// Routes chat events to the realtime connections subscribed to them.
///
/// Subscriptions are indexed by stream (collection + event name), so one message reaches exactly the connections
/// watching its room; each event's frame is encoded once and shared by every recipient.
public final class RealtimeHub: Sendable {
    private struct State {
        var connections: [Int: DDPConnection] = [:]
        var subscribers: [DDPConnection.Stream: [Int: Int]] = [:]  // stream → connection id → subscription count
    }

    private let state = Mutex(State())
    private let nextId = Atomic<Int>(0)

    public init() {}

    var connectionCount: Int { state.withLock { $0.connections.count } }

    func nextConnectionId() -> Int { nextId.add(1, ordering: .relaxed).newValue }

    func add(_ connection: DDPConnection) {
        state.withLock { $0.connections[connection.id] = connection }
    }

    func remove(_ connection: DDPConnection) {
        state.withLock { state in
            state.connections.removeValue(forKey: connection.id)
            for (_, stream) in connection.allStreams() {
                state.subscribers[stream]?.removeValue(forKey: connection.id)
                if state.subscribers[stream]?.isEmpty == true { state.subscribers.removeValue(forKey: stream) }
            }
        }
    }

    func subscribe(_ connection: DDPConnection, to stream: DDPConnection.Stream) {
        state.withLock { $0.subscribers[stream, default: [:]][connection.id, default: 0] += 1 }
    }

    func unsubscribe(_ connection: DDPConnection, from stream: DDPConnection.Stream) {
        state.withLock { state in
            guard let count = state.subscribers[stream]?[connection.id] else { return }
            if count <= 1 { state.subscribers[stream]?.removeValue(forKey: connection.id) } else {
                state.subscribers[stream]?[connection.id] = count - 1
            }
            if state.subscribers[stream]?.isEmpty == true { state.subscribers.removeValue(forKey: stream) }
        }
    }

    private func recipients(of stream: DDPConnection.Stream) -> [DDPConnection] {
        state.withLock { state in
            (state.subscribers[stream] ?? [:]).keys.compactMap { state.connections[$0] }
        }
    }

    private func connections(where predicate: (DDPConnection) -> Bool) -> [DDPConnection] {
        state.withLock { $0.connections.values.filter(predicate) }
    }

    /// Sends `args` to every subscriber of `collection`/`eventName`, encoded once; `args` is not even built when
    /// nobody (or nobody passing `filter`) listens.
    func publish<Args: Encodable>(
        _ collection: String, _ eventName: String, _ args: @autoclosure () -> Args, only filter: ((DDPConnection) -> Bool)? = nil
    ) {
        let targets = recipients(of: .init(collection: collection, eventName: eventName)).filter { filter?($0) ?? true }
        guard !targets.isEmpty else { return }
        let frame = DDPOutbound.changed(collection, eventName, args())
        for connection in targets { connection.send(frame) }
    }

    // MARK: Chat events

    /// Consumes the chat core's events until the stream ends (server shutdown).
    public func run(events: AsyncStream<ChatEvent>) async {
        for await event in events { route(event) }
    }

    func route(_ event: ChatEvent) {
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
            for connection in connections(where: { $0.user?.id == subscription.user.id }) { connection.joined(subscription.roomId) }
            publish("stream-notify-user", "\(subscription.user.id)/subscriptions-changed", ChangeArgs("updated", SubscriptionDTO(subscription, style: .ejson)))
        case .subscriptionRemoved(let subscription):
            for connection in connections(where: { $0.user?.id == subscription.user.id }) { connection.left(subscription.roomId) }
            publish("stream-notify-user", "\(subscription.user.id)/subscriptions-changed", ChangeArgs("removed", SubscriptionDTO(subscription, style: .ejson)))
        case .roomChanged(let room):
            let members = connections { $0.isMember(of: room.id) || room.userIds.contains($0.user?.id ?? "") }
            for userId in Set(members.compactMap { $0.user?.id }) {
                publish("stream-notify-user", "\(userId)/rooms-changed", ChangeArgs("updated", RoomDTO(room, style: .ejson)))
            }
        case .roomDeleted(let roomId):
            let members = connections { $0.isMember(of: roomId) }
            for connection in members { connection.left(roomId) }
            for userId in Set(members.compactMap { $0.user?.id }) {
                publish("stream-notify-user", "\(userId)/rooms-changed", ChangeArgs("removed", ["_id": roomId]))
            }
        case .userNotified(let userId, let message):
            publish("stream-notify-user", "\(userId)/message", [MessageDTO(message, style: .ejson)])
        case .uiInteraction(let userId, let response):
            publish("stream-notify-user", "\(userId)/uiInteraction", [response])
        case .userActivity(let roomId, let username, let activities):
            publish("stream-notify-room", "\(roomId)/user-activity", [.string(username), .array(activities.map(JSONValue.string)), JSONValue.object([:])])
        case .tokenRevoked(_, let digest):
            for connection in connections(where: { $0.tokenDigest == digest }) {
                connection.close(reason: "logged out")
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
