import AirlockApp
import ChatCore
import HummingbirdTesting
import Testing

/// Caps on what one realtime client can hold: subscriptions and their keys, connections per user and per address,
/// and the method rate (Meteor's `too-many-requests`).
@Suite(.timeLimit(.minutes(1))) struct RealtimeLimitsTests {
    @Test func subscriptionsAndKeysAreCapped() async throws {
        var configuration = TestServer.configuration()
        try configuration.setLimit("ws.maxSubscriptions=3")
        try await TestServer.run(.live, configuration: configuration) { api, admin in
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("admin", TestServer.adminPassword)
            let long = String(repeating: "x", count: 10_000)
            ddp.send(["msg": "sub", "id": "huge", "name": "stream-notify-user", "params": [.string("\(admin.userId)/\(long)"), false]])
            #expect(try await ddp.next { $0["msg"] == "nosub" && $0["id"] == "huge" }["error"]?["error"] == "error-invalid-params")
            for i in 0..<3 {
                ddp.send(["msg": "sub", "id": .string("s\(i)"), "name": "stream-notify-user", "params": [.string("\(admin.userId)/k\(i)"), false]])
                _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == [.string("s\(i)")] }
            }
            ddp.send(["msg": "sub", "id": "s3", "name": "stream-notify-user", "params": [.string("\(admin.userId)/k3"), false]])
            let refused = try await ddp.next { $0["msg"] == "nosub" && $0["id"] == "s3" }
            #expect(refused["error"]?["error"] == "error-too-many-subscriptions")
            // Freeing one makes room again.
            ddp.send(["msg": "unsub", "id": "s0"])
            _ = try await ddp.next { $0["msg"] == "nosub" && $0["id"] == "s0" }
            ddp.send(["msg": "sub", "id": "s4", "name": "stream-notify-user", "params": [.string("\(admin.userId)/k4"), false]])
            _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == ["s4"] }
        }
    }

    @Test func connectionsPerUserAreCapped() async throws {
        var configuration = TestServer.configuration()
        try configuration.setLimit("ws.maxConnectionsPerUser=2")
        try await TestServer.run(.live, configuration: configuration) { api, _ in
            let port = try #require(api.client.port)
            let clients = (0..<3).map { _ in DDPClient(port: port) }
            defer { clients.forEach { $0.close() } }
            for client in clients.prefix(2) { #expect(try await client.login("admin", TestServer.adminPassword)["result"] != nil) }
            let third = try await clients[2].login("admin", TestServer.adminPassword)
            #expect(third["error"]?["error"] == "error-too-many-connections", "\(third)")
            // Closing one frees its place.
            clients[0].close()
            try await clients[0].waitUntilClosed()
            var admitted = false
            for _ in 0..<100 where !admitted {
                admitted = try await clients[2].login("admin", TestServer.adminPassword)["result"] != nil
                if !admitted { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(admitted)
        }
    }

    @Test func anonymousConnectionsPerAddressAreCapped() async throws {
        var configuration = TestServer.configuration()
        try configuration.setLimit("ws.maxAnonymousConnectionsPerAddress=2")
        try await TestServer.run(.live, configuration: configuration) { api, _ in
            let port = try #require(api.client.port)
            let first = DDPClient(port: port), second = DDPClient(port: port)
            defer { first.close(); second.close() }
            for client in [first, second] { _ = try await client.next { $0["server_id"] != nil } }
            let third = DDPClient(port: port)
            defer { third.close() }
            try await third.waitUntilClosed()
            #expect(third.closeCode == 1008)
            // Logging in moves a connection out of the anonymous count.
            _ = try await first.login("admin", TestServer.adminPassword)
            let fourth = DDPClient(port: port)
            defer { fourth.close() }
            _ = try await fourth.next { $0["server_id"] != nil }
        }
    }

    @Test func methodCallsAreRateLimitedWithMeteorsError() async throws {
        var configuration = TestServer.configuration()
        try configuration.setLimit("ws.methodCallsPerMinute=5")
        try await TestServer.run(.live, configuration: configuration) { api, _ in
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("admin", TestServer.adminPassword)
            for _ in 0..<4 { #expect(try await ddp.call("rooms/get", [])["error"] == nil) }
            let limited = try await ddp.call("rooms/get", [])
            let error = try #require(limited["error"])
            #expect(error["error"] == "too-many-requests")
            #expect(error["errorType"] == "Meteor.Error")
            #expect((error["details"]?["timeToReset"]?.int ?? 0) > 0)
            #expect(error["reason"]?.stringValue?.hasPrefix("Error, too many requests. Please slow down. You must wait") == true)
            // Subscriptions count too.
            ddp.send(["msg": "sub", "id": "x", "name": "stream-room-messages", "params": ["__my_messages__", false]])
            #expect(try await ddp.next { $0["msg"] == "nosub" && $0["id"] == "x" }["error"]?["error"] == "too-many-requests")
        }
    }

    @Test func unknownOrMalformedLimitsAreRefusedAtStartUp() {
        var configuration = TestServer.configuration()
        #expect(throws: ConfigurationError.self) { try configuration.setLimit("ws.noSuchLimit=3") }
        #expect(throws: ConfigurationError.self) { try configuration.setLimit("ws.maxSubscriptions=-1") }
        #expect(throws: ConfigurationError.self) { try configuration.setLimit("ws.maxSubscriptions") }
        #expect(throws: ConfigurationError.self) { try configuration.trustProxies(["10.0.0.0/33"]) }
        #expect(throws: ConfigurationError.self) { try configuration.trustProxies(["proxy.example"]) }
    }
}
