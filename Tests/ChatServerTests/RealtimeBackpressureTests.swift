import AirlockApp
import ChatCore
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ChatServer

/// Bounded queues and idle timeouts of realtime connections.
@Suite(.timeLimit(.minutes(1))) struct RealtimeBackpressureTests {
    @Test func fullOutboundQueueDisconnectsTheSlowConsumer() {
        let connection = DDPConnection(id: 1, session: "s", queueLimit: 3)
        for i in 0..<3 { connection.send("frame \(i)") }
        #expect(!connection.isClosed)
        // Nobody reads: the fourth frame does not fit.
        connection.send("frame 3")
        #expect(connection.isClosed)
        #expect(connection.closeReason == "slow consumer: outbound queue full")
    }

    @Test func outboundQueueIsBoundedInBytesToo() {
        let connection = DDPConnection(id: 1, session: "s", queueLimit: 1000, queueBytesLimit: 100)
        connection.send(String(repeating: "a", count: 60))
        #expect(!connection.isClosed)
        // 120 bytes queued would exceed the byte cap although the frame count is far from its limit.
        connection.send(String(repeating: "b", count: 60))
        #expect(connection.isClosed)
    }

    @Test func silentClientsAreDisconnectedAfterTwoPingIntervals() async throws {
        var configuration = TestServer.configuration()
        configuration.realtime.pingInterval = .milliseconds(200)
        try await TestServer.run(.live, configuration: configuration) { api, _ in
            // This client never answers pings (nor sends anything after connect).
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            ddp.send(["msg": "connect", "version": "1", "support": ["1"]])
            _ = try await ddp.next { $0["msg"] == "ping" }
            try await ddp.waitUntilClosed(timeout: .seconds(5))
        }
    }

    @Test func hubDeliversOnlyToSubscribersAndForgetsClosedConnections() async {
        let hub = RealtimeHub()
        let watching = DDPConnection(id: hub.nextConnectionId(), session: "a", queueLimit: 10)
        let other = DDPConnection(id: hub.nextConnectionId(), session: "b", queueLimit: 10)
        try? hub.add(watching)
        try? hub.add(other)
        let subscription = DDPConnection.Subscription(
            stream: DDPConnection.Stream(collection: "stream-room-messages", eventName: "room-1"), access: .publicRoom(roomId: "room-1"))
        #expect(watching.addSubscription(id: "s1", subscription, limit: 10) == .added)
        hub.subscribe(watching, to: subscription)
        hub.publish("stream-room-messages", "room-1", ["x"])
        hub.publish("stream-room-messages", "room-2", ["y"])
        hub.remove(watching)
        hub.publish("stream-room-messages", "room-1", ["z"])
        #expect(hub.connectionCount == 1)
        watching.close(reason: "test")
        other.close(reason: "test")
        var received: [String] = []
        for await frame in watching.frames { received.append(frame) }
        var leaked: [String] = []
        for await frame in other.frames { leaked.append(frame) }
        #expect(received.count == 1 && received[0].contains(#""args":["x"]"#) && received[0].contains(#""eventName":"room-1""#))
        #expect(leaked.isEmpty)
    }
}
