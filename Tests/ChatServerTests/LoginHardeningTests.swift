import AirlockApp
import AirlockNetwork
import ChatCore
import ChatServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Login throttles that hold under concurrency and behind proxies, a bounded KDF, personal access tokens and
/// changes that need the current password.
@Suite(.timeLimit(.minutes(2))) struct LoginHardeningTests {
    static func loginBody(_ user: String, _ password: String) -> ByteBuffer {
        ByteBuffer(string: #"{"user":"\#(user)","password":"\#(password)"}"#)
    }

    @Test func parallelGuessesReachThePasswordCheckAtMostTheLimit() async throws {
        var configuration = TestServer.configuration()
        try configuration.setLimit("login.maxPendingKDF=1000")
        try configuration.setLimit("login.maxFailuresPerAddress=1000")
        try await TestServer.run(.live, configuration: configuration) { api, admin in
            _ = try await api.makeUser("bob", admin: admin)
            let answers = try await withThrowingTaskGroup(of: RawReply.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await api.onNewConnection(.post, "/api/v1/login", json: ["user": "bob", "password": "wrong"]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let checked = answers.filter { $0["error"] == "Unauthorized" }.count
            let blocked = answers.filter { $0["error"] == "error-login-blocked-for-user" }.count
            #expect(checked == 10, "\(checked) guesses reached the password check")
            #expect(blocked == 30)
            #expect(answers.allSatisfy { $0.status == 401 })
        }
    }

    @Test func usernameAndEmailSpellingsShareOneCounterAndDDPIsThrottledByAddress() async throws {
        var configuration = TestServer.configuration()
        try configuration.setLimit("login.maxFailuresPerUser=3")
        try configuration.setLimit("login.maxFailuresPerAddress=5")
        try await TestServer.run(.live, configuration: configuration) { api, admin in
            _ = try await api.makeUser("bob", admin: admin)
            _ = try await api.makeUser("carol", admin: admin)
            for name in ["bob", "bob@example.org", "bob"] {
                #expect(try await api.post("/api/v1/login", ["user": .string(name), "password": "wrong"], auth: nil)["error"] == "Unauthorized")
            }
            // The account is blocked whichever spelling comes next, even with the right password.
            let blocked = try await api.post("/api/v1/login", ["user": "bob@example.org", "password": "pw-bob"], auth: nil)
            #expect(blocked["error"] == "error-login-blocked-for-user")

            // Over DDP the same address limit applies (5 failures: 3 above plus 2 here).
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            for _ in 0..<2 { #expect(try await ddp.login("carol", "wrong")["error"]?["error"] == "Unauthorized") }
            let byAddress = try await ddp.login("carol", "pw-carol")
            #expect(byAddress["error"]?["error"] == "error-login-blocked-for-ip", "\(byAddress)")
        }
    }

    @Test func aLoginFloodIsAnsweredTooManyRequestsInsteadOfQueueing() async throws {
        var configuration = TestServer.configuration()
        configuration.passwordIterations = 600_000
        try configuration.setLimit("login.maxPendingKDF=1")
        try configuration.setLimit("login.maxFailuresPerAddress=1000")
        try configuration.setLimit("login.maxFailuresPerUser=1000")
        try await TestServer.run(.live, configuration: configuration) { api, _ in
            let answers = try await withThrowingTaskGroup(of: RawReply.self) { group in
                for i in 0..<20 {
                    group.addTask { try await api.onNewConnection(.post, "/api/v1/login", json: ["user": .string("user\(i)"), "password": "x"]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let limited = answers.filter { $0.status == 429 }
            #expect(!limited.isEmpty)
            #expect(answers.allSatisfy { $0.status == 429 || $0.status == 401 })
            for reply in limited {
                #expect(reply.headers[.retryAfter] != nil)
                #expect(reply["success"] == .bool(false))
                #expect(reply["errorType"] == "too-many-requests")
            }
        }
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() async throws {
        var trusting = TestServer.configuration()
        try trusting.setLimit("login.maxFailuresPerAddress=2")
        try trusting.trustProxies(["127.0.0.1", "::1"])
        try await TestServer.run(.live, configuration: trusting) { api, _ in
            for _ in 0..<2 {
                let reply = try await api.sendWithHeaders(
                    .post, "/api/v1/login", body: Self.loginBody("nobody", "x"),
                    headers: ["Content-Type": "application/json", "X-Forwarded-For": "198.51.100.7, 203.0.113.5"])
                #expect(reply["error"] == "Unauthorized")
            }
            let blocked = try await api.sendWithHeaders(
                .post, "/api/v1/login", body: Self.loginBody("admin", TestServer.adminPassword),
                headers: ["Content-Type": "application/json", "X-Forwarded-For": "203.0.113.5"])
            #expect(blocked["error"] == "error-login-blocked-for-ip")
            // Another client behind the same proxy is not affected.
            let other = try await api.sendWithHeaders(
                .post, "/api/v1/login", body: Self.loginBody("admin", TestServer.adminPassword),
                headers: ["Content-Type": "application/json", "X-Forwarded-For": "203.0.113.6"])
            #expect(other.status == 200)
        }
        var direct = TestServer.configuration()
        try direct.setLimit("login.maxFailuresPerAddress=2")
        try await TestServer.run(.live, configuration: direct) { api, _ in
            // Without a trusted proxy the header is ignored: varying it does not escape the peer's limit.
            for forwarded in ["198.51.100.1", "198.51.100.2"] {
                _ = try await api.sendWithHeaders(
                    .post, "/api/v1/login", body: Self.loginBody("nobody", "x"),
                    headers: ["Content-Type": "application/json", "X-Forwarded-For": forwarded])
            }
            let blocked = try await api.sendWithHeaders(
                .post, "/api/v1/login", body: Self.loginBody("admin", TestServer.adminPassword),
                headers: ["Content-Type": "application/json", "X-Forwarded-For": "198.51.100.3"])
            #expect(blocked["error"] == "error-login-blocked-for-ip")
        }
    }

    @Test func forwardedChainsResolveToTheFirstUntrustedHop() throws {
        let resolver = ClientAddressResolver(trustedProxies: [try #require(AddressRange(parsing: "10.0.0.0/8"))])
        #expect(resolver.resolve(peer: "10.0.0.1", forwardedFor: ["203.0.113.9, 10.1.1.1"]) == "203.0.113.9")
        #expect(resolver.resolve(peer: "10.0.0.1", forwardedFor: ["198.51.100.1", "203.0.113.9"]) == "203.0.113.9")
        #expect(resolver.resolve(peer: "192.0.2.1", forwardedFor: ["203.0.113.9"]) == "192.0.2.1")
        #expect(resolver.resolve(peer: "10.0.0.1", forwardedFor: ["garbage, 10.2.2.2"]) == "10.2.2.2")
        #expect(resolver.resolve(peer: "::ffff:10.0.0.1", forwardedFor: ["2001:db8::1"]) == "2001:db8::1")
    }

    @Test func personalAccessTokensExpireAndAreListedAndRevocable() async throws {
        try await TestServer.run(.live) { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let made = try await api.post("/api/v1/users.generatePersonalAccessToken", ["tokenName": "ci", "expiresInDays": 30], auth: bob)
            let token = try #require(made["token"]?.stringValue)
            let pat = Auth(userId: bob.userId, token: token)
            #expect(try await api.get("/api/v1/me", auth: pat).status == 200)
            let bad = try await api.post("/api/v1/users.generatePersonalAccessToken", ["tokenName": "x", "expiresInDays": 0], auth: bob)
            #expect(bad["errorType"] == "error-invalid-params")

            let listed = try await api.get("/api/v1/users.getPersonalAccessTokens", auth: bob)
            let entry = try #require(listed["tokens"]?.array?.first)
            #expect(listed["tokens"]?.array?.count == 1)
            #expect(entry["name"] == "ci")
            #expect(entry["lastTokenPart"] == .string(String(token.suffix(6))))
            #expect(entry["createdAt"]?.stringValue?.hasSuffix("Z") == true)
            #expect(entry["expiresAt"]?.stringValue != nil)
            #expect(!"\(listed.json)".contains(token))

            let regenerated = try await api.post("/api/v1/users.regeneratePersonalAccessToken", ["tokenName": "ci"], auth: bob)
            let fresh = try #require(regenerated["token"]?.stringValue)
            #expect(try await api.get("/api/v1/me", auth: pat).status == 401)
            #expect(try await api.get("/api/v1/me", auth: Auth(userId: bob.userId, token: fresh)).status == 200)
            #expect(try await api.post("/api/v1/users.removePersonalAccessToken", ["tokenName": "ci"], auth: bob).status == 200)
            #expect(try await api.get("/api/v1/me", auth: Auth(userId: bob.userId, token: fresh)).status == 401)
            #expect(try await api.post("/api/v1/users.removePersonalAccessToken", ["tokenName": "ci"], auth: bob).status == 400)
        }
    }

    @Test func emailAndPasswordChangesNeedTheCurrentPassword() async throws {
        try await TestServer.run(.live) { api, admin in
            let (bobId, bob) = try await api.makeUser("bob", admin: admin)
            let digest = PasswordHasher.digest(ofPlaintext: "pw-bob")
            // Name changes need nothing more.
            let renamed = try await api.post("/api/v1/users.updateOwnBasicInfo", ["data": ["name": "Robert"]], auth: bob)
            #expect(renamed["user"]?["name"] == "Robert", "\(renamed.json)")
            let noPassword = try await api.post("/api/v1/users.updateOwnBasicInfo", ["data": ["email": "new@example.org"]], auth: bob)
            #expect(noPassword["errorType"] == "error-invalid-password")
            let wrong = try await api.post(
                "/api/v1/users.updateOwnBasicInfo",
                ["data": ["email": "new@example.org", "currentPassword": .string(PasswordHasher.digest(ofPlaintext: "nope"))]], auth: bob)
            #expect(wrong["errorType"] == "error-invalid-password")
            let changed = try await api.post(
                "/api/v1/users.updateOwnBasicInfo", ["data": ["email": "new@example.org", "currentPassword": .string(digest)]], auth: bob)
            #expect(changed.status == 200, "\(changed.json)")
            #expect(changed["user"]?["emails"]?.array?.first?["address"] == "new@example.org")
            // users.update on oneself cannot go around it.
            for data: JSONValue in [["password": "sneaky"], ["email": "other@example.org"]] {
                let around = try await api.post("/api/v1/users.update", ["userId": .string(bobId), "data": data], auth: bob)
                #expect(around["errorType"] == "error-action-not-allowed", "\(around.json)")
            }
            #expect(try await api.post("/api/v1/login", ["user": "bob", "password": "sneaky"], auth: nil).status == 401)
        }
    }
}
