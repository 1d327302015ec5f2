import AirlockApp
import ChatCore
import ChatServer
import HTTPTypes
import HummingbirdTesting
import Testing

/// The DDP realtime API over a real WebSocket against a live server on port 0.
@Suite(.timeLimit(.minutes(1))) struct RealtimeTests {
    static func isChanged(_ collection: String, _ eventName: String) -> (JSONValue) -> Bool {
        { $0["msg"] == "changed" && $0["collection"] == .string(collection) && $0["fields"]?["eventName"] == .string(eventName) }
    }

    @Test func connectPingLoginAndErrors() async throws {
        try await TestServer.run(.live) { api, admin in
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            // Login is sent before `connected` arrives: frames are handled in order.
            let login = try await ddp.login("admin", TestServer.adminPassword)
            _ = try await ddp.next { $0["msg"] == "connected" && $0["session"]?.stringValue?.count == 17 }
            #expect(login["result"]?["id"] == .string(admin.userId))
            #expect(login["result"]?["type"] == "password")
            #expect(login["result"]?["tokenExpires"]?["$date"]?.int != nil)

            ddp.send(["msg": "ping", "id": "p1"])
            #expect(try await ddp.next { $0["msg"] == "pong" }["id"] == "p1")

            let unknown = try await ddp.call("no/such/method", [])
            let error = try #require(unknown["error"])
            #expect(error["isClientSafe"] == .bool(true))
            #expect(error["errorType"] == "Meteor.Error")
            #expect(error["error"] == "404")
            #expect(error["message"]?.stringValue?.hasSuffix("[404]") == true)
            _ = try await ddp.next { $0["msg"] == "updated" }

            // A malformed frame gets an error and the connection survives.
            ddp.sendRaw("{not json")
            #expect(try await ddp.next { $0["msg"] == "error" }["offendingMessage"] == "{not json")
            ddp.send(["msg": "ping"])
            _ = try await ddp.next { $0["msg"] == "pong" }

            let token = try #require(login["result"]?["token"]?.stringValue)
            let resumed = try await ddp.call("login", [["resume": .string(token)]])
            #expect(resumed["result"]?["type"] == "resume")

            // DDP logout destroys the token: REST refuses it, the socket stays usable but logged out.
            let loggedOut = try await ddp.call("logout", [])
            #expect(loggedOut["result"] == .null)
            #expect(try await api.get("/api/v1/me", auth: Auth(userId: admin.userId, token: token)).status == 401)
            #expect(try await ddp.call("rooms/get", [])["error"]?["error"] == "error-not-authorized")
        }
    }

    @Test func methodsNeedLoginAndWrongPasswordIsRefused() async throws {
        try await TestServer.run(.live) { api, _ in
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            ddp.send(["msg": "connect", "version": "1", "support": ["1"]])
            let anonymous = try await ddp.call("rooms/get", [])
            #expect(anonymous["error"]?["error"] == "error-not-authorized")
            let wrong = try await ddp.login("admin", "wrong")
            #expect(wrong["error"]?["error"] == "Unauthorized")
            ddp.send(["msg": "sub", "id": "s1", "name": "stream-room-messages", "params": ["__my_messages__", false]])
            #expect(try await ddp.next { $0["msg"] == "nosub" }["error"]?["error"] == "error-not-authorized")
        }
    }

    @Test func messagesFlowThroughStreams() async throws {
        try await TestServer.run(.live) { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let channel = try await api.post("/api/v1/channels.create", ["name": "live", "members": ["bob"]], auth: admin)
            let rid = try #require(channel["channel"]?["_id"]?.stringValue)
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("bob", "pw-bob")
            ddp.send(["msg": "sub", "id": "room", "name": "stream-room-messages", "params": [.string(rid), ["useCollection": false, "args": []]]])
            ddp.send(["msg": "sub", "id": "mine", "name": "stream-room-messages", "params": ["__my_messages__", false]])
            ddp.send(["msg": "sub", "id": "del", "name": "stream-notify-room", "params": [.string("\(rid)/deleteMessage"), false]])
            for id in ["room", "mine", "del"] { _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == [.string(id)] } }

            // Posted over REST, seen on the socket with EJSON dates.
            let posted = try await api.post("/api/v1/chat.postMessage", ["roomId": .string(rid), "text": "over rest"], auth: admin)
            let mid = try #require(posted["message"]?["_id"])
            let event = try await ddp.next(where: Self.isChanged("stream-room-messages", rid))
            let message = try #require(event["fields"]?["args"]?.array?.first)
            #expect(message["msg"] == "over rest")
            #expect(message["ts"]?["$date"]?.int != nil)
            _ = try await ddp.next(where: Self.isChanged("stream-room-messages", "__my_messages__"))

            // Sent over the socket with a client id.
            let sent = try await ddp.call("sendMessage", [["_id": "client-id-1", "rid": .string(rid), "msg": "over ddp"]])
            #expect(sent["result"]?["_id"] == "client-id-1")
            let echoed = try await ddp.next(where: Self.isChanged("stream-room-messages", rid))
            #expect(echoed["fields"]?["args"]?.array?.first?["msg"] == "over ddp")

            // Edits arrive as changed, deletions on <rid>/deleteMessage.
            let edited = try await ddp.call("updateMessage", [["_id": "client-id-1", "rid": .string(rid), "msg": "edited"]])
            #expect(edited["result"]?["msg"] == "edited")
            let change = try await ddp.next { Self.isChanged("stream-room-messages", rid)($0) && $0["fields"]?["args"]?.array?.first?["msg"] == "edited" }
            #expect(change["fields"]?["args"]?.array?.first?["editedAt"]?["$date"] != nil)
            _ = try await api.post("/api/v1/chat.delete", ["roomId": .string(rid), "msgId": mid], auth: admin)
            let deleted = try await ddp.next(where: Self.isChanged("stream-notify-room", "\(rid)/deleteMessage"))
            #expect(deleted["fields"]?["args"] == [["_id": mid]])

            _ = try await ddp.call("setReaction", [":smile:", "client-id-1"])
            let reacted = try await api.get("/api/v1/chat.getMessage?msgId=client-id-1", auth: bob)
            #expect(reacted["message"]?["reactions"]?[":smile:"]?["usernames"] == ["bob"])

            ddp.send(["msg": "unsub", "id": "room"])
            #expect(try await ddp.next { $0["msg"] == "nosub" }["id"] == "room")
        }
    }

    @Test func roomsSubscriptionsAndRoles() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.post("/api/v1/channels.create", ["name": "roles"], auth: admin)
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("admin", TestServer.adminPassword)
            let rooms = try await ddp.call("rooms/get", [])
            let rid = try #require(rooms["result"]?.array?.first { $0["name"] == "roles" }?["_id"])
            let since = try await ddp.call("rooms/get", [["$date": 0]])
            #expect(since["result"]?["update"]?.array?.isEmpty == false)
            #expect(since["result"]?["remove"] == [])
            let subscriptions = try await ddp.call("subscriptions/get", [])
            #expect(subscriptions["result"]?.array?.contains { $0["rid"] == rid } == true)
            let roles = try await ddp.call("getRoomRoles", [rid])
            #expect(roles["result"]?.array?.first?["roles"] == ["owner"])
        }
    }

    @Test func privateStreamsAreRefusedToOutsiders() async throws {
        try await TestServer.run(.live) { api, admin in
            let (bobId, _) = try await api.makeUser("bob", admin: admin)
            let group = try await api.post("/api/v1/groups.create", ["name": "secret"], auth: admin)
            let rid = try #require(group["group"]?["_id"]?.stringValue)
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("bob", "pw-bob")
            ddp.send(["msg": "sub", "id": "a", "name": "stream-room-messages", "params": [.string(rid), false]])
            #expect(try await ddp.next { $0["msg"] == "nosub" && $0["id"] == "a" }["error"]?["error"] == "error-room-not-found")
            ddp.send(["msg": "sub", "id": "b", "name": "stream-notify-user", "params": [.string("\(admin.userId)/notification"), false]])
            #expect(try await ddp.next { $0["msg"] == "nosub" && $0["id"] == "b" }["error"]?["error"] == "error-not-allowed")
            ddp.send(["msg": "sub", "id": "c", "name": "no-such-stream", "params": ["x"]])
            #expect(try await ddp.next { $0["msg"] == "nosub" && $0["id"] == "c" }["error"]?["error"] == "404")
            ddp.send(["msg": "sub", "id": "d", "name": "stream-notify-user", "params": [.string("\(bobId)/subscriptions-changed"), false]])
            _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == ["d"] }
            // Being invited shows up on the user's own stream.
            _ = try await api.post("/api/v1/groups.invite", ["roomId": .string(rid), "userId": .string(bobId)], auth: admin)
            let change = try await ddp.next(where: Self.isChanged("stream-notify-user", "\(bobId)/subscriptions-changed"))
            #expect(change["fields"]?["args"]?.array?.first == "updated")
        }
    }

    @Test func roomChangesReachMembersOwnStream() async throws {
        try await TestServer.run(.live) { api, admin in
            let (bobId, _) = try await api.makeUser("bob", admin: admin)
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("bob", "pw-bob")
            ddp.send(["msg": "sub", "id": "r", "name": "stream-notify-user", "params": [.string("\(bobId)/rooms-changed"), false]])
            _ = try await ddp.next { $0["msg"] == "ready" }
            let channel = try await api.post("/api/v1/channels.create", ["name": "joined-later"], auth: admin)
            let rid = try #require(channel["channel"]?["_id"]?.stringValue)
            _ = try await api.post("/api/v1/channels.invite", ["roomId": .string(rid), "userId": .string(bobId)], auth: admin)
            let updated = try await ddp.next(where: Self.isChanged("stream-notify-user", "\(bobId)/rooms-changed"))
            #expect(updated["fields"]?["args"]?.array?.first == "updated")
            #expect(updated["fields"]?["args"]?.array?.last?["_id"] == .string(rid))
            _ = try await api.post("/api/v1/channels.delete", ["roomId": .string(rid)], auth: admin)
            let removed = try await ddp.next { Self.isChanged("stream-notify-user", "\(bobId)/rooms-changed")($0) && $0["fields"]?["args"]?.array?.first == "removed" }
            #expect(removed["fields"]?["args"]?.array?.last?["_id"] == .string(rid))
        }
    }

    @Test func typingReachesRoomSubscribersOnlyAsYourself() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.makeUser("bob", admin: admin)
            let channel = try await api.post("/api/v1/channels.create", ["name": "typing", "members": ["bob"]], auth: admin)
            let rid = try #require(channel["channel"]?["_id"]?.stringValue)
            let port = try #require(api.client.port)
            let watcher = DDPClient(port: port), typist = DDPClient(port: port)
            defer { watcher.close(); typist.close() }
            _ = try await watcher.login("admin", TestServer.adminPassword)
            _ = try await typist.login("bob", "pw-bob")
            watcher.send(["msg": "sub", "id": "t", "name": "stream-notify-room", "params": [.string("\(rid)/user-activity"), false]])
            _ = try await watcher.next { $0["msg"] == "ready" }
            let ok = try await typist.call("stream-notify-room", [.string("\(rid)/user-activity"), "bob", ["user-typing"], [:]])
            #expect(ok["error"] == nil)
            let event = try await watcher.next(where: Self.isChanged("stream-notify-room", "\(rid)/user-activity"))
            #expect(event["fields"]?["args"] == ["bob", ["user-typing"], [:]])
            let impersonation = try await typist.call("stream-notify-room", [.string("\(rid)/user-activity"), "admin", ["user-typing"], [:]])
            #expect(impersonation["error"]?["error"] == "error-not-allowed")
        }
    }

    @Test func restLogoutEndsSocketsUsingTheToken() async throws {
        try await TestServer.run(.live) { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            ddp.send(["msg": "connect", "version": "1", "support": ["1"]])
            let resumed = try await ddp.call("login", [["resume": .string(bob.token)]])
            #expect(resumed["result"]?["type"] == "resume")
            _ = try await api.post("/api/v1/logout", [:], auth: bob)
            try await ddp.waitUntilClosed()
        }
    }

    @Test func oversizedFramesCloseTheConnection() async throws {
        var configuration = TestServer.configuration()
        configuration.realtime.maxFrameSize = 4096
        try await TestServer.run(.live, configuration: configuration) { api, _ in
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            ddp.send(["msg": "connect", "version": "1", "support": ["1"]])
            _ = try await ddp.next { $0["msg"] == "connected" }
            ddp.send(["msg": "method", "method": "x", "id": "1", "params": [.string(String(repeating: "x", count: 10_000))]])
            try await ddp.waitUntilClosed()
        }
    }
}
