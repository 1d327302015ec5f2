import ChatCore
import Foundation
import Synchronization
import Testing

/// The services call the hook port at each entry point and honour its answers.
@Suite struct HookPortTests {
    @Test func messageHooksRefuseRewriteAndObserve() async throws {
        let hooks = RecordingHooks()
        let h = try Harness(hooks: hooks)
        defer { h.cleanup() }
        let alice = try await h.user("alice")
        let room = try await h.services.rooms.create(type: .channel, name: "general", members: [], readOnly: false, by: alice)
        #expect(room.topic == "set by hook")

        await #expect(throws: ChatError(.refused, code: "error-app-prevented-sending", message: "blocked by test")) {
            _ = try await h.services.messages.send(.init(text: "forbidden words"), roomId: room.id, by: .user(alice))
        }
        let sent = try await h.services.messages.send(.init(text: "darn it"), roomId: room.id, by: .user(alice))
        #expect(sent.text == "**** it")
        #expect(sent.id != "hijacked-id")
        let stored = try await h.services.context.store.message(id: sent.id)
        #expect(stored?.text == "**** it")

        let kept = try await h.services.messages.send(.init(text: "keep me"), roomId: room.id, by: .user(alice))
        await #expect(throws: ChatError(.refused, code: "error-app-prevented-deleting", message: "kept by test")) {
            _ = try await h.services.messages.delete(messageId: kept.id, roomId: room.id, by: .user(alice))
        }
        _ = try await h.services.messages.update(messageId: sent.id, roomId: room.id, edit: .text("edited"), by: .user(alice))
        try await h.services.messages.react(messageId: sent.id, emoji: "smile", shouldReact: nil, by: .user(alice))
        _ = try await h.services.messages.delete(messageId: sent.id, roomId: room.id, by: .user(alice))

        let recorded = hooks.events.withLock { $0 }
        #expect(recorded.contains("postMessageSent:**** it"))
        #expect(!recorded.contains("postMessageSent:forbidden words"))
        for event in ["preMessageUpdated:alice", "postMessageUpdated", "postMessageReacted::smile::true", "postMessageDeleted", "postRoomCreated"] {
            #expect(recorded.contains(event), "\(event)")
        }
    }

    /// An app changes chat through the same services as a person, as its bot: its own permission replaces the chat
    /// permission and membership checks, and validation, hooks and events apply as for anyone.
    @Test func appsActThroughTheSameServicesUnderTheirOwnRules() async throws {
        let hooks = RecordingHooks()
        let h = try Harness(hooks: hooks)
        defer { h.cleanup() }
        let alice = try await h.user("alice")
        let bob = try await h.user("bob")
        let bot = User(id: "bot-id-2", username: "helper.bot", name: "Helper", roles: ["app"], type: .app, createdAt: Date())
        try await h.services.users.insert(bot)
        let app = ChatActor.app(id: "app-1", user: bot)
        let room = try await h.services.rooms.create(type: .channel, name: "town", members: [], readOnly: false, by: alice)
        let sent = try await h.services.messages.send(.init(text: "hello"), roomId: room.id, by: .user(alice))
        // Posting: bob is no member; an app posts as its bot or as bob in any room, read-only included, with an alias.
        await #expect(throws: ChatError.self) {
            _ = try await h.services.messages.send(.init(text: "hi"), roomId: room.id, by: .user(bob))
        }
        let announcements = try await h.services.rooms.create(type: .privateGroup, name: "news", members: [], readOnly: true, by: alice)
        let posted = try await h.services.messages.send(.init(text: "digest", alias: "Digest"), roomId: announcements.id, by: app)
        #expect(posted.sender.id == bot.id && posted.alias == "Digest")
        let asBob = try await h.services.messages.send(.init(text: "for bob"), roomId: room.id, by: .app(id: "app-1", user: bob))
        #expect(asBob.sender.id == bob.id)
        try await h.services.messages.react(messageId: sent.id, emoji: "smile", shouldReact: true, by: .user(alice))

        // Bob is no member and holds no edit right; the app's bot is no member either, and needs none.
        await #expect(throws: ChatError.self) {
            _ = try await h.services.messages.update(messageId: sent.id, roomId: room.id, edit: .text("bob's"), by: .user(bob))
        }
        var rewritten = sent
        rewritten.text = "rewritten by the app"
        rewritten.sender = bot.ref  // identity is not the app's to change
        let edited = try await h.services.messages.update(messageId: sent.id, roomId: nil, edit: .content(rewritten), by: app)
        #expect(edited.text == "rewritten by the app" && edited.sender.id == alice.id)
        #expect(edited.editedBy?.id == bot.id && edited.reactions[":smile:"] == ["alice"])
        rewritten.text = "veto this"
        await #expect(throws: ChatError(.refused, code: "error-app-prevented-updating", message: "vetoed by test")) {
            _ = try await h.services.messages.update(messageId: sent.id, roomId: nil, edit: .content(rewritten), by: app)
        }
        #expect(try await h.services.context.store.message(id: sent.id)?.text == "rewritten by the app")

        let kept = try await h.services.messages.send(.init(text: "keep me"), roomId: room.id, by: .user(alice))
        await #expect(throws: ChatError.self) { _ = try await h.services.messages.delete(messageId: kept.id, roomId: nil, by: app) }
        _ = try await h.services.messages.delete(messageId: sent.id, roomId: nil, by: app)
        #expect(try await h.services.context.store.message(id: sent.id) == nil)

        // Rooms: a user needs edit-room (the creator owns the room), an app its own permission.
        var changed = room
        changed.topic = "news"
        await #expect(throws: ChatError.self) { _ = try await h.services.rooms.update(changed, addingUsernames: [], by: .user(bob)) }
        #expect(try await h.services.rooms.update(changed, addingUsernames: [], by: .user(alice)).topic == "news")
        changed.description = "by the app"
        let updated = try await h.services.rooms.update(changed, addingUsernames: ["bob"], by: app)
        #expect(updated.description == "by the app")
        #expect(try await h.services.context.store.subscription(roomId: room.id, userId: bob.id) != nil)
        let direct = try await h.services.rooms.createDirect(with: ["bob"], by: .user(alice))
        await #expect(throws: ChatError.self) { try await h.services.rooms.delete(direct, by: app) }
        try await h.services.rooms.delete(updated, by: app)
        #expect(try await h.services.context.store.room(id: room.id) == nil)

        let recorded = hooks.events.withLock { $0 }
        for event in ["preMessageUpdated:helper.bot", "preMessageDeleted:helper.bot", "postUserJoinedRoom:bob", "preRoomDeleted"] {
            #expect(recorded.contains(event), "\(event)")
        }
    }

    @Test func roomAndMembershipHooks() async throws {
        let hooks = RecordingHooks()
        let h = try Harness(hooks: hooks)
        defer { h.cleanup() }
        let admin = try await h.user("boss", roles: ["admin", "user"])
        let banned = try await h.user("banned")
        let bob = try await h.user("bob")
        await #expect(throws: ChatError(.refused, code: "error-app-prevented", message: "no such rooms")) {
            _ = try await h.services.rooms.create(type: .channel, name: "blocked", members: [], readOnly: false, by: admin)
        }
        #expect(try await h.services.context.store.room(name: "blocked") == nil)
        let room = try await h.services.rooms.create(type: .privateGroup, name: "team", members: [], readOnly: false, by: admin)
        await #expect(throws: ChatError.self) { _ = try await h.services.rooms.invite(userId: banned.id, to: room, by: admin) }
        #expect(try await h.services.context.store.subscription(roomId: room.id, userId: banned.id) == nil)
        let joined = try await h.services.rooms.invite(userId: bob.id, to: room, by: admin)
        _ = try await h.services.rooms.leave(joined, user: bob)
        try await h.services.rooms.delete(room, by: .user(admin))
        let recorded = hooks.events.withLock { $0 }
        for event in ["postUserJoinedRoom:bob", "preUserLeavingRoom:bob", "postUserLeftRoom:bob", "preRoomDeleted", "postRoomDeleted", "postUserCreated:bob"] {
            #expect(recorded.contains(event), "\(event)")
        }
        #expect(!recorded.contains("postUserJoinedRoom:banned"))
    }

    @Test func directMessageToAppBotReachesSentToBot() async throws {
        let hooks = RecordingHooks()
        let h = try Harness(hooks: hooks)
        defer { h.cleanup() }
        let alice = try await h.user("alice")
        let bot = User(id: "bot-id-1", username: "weather.bot", name: "Weather", roles: ["app"], type: .app, createdAt: Date())
        try await h.services.users.insert(bot)
        let dm = try await h.services.rooms.createDirect(with: ["weather.bot"], by: .user(alice))
        _ = try await h.services.messages.send(.init(text: "forecast?"), roomId: dm.id, by: .user(alice))
        #expect(hooks.events.withLock { $0 }.contains("postMessageSentToBot:weather.bot"))
    }

    @Test func loginAndLogoutAreObserved() async throws {
        let hooks = RecordingHooks()
        let h = try Harness(hooks: hooks)
        defer { h.cleanup() }
        let alice = try await h.user("alice")
        let session = try await h.services.auth.login(
            .username("alice"), passwordDigest: PasswordHasher.digest(ofPlaintext: "pw-alice"), address: "10.0.0.1")
        try await h.services.auth.logout(user: alice, token: session.token)
        let recorded = hooks.events.withLock { $0 }
        #expect(recorded.contains("postUserLoggedIn:alice") && recorded.contains("postUserLoggedOut:alice"))
    }
}
