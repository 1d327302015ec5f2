import AppsStorage
import ChatCore
import EmbeddedStore
import Logging
import MongoStore
import MongoTestSupport
import Foundation
import Testing

/// The store contract, written against `any ChatStore & AppsStore` so every backend runs the same checks.
@Suite struct StoreConformanceTests {
    /// Every test runs against each backend: the same behaviour is the contract.
    enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case embedded, mongo
        var testDescription: String { rawValue }
    }

    static func withStore(_ backend: Backend, _ body: (any ChatStore & AppsStore) async throws -> Void) async throws {
        switch backend {
        case .embedded:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-store-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try await body(try EmbeddedStore(configuration: .init(path: directory + "/store.sqlite")))
        case .mongo:
            let uri = try await SecantusServer.shared.uri(database: SecantusServer.databaseName("conformance"))
            let store = try await MongoStore.open(uri: uri, threads: 2, connectAttempts: 3, logger: Logger(label: "test"))
            do {
                try await body(store)
            } catch {
                try? await store.dropDatabase()
                throw error
            }
            try await store.dropDatabase()
        }
    }

    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static func user(_ name: String, email: String? = nil) -> User {
        User(
            id: "id-\(name)", username: name, name: name.capitalized,
            emails: email.map { [Email(address: $0)] } ?? [], createdAt: t0,
            passwordHash: PasswordHash(iterations: 1, salt: [1], hash: [2]))
    }

    static func room(_ id: String, type: RoomType = .channel, name: String?) -> Room {
        Room(id: id, type: type, name: name, creator: UserRef(id: "id-a", username: "a"), createdAt: t0)
    }

    static func subscription(room: Room, user: User, at offset: TimeInterval = 0) -> Subscription {
        Subscription(
            id: "s-\(room.id)-\(user.id)", roomId: room.id, user: UserRef(id: user.id, username: user.username),
            name: room.name ?? user.username, displayName: room.name ?? user.name, roomType: room.type,
            createdAt: t0.addingTimeInterval(offset))
    }

    static func message(_ id: String, room: String, by user: User, at offset: TimeInterval, thread: String? = nil) -> Message {
        Message(id: id, roomId: room, text: "m \(id)", sender: user.ref, createdAt: t0.addingTimeInterval(offset), threadId: thread)
    }

    @Test(arguments: Backend.allCases) func usersRoundTripLookupAndUniqueness(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let alice = Self.user("alice", email: "Alice@Example.org")
            try await store.insertUser(alice)
            #expect(try await store.user(id: alice.id) == alice)
            #expect(try await store.user(username: "ALICE") == alice)
            #expect(try await store.user(email: "alice@example.org") == alice)
            await #expect(throws: StoreError(.duplicate(key: "username"), "")) {
                try await store.insertUser(User(id: "other", username: "Alice", name: "x", createdAt: Self.t0))
            }
            await #expect(throws: StoreError.self) {
                try await store.insertUser(Self.user("bob", email: "alice@example.org"))
            }
            // The failed insert left nothing behind.
            #expect(try await store.user(username: "bob") == nil)
            #expect(try await store.userCount() == 1)
            var renamed = alice
            renamed.username = "alicia"
            renamed.emails = [Email(address: "new@example.org")]
            try await store.updateUser(renamed)
            #expect(try await store.user(username: "alice") == nil)
            #expect(try await store.user(email: "alice@example.org") == nil)
            #expect(try await store.user(email: "new@example.org")?.id == alice.id)
            await #expect(throws: StoreError.self) { try await store.updateUser(Self.user("ghost")) }
        }
    }

    @Test(arguments: Backend.allCases) func usersPageInUsernameOrder(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            for name in ["delta", "alpha", "charlie", "bravo"] { try await store.insertUser(Self.user(name)) }
            let page = try await store.users(page: PageRequest(offset: 1, count: 2))
            #expect(page.items.map(\.username) == ["bravo", "charlie"])
            #expect(page.total == 4)
            let reversed = try await store.users(page: PageRequest(offset: 0, count: 1, ascending: false))
            #expect(reversed.items.map(\.username) == ["delta"])
            #expect(try await store.users(page: PageRequest(offset: 10, count: 5)).items.isEmpty)
            #expect(try await store.users(ids: ["id-alpha", "id-delta", "nope"]).count == 2)
        }
    }

    /// The admin console's searches: a substring of username or name (case-insensitive, metacharacters literal);
    /// rooms by kind and by name, display name or a direct room's members.
    @Test(arguments: Backend.allCases) func searchUsersAndRooms(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            for name in ["delta", "alpha", "charlie", "bravo"] { try await store.insertUser(Self.user(name)) }
            try await store.insertUser(User(id: "id-dot", username: "a.b", name: "Zed Alpha", createdAt: Self.t0))
            #expect(try await store.users(matching: "ALP", page: PageRequest()).items.map(\.username) == ["a.b", "alpha"])
            #expect(try await store.users(matching: "a.", page: PageRequest()).items.map(\.username) == ["a.b"])
            #expect(try await store.users(matching: "zzz", page: PageRequest()).total == 0)
            try await store.createRoom(Self.room("r1", name: "General"), subscriptions: [])
            try await store.createRoom(Self.room("r2", type: .privateGroup, name: "gen-secret"), subscriptions: [])
            var dm = Self.room("r3", type: .direct, name: nil)
            dm.usernames = ["alpha", "general-bot"]
            dm.userIds = ["id-alpha", "id-bot"]
            try await store.createRoom(dm, subscriptions: [])
            let all = try await store.rooms(types: Set(RoomType.allCases), matching: "gen", page: PageRequest())
            #expect(Set(all.items.map(\.id)) == ["r1", "r2", "r3"] && all.total == 3)
            #expect(try await store.rooms(types: [.privateGroup], matching: "GEN", page: PageRequest()).items.map(\.id) == ["r2"])
            #expect(try await store.rooms(types: [.channel, .privateGroup], matching: nil, page: PageRequest()).total == 2)
        }
    }

    @Test(arguments: Backend.allCases) func tokensByDigestAndPersonalNameUniqueness(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            try await store.insertUser(Self.user("alice"))
            let login = AccessToken(digest: "d1", userId: "id-alice", kind: .login, createdAt: Self.t0, expiresAt: Self.t0.addingTimeInterval(60))
            try await store.insertToken(login)
            #expect(try await store.token(digest: "d1") == login)
            let personal = AccessToken(
                digest: "d2", userId: "id-alice", kind: .personal, name: "ci", createdAt: Self.t0, expiresAt: Self.t0.addingTimeInterval(86_400),
                lastTokenPart: "abc123")
            try await store.insertToken(personal)
            await #expect(throws: StoreError(.duplicate(key: "token.name"), "")) {
                try await store.insertToken(AccessToken(digest: "d3", userId: "id-alice", kind: .personal, name: "ci", createdAt: Self.t0))
            }
            #expect(Set(try await store.tokens(userId: "id-alice")) == [login, personal])
            try await store.deleteToken(digest: "d1")
            #expect(try await store.token(digest: "d1") == nil)
            // A password change keeps the caller's own session and ends every other one.
            try await store.insertToken(AccessToken(digest: "d4", userId: "id-alice", kind: .login, createdAt: Self.t0))
            try await store.deleteTokens(userId: "id-alice", except: "d4")
            #expect(try await store.tokens(userId: "id-alice").map(\.digest) == ["d4"])
            try await store.deleteTokens(userId: "id-alice", except: nil)
            #expect(try await store.tokens(userId: "id-alice").isEmpty)
        }
    }

    @Test(arguments: Backend.allCases) func roomsWithSubscriptionsAreAtomic(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let a = Self.user("a"), b = Self.user("b")
            try await store.insertUser(a)
            try await store.insertUser(b)
            let room = Self.room("r1", name: "General")
            try await store.createRoom(room, subscriptions: [Self.subscription(room: room, user: a), Self.subscription(room: room, user: b)])
            #expect(try await store.room(id: "r1")?.usersCount == 2)
            #expect(try await store.room(name: "general")?.id == "r1")
            // A duplicate name creates neither the room nor its subscriptions.
            let clash = Self.room("r2", name: "GENERAL")
            await #expect(throws: StoreError(.duplicate(key: "room.name"), "")) {
                try await store.createRoom(clash, subscriptions: [Self.subscription(room: clash, user: a)])
            }
            #expect(try await store.room(id: "r2") == nil)
            #expect(try await store.subscription(roomId: "r2", userId: a.id) == nil)

            let c = Self.user("c")
            try await store.insertUser(c)
            try await store.addSubscription(Self.subscription(room: room, user: c, at: 5))
            #expect(try await store.room(id: "r1")?.usersCount == 3)
            await #expect(throws: StoreError(.duplicate(key: "subscription"), "")) {
                try await store.addSubscription(Self.subscription(room: room, user: c, at: 6))
            }
            #expect(try await store.room(id: "r1")?.usersCount == 3)
            let members = try await store.subscriptions(roomId: "r1", page: PageRequest(offset: 0, count: 10))
            #expect(members.items.map(\.user.username) == ["a", "b", "c"])
            try await store.removeSubscription(roomId: "r1", userId: b.id)
            #expect(try await store.room(id: "r1")?.usersCount == 2)
            await #expect(throws: StoreError.self) { try await store.removeSubscription(roomId: "r1", userId: b.id) }

            // Custom fields (apps' room extenders and builders) are kept on create and update, and can be removed.
            var custom = Self.room("r3", name: "custom")
            custom.customFields = ["team": "blue", "score": 3, "tags": ["a", "b"]]
            try await store.createRoom(custom, subscriptions: [Self.subscription(room: custom, user: a)])
            #expect(try await store.room(id: "r3")?.customFields == custom.customFields)
            custom.customFields = ["team": "red"]
            custom.topic = "t"
            try await store.updateRoom(custom)
            #expect(try await store.room(name: "custom")?.customFields == ["team": "red"])
            custom.customFields = nil
            try await store.updateRoom(custom)
            #expect(try await store.room(id: "r3")?.customFields == nil)
        }
    }

    @Test(arguments: Backend.allCases) func directRoomsByMemberSet(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            var dm = Self.room("d1", type: .direct, name: nil)
            dm.userIds = ["id-b", "id-a"]
            try await store.createRoom(dm, subscriptions: [])
            #expect(try await store.directRoom(userIds: ["id-a", "id-b"])?.id == "d1")
            #expect(try await store.directRoom(userIds: ["id-a"]) == nil)
            var twin = Self.room("d2", type: .direct, name: nil)
            twin.userIds = ["id-a", "id-b"]
            await #expect(throws: StoreError(.duplicate(key: "room.direct"), "")) { try await store.createRoom(twin, subscriptions: []) }
        }
    }

    @Test(arguments: Backend.allCases) func messagesUpdateCountersUnreadAndThreads(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let a = Self.user("a"), b = Self.user("b")
            try await store.insertUser(a)
            try await store.insertUser(b)
            let room = Self.room("r1", name: "r")
            try await store.createRoom(room, subscriptions: [Self.subscription(room: room, user: a), Self.subscription(room: room, user: b)])
            try await store.insertMessage(Self.message("m1", room: "r1", by: a, at: 1))
            try await store.insertMessage(Self.message("m2", room: "r1", by: a, at: 2, thread: "m1"))
            try await store.insertMessage(Self.message("m3", room: "r1", by: b, at: 3))
            await #expect(throws: StoreError(.duplicate(key: "message.id"), "")) {
                try await store.insertMessage(Self.message("m1", room: "r1", by: a, at: 4))
            }
            let stored = try #require(try await store.room(id: "r1"))
            #expect(stored.messageCount == 3)
            #expect(stored.lastMessageAt == Self.t0.addingTimeInterval(3))
            #expect(try await store.subscription(roomId: "r1", userId: b.id)?.unread == 2)
            #expect(try await store.subscription(roomId: "r1", userId: a.id)?.unread == 1)
            #expect(try await store.message(id: "m1")?.threadCount == 1)
            #expect(try await store.threadMessages(threadId: "m1", page: PageRequest()).items.map(\.id) == ["m2"])

            let newest = try await store.messages(roomId: "r1", page: PageRequest(offset: 0, count: 2, ascending: false), oldest: nil, latest: nil, inclusive: false)
            #expect(newest.items.map(\.id) == ["m3", "m2"])
            #expect(newest.total == 3)
            let window = try await store.messages(
                roomId: "r1", page: PageRequest(count: 10, ascending: false), oldest: Self.t0.addingTimeInterval(1),
                latest: Self.t0.addingTimeInterval(3), inclusive: false)
            #expect(window.items.map(\.id) == ["m2"])
            let inclusive = try await store.messages(
                roomId: "r1", page: PageRequest(count: 10, ascending: true), oldest: Self.t0.addingTimeInterval(1),
                latest: Self.t0.addingTimeInterval(3), inclusive: true)
            #expect(inclusive.items.map(\.id) == ["m1", "m2", "m3"])

            try await store.markRead(roomId: "r1", userId: b.id, at: Self.t0.addingTimeInterval(10))
            let read = try await store.subscription(roomId: "r1", userId: b.id)
            #expect(read?.unread == 0 && read?.alert == false && read?.lastSeen == Self.t0.addingTimeInterval(10))

            try await store.deleteMessage(id: "m2")
            #expect(try await store.message(id: "m1")?.threadCount == 0)
            #expect(try await store.room(id: "r1")?.messageCount == 2)
            await #expect(throws: StoreError.self) { try await store.deleteMessage(id: "m2") }
        }
    }

    @Test(arguments: Backend.allCases) func subscriptionsSinceAndUpdates(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let a = Self.user("a")
            try await store.insertUser(a)
            for i in 0..<3 {
                let room = Self.room("r\(i)", name: "room\(i)")
                try await store.createRoom(room, subscriptions: [Self.subscription(room: room, user: a, at: TimeInterval(i * 10))])
            }
            let since = try await store.subscriptions(userId: a.id, updatedSince: Self.t0.addingTimeInterval(5))
            #expect(Set(since.map(\.roomId)) == ["r1", "r2"])
            var sub = try #require(try await store.subscription(roomId: "r0", userId: a.id))
            sub.open = false
            sub.updatedAt = Self.t0.addingTimeInterval(100)
            try await store.updateSubscription(sub)
            #expect(try await store.subscription(roomId: "r0", userId: a.id)?.open == false)
            #expect(try await store.subscriptions(userId: a.id, updatedSince: Self.t0.addingTimeInterval(50)).map(\.roomId) == ["r0"])
        }
    }

    @Test(arguments: Backend.allCases) func deletingRoomsAndUsersCascades(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let a = Self.user("a", email: "a@x.org"), b = Self.user("b")
            try await store.insertUser(a)
            try await store.insertUser(b)
            let room = Self.room("r1", name: "r")
            try await store.createRoom(room, subscriptions: [Self.subscription(room: room, user: a), Self.subscription(room: room, user: b)])
            try await store.insertMessage(Self.message("m1", room: "r1", by: a, at: 1))
            try await store.insertToken(AccessToken(digest: "t", userId: a.id, kind: .login, createdAt: Self.t0))

            try await store.deleteUser(id: a.id)
            #expect(try await store.user(id: a.id) == nil)
            #expect(try await store.user(email: "a@x.org") == nil)
            #expect(try await store.token(digest: "t") == nil)
            #expect(try await store.subscription(roomId: "r1", userId: a.id) == nil)
            #expect(try await store.room(id: "r1")?.usersCount == 1)

            try await store.deleteRoom(id: "r1")
            #expect(try await store.room(id: "r1") == nil)
            #expect(try await store.message(id: "m1") == nil)
            #expect(try await store.subscriptions(userId: b.id, updatedSince: nil).isEmpty)
            await #expect(throws: StoreError.self) { try await store.deleteRoom(id: "r1") }
        }
    }

    @Test(arguments: Backend.allCases) func concurrentInsertsFailOneByOne(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let a = Self.user("a")
            try await store.insertUser(a)
            let room = Self.room("r1", name: "batch")
            try await store.createRoom(room, subscriptions: [Self.subscription(room: room, user: a)])
            // Every third insert reuses an id; inserts committed together must not fail together.
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<60 {
                    group.addTask {
                        do {
                            try await store.insertMessage(Self.message(i % 3 == 0 ? "dup" : "m\(i)", room: "r1", by: a, at: TimeInterval(i)))
                            return true
                        } catch let error as StoreError {
                            #expect(error == StoreError(.duplicate(key: "message.id"), ""))
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 41)
            #expect(try await store.room(id: "r1")?.messageCount == 41)
            await #expect(throws: StoreError.self) { try await store.insertMessage(Self.message("m1", room: "nope", by: a, at: 0)) }
        }
    }

    static func appRecord(_ id: String, bot: String?, at offset: TimeInterval = 0) -> AppRecord {
        AppRecord(
            id: id, manifest: ["id": .string(id), "nameSlug": "hello"], status: "manually_enabled",
            permissionsGranted: ["message.write"], settings: ["greeting": "hi"], privateHash: "secret-\(id)",
            botUserId: bot, createdAt: t0.addingTimeInterval(offset))
    }

    @Test(arguments: Backend.allCases) func appsInstallAtomicallyWithTheirBotUser(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let bot = User(id: "bot-1", username: "hello.bot", name: "Hello", roles: ["app"], type: .app, createdAt: Self.t0)
            let package = Data("zip bytes".utf8)
            try await store.installApp(Self.appRecord("app-1", bot: bot.id), package: package, botUser: bot)
            #expect(try await store.app(id: "app-1") == Self.appRecord("app-1", bot: bot.id))
            #expect(try await store.appPackage(id: "app-1") == package)
            #expect(try await store.user(username: "hello.bot")?.type == .app)

            // A second install with the same id, or a bot name already taken, leaves nothing behind.
            await #expect(throws: StoreError(.duplicate(key: "app.id"), "")) {
                try await store.installApp(Self.appRecord("app-1", bot: nil), package: package, botUser: nil)
            }
            let clash = User(id: "bot-2", username: "HELLO.bot", name: "Other", roles: ["app"], type: .app, createdAt: Self.t0)
            await #expect(throws: StoreError(.duplicate(key: "username"), "")) {
                try await store.installApp(Self.appRecord("app-2", bot: clash.id), package: package, botUser: clash)
            }
            #expect(try await store.app(id: "app-2") == nil)
            #expect(try await store.apps().map(\.id) == ["app-1"])
        }
    }

    @Test(arguments: Backend.allCases) func integrationsInsertUpdateListByKindAndDelete(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let poster = UserRef(id: "u1", username: "ci", name: "CI")
            let incoming = Integration(
                id: "int-1", kind: .incoming, name: "CI", enabled: true, user: poster, channels: ["#builds"], alias: "CI", token: "t".padding(toLength: 32, withPad: "x", startingAt: 0),
                scriptEnabled: true, script: "class Script {}", createdAt: Self.t0, createdBy: UserRef(id: "admin", username: "admin"))
            var outgoing = Integration(
                id: "int-2", kind: .outgoing, name: "Deploy", enabled: true, user: poster, channels: ["all_public_channels"], token: "secret",
                event: "sendMessage", urls: ["https://deploy.example/hook"], triggerWords: ["!deploy"], retryCount: 3, retryDelay: .powersOfTwo,
                createdAt: Self.t0.addingTimeInterval(1))
            try await store.insertIntegration(outgoing)
            try await store.insertIntegration(incoming)
            await #expect(throws: StoreError(.duplicate(key: "integration.id"), "")) { try await store.insertIntegration(incoming) }
            #expect(try await store.integration(id: "int-1") == incoming)
            let page = try await store.integrations(page: PageRequest(offset: 0, count: 10))
            #expect(page.items.map(\.id) == ["int-1", "int-2"] && page.total == 2)
            #expect(try await store.integrations(page: PageRequest(offset: 1, count: 10)).items.map(\.id) == ["int-2"])
            #expect(try await store.enabledIntegrations(kind: .outgoing) == [outgoing])

            outgoing.enabled = false
            outgoing.urls = ["https://deploy.example/v2"]
            try await store.updateIntegration(outgoing)
            #expect(try await store.integration(id: "int-2") == outgoing)
            #expect(try await store.enabledIntegrations(kind: .outgoing).isEmpty)
            var missing = outgoing
            missing.id = "int-9"
            await #expect(throws: StoreError(.notFound, "")) { try await store.updateIntegration(missing) }
            #expect(try await store.deleteIntegration(id: "int-1"))
            #expect(try await !store.deleteIntegration(id: "int-1"))
            #expect(try await store.integration(id: "int-1") == nil)
        }
    }

    @Test(arguments: Backend.allCases) func trustedKeysAddListRemoveAndSignerRoundTrip(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let first = TrustedKey(id: "aaaa000011112222", name: "ACME", publicKey: "a2V5", createdAt: Self.t0, createdBy: "admin")
            let second = TrustedKey(id: "bbbb000011112222", name: "Other", publicKey: "b3RoZXI=", createdAt: Self.t0.addingTimeInterval(1), createdBy: nil)
            try await store.addTrustedKey(second)
            try await store.addTrustedKey(first)
            #expect(try await store.trustedKeys() == [first, second])
            await #expect(throws: StoreError(.duplicate(key: "trustedKey.id"), "")) { try await store.addTrustedKey(first) }
            #expect(try await store.removeTrustedKey(id: first.id))
            #expect(try await !store.removeTrustedKey(id: first.id))
            #expect(try await store.trustedKeys() == [second])

            var record = Self.appRecord("app-signed", bot: nil)
            record.signer = AppSigner(keyId: second.id, name: second.name)
            try await store.installApp(record, package: Data("zip".utf8), botUser: nil)
            #expect(try await store.app(id: "app-signed")?.signer == AppSigner(keyId: second.id, name: second.name))
        }
    }

    @Test(arguments: Backend.allCases) func appsUpdateReplaceListAndUninstall(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let bot = User(id: "bot-1", username: "hello.bot", name: "Hello", roles: ["app"], type: .app, createdAt: Self.t0)
            try await store.installApp(Self.appRecord("b-app", bot: bot.id, at: 10), package: Data([1]), botUser: bot)
            try await store.installApp(Self.appRecord("a-app", bot: nil, at: 20), package: Data([2]), botUser: nil)
            #expect(try await store.apps().map(\.id) == ["b-app", "a-app"])

            var record = try #require(try await store.app(id: "b-app"))
            record.status = "manually_disabled"
            record.settings["greeting"] = "hello"
            try await store.updateApp(record)
            #expect(try await store.app(id: "b-app")?.settings["greeting"] == "hello")
            try await store.replaceApp(record, package: Data([9]))
            #expect(try await store.appPackage(id: "b-app") == Data([9]))
            await #expect(throws: StoreError.self) { try await store.updateApp(Self.appRecord("missing", bot: nil)) }

            // The bot was a room member: uninstall removes it with its memberships.
            let room = Self.room("r1", name: "with-bot")
            try await store.createRoom(room, subscriptions: [Self.subscription(room: room, user: bot)])
            try await store.uninstallApp(id: "b-app")
            #expect(try await store.app(id: "b-app") == nil)
            #expect(try await store.appPackage(id: "b-app") == nil)
            #expect(try await store.user(id: bot.id) == nil)
            #expect(try await store.room(id: "r1")?.usersCount == 0)
            await #expect(throws: StoreError.self) { try await store.uninstallApp(id: "b-app") }
        }
    }

    @Test(arguments: Backend.allCases) func appLogsFilterPageAndPrune(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            func line(_ app: String, _ level: AppLogEntry.Level, _ method: String, _ at: TimeInterval, node: String? = "n1") -> AppLogEntry {
                AppLogEntry(
                    appId: app, level: level, method: method, message: "\(method) at \(Int(at))", createdAt: Self.t0.addingTimeInterval(at), node: node)
            }
            try await store.appendAppLogs([
                line("a", .debug, "onEnable", 1), line("a", .info, "onEnable", 2, node: "n2"), line("a", .error, "executePostMessageSent", 3),
                line("a", .warning, "onDisable", 4, node: nil), line("b", .info, "onEnable", 5),
            ])
            // Each line keeps the node that wrote it (Rocket.Chat's instanceId); lines can be read by node.
            #expect(try await store.appLogNodes() == ["n1", "n2"])
            let onN2 = try await store.appLogs(AppLogQuery(appId: "a", node: "n2"), page: PageRequest())
            #expect(onN2.total == 1 && onN2.items.first?.node == "n2" && onN2.items.first?.message == "onEnable at 2")
            let newest = try await store.appLogs(AppLogQuery(appId: "a"), page: PageRequest(offset: 0, count: 2, ascending: false))
            #expect(newest.total == 4 && newest.items.map(\.method) == ["onDisable", "executePostMessageSent"])
            let errors = try await store.appLogs(AppLogQuery(appId: "a", maxVerbosity: 0), page: PageRequest())
            #expect(errors.items.map(\.level) == [.error])
            let infoAndUp = try await store.appLogs(AppLogQuery(appId: "a", maxVerbosity: 1), page: PageRequest())
            #expect(infoAndUp.total == 3)
            let byMethod = try await store.appLogs(AppLogQuery(appId: "a", method: "onEnable"), page: PageRequest())
            #expect(byMethod.items.map(\.message) == ["onEnable at 1", "onEnable at 2"])
            let window = try await store.appLogs(
                AppLogQuery(appId: "a", since: Self.t0.addingTimeInterval(2), until: Self.t0.addingTimeInterval(3)), page: PageRequest())
            #expect(window.items.map(\.message) == ["onEnable at 2", "executePostMessageSent at 3"])

            // Retention: age first, then a count per app (newest kept).
            #expect(try await store.pruneAppLogs(before: Self.t0.addingTimeInterval(2), keepPerApp: 2) == 2)
            #expect(try await store.appLogs(AppLogQuery(appId: "a"), page: PageRequest()).items.map(\.message) == [
                "executePostMessageSent at 3", "onDisable at 4",
            ])
            #expect(try await store.appLogs(AppLogQuery(appId: "b"), page: PageRequest()).total == 1)

            // Uninstalling an app removes its lines.
            try await store.installApp(Self.appRecord("a", bot: nil), package: Data([1]), botUser: nil)
            try await store.uninstallApp(id: "a")
            #expect(try await store.appLogs(AppLogQuery(appId: "a"), page: PageRequest()).total == 0)
        }
    }

    @Test(arguments: Backend.allCases) func appPersistenceByIdAndAssociations(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            func record(_ id: String, app: String = "a", _ associations: [String], _ value: Int) -> AppPersistenceRecord {
                AppPersistenceRecord(id: id, appId: app, data: ["value": .number(Double(value)), "nested": ["ok": true]], associations: associations)
            }
            try await store.insertPersistence(record("p1", ["room:r1", "misc:config"], 1))
            try await store.insertPersistence(record("p2", ["room:r1"], 2))
            try await store.insertPersistence(record("p3", ["room:r2"], 3))
            try await store.insertPersistence(record("p4", app: "b", ["room:r1"], 4))
            await #expect(throws: StoreError(.duplicate(key: "persistence.id"), "")) { try await store.insertPersistence(record("p1", [], 0)) }

            #expect(try await store.persistence(appId: "a", id: "p1")?.data["nested"]?["ok"] == true)
            #expect(try await store.persistence(appId: "b", id: "p1") == nil)  // scoped by app
            #expect(Set(try await store.persistence(appId: "a", associations: ["room:r1"]).map(\.id)) == ["p1", "p2"])
            #expect(try await store.persistence(appId: "a", associations: ["room:r1", "misc:config"]).map(\.id) == ["p1"])
            #expect(try await store.persistence(appId: "a", associations: ["room:r9"]).isEmpty)
            #expect(Set(try await store.persistence(appId: "a", id: "p1")?.associations ?? []) == ["room:r1", "misc:config"])

            #expect(try await store.updatePersistence(appId: "a", id: "p2", data: ["value": 20]))
            #expect(try await store.persistence(appId: "a", id: "p2")?.data == ["value": 20])
            #expect(try await store.updatePersistence(appId: "b", id: "p2", data: [:]) == false)

            #expect(try await store.removePersistence(appId: "a", id: "p3")?.data["value"] == 3)
            #expect(try await store.removePersistence(appId: "a", id: "p3") == nil)
            #expect(Set(try await store.removePersistence(appId: "a", associations: ["room:r1"]).map(\.id)) == ["p1", "p2"])
            #expect(try await store.persistence(appId: "a", associations: ["room:r1"]).isEmpty)
            #expect(try await store.persistence(appId: "b", id: "p4") != nil)

            // Uninstalling an app removes its persistence.
            try await store.installApp(Self.appRecord("b", bot: nil), package: Data([1]), botUser: nil)
            try await store.uninstallApp(id: "b")
            #expect(try await store.persistence(appId: "b", id: "p4") == nil)
        }
    }

    /// Ids are per app: one app cannot take an id another app's upsert needs. Usage is counted per app.
    @Test(arguments: Backend.allCases) func persistenceIdsArePerAppAndUsageIsCounted(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            try await store.insertPersistence(AppPersistenceRecord(id: "settings", appId: "a", data: ["owner": "a"], associations: []))
            try await store.insertPersistence(AppPersistenceRecord(id: "settings", appId: "b", data: ["owner": "b", "pad": "xxxxxxxxxx"], associations: ["misc:x"]))
            #expect(try await store.persistence(appId: "a", id: "settings")?.data["owner"] == "a")
            #expect(try await store.persistence(appId: "b", id: "settings")?.data["owner"] == "b")
            #expect(try await store.persistence(appId: "b", associations: ["misc:x"]).map(\.id) == ["settings"])
            let a = try await store.persistenceUsage(appId: "a"), b = try await store.persistenceUsage(appId: "b")
            #expect(a.records == 1 && b.records == 1 && b.bytes > a.bytes && a.bytes > 0)
            #expect(try await store.removePersistence(appId: "a", id: "settings") != nil)
            #expect(try await store.persistence(appId: "b", id: "settings") != nil)
            #expect(try await store.persistenceUsage(appId: "a") == AppPersistenceUsage(records: 0, bytes: 0))
        }
    }

    /// User JSON that looks like MongoDB's extended JSON or operators is refused the same way on both stores, and
    /// JSON that only resembles it in values is kept exactly.
    @Test(arguments: Backend.allCases) func userJSONIsKeptExactlyOrRefusedTheSameWay(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let services = ChatServices(
                context: ChatContext(store: store, settings: ServerSettings(siteURL: "http://localhost")),
                hasher: PasswordHasher(iterations: 1, runner: InlineRunner()))
            let alice = Self.user("alice")
            try await store.insertUser(alice)
            let room = try await services.rooms.create(type: .channel, name: "json", members: [], readOnly: false, by: alice)
            for attachment: JSONValue in [
                ["ts": ["$date": 1_700_000_000_000]], ["$where": "1"], ["a.b": 1], ["x": ["y": [["$numberLong": "5"]]]],
                Self.nested(40),
            ] {
                await #expect(throws: ChatError.self, "\(attachment)") {
                    _ = try await services.messages.send(.init(text: "t", attachments: [attachment]), roomId: room.id, by: .user(alice))
                }
            }
            await #expect(throws: ChatError.self) {
                _ = try await services.messages.send(.init(text: "t", customFields: ["$set": ["x": 1]]), roomId: room.id, by: .user(alice))
            }
            let kept: [JSONValue] = [
                ["note": #"{"$date": 1}"#, "dollar": "$5", "deep": Self.nested(20), "list": [1.5, -2, "x", .null, true]],
            ]
            let sent = try await services.messages.send(
                .init(text: "t", attachments: kept, customFields: ["price": "$5", "nested": ["k": [1, 2]]]), roomId: room.id, by: .user(alice))
            let stored = try #require(try await store.message(id: sent.id))
            #expect(stored.attachments == kept)
            #expect(stored.customFields == ["price": "$5", "nested": ["k": [1, 2]]])
            // Room custom fields too.
            await #expect(throws: ChatError.self) {
                _ = try await services.rooms.create(
                    type: .channel, name: "bad", members: [], readOnly: false, customFields: ["$inc": ["n": 1]], by: alice)
            }
            let custom = try await services.rooms.create(
                type: .channel, name: "good", members: [], readOnly: false, customFields: ["when": ["date": "$date"]], by: alice)
            #expect(try await store.room(id: custom.id)?.customFields == ["when": ["date": "$date"]])
        }
    }

    /// Reactions are one step in the store: twenty users reacting at once are all kept.
    @Test(arguments: Backend.allCases) func concurrentReactionsAreAllKept(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let alice = Self.user("alice")
            try await store.insertUser(alice)
            let room = Self.room("r1", name: "react")
            try await store.createRoom(room, subscriptions: [Self.subscription(room: room, user: alice)])
            try await store.insertMessage(Self.message("m1", room: "r1", by: alice, at: 1))
            let names = (0..<20).map { "user\($0)" }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in names {
                    group.addTask { _ = try await store.setReaction(messageId: "m1", emoji: ":tada:", username: name, add: true, at: Self.t0) }
                }
                try await group.waitForAll()
            }
            #expect(Set(try await store.message(id: "m1")?.reactions[":tada:"] ?? []) == Set(names))
            let removed = try await store.setReaction(messageId: "m1", emoji: ":tada:", username: "user0", add: false, at: Self.t0)
            #expect(removed?.reactions[":tada:"]?.contains("user0") == false)
            #expect(try await store.setReaction(messageId: "nope", emoji: ":tada:", username: "x", add: true, at: Self.t0) == nil)
        }
    }

    static func nested(_ depth: Int) -> JSONValue {
        var value: JSONValue = "bottom"
        for _ in 0..<depth { value = ["down": value] }
        return value
    }

    @Test(arguments: Backend.allCases) func appJobsDueRescheduleAndCancel(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            func job(_ id: String, app: String = "a", _ processor: String, at offset: TimeInterval, every interval: String? = nil) -> AppJob {
                AppJob(id: id, appId: app, processorId: processor, nextRunAt: Self.t0.addingTimeInterval(offset), interval: interval,
                       data: ["room": "r1"], createdAt: Self.t0)
            }
            #expect(try await store.nextJobRunAt() == nil)
            try await store.insertJob(job("j1", "once", at: 10))
            try await store.insertJob(job("j2", "tick", at: 5, every: "1 minute"))
            try await store.insertJob(job("j3", app: "b", "tick", at: 20))
            #expect(try await store.dueJobs(at: Self.t0.addingTimeInterval(10), limit: 10).map(\.id) == ["j2", "j1"])
            #expect(try await store.nextJobRunAt() == Self.t0.addingTimeInterval(5))
            #expect(try await store.dueJobs(at: Self.t0.addingTimeInterval(10), limit: 1).map(\.id) == ["j2"])
            #expect(try await store.dueJobs(at: Self.t0.addingTimeInterval(10), limit: 10).first?.data == ["room": "r1"])

            #expect(try await store.rescheduleJob(id: "j2", nextRunAt: Self.t0.addingTimeInterval(65)))
            #expect(try await store.dueJobs(at: Self.t0.addingTimeInterval(60), limit: 10).map(\.id) == ["j1", "j3"])
            #expect(try await store.jobs(appId: "a").map(\.id) == ["j1", "j2"])
            #expect(try await store.jobs(appId: "a").last?.nextRunAt == Self.t0.addingTimeInterval(65))

            #expect(try await store.deleteJob(id: "j1"))
            #expect(try await store.deleteJob(id: "j1") == false)
            #expect(try await store.rescheduleJob(id: "j1", nextRunAt: Self.t0) == false)
            #expect(try await store.deleteJobs(appId: "a", processorId: "other") == 0)
            #expect(try await store.deleteJobs(appId: "a", processorId: "tick") == 1)

            try await store.installApp(Self.appRecord("b", bot: nil), package: Data([1]), botUser: nil)
            try await store.uninstallApp(id: "b")
            #expect(try await store.jobs(appId: "b").isEmpty)
        }
    }

    /// The login throttle's counters shared by every node (MongoDB only): the limit holds across callers, a window
    /// that passed starts over, attempts are given back one at a time or cleared.
    @Test func sharedLoginAttempts() async throws {
        try await Self.withStore(.mongo) { store in
            let counters = try #require(store as? any LoginAttemptStore)
            let t = { (seconds: TimeInterval) in Self.t0.addingTimeInterval(seconds) }
            for _ in 0..<3 { #expect(try await counters.reserveAttempt("user:a", limit: 3, window: 300, now: t(0))) }
            #expect(try await counters.reserveAttempt("user:a", limit: 3, window: 300, now: t(10)) == false)
            #expect(try await counters.reserveAttempt("user:b", limit: 3, window: 300, now: t(10)))
            try await counters.giveBackAttempt("user:a", clear: false)
            #expect(try await counters.reserveAttempt("user:a", limit: 3, window: 300, now: t(20)))
            #expect(try await counters.reserveAttempt("user:a", limit: 3, window: 300, now: t(20)) == false)
            #expect(try await counters.reserveAttempt("user:a", limit: 3, window: 300, now: t(301)))
            try await counters.giveBackAttempt("user:a", clear: true)
            for _ in 0..<3 { #expect(try await counters.reserveAttempt("user:a", limit: 3, window: 300, now: t(302))) }
        }
    }

    /// Apps' call tallies left for the other nodes (MongoDB only): a node's minute is replaced, not added to; a
    /// reader sees the other nodes' minutes from the one asked on, not its own; uninstall takes every node's.
    @Test func sharedCallTallies() async throws {
        try await Self.withStore(.mongo) { store in
            let tallies = try #require(store as? any AppCallTallyStore)
            func tally(_ minute: Int64, _ method: String, calls: Int, seconds: Double) -> AppCallTally {
                var tally = AppCallTally(minute: minute, method: method)
                tally.calls = calls
                tally.maxSeconds = seconds
                for _ in 0..<calls { tally.latency.add(seconds) }
                return tally
            }
            try await tallies.saveCallTallies(node: "A", appId: "a", minute: 100, tallies: [tally(100, "hook", calls: 1, seconds: 0.01)])
            try await tallies.saveCallTallies(node: "A", appId: "a", minute: 100, tallies: [tally(100, "hook", calls: 5, seconds: 0.01)])
            try await tallies.saveCallTallies(node: "A", appId: "a", minute: 90, tallies: [tally(90, "hook", calls: 7, seconds: 0.01)])
            try await tallies.saveCallTallies(
                node: "B", appId: "a", minute: 100, tallies: [tally(100, "hook", calls: 2, seconds: 0.2), tally(100, "onEnable", calls: 1, seconds: 0.003)])
            try await tallies.saveCallTallies(node: "B", appId: "b", minute: 100, tallies: [tally(100, "hook", calls: 3, seconds: 0.01)])

            let seenByC = try await tallies.callTallies(appIds: ["a"], sinceMinute: 95, excludingNode: "C")
            #expect(seenByC.keys.sorted() == ["a"])
            #expect(seenByC["a"]?.filter { $0.method == "hook" }.map(\.calls).sorted() == [2, 5])
            #expect(seenByC["a"]?.first { $0.method == "hook" && $0.calls == 2 } == tally(100, "hook", calls: 2, seconds: 0.2))
            let seenByA = try await tallies.callTallies(appIds: nil, sinceMinute: 0, excludingNode: "A")
            #expect(seenByA.mapValues { $0.map(\.calls).reduce(0, +) } == ["a": 3, "b": 3])

            try await store.installApp(Self.appRecord("a", bot: nil), package: Data([1]), botUser: nil)
            try await store.uninstallApp(id: "a")
            #expect(try await tallies.callTallies(appIds: ["a"], sinceMinute: 0, excludingNode: "C").isEmpty)
        }
    }

    /// Job leases (several nodes polling the same jobs): one claim wins while its lease holds; the holder renews
    /// it; an expired lease is taken over; a job not yet due cannot be claimed; rescheduling gives the lease back.
    @Test(arguments: Backend.allCases) func appJobLeases(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let t = { (seconds: TimeInterval) in Self.t0.addingTimeInterval(seconds) }
            try await store.insertJob(AppJob(id: "j", appId: "a", processorId: "tick", nextRunAt: t(10), interval: "1 second", data: nil, createdAt: Self.t0))
            #expect(try await store.claimJob(id: "j", owner: "A", until: t(15), now: t(5)) == false)
            #expect(try await store.claimJob(id: "j", owner: "A", until: t(15), now: t(10)))
            #expect(try await store.claimJob(id: "j", owner: "B", until: t(16), now: t(11)) == false)
            #expect(try await store.renewJobLease(id: "j", owner: "A", until: t(20)))
            #expect(try await store.renewJobLease(id: "j", owner: "B", until: t(20)) == false)
            #expect(try await store.claimJob(id: "j", owner: "B", until: t(25), now: t(19)) == false)
            // A dead holder's lease expires and the job, still due, is taken over.
            #expect(try await store.claimJob(id: "j", owner: "B", until: t(25), now: t(21)))
            #expect(try await store.renewJobLease(id: "j", owner: "A", until: t(30)) == false)
            #expect(try await store.rescheduleJob(id: "j", nextRunAt: t(22)))
            #expect(try await store.claimJob(id: "j", owner: "A", until: t(27), now: t(22)))
            #expect(try await store.claimJob(id: "nope", owner: "A", until: t(27), now: t(22)) == false)
        }
    }

    @Test(arguments: Backend.allCases) func concurrentWritersLoseNothing(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let users = (0..<8).map { Self.user("u\($0)") }
            for user in users { try await store.insertUser(user) }
            let room = Self.room("r1", name: "busy")
            try await store.createRoom(room, subscriptions: users.map { Self.subscription(room: room, user: $0) })
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (u, user) in users.enumerated() {
                    group.addTask {
                        for i in 0..<50 {
                            try await store.insertMessage(Self.message("m-\(u)-\(i)", room: "r1", by: user, at: TimeInterval(i)))
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.room(id: "r1")?.messageCount == 400)
            // Each member gets one unread per message by someone else.
            for user in users {
                #expect(try await store.subscription(roomId: "r1", userId: user.id)?.unread == 350)
            }
            let all = try await store.messages(roomId: "r1", page: PageRequest(offset: 0, count: 1000), oldest: nil, latest: nil, inclusive: false)
            #expect(all.total == 400 && Set(all.items.map(\.id)).count == 400)
        }
    }
}
