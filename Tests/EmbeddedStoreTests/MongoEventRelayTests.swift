import ChatCore
import Foundation
import Logging
import MongoDriver
import MongoStore
import MongoTestSupport
import Synchronization
import Testing

/// The event relay between nodes sharing one MongoDB (SecantusDB here), and how its change stream's failures are
/// told apart: a place the server no longer has (go on from now, resync) from an outage (retry after the same place).
@Suite struct MongoEventRelayTests {
    @Test func eventsCrossToTheOtherNodeInOrderAndNotBack() async throws {
        let uri = try await SecantusServer.shared.uri(database: SecantusServer.databaseName("relay"))
        let stores = [
            try await MongoStore.open(uri: uri, threads: 2, connectAttempts: 3, logger: Logger(label: "test")),
            try await MongoStore.open(uri: uri, threads: 2, connectAttempts: 3, logger: Logger(label: "test")),
        ]
        let hubs = [EventHub(), EventHub()]
        let relays = zip(stores, zip(hubs, ["A", "B"])).map { MongoEventRelay(store: $0, hub: $1.0, node: $1.1, logger: Logger(label: "test")) }
        for relay in relays { try await relay.start() }
        let heard = [Heard(), Heard()]
        for (hub, log) in zip(hubs, heard) {
            _ = hub.listen(from: [EventHub.Origin.cluster]) { event in
                if case .userActivity(_, let username, _) = event { log.names.withLock { $0.append(username) } }
            }
        }
        let sent = (0..<50).map { "user\($0)" }
        for name in sent { hubs[0].publish(.userActivity(roomId: "r", username: name, activities: ["user-typing"])) }
        await relays[0].settle()
        let deadline = ContinuousClock.now + .seconds(10)
        while heard[1].names.withLock({ $0.count }) < sent.count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(heard[1].names.withLock { $0 } == sent)
        #expect(heard[0].names.withLock { $0 }.isEmpty)
        #expect(relays.allSatisfy { $0.isStreaming })
        for relay in relays { await relay.stop() }
        try await stores[0].dropDatabase()
    }

    @Test func aResumeTokenTheServerCannotUseIsToldApartFromAnOutage() async throws {
        let uri = try await SecantusServer.shared.uri(database: SecantusServer.databaseName("resume"))
        let pool = try MongoClientPool(.init(uri: uri))
        // A place the server does not have: no retry with it can succeed.
        let unknown: BSONDocument = ["_data": .string("82" + String(repeating: "00", count: 30))]
        let lost = #expect(throws: MongoError.self) { try MongoChangeStream(pool: pool, collection: "events", resumeAfter: unknown) }
        #expect(lost?.isResumePointLost == true)
        // The same stream resumed from a real place works.
        let stream = try MongoChangeStream(pool: pool, collection: "events")
        try await pool.run { try $0.insertOne("events", ["_id": "e1"]) }
        _ = try stream.next() ?? stream.next()
        let place = try #require(stream.resumeToken)
        _ = try MongoChangeStream(pool: pool, collection: "events", resumeAfter: place)
        // A database that cannot be reached is an outage: the place is kept.
        let closed = try MongoClientPool(.init(uri: "mongodb://127.0.0.1:1/none?directConnection=true&serverSelectionTimeoutMS=300"))
        let outage = #expect(throws: MongoError.self) { try MongoChangeStream(pool: closed, collection: "events", resumeAfter: place) }
        #expect(outage?.isResumePointLost == false)
        try await pool.run { try $0.dropDatabase() }
    }
}

/// What one node's hub heard from the other.
private final class Heard: Sendable {
    let names = Mutex<[String]>([])
}
