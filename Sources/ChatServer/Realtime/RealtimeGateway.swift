public import ChatCore
import AirlockCrypto
import Foundation
public import HummingbirdWebSocket
import NIOWebSocket

/// Rocket.Chat's realtime API: Meteor DDP over the `/websocket` WebSocket.
///
/// Frames of one connection are handled in order (clients send `login` before `connected` arrives). A malformed
/// frame gets a DDP `error` and the connection survives; a frame over the size limit closes it with 1009; a client
/// that stops reading is disconnected when its outbound queue is full.
public struct RealtimeGateway: Sendable {
    /// Per-connection and per-client caps; every one has a flag on `airlock serve` (README, "Security model").
    public struct Limits: Sendable {
        /// Largest inbound message, in bytes.
        public var maxFrameSize: Int = 1 << 20
        /// Frames queued for one client before it is disconnected as a slow consumer.
        public var outboundQueue: Int = 4096
        /// Bytes queued for one client before it is disconnected as a slow consumer.
        public var outboundQueueBytes: Int = 16 << 20
        /// DDP `ping` interval; a client silent for two intervals is disconnected.
        public var pingInterval: Duration = .seconds(25)
        /// Stream subscriptions one connection may hold.
        public var maxSubscriptions: Int = 500
        /// Longest stream key (`<rid>/deleteMessage`, `<uid>/notification`, ...), in bytes.
        public var maxStreamKeyLength: Int = 256
        /// Logged-in connections one user may hold.
        public var maxConnectionsPerUser: Int = 50
        /// Connections not (yet) logged in from one client address.
        public var maxAnonymousConnectionsPerAddress: Int = 50
        /// Method calls and subscriptions per connection and interval (Rocket.Chat's DDP rate limiter defaults:
        /// 600 per 60 s); beyond it the answer is Meteor's `too-many-requests` with the time to wait.
        public var methodCallsPerInterval: Int = 600
        public var methodInterval: Duration = .seconds(60)

        public init() {}
    }

    /// Runs a slash command for the `slashCommand` method (the apps engine provides the commands).
    public typealias CommandRunner = @Sendable (
        _ command: String, _ params: String, _ roomId: String, _ threadId: String?, _ triggerId: String?, _ user: User
    ) async throws -> Void

    let services: ChatServices
    public let hub: RealtimeHub
    let limits: Limits
    let runCommand: CommandRunner?

    public init(services: ChatServices, hub: RealtimeHub, limits: Limits = Limits(), runCommand: CommandRunner? = nil) {
        self.services = services
        self.hub = hub
        self.limits = limits
        self.runCommand = runCommand
    }

    /// Serves one upgraded connection until either side closes it; `address` is the client's (after trusted-proxy
    /// resolution).
    ///
    /// A protocol violation by the client (invalid UTF-8, a continuation without a start, a message over the size
    /// limit) is rethrown, so the WebSocket layer closes with its RFC 6455 code (1007, 1002, 1009).
    public func handle(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, address: String?) async throws {
        let connection = DDPConnection(
            id: hub.nextConnectionId(), session: RandomID.make(), address: address, queueLimit: limits.outboundQueue,
            queueBytesLimit: limits.outboundQueueBytes)
        do {
            try hub.add(connection, maxAnonymous: limits.maxAnonymousConnectionsPerAddress)
        } catch {
            try? await outbound.close(.policyViolation, reason: "Too many unauthenticated connections from your address")
            return
        }
        defer {
            connection.close(reason: "disconnected")
            hub.remove(connection)
        }
        connection.send(#"{"server_id":"0"}"#)
        let violation: (any Error)? = await withTaskGroup(of: Void.self) { group -> (any Error)? in
            group.addTask {
                for await frame in connection.frames {
                    connection.sent(frame)
                    do { try await outbound.write(.text(frame)) } catch { break }
                }
                if connection.closeCode != .byTransport {
                    try? await outbound.close(Self.code(connection.closeCode), reason: connection.closeReason)
                }
            }
            group.addTask { [limits] in
                // A client is dropped only after a ping it left unanswered for a whole interval, so a late timer
                // (a busy machine) never disconnects a client that was not pinged first.
                let interval = Self.seconds(limits.pingInterval)
                var unanswered = false
                while !connection.isClosed {
                    try? await Task.sleep(for: limits.pingInterval)
                    if Task.isCancelled { return }
                    let idle = connection.idleSeconds
                    if idle < interval {
                        unanswered = false
                        continue
                    }
                    if unanswered, idle > interval * 2 {
                        connection.close(reason: "ping timeout")
                        return
                    }
                    connection.send(#"{"msg":"ping"}"#)
                    unanswered = true
                }
            }
            var violation: (any Error)?
            do {
                for try await message in inbound.messages(maxSize: limits.maxFrameSize) {
                    guard !connection.isClosed else { break }
                    connection.touch()
                    switch message {
                    case .text(let text): await process(text, on: connection)
                    case .binary:
                        connection.send(DDPOutbound.encode(DDPOutbound.ErrorFrame(reason: "Binary frames are not supported", offendingMessage: nil)))
                    }
                }
                connection.close(reason: "disconnected")
            } catch {
                violation = error
                connection.close(reason: "protocol violation", code: .byTransport)
            }
            await group.next()
            group.cancelAll()
            return violation
        }
        if let violation { throw violation }
    }

    static func code(_ code: DDPConnection.CloseCode) -> WebSocketErrorCode {
        switch code {
        case .normal: .normalClosure
        case .policyViolation: .policyViolation
        case .tryAgainLater: .unknown(1013)
        case .goingAway: .goingAway
        case .byTransport: .protocolError
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // MARK: Frames

    func process(_ text: String, on connection: DDPConnection) async {
        guard let frame = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), let fields = frame.objectValue,
            let kind = fields["msg"]?.stringValue
        else {
            connection.send(DDPOutbound.encode(DDPOutbound.ErrorFrame(reason: "Bad request", offendingMessage: String(text.prefix(1000)))))
            return
        }
        switch kind {
        case "connect":
            let version = fields["version"]?.stringValue
            let supported = fields["support"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if version == "1" || supported.contains("1") {
                connection.send(DDPOutbound.encode(DDPOutbound.Connected(session: connection.session)))
            } else {
                connection.send(DDPOutbound.encode(DDPOutbound.Failed()))
            }
        case "ping":
            connection.send(DDPOutbound.encode(DDPOutbound.Pong(id: fields["id"]?.stringValue)))
        case "pong":
            break
        case "method":
            guard let id = fields["id"]?.stringValue, let method = fields["method"]?.stringValue else {
                connection.send(DDPOutbound.encode(DDPOutbound.ErrorFrame(reason: "Malformed method invocation", offendingMessage: String(text.prefix(1000)))))
                return
            }
            let params = fields["params"]?.arrayValue ?? []
            let answer: DDPMethods.Answer
            if let wait = admit(connection) {
                answer = .error(DDPError(ChatError.tooManyRequests(retryAfterMilliseconds: wait)))
            } else {
                answer = await DDPMethods(gateway: self, connection: connection).call(method, params)
            }
            connection.send(answer.frame(id: id))
            connection.send(DDPOutbound.encode(DDPOutbound.Updated(methods: [id])))
        case "sub":
            guard let id = fields["id"]?.stringValue, let name = fields["name"]?.stringValue else {
                connection.send(DDPOutbound.encode(DDPOutbound.ErrorFrame(reason: "Malformed subscription", offendingMessage: String(text.prefix(1000)))))
                return
            }
            let params = fields["params"]?.arrayValue ?? []
            do {
                if let wait = admit(connection) { throw ChatError.tooManyRequests(retryAfterMilliseconds: wait) }
                guard id.utf8.count <= limits.maxStreamKeyLength else { throw DDPError.invalidParams("The subscription id is too long") }
                let subscription = try await subscriptionFor(name, params, connection)
                switch connection.addSubscription(id: id, subscription, limit: limits.maxSubscriptions) {
                case .idInUse: throw DDPError.invalidParams("Subscription id \(id) is already in use")
                case .tooMany: throw DDPError(code: "error-too-many-subscriptions", reason: "A connection may hold at most \(limits.maxSubscriptions) subscriptions")
                case .added: break
                }
                hub.subscribe(connection, to: subscription)
                connection.send(DDPOutbound.encode(DDPOutbound.Ready(subs: [id])))
            } catch let error as DDPError {
                connection.send(DDPOutbound.encode(DDPOutbound.NoSub(id: id, error: error)))
            } catch let error as ChatError {
                connection.send(DDPOutbound.encode(DDPOutbound.NoSub(id: id, error: DDPError(error))))
            } catch {
                connection.send(DDPOutbound.encode(DDPOutbound.NoSub(id: id, error: DDPError(code: "500", reason: "Internal server error"))))
            }
        case "unsub":
            guard let id = fields["id"]?.stringValue else { return }
            if let subscription = connection.removeSubscription(id: id) { hub.unsubscribe(connection, from: subscription.stream) }
            connection.send(DDPOutbound.encode(DDPOutbound.NoSub(id: id, error: nil)))
        default:
            connection.send(DDPOutbound.encode(DDPOutbound.ErrorFrame(reason: "Bad request", offendingMessage: String(text.prefix(1000)))))
        }
    }

    /// Counts a method call or subscription against the connection's rate; answers the milliseconds to wait when
    /// it is over the limit.
    func admit(_ connection: DDPConnection) -> Int? {
        connection.admitCall(limit: limits.methodCallsPerInterval, per: Self.seconds(limits.methodInterval), now: Date())
    }

    /// Which stream a `sub` asks for, after checking the caller may see it, with what it needs to stay open.
    func subscriptionFor(_ name: String, _ params: [JSONValue], _ connection: DDPConnection) async throws -> DDPConnection.Subscription {
        guard let user = connection.currentUser(now: services.context.clock.now()) else { throw DDPError.notLoggedIn }
        guard let key = params.first?.stringValue, !key.isEmpty else { throw DDPError.invalidParams("The first param must be the stream key") }
        guard key.utf8.count <= limits.maxStreamKeyLength else {
            throw DDPError.invalidParams("The stream key is longer than \(limits.maxStreamKeyLength) bytes")
        }
        let access: DDPConnection.Access
        switch name {
        case "stream-room-messages":
            if key == "__my_messages__" {
                access = .login
            } else {
                access = try await roomAccess(key, user)
            }
        case "stream-notify-room":
            let parts = key.split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { throw DDPError.invalidParams("Expected <rid>/<event>") }
            access = try await roomAccess(String(parts[0]), user)
        case "stream-notify-user":
            guard key.split(separator: "/", maxSplits: 1).first.map(String.init) == user.id else {
                throw DDPError(code: "error-not-allowed", reason: "Not allowed to subscribe to another user's stream")
            }
            access = .login
        case "stream-apps":
            guard Self.appsEvents.contains(key) else { throw DDPError.invalidParams("Unknown stream-apps event \(key)") }
            access = .login
        default:
            throw DDPError(code: "404", reason: "Subscription '\(name)' not found")
        }
        return DDPConnection.Subscription(stream: DDPConnection.Stream(collection: name, eventName: key), access: access)
    }

    /// What `stream-apps` carries (Rocket.Chat's names): apps installed, removed, updated or switched on or off, their
    /// slash commands, their action buttons; `apps` carries them all as `[name, args]`.
    static let appsEvents: Set<String> = [
        "apps", "app/added", "app/removed", "app/updated", "app/statusUpdate", "app/settingUpdated",
        "command/added", "command/disabled", "command/updated", "command/removed", "actions/changed",
    ]

    /// A room stream is open to whoever may read the room now; private rooms stay open only to members.
    private func roomAccess(_ roomId: String, _ user: User) async throws -> DDPConnection.Access {
        let room = try await services.rooms.readable(.id(roomId), types: Set(RoomType.allCases), by: user)
        return room.type == .channel && services.context.policy.allows(user, .viewPublicRoom) ? .publicRoom(roomId: room.id) : .member(roomId: room.id)
    }
}
