import ChatCore
import HTTPTypes
import HummingbirdTesting
import Testing

/// Login forms, throttling, tokens, and user privacy through the REST routes.
@Suite struct AuthRouteTests {
    @Test func loginFormsAndResume() async throws {
        try await TestServer.run { api, admin in
            _ = try await api.makeUser("dora", admin: admin)
            let byUsername = try await api.post("/api/v1/login", ["username": "dora", "password": "pw-dora"], auth: nil)
            #expect(byUsername["status"] == "success")
            #expect(byUsername["success"] == nil)
            let byEmail = try await api.post("/api/v1/login", ["email": "dora@example.org", "password": "pw-dora"], auth: nil)
            #expect(byEmail.status == 200)
            let digest = PasswordHasher.digest(ofPlaintext: "pw-dora")
            let byDigest = try await api.post(
                "/api/v1/login", ["user": "dora", "password": ["digest": .string(digest), "algorithm": "sha-256"]], auth: nil)
            #expect(byDigest.status == 200)
            let token = try #require(byUsername["data"]?["authToken"])
            let resumed = try await api.post("/api/v1/login", ["resume": token], auth: nil)
            #expect(resumed["data"]?["authToken"] == token)
            let wrong = try await api.post("/api/v1/login", ["user": "dora", "password": "nope"], auth: nil)
            #expect(wrong.status == 401)
            #expect(wrong.json == .object(["status": "error", "error": "Unauthorized", "message": "Unauthorized"]))
            let badResume = try await api.post("/api/v1/login", ["resume": "forged"], auth: nil)
            #expect(badResume.status == 401)
        }
    }

    @Test func repeatedFailuresBlockTheUser() async throws {
        try await TestServer.run { api, admin in
            _ = try await api.makeUser("mallory", admin: admin)
            for _ in 0..<10 {
                let reply = try await api.post("/api/v1/login", ["user": "mallory", "password": "guess"], auth: nil)
                #expect(reply["error"] == "Unauthorized")
            }
            let blocked = try await api.post("/api/v1/login", ["user": "mallory", "password": "pw-mallory"], auth: nil)
            #expect(blocked.status == 401)
            #expect(blocked["error"] == "error-login-blocked-for-user")
        }
    }

    @Test func botsAndSecretsNeverLeak() async throws {
        try await TestServer.run { api, admin in
            let (bobId, bob) = try await api.makeUser("bob", admin: admin)
            let seenByAdmin = try await api.get("/api/v1/users.info?userId=\(bobId)", auth: admin)
            #expect(seenByAdmin["user"]?["emails"] != nil)
            let (_, carol) = try await api.makeUser("carol", admin: admin)
            let seenByCarol = try await api.get("/api/v1/users.info?username=bob", auth: carol)
            #expect(seenByCarol["user"]?["emails"] == nil)
            let text = "\(seenByAdmin.json) \(seenByCarol.json)".lowercased()
            #expect(!text.contains("pbkdf2") && !text.contains("password") && !text.contains("digest"))
            let me = try await api.get("/api/v1/me", auth: bob)
            #expect(me["username"] == "bob")
            #expect(me["success"] == .bool(true))
        }
    }

    @Test func selfUpdateCannotEscalate() async throws {
        try await TestServer.run { api, admin in
            let (bobId, bob) = try await api.makeUser("bob", admin: admin)
            let rename = try await api.post("/api/v1/users.update", ["userId": .string(bobId), "data": ["name": "Robert"]], auth: bob)
            #expect(rename["user"]?["name"] == "Robert")
            let escalate = try await api.post(
                "/api/v1/users.update", ["userId": .string(bobId), "data": ["roles": ["admin"]]], auth: bob)
            #expect(escalate.status == 403)
            let unknownRole = try await api.post(
                "/api/v1/users.update", ["userId": .string(bobId), "data": ["roles": ["superuser"]]], auth: admin)
            #expect(unknownRole["errorType"] == "error-invalid-role")
            let duplicate = try await api.post(
                "/api/v1/users.create", ["username": "BOB", "name": "B", "email": "b2@example.org", "password": "x"], auth: admin)
            #expect(duplicate["errorType"] == "error-field-unavailable")
        }
    }

    @Test func passwordChangeEndsSessions() async throws {
        try await TestServer.run { api, admin in
            let (bobId, bob) = try await api.makeUser("bob", admin: admin)
            _ = try await api.post("/api/v1/users.update", ["userId": .string(bobId), "data": ["password": "new-pass"]], auth: admin)
            #expect(try await api.get("/api/v1/me", auth: bob).status == 401)
            _ = try await api.login("bob", "new-pass")
        }
    }
}
