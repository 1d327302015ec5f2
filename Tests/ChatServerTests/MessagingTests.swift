import ChatCore
import HTTPTypes
import HummingbirdTesting
import Testing

/// Messages through the REST routes, including the refusals.
@Suite struct MessagingTests {
    @Test func nonMemberCannotPostToPrivateGroup() async throws {
        try await TestServer.run { api, admin in
            let (_, outsider) = try await api.makeUser("outsider", admin: admin)
            let group = try await api.post("/api/v1/groups.create", ["name": "secret"], auth: admin)
            let rid = try #require(group["group"]?["_id"])
            let reply = try await api.post("/api/v1/chat.postMessage", ["roomId": rid, "text": "hi"], auth: outsider)
            #expect(reply.status == 400)
            // A private room you cannot see is not revealed: it answers like one that does not exist.
            #expect(reply["errorType"] == "error-room-not-found")
            let read = try await api.get("/api/v1/groups.history?roomId=\(rid.stringValue!)", auth: outsider)
            #expect(read["errorType"] == "error-room-not-found")
        }
    }

    @Test func editingSomeoneElsesMessageIsRefused() async throws {
        try await TestServer.run { api, admin in
            let (bobId, bob) = try await api.makeUser("bob", admin: admin)
            let (_, carol) = try await api.makeUser("carol", admin: admin)
            let channel = try await api.post("/api/v1/channels.create", ["name": "general", "members": ["bob", "carol"]], auth: bob)
            let rid = try #require(channel["channel"]?["_id"])
            let posted = try await api.post("/api/v1/chat.postMessage", ["roomId": rid, "text": "bob's"], auth: bob)
            let mid = try #require(posted["message"]?["_id"])
            #expect(posted["message"]?["u"]?["_id"] == .string(bobId))

            let edit = try await api.post("/api/v1/chat.update", ["roomId": rid, "msgId": mid, "text": "carol's now"], auth: carol)
            #expect(edit.status == 400)
            #expect(edit["errorType"] == "error-action-not-allowed")
            let delete = try await api.post("/api/v1/chat.delete", ["roomId": rid, "msgId": mid], auth: carol)
            #expect(delete["errorType"] == "error-action-not-allowed")

            // The owner of the room (bob created it) and the admin may; the author may edit their own.
            let own = try await api.post("/api/v1/chat.update", ["roomId": rid, "msgId": mid, "text": "edited"], auth: bob)
            #expect(own["message"]?["msg"] == "edited")
            #expect(own["message"]?["editedBy"]?["username"] == "bob")
            let byAdmin = try await api.post("/api/v1/chat.delete", ["roomId": rid, "msgId": mid], auth: admin)
            #expect(byAdmin.status == 200, "\(byAdmin.json)")
        }
    }

    @Test func messageShapeAndDates() async throws {
        try await TestServer.run { api, admin in
            _ = try await api.post(
                "/api/v1/users.create",
                ["username": "robot", "name": "Robot", "email": "robot@example.org", "password": "pw-robot", "roles": ["bot"]], auth: admin)
            let robot = try await api.login("robot", "pw-robot")
            _ = try await api.post("/api/v1/channels.create", ["name": "shapes", "members": ["robot"]], auth: admin)
            let body: [String: JSONValue] = [
                "channel": "#shapes", "text": "hello", "alias": "Bot", "emoji": ":robot:",
                "attachments": [["text": "attached", "color": "#ff0000"]],
            ]
            // Sending under another name needs message-impersonate (bots and apps hold it; admins do not).
            let refused = try await api.post("/api/v1/chat.postMessage", body, auth: admin)
            #expect(refused.status == 400 && refused["errorType"] == "error-action-not-allowed", "\(refused.json)")
            let posted = try await api.post("/api/v1/chat.postMessage", body, auth: robot)
            #expect(posted.status == 200)
            #expect(posted["channel"] == "#shapes")
            #expect(posted["ts"]?.int != nil)
            let message = try #require(posted["message"])
            #expect(message["alias"] == "Bot")
            #expect(message["attachments"]?.array?.first?["text"] == "attached")
            let ts = try #require(message["ts"]?.stringValue)
            // ISO-8601 with milliseconds and Z.
            #expect(ts.count == 24 && ts.hasSuffix("Z") && ts.dropLast(4).hasSuffix("."))
        }
    }

    @Test func aPrivateGroupYouCannotSeeAnswersLikeAMissingRoom() async throws {
        try await TestServer.run { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let group = try await api.post("/api/v1/groups.create", ["name": "hidden"], auth: admin)
            let rid = try #require(group["group"]?["_id"])
            let existing = try await api.post("/api/v1/chat.postMessage", ["roomId": rid, "text": "hi"], auth: bob)
            let missing = try await api.post("/api/v1/chat.postMessage", ["roomId": "NoSuchRoomId12345", "text": "hi"], auth: bob)
            #expect(existing.status == 400)
            #expect(existing.status == missing.status && existing.json == missing.json, "\(existing.json) vs \(missing.json)")
            // Over DDP too.
            let viaDDP = try await api.post("/api/v1/chat.sendMessage", ["message": ["rid": rid, "msg": "hi"]], auth: bob)
            let missingDDP = try await api.post("/api/v1/chat.sendMessage", ["message": ["rid": "NoSuchRoomId12345", "msg": "hi"]], auth: bob)
            #expect(viaDDP.json == missingDDP.json)
        }
    }

    @Test func textTooLongAndEmptyAreRefused() async throws {
        try await TestServer.run { api, admin in
            _ = try await api.post("/api/v1/channels.create", ["name": "limits"], auth: admin)
            let long = try await api.post(
                "/api/v1/chat.postMessage", ["channel": "#limits", "text": .string(String(repeating: "x", count: 5001))], auth: admin)
            #expect(long["errorType"] == "error-message-size-exceeded")
            let empty = try await api.post("/api/v1/chat.postMessage", ["channel": "#limits", "text": ""], auth: admin)
            #expect(empty["errorType"] == "error-invalid-params")
        }
    }

    @Test func clientSuppliedIdsAreValidatedAndUnique() async throws {
        try await TestServer.run { api, admin in
            let channel = try await api.post("/api/v1/channels.create", ["name": "ids"], auth: admin)
            let rid = try #require(channel["channel"]?["_id"])
            let ok = try await api.post("/api/v1/chat.sendMessage", ["message": ["_id": "my-id_1", "rid": rid, "msg": "a"]], auth: admin)
            #expect(ok["message"]?["_id"] == "my-id_1")
            let reused = try await api.post("/api/v1/chat.sendMessage", ["message": ["_id": "my-id_1", "rid": rid, "msg": "b"]], auth: admin)
            #expect(reused.status == 400)
            let bad = try await api.post("/api/v1/chat.sendMessage", ["message": ["_id": "bad id!", "rid": rid, "msg": "c"]], auth: admin)
            #expect(bad["errorType"] == "error-invalid-params")
            let tooLong = String(repeating: "a", count: 65)
            let long = try await api.post("/api/v1/chat.sendMessage", ["message": ["_id": .string(tooLong), "rid": rid, "msg": "d"]], auth: admin)
            #expect(long["errorType"] == "error-invalid-params")
        }
    }

    @Test func threadsCountReplies() async throws {
        try await TestServer.run { api, admin in
            let channel = try await api.post("/api/v1/channels.create", ["name": "threads"], auth: admin)
            let rid = try #require(channel["channel"]?["_id"])
            let parent = try await api.post("/api/v1/chat.postMessage", ["roomId": rid, "text": "parent"], auth: admin)
            let tmid = try #require(parent["message"]?["_id"]?.stringValue)
            for i in 0..<3 {
                _ = try await api.post("/api/v1/chat.sendMessage", ["message": ["rid": rid, "msg": .string("reply \(i)"), "tmid": .string(tmid)]], auth: admin)
            }
            let thread = try await api.get("/api/v1/chat.getThreadMessages?tmid=\(tmid)", auth: admin)
            #expect(thread["messages"]?.array?.compactMap { $0["msg"]?.stringValue } == ["reply 0", "reply 1", "reply 2"])
            #expect(thread["total"]?.int == 3)
            let reloaded = try await api.get("/api/v1/chat.getMessage?msgId=\(tmid)", auth: admin)
            #expect(reloaded["message"]?["tcount"]?.int == 3)
            let badParent = try await api.post("/api/v1/chat.sendMessage", ["message": ["rid": rid, "msg": "x", "tmid": "nope"]], auth: admin)
            #expect(badParent["errorType"] == "error-invalid-params")
        }
    }
}
