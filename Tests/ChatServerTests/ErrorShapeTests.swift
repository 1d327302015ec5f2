import ChatCore
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every failure answers Rocket.Chat's status and body (DESIGN §1).
@Suite struct ErrorShapeTests {
    @Test func missingTokenIs401WithRocketChatBody() async throws {
        try await TestServer.run { api, _ in
            let reply = try await api.get("/api/v1/me", auth: nil)
            #expect(reply.status == 401)
            #expect(reply.json == .object(["status": "error", "message": "You must be logged in to do this."]))
            let bad = try await api.get("/api/v1/me", auth: Auth(userId: "someone", token: "forged"))
            #expect(bad.status == 401)
        }
    }

    @Test func malformedJSONIs400InvalidParams() async throws {
        try await TestServer.run { api, admin in
            let reply = try await api.call(.post, "/api/v1/channels.create", raw: "{\"name\": ", auth: admin)
            #expect(reply.status == 400)
            #expect(reply["success"] == .bool(false))
            #expect(reply["errorType"] == "error-invalid-params")
        }
    }

    @Test func missingFieldNamesTheField() async throws {
        try await TestServer.run { api, admin in
            let reply = try await api.post("/api/v1/chat.update", ["roomId": "x"], auth: admin)
            #expect(reply.status == 400)
            #expect(reply["errorType"] == "error-invalid-params")
            #expect(reply["error"]?.stringValue?.contains("msgId") == true)
        }
    }

    @Test func wrongTypeIs400() async throws {
        try await TestServer.run { api, admin in
            let reply = try await api.post("/api/v1/channels.create", ["name": .number(5)], auth: admin)
            #expect(reply.status == 400)
            #expect(reply["errorType"] == "error-invalid-params")
        }
    }

    @Test func unknownRouteIs404JSON() async throws {
        try await TestServer.run { api, admin in
            let reply = try await api.get("/api/v1/no.such.route", auth: admin)
            #expect(reply.status == 404)
            #expect(reply["success"] == .bool(false))
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await TestServer.run { api, admin in
            let big = String(repeating: "a", count: 70 * 1024)
            let reply = try await api.post("/api/v1/chat.postMessage", ["channel": "#general", "text": .string(big)], auth: admin)
            #expect(reply.status == 413)
            #expect(reply["success"] == .bool(false))
        }
    }

    @Test func unknownRoomIs400RoomNotFound() async throws {
        try await TestServer.run { api, admin in
            for path in ["/api/v1/channels.info?roomId=nope", "/api/v1/groups.history?roomName=nope", "/api/v1/dm.history?roomId=nope"] {
                let reply = try await api.get(path, auth: admin)
                #expect(reply.status == 400, "\(path)")
                #expect(reply["errorType"] == "error-room-not-found", "\(path)")
                #expect(reply["error"]?.stringValue?.hasSuffix("[error-room-not-found]") == true)
            }
            let post = try await api.post("/api/v1/chat.postMessage", ["roomId": "nope", "text": "hi"], auth: admin)
            #expect(post["errorType"] == "error-room-not-found")
        }
    }

    @Test func missingPermissionIs403Unauthorized() async throws {
        try await TestServer.run { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let reply = try await api.post(
                "/api/v1/users.create",
                ["username": "eve", "name": "Eve", "email": "eve@example.org", "password": "x"], auth: bob)
            #expect(reply.status == 403)
            #expect(reply["success"] == .bool(false))
            #expect(reply["error"]?.stringValue?.hasSuffix("[error-unauthorized]") == true)
        }
    }
}
