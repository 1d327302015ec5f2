import ChatCore
import Foundation

/// The DDP methods Airlock implements, each answering a JSON result or a Meteor error.
struct DDPMethods {
    /// A method's answer.
    enum Answer {
        /// JSON text of the result (`null` for none).
        case result(String)
        case error(DDPError)

        func frame(id: String) -> String {
            let idJSON = DDPOutbound.encode(id)
            switch self {
            case .result(let json): return #"{"msg":"result","id":"# + idJSON + #","result":"# + json + "}"
            case .error(let error): return #"{"msg":"result","id":"# + idJSON + #","error":"# + DDPOutbound.encode(error) + "}"
            }
        }
    }

    let gateway: RealtimeGateway
    let connection: DDPConnection
    var services: ChatServices { gateway.services }

    func call(_ method: String, _ params: [JSONValue]) async -> Answer {
        do {
            switch method {
            case "login": return try await login(params)
            case "logout": return try await logout()
            default:
                guard let user = connection.currentUser(now: services.context.clock.now()) else { throw DDPError.notLoggedIn }
                return try await authenticated(method, params, user)
            }
        } catch let error as DDPError {
            return .error(error)
        } catch let error as ChatError {
            return .error(DDPError(error))
        } catch {
            return .error(DDPError(code: "500", reason: "Internal server error"))
        }
    }

    private func authenticated(_ method: String, _ params: [JSONValue], _ user: User) async throws -> Answer {
        switch method {
        case "slashCommand":
            // Rocket.Chat's shape: [{cmd, params, msg: {rid, tmid}, triggerId}].
            guard let runCommand = gateway.runCommand else { throw DDPError(code: "404", reason: "Method 'slashCommand' not found") }
            let c = try object(params, 0)
            guard let command = c["cmd"]?.stringValue, let rid = c["msg"]?["rid"]?.stringValue else {
                throw DDPError.invalidParams("slashCommand needs cmd and msg.rid")
            }
            try await runCommand(command, c["params"]?.stringValue ?? "", rid, c["msg"]?["tmid"]?.stringValue, c["triggerId"]?.stringValue, user)
            return .result("null")
        case "sendMessage":
            let sent = try MessageDraftDTO(try object(params, 0))
            let message = try await services.messages.send(sent.draft, roomId: sent.roomId, by: .user(user))
            return .result(DDPOutbound.encode(MessageDTO(message, style: .ejson)))
        case "updateMessage":
            let m = try object(params, 0)
            guard let id = m["_id"]?.stringValue, let rid = m["rid"]?.stringValue, let text = m["msg"]?.stringValue else {
                throw DDPError.invalidParams("updateMessage needs _id, rid and msg")
            }
            let message = try await services.messages.update(messageId: id, roomId: rid, edit: .text(text), by: .user(user))
            return .result(DDPOutbound.encode(MessageDTO(message, style: .ejson)))
        case "deleteMessage":
            let m = try object(params, 0)
            guard let id = m["_id"]?.stringValue else { throw DDPError.invalidParams("deleteMessage needs _id") }
            let deleted = try await services.messages.delete(messageId: id, roomId: nil, by: .user(user))
            return .result(DDPOutbound.encode(["_id": deleted.id]))
        case "setReaction":
            guard params.count >= 2, let emoji = params[0].stringValue, let messageId = params[1].stringValue else {
                throw DDPError.invalidParams("setReaction needs [emoji, messageId]")
            }
            var shouldReact: Bool?
            if params.count > 2, case .bool(let b) = params[2] { shouldReact = b }
            try await services.messages.react(messageId: messageId, emoji: emoji, shouldReact: shouldReact, by: .user(user))
            return .result("null")
        case "rooms/get":
            let since = try date(params.first)
            let rooms = try await services.rooms.roomsOf(user, updatedSince: since).map { RoomDTO($0, style: .ejson) }
            return .result(since == nil ? DDPOutbound.encode(rooms) : DDPOutbound.encode(Changes(update: rooms, remove: [])))
        case "subscriptions/get":
            let since = try date(params.first)
            let subscriptions = try await services.rooms.subscriptions(of: user, updatedSince: since)
                .map { SubscriptionDTO($0, style: .ejson) }
            return .result(since == nil ? DDPOutbound.encode(subscriptions) : DDPOutbound.encode(Changes(update: subscriptions, remove: [])))
        case "getRoomRoles":
            guard let rid = params.first?.stringValue else { throw DDPError.invalidParams("getRoomRoles needs [rid]") }
            let room = try await services.rooms.readable(.id(rid), types: Set(RoomType.allCases), by: user)
            let members = try await services.rooms.members(of: room, page: PageRequest(offset: 0, count: .max))
            let roles = members.items.filter { !$0.roles.isEmpty }.map {
                RoomRoles(rid: room.id, u: UserRefDTO($0.user, includeName: false), roles: $0.roles)
            }
            return .result(DDPOutbound.encode(roles))
        case "stream-notify-room":
            return try await notifyRoom(params, user)
        default:
            throw DDPError(code: "404", reason: "Method '\(method)' not found")
        }
    }

    // MARK: Session methods

    private func login(_ params: [JSONValue]) async throws -> Answer {
        let p = try object(params, 0)
        let session: AuthService.Session
        let type: String
        if let resume = p["resume"]?.stringValue {
            session = try await services.auth.resume(token: resume)
            type = "resume"
        } else {
            guard let password = p["password"]?.objectValue, password["algorithm"]?.stringValue == "sha-256",
                let digest = password["digest"]?.stringValue
            else { throw DDPError(code: "403", reason: "Incorrect password") }
            let identifier: AuthService.Identifier
            switch p["user"] {
            case .object(let user)?:
                if let username = user["username"]?.stringValue {
                    identifier = .username(username)
                } else if let email = user["email"]?.stringValue {
                    identifier = .email(email)
                } else {
                    throw DDPError.invalidParams("user needs a username or an email")
                }
            case .string(let name)?: identifier = .usernameOrEmail(name)
            default: throw DDPError.invalidParams("login needs user and password, or resume")
            }
            session = try await services.auth.login(identifier, passwordDigest: digest, address: connection.address)
            type = "password"
        }
        do {
            try gateway.hub.logIn(
                connection, as: session.user, tokenDigest: AuthService.digest(ofToken: session.token), expiresAt: session.expiresAt,
                maxPerUser: gateway.limits.maxConnectionsPerUser)
        } catch {
            throw DDPError(
                code: "error-too-many-connections",
                reason: "You already have \(gateway.limits.maxConnectionsPerUser) realtime connections open; close one first")
        }
        // Membership changes published while the rooms load are replayed on top of what the store answered.
        do {
            let subscriptions = try await services.rooms.subscriptions(of: session.user, updatedSince: nil)
            connection.finishLogin(roomIds: Set(subscriptions.map(\.roomId)))
        } catch {
            gateway.hub.logOut(connection)
            throw error
        }
        let result = LoginResult(
            id: session.user.id, token: session.token, tokenExpires: session.expiresAt.map { WireTime($0, .ejson) },
            type: type)
        return .result(DDPOutbound.encode(result))
    }

    private func logout() async throws -> Answer {
        guard let user = connection.user, let digest = connection.tokenDigest else { return .result("null") }
        // Meteor's logout destroys the connection's login token. This socket stays open, logged out, and loses every
        // subscription (they all needed the login); other connections that used the same token are closed by the hub
        // when the revocation is published.
        gateway.hub.logOut(connection)
        try await services.auth.logout(user: user, tokenDigest: digest)
        return .result("null")
    }

    /// Typing: `["<rid>/user-activity", username, ["user-typing"], {}]`, only as yourself and as a member.
    private func notifyRoom(_ params: [JSONValue], _ user: User) async throws -> Answer {
        guard params.count >= 3, let key = params[0].stringValue, let username = params[1].stringValue else {
            throw DDPError.invalidParams("stream-notify-room needs [<rid>/<event>, username, activities]")
        }
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[1] == "user-activity" else {
            throw DDPError(code: "error-not-allowed", reason: "Only user-activity may be sent")
        }
        guard username == user.username else { throw DDPError(code: "error-not-allowed", reason: "You can only send your own activity") }
        guard try await services.context.store.subscription(roomId: parts[0], userId: user.id) != nil else {
            throw DDPError(code: "error-not-allowed", reason: "Not a member of this room")
        }
        let extras = params.count > 3 ? params[3] : .object([:])
        gateway.hub.publish("stream-notify-room", key, [JSONValue.string(username), params[2], extras])
        return .result("true")
    }

    // MARK: Helpers

    private func object(_ params: [JSONValue], _ index: Int) throws -> [String: JSONValue] {
        guard index < params.count, let object = params[index].objectValue else {
            throw DDPError.invalidParams("Parameter \(index) must be an object")
        }
        return object
    }

    /// EJSON `{"$date": ms}` (or nothing).
    private func date(_ value: JSONValue?) throws -> Date? {
        guard let value, value != .null else { return nil }
        guard case .number(let millis)? = value.objectValue?["$date"] else { throw DDPError.invalidParams("Expected {\"$date\": ms}") }
        return Date(timeIntervalSince1970: millis / 1000)
    }

    struct Changes<Item: Encodable>: Encodable {
        let update: [Item]
        let remove: [Item]
    }

    struct RoomRoles: Encodable {
        let rid: String
        let u: UserRefDTO
        let roles: [String]
    }

    struct LoginResult: Encodable {
        let id: String
        let token: String
        let tokenExpires: WireTime?
        let type: String
    }
}
