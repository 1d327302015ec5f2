import ChatCore
import Foundation
import Testing

@Suite struct ServiceTests {
    @Test func passwordsAreHashedWithParametersAndVerify() async throws {
        let hasher = PasswordHasher(iterations: 1000, runner: InlineRunner())
        let digest = PasswordHasher.digest(ofPlaintext: "correct horse")
        let hash = try await hasher.hash(digest: digest)
        #expect(hash.encoded.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(PasswordHash(encoded: hash.encoded) == hash)
        #expect(try await hasher.verify(digest: digest, against: hash))
        #expect(try await hasher.verify(digest: digest.uppercased(), against: hash))
        #expect(try await !hasher.verify(digest: PasswordHasher.digest(ofPlaintext: "wrong"), against: hash))
        #expect(PasswordHash(encoded: "md5$1$aa$bb") == nil)
        #expect(PasswordHasher.defaultIterations >= 600_000)
    }

    @Test func throttleBlocksPerUserAndPerAddressAndExpires() async {
        var configuration = LoginThrottle.Configuration()
        configuration.maxFailuresPerUser = 3
        configuration.maxFailuresPerAddress = 5
        let throttle = LoginThrottle(configuration: configuration)
        let t0 = Date(timeIntervalSince1970: 1000)
        for _ in 0..<3 { #expect(await throttle.reserve(userKey: "a", address: "1.1.1.1", now: t0) == nil) }
        #expect(await throttle.reserve(userKey: "a", address: "2.2.2.2", now: t0) == .user)
        #expect(await throttle.reserve(userKey: "b", address: "1.1.1.1", now: t0) == nil)
        // A success gives the address its attempt back and clears the account.
        await throttle.release(userKey: "b", address: "1.1.1.1")
        #expect(await throttle.reserve(userKey: "c", address: "1.1.1.1", now: t0) == nil)
        #expect(await throttle.reserve(userKey: "d", address: "1.1.1.1", now: t0) == nil)
        #expect(await throttle.reserve(userKey: "e", address: "1.1.1.1", now: t0) == .address)
        #expect(await throttle.reserve(userKey: "a", address: "1.1.1.1", now: t0.addingTimeInterval(301)) == nil)
    }

    @Test func throttleStateIsBounded() async {
        var configuration = LoginThrottle.Configuration()
        configuration.maxEntries = 100
        let throttle = LoginThrottle(configuration: configuration)
        let now = Date()
        for i in 0..<1000 { _ = await throttle.reserve(userKey: "user-\(i)", address: nil, now: now) }
        // Old entries were dropped; the newest are still tracked.
        for _ in 0..<configuration.maxFailuresPerUser { _ = await throttle.reserve(userKey: "user-999", address: nil, now: now) }
        #expect(await throttle.reserve(userKey: "user-999", address: nil, now: now) == .user)
        #expect(await throttle.reserve(userKey: "user-0", address: nil, now: now) == nil)
    }

    @Test func botUsersCannotLogIn() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let bot = User(id: "bot-1", username: "app.bot", name: "App", roles: ["app"], type: .app, createdAt: Date())
        try await h.services.users.insert(bot)
        await #expect(throws: ChatError.self) {
            _ = try await h.services.auth.login(.username("app.bot"), passwordDigest: PasswordHasher.digest(ofPlaintext: ""), address: nil)
        }
    }

    @Test func bootstrapCreatesOneAdminOnce() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let first = try await h.services.users.bootstrapAdmin(username: nil, password: nil)
        #expect(first?.user.roles.contains("admin") == true)
        #expect((first?.generatedPassword?.count ?? 0) >= 20)
        #expect(try await h.services.users.bootstrapAdmin(username: nil, password: nil) == nil)
        _ = try await h.services.auth.login(
            .username("admin"), passwordDigest: PasswordHasher.digest(ofPlaintext: first!.generatedPassword!), address: nil)
    }

    @Test func readOnlyRoomsNeedPostReadOnly() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let owner = try await h.user("owner")
        let reader = try await h.user("reader")
        let room = try await h.services.rooms.create(type: .channel, name: "announcements", members: ["reader"], readOnly: true, by: owner)
        _ = try await h.services.messages.send(.init(text: "news"), roomId: room.id, by: .user(owner))
        await #expect(throws: ChatError.self) { _ = try await h.services.messages.send(.init(text: "reply"), roomId: room.id, by: .user(reader)) }
    }

    /// A message may be text, attachments or blocks alone (apps send blocks-only messages); an empty one is refused.
    @Test func messagesNeedTextAttachmentsOrBlocks() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let owner = try await h.user("owner")
        let room = try await h.services.rooms.create(type: .channel, name: "cards", members: [], readOnly: false, by: owner)
        let section: JSONValue = ["type": "section", "text": ["type": "mrkdwn", "text": "*hi*"]]
        let blocks = try await h.services.messages.send(.init(text: "", blocks: [section]), roomId: room.id, by: .user(owner))
        #expect(blocks.text.isEmpty && blocks.blocks == [section])
        _ = try await h.services.messages.send(.init(text: "", attachments: [["text": "file"]]), roomId: room.id, by: .user(owner))
        await #expect(throws: ChatError.invalidParams("The message text must not be empty")) {
            _ = try await h.services.messages.send(.init(text: "", attachments: [], blocks: []), roomId: room.id, by: .user(owner))
        }
    }

    @Test func invalidNamesAndEmailsAreRefused() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let alice = try await h.user("alice")
        for bad in ["", "has space", "sl/ash", String(repeating: "x", count: 65)] {
            await #expect(throws: ChatError.self, "\(bad)") {
                _ = try await h.services.rooms.create(type: .channel, name: bad, members: [], readOnly: false, by: alice)
            }
        }
        await #expect(throws: ChatError.self) {
            _ = try await h.services.users.create(.init(username: "x", name: "X", email: "not-an-email", password: "p"), by: nil)
        }
        await #expect(throws: ChatError.self) {
            _ = try await h.services.rooms.create(type: .channel, name: "fine", members: ["ghost"], readOnly: false, by: alice)
        }
    }

    @Test func concurrentDirectRoomCreationYieldsOneRoom() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let alice = try await h.user("alice")
        _ = try await h.user("bob")
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await h.services.rooms.createDirect(with: ["bob"], by: .user(alice)).id } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        // Rocket.Chat's id for a direct room between two people: their user ids, sorted and concatenated.
        let bob = try #require(try await h.services.context.store.user(username: "bob"))
        #expect(ids.first == [alice.id, bob.id].sorted().joined())
    }

    /// A direct room made before Rocket.Chat's ids (a random id) is still found by its members and reused.
    @Test func olderDirectRoomsKeepTheirIds() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let alice = try await h.user("alice")
        let carol = try await h.user("carol")
        let ids = [alice.id, carol.id].sorted()
        let older = Room(
            id: "legacyDirectRoom1", type: .direct, name: nil, creator: alice.ref, createdAt: Date(), usersCount: 2,
            usernames: ["alice", "carol"], userIds: ids)
        try await h.services.context.store.createRoom(older, subscriptions: [])
        #expect(try await h.services.rooms.createDirect(with: ["carol"], by: .user(alice)).id == "legacyDirectRoom1")
    }
}
