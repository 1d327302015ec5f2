import ChatCore
import EmbeddedStore
import Foundation
import Synchronization

/// A chat core over a fresh embedded store in a temporary directory.
struct Harness {
    let services: ChatServices
    let directory: String

    init(hooks: any HookPipeline = NoopHookPipeline()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-core-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try EmbeddedStore(configuration: .init(path: directory + "/test.sqlite"))
        let context = ChatContext(store: store, hooks: hooks, settings: ServerSettings(siteURL: "http://test"))
        services = ChatServices(context: context, hasher: PasswordHasher(iterations: 1000, runner: InlineRunner()))
    }

    func user(_ name: String, roles: [String] = ["user"]) async throws -> User {
        try await services.users.create(
            .init(username: name, name: name.capitalized, email: "\(name)@example.org", password: "pw-\(name)", roles: roles),
            by: nil)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: directory) }
}

/// A hook pipeline that records post calls and applies simple rules in its pre calls, to prove the port's
/// entry points are called with the right values and their answers are honoured.
final class RecordingHooks: HookPipeline {
    let events = Mutex<[String]>([])

    private func record(_ event: String) { events.withLock { $0.append(event) } }

    func preMessageSent(_ message: Message, room: Room, sender: User) async -> HookDecision<Message> {
        record("preMessageSent")
        if message.text.contains("forbidden") { return .refuse(code: "error-app-prevented-sending", message: "blocked by test") }
        var modified = message
        modified.text = message.text.replacingOccurrences(of: "darn", with: "****")
        modified.id = "hijacked-id"  // must be ignored: hooks cannot change identity
        return .proceed(modified)
    }
    func postMessageSent(_ message: Message, room: Room, sender: User) { record("postMessageSent:\(message.text)") }
    func postMessageSentToBot(_ message: Message, room: Room, sender: User, bot: User) { record("postMessageSentToBot:\(bot.username)") }
    func preMessageUpdated(_ message: Message, previous: Message, room: Room, editor: User) async -> HookDecision<Message> {
        record("preMessageUpdated:\(editor.username)")
        if message.text.contains("veto") { return .refuse(code: "error-app-prevented-updating", message: "vetoed by test") }
        return .proceed(message)
    }
    func postMessageUpdated(_ message: Message, room: Room, editor: User) { record("postMessageUpdated") }
    func preMessageDeleted(_ message: Message, room: Room, deleter: User) async -> HookDecision<Message> {
        record("preMessageDeleted:\(deleter.username)")
        if message.text.contains("keep") { return .refuse(code: "error-app-prevented-deleting", message: "kept by test") }
        return .proceed(message)
    }
    func postMessageDeleted(_ message: Message, room: Room, deleter: User) { record("postMessageDeleted") }
    func postMessageReacted(_ message: Message, reaction: String, added: Bool, user: User) { record("postMessageReacted:\(reaction):\(added)") }
    func preRoomCreated(_ room: Room, creator: User, members: [User]) async -> HookDecision<Room> {
        record("preRoomCreated")
        if room.name == "blocked" { return .refuse(code: "error-app-prevented", message: "no such rooms") }
        var modified = room
        modified.topic = "set by hook"
        return .proceed(modified)
    }
    func postRoomCreated(_ room: Room, creator: User) { record("postRoomCreated") }
    func preRoomDeleted(_ room: Room, deleter: User) async -> HookDecision<Room> { record("preRoomDeleted"); return .proceed(room) }
    func postRoomDeleted(_ room: Room, deleter: User) { record("postRoomDeleted") }
    func preUserJoiningRoom(_ room: Room, user: User, inviter: User?) async -> HookDecision<Room> {
        record("preUserJoiningRoom:\(user.username)")
        if user.username == "banned" { return .refuse(code: "error-app-prevented", message: "banned by test") }
        return .proceed(room)
    }
    func postUserJoinedRoom(_ room: Room, user: User, inviter: User?) { record("postUserJoinedRoom:\(user.username)") }
    func preUserLeavingRoom(_ room: Room, user: User, remover: User?) async -> HookDecision<Room> {
        record("preUserLeavingRoom:\(user.username)")
        return .proceed(room)
    }
    func postUserLeftRoom(_ room: Room, user: User, remover: User?) { record("postUserLeftRoom:\(user.username)") }
    func postUserCreated(_ user: User, by creator: User?) { record("postUserCreated:\(user.username)") }
    func postUserUpdated(_ user: User, by editor: User?) { record("postUserUpdated:\(user.username)") }
    func postUserDeleted(_ user: User, by deleter: User?) { record("postUserDeleted:\(user.username)") }
    func postUserLoggedIn(_ user: User) { record("postUserLoggedIn:\(user.username)") }
    func postUserLoggedOut(_ user: User) { record("postUserLoggedOut:\(user.username)") }
}
