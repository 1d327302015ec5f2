import AirlockApp
import AppFixtures
import ChatCore
import HTTPTypes
import HummingbirdTesting
import Testing

/// Open realtime sessions follow what admitted them: membership, the account's roles and active flag, its
/// password and tokens, and logout (DESIGN §5). Every change is made over REST or DDP as a client would, and the
/// effect is observed on a real WebSocket.
@Suite(.timeLimit(.minutes(1))) struct SessionRecheckTests {
    static let changed = RealtimeTests.isChanged

    /// A message posted in `marker` and seen by `ddp` proves every earlier delivery has arrived (frames of one
    /// connection are in order), so "nothing else came" can be checked without sleeping.
    static func flush(_ ddp: DDPClient, api: TestAPI, marker rid: String, auth: Auth) async throws {
        let text = "marker-\(UInt64.random(in: 0...UInt64.max))"
        _ = try await api.post("/api/v1/chat.postMessage", ["roomId": .string(rid), "text": .string(text)], auth: auth)
        _ = try await ddp.next { changed("stream-room-messages", rid)($0) && $0["fields"]?["args"]?.array?.first?["msg"] == .string(text) }
    }

    @Test func kickedMemberStopsReceivingThePrivateGroup() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.makeUser("bob", admin: admin)
            let group = try await api.post("/api/v1/groups.create", ["name": "secret", "members": ["bob"]], auth: admin)
            let rid = try #require(group["group"]?["_id"]?.stringValue)
            let lobby = try await api.post("/api/v1/channels.create", ["name": "lobby", "members": ["bob"]], auth: admin)
            let lobbyId = try #require(lobby["channel"]?["_id"]?.stringValue)

            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("bob", "pw-bob")
            ddp.send(["msg": "sub", "id": "room", "name": "stream-room-messages", "params": [.string(rid), false]])
            ddp.send(["msg": "sub", "id": "mine", "name": "stream-room-messages", "params": ["__my_messages__", false]])
            ddp.send(["msg": "sub", "id": "del", "name": "stream-notify-room", "params": [.string("\(rid)/deleteMessage"), false]])
            ddp.send(["msg": "sub", "id": "lobby", "name": "stream-room-messages", "params": [.string(lobbyId), false]])
            for id in ["room", "mine", "del", "lobby"] { _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == [.string(id)] } }
            _ = try await api.post("/api/v1/chat.postMessage", ["roomId": .string(rid), "text": "before"], auth: admin)
            _ = try await ddp.next(where: Self.changed("stream-room-messages", rid))
            _ = try await ddp.next(where: Self.changed("stream-room-messages", "__my_messages__"))

            let kicked = try await api.post("/api/v1/groups.kick", ["roomId": .string(rid), "userId": .string(try #require(await userId(api, "bob", admin)))], auth: admin)
            #expect(kicked.status == 200, "\(kicked.json)")
            // The room's subscriptions end; the public lobby's stays.
            for id in ["room", "del"] { _ = try await ddp.next { $0["msg"] == "nosub" && $0["id"] == .string(id) } }
            let posted = try await api.post("/api/v1/chat.postMessage", ["roomId": .string(rid), "text": "after the kick"], auth: admin)
            let mid = try #require(posted["message"]?["_id"])
            _ = try await api.post("/api/v1/chat.delete", ["roomId": .string(rid), "msgId": mid], auth: admin)
            try await Self.flush(ddp, api: api, marker: lobbyId, auth: admin)
            let leaked = ddp.received { frame in
                frame["msg"] == "changed" && (frame["fields"]?["eventName"]?.stringValue?.contains(rid) == true
                    || frame["fields"]?["args"]?.array?.first?["rid"] == .string(rid))
            }
            #expect(leaked.isEmpty, "a removed member received \(leaked)")
            // Subscribing again is refused like any non-member's.
            ddp.send(["msg": "sub", "id": "again", "name": "stream-room-messages", "params": [.string(rid), false]])
            #expect(try await ddp.next { $0["msg"] == "nosub" && $0["id"] == "again" }["error"]?["error"] == "error-room-not-found")
        }
    }

    @Test func deactivationClosesTheSocketBeforeTheAnswer() async throws {
        try await TestServer.run(.live) { api, admin in
            let (bobId, _) = try await api.makeUser("bob", admin: admin)
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("bob", "pw-bob")
            let updated = try await api.post("/api/v1/users.update", ["userId": .string(bobId), "data": ["active": false]], auth: admin)
            #expect(updated.status == 200, "\(updated.json)")
            try await ddp.waitUntilClosed()
            #expect(ddp.closeCode == 1008)
            // A new socket cannot log back in.
            let again = DDPClient(port: try #require(api.client.port))
            defer { again.close() }
            #expect(try await again.login("bob", "pw-bob")["error"]?["error"] == "Unauthorized")
        }
    }

    /// A node whose event stream could not resume (several nodes; ``ChatEvent/clusterEventsMissed``) may have missed
    /// revocations and app changes: it forgets its cached sessions, closes its sockets (clients reconnect and resync)
    /// and reloads its apps from the store. The logout it missed is simulated by deleting the token behind its back.
    @Test func aNodeThatMissedOtherNodesEventsDropsWhatItCached() async throws {
        try await TestServer.run(.live) { api, admin, server in
            _ = try await api.upload(zip: try AppFixtures.zip("lifecycle"), auth: admin)
            let appPath = "/api/apps/\(AppsAPITests.lifecycleId)"
            #expect(try await api.get(appPath, auth: admin)["app"]?["stats"]?["onEnable"]?["count"] == 1)
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("bob", "pw-bob")
            #expect(try await api.get("/api/v1/me", auth: bob).status == 200)
            try await server.services.context.store.deleteToken(digest: AuthService.digest(ofToken: bob.token))
            #expect(try await api.get("/api/v1/me", auth: bob).status == 200, "served from the session cache")

            server.services.context.events.publish(.clusterEventsMissed, origin: .cluster)
            try await ddp.waitUntilClosed()
            #expect(ddp.closeCode == 1001)
            #expect(try await api.get("/api/v1/me", auth: bob).status == 401)
            let deadline = ContinuousClock.now + .seconds(20)
            while try await api.get(appPath, auth: admin)["app"]?["stats"]?["onEnable"]?["count"] != 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let app = try await api.get(appPath, auth: admin)["app"]
            #expect(app?["stats"]?["onEnable"]?["count"] == 2 && app?["status"] == "manually_enabled", "the app was reloaded: \(String(describing: app))")
        }
    }

    @Test func logoutDropsEverySubscriptionThatNeededTheLogin() async throws {
        try await TestServer.run(.live) { api, admin in
            let (bobId, _) = try await api.makeUser("bob", admin: admin)
            let channel = try await api.post("/api/v1/channels.create", ["name": "talk", "members": ["bob"]], auth: admin)
            let rid = try #require(channel["channel"]?["_id"]?.stringValue)
            let watcher = DDPClient(port: try #require(api.client.port))
            defer { watcher.close() }
            _ = try await watcher.login("admin", TestServer.adminPassword)
            watcher.send(["msg": "sub", "id": "w", "name": "stream-room-messages", "params": [.string(rid), false]])
            _ = try await watcher.next { $0["msg"] == "ready" }

            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("bob", "pw-bob")
            ddp.send(["msg": "sub", "id": "room", "name": "stream-room-messages", "params": [.string(rid), false]])
            ddp.send(["msg": "sub", "id": "me", "name": "stream-notify-user", "params": [.string("\(bobId)/notification"), false]])
            for id in ["room", "me"] { _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == [.string(id)] } }
            #expect(try await ddp.call("logout", [])["result"] == .null)
            for id in ["room", "me"] { _ = try await ddp.next { $0["msg"] == "nosub" && $0["id"] == .string(id) } }
            try await Self.flush(watcher, api: api, marker: rid, auth: admin)
            // The watcher saw the marker; the logged-out socket (same order of delivery) got nothing of the room.
            ddp.send(["msg": "ping", "id": "after"])
            _ = try await ddp.next { $0["msg"] == "pong" && $0["id"] == "after" }
            #expect(ddp.received(where: Self.changed("stream-room-messages", rid)).isEmpty)
        }
    }

    @Test func demotedAdminLosesAdminRightsOnAnOpenSocket() async throws {
        try await TestServer.run(.live) { api, admin in
            let created = try await api.post(
                "/api/v1/users.create",
                ["username": "carol", "name": "Carol", "email": "carol@example.org", "password": "pw-carol", "roles": ["admin", "user"]],
                auth: admin)
            let carolId = try #require(created["user"]?["_id"]?.stringValue)
            _ = try await api.post("/api/v1/channels.create", ["name": "ops"], auth: admin)
            let first = try await api.post("/api/v1/chat.postMessage", ["channel": "#ops", "text": "one"], auth: admin)
            let second = try await api.post("/api/v1/chat.postMessage", ["channel": "#ops", "text": "two"], auth: admin)
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("carol", "pw-carol")
            // As an admin, carol may delete anyone's message.
            let asAdmin = try await ddp.call("deleteMessage", [["_id": try #require(first["message"]?["_id"])]])
            #expect(asAdmin["error"] == nil, "\(asAdmin)")
            let demoted = try await api.post("/api/v1/users.update", ["userId": .string(carolId), "data": ["roles": ["user"]]], auth: admin)
            #expect(demoted.status == 200)
            let asUser = try await ddp.call("deleteMessage", [["_id": try #require(second["message"]?["_id"])]])
            #expect(asUser["error"]?["error"] == "error-action-not-allowed", "\(asUser)")
        }
    }

    @Test func passwordChangeEndsEveryOtherSession() async throws {
        try await TestServer.run(.live) { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("bob", "pw-bob")
            let other = try await api.login("bob", "pw-bob")
            let changed = try await api.post(
                "/api/v1/users.updateOwnBasicInfo",
                ["data": ["newPassword": "pw-bob-2", "currentPassword": .string(PasswordHasher.digest(ofPlaintext: "pw-bob"))]], auth: bob)
            #expect(changed.status == 200, "\(changed.json)")
            try await ddp.waitUntilClosed()
            #expect(try await api.get("/api/v1/me", auth: other).status == 401)
            // The session that changed the password goes on.
            #expect(try await api.get("/api/v1/me", auth: bob).status == 200)
            #expect(try await api.post("/api/v1/login", ["user": "bob", "password": "pw-bob"], auth: nil).status == 401)
            _ = try await api.login("bob", "pw-bob-2")
        }
    }

    @Test func removedTokenClosesTheSocketThatUsedIt() async throws {
        try await TestServer.run(.live) { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let generated = try await api.post("/api/v1/users.generatePersonalAccessToken", ["tokenName": "ci"], auth: bob)
            let pat = try #require(generated["token"]?.stringValue)
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            ddp.send(["msg": "connect", "version": "1", "support": ["1"]])
            #expect(try await ddp.call("login", [["resume": .string(pat)]])["result"]?["id"] == .string(bob.userId))
            let removed = try await api.post("/api/v1/users.removePersonalAccessToken", ["tokenName": "ci"], auth: bob)
            #expect(removed.status == 200, "\(removed.json)")
            try await ddp.waitUntilClosed()
            #expect(try await api.get("/api/v1/me", auth: Auth(userId: bob.userId, token: pat)).status == 401)
        }
    }

    private func userId(_ api: TestAPI, _ username: String, _ admin: Auth) async throws -> String? {
        try await api.get("/api/v1/users.info?username=\(username)", auth: admin)["user"]?["_id"]?.stringValue
    }
}
