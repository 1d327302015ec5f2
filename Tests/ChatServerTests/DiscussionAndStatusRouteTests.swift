import ChatCore
import HTTPTypes
import HummingbirdTesting
import Testing

/// `rooms.createDiscussion` and `users.setStatus`/`users.getStatus`, including what they refuse.
@Suite struct DiscussionAndStatusRouteTests {
    @Test func discussionsAreRoomsWithAParentAndRefuseBadInput() async throws {
        try await TestServer.run { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let secret = try #require(try await api.post("/api/v1/groups.create", ["name": "secret"], auth: admin)["group"]?["_id"])
            let open = try #require(try await api.post("/api/v1/channels.create", ["name": "open"], auth: admin)["channel"]?["_id"])

            // Off a private group: the discussion is private too; bob, not a member of the parent, sees neither.
            let made = try await api.post("/api/v1/rooms.createDiscussion", ["prid": secret, "t_name": "Plans", "users": ["bob"]], auth: admin)
            #expect(made.status == 200 && made["discussion"]?["t"] == "p" && made["discussion"]?["prid"] == secret)
            #expect(made["discussion"]?["fname"] == "Plans" && made["discussion"]?["usersCount"]?.int == 2)
            let hidden = try await api.post("/api/v1/rooms.createDiscussion", ["prid": secret, "t_name": "Mine"], auth: bob)
            #expect(hidden.status == 400 && hidden["errorType"] == "error-room-not-found")

            // Bad input: unknown parent, no title, a message from another room, an unknown member, malformed JSON.
            #expect(try await api.post("/api/v1/rooms.createDiscussion", ["prid": "nope", "t_name": "X"], auth: admin)["errorType"] == "error-room-not-found")
            #expect(try await api.post("/api/v1/rooms.createDiscussion", ["prid": open, "t_name": "  "], auth: admin)["errorType"] == "error-invalid-params")
            let elsewhere = try #require(try await api.post("/api/v1/chat.postMessage", ["roomId": secret, "text": "x"], auth: admin)["message"]?["_id"])
            let wrongMessage = try await api.post("/api/v1/rooms.createDiscussion", ["prid": open, "pmid": elsewhere, "t_name": "X"], auth: admin)
            #expect(wrongMessage["errorType"] == "error-invalid-message")
            let ghost = try await api.post("/api/v1/rooms.createDiscussion", ["prid": open, "t_name": "X", "users": ["nobody"]], auth: admin)
            #expect(ghost.status == 400 && ghost["errorType"] == "error-invalid-user")
            let malformed = try await api.call(.post, "/api/v1/rooms.createDiscussion", raw: "{\"prid\": ", auth: admin)
            #expect(malformed.status == 400)
            // Nothing half-made: the refused discussions left no rooms behind.
            let rooms = try await api.get("/api/v1/rooms.get", auth: admin)["update"]?.array ?? []
            #expect(rooms.count == 3, "\(rooms.compactMap { $0["fname"]?.stringValue })")
        }
    }

    @Test func statusIsChosenReadAndValidated() async throws {
        try await TestServer.run { api, admin in
            let (bobId, bob) = try await api.makeUser("bob", admin: admin)
            #expect(try await api.get("/api/v1/users.getStatus?userId=\(bobId)", auth: admin)["status"] == "offline")
            #expect(try await api.post("/api/v1/users.setStatus", ["status": "away", "message": "lunch"], auth: bob).status == 200)
            let status = try await api.get("/api/v1/users.getStatus?userId=\(bobId)", auth: admin)
            #expect(status["status"] == "away" && status["message"] == "lunch")
            #expect(try await api.get("/api/v1/users.info?userId=\(bobId)", auth: admin)["user"]?["statusText"] == "lunch")
            // Refused: an unknown status, a message over 120 characters, nothing to set, someone else's status.
            #expect(try await api.post("/api/v1/users.setStatus", ["status": "asleep"], auth: bob)["errorType"] == "error-invalid-params")
            let long = String(repeating: "x", count: 121)
            #expect(try await api.post("/api/v1/users.setStatus", ["message": .string(long)], auth: bob)["errorType"] == "error-invalid-params")
            #expect(try await api.post("/api/v1/users.setStatus", [:], auth: bob)["errorType"] == "error-invalid-params")
            let adminId = try #require(try await api.get("/api/v1/me", auth: admin)["_id"]?.stringValue)
            #expect(try await api.post("/api/v1/users.setStatus", ["status": "busy", "userId": .string(adminId)], auth: bob).status == 403)
            #expect(try await api.get("/api/v1/users.getStatus", auth: admin)["status"] == "offline")
        }
    }
}
