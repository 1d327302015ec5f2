/// The hook port: where the chat core lets apps veto, rewrite and observe actions.
///
/// The core calls exactly these entry points; the apps engine implements them. Each `pre…` call covers every pre
/// stage of its event in order (prevent → extend → modify for messages and rooms) and returns the value to continue
/// with or a refusal. `post…` calls are fire-and-forget: they are synchronous, must return at once (the implementation
/// queues the work) and never affect the action. Every entry point has a do-nothing default (below), so a server
/// without apps pays nothing.
public protocol HookPipeline: Sendable {
    // Messages
    func preMessageSent(_ message: Message, room: Room, sender: User) async -> HookDecision<Message>
    func postMessageSent(_ message: Message, room: Room, sender: User)
    /// Called after a system message (a join, a leave, ...) was stored; such messages never reach `postMessageSent`.
    func postSystemMessageSent(_ message: Message, room: Room, sender: User)
    /// Called after `postMessageSent` when the room is a direct room with an app's bot user.
    func postMessageSentToBot(_ message: Message, room: Room, sender: User, bot: User)
    func preMessageUpdated(_ message: Message, previous: Message, room: Room, editor: User) async -> HookDecision<Message>
    func postMessageUpdated(_ message: Message, room: Room, editor: User)
    func preMessageDeleted(_ message: Message, room: Room, deleter: User) async -> HookDecision<Message>
    func postMessageDeleted(_ message: Message, room: Room, deleter: User)
    func postMessageReacted(_ message: Message, reaction: String, added: Bool, user: User)

    // Rooms
    func preRoomCreated(_ room: Room, creator: User, members: [User]) async -> HookDecision<Room>
    func postRoomCreated(_ room: Room, creator: User)
    func preRoomDeleted(_ room: Room, deleter: User) async -> HookDecision<Room>
    func postRoomDeleted(_ room: Room, deleter: User)

    // Membership
    func preUserJoiningRoom(_ room: Room, user: User, inviter: User?) async -> HookDecision<Room>
    func postUserJoinedRoom(_ room: Room, user: User, inviter: User?)
    func preUserLeavingRoom(_ room: Room, user: User, remover: User?) async -> HookDecision<Room>
    func postUserLeftRoom(_ room: Room, user: User, remover: User?)

    // Users and sessions
    func postUserCreated(_ user: User, by creator: User?)
    func postUserUpdated(_ user: User, by editor: User?)
    /// Called after a user's chosen status or status message changed.
    func postUserStatusChanged(_ user: User, previousStatus: String)
    func postUserDeleted(_ user: User, by deleter: User?)
    func postUserLoggedIn(_ user: User)
    func postUserLoggedOut(_ user: User)
}

/// Every entry point defaults to "no apps": pre-hooks proceed unchanged, post-hooks do nothing. An implementation
/// overrides the events it delivers.
extension HookPipeline {
    public func preMessageSent(_ message: Message, room: Room, sender: User) async -> HookDecision<Message> { .proceed(message) }
    public func postMessageSent(_ message: Message, room: Room, sender: User) {}
    public func postMessageSentToBot(_ message: Message, room: Room, sender: User, bot: User) {}
    public func postSystemMessageSent(_ message: Message, room: Room, sender: User) {}
    public func preMessageUpdated(_ message: Message, previous: Message, room: Room, editor: User) async -> HookDecision<Message> {
        .proceed(message)
    }
    public func postMessageUpdated(_ message: Message, room: Room, editor: User) {}
    public func preMessageDeleted(_ message: Message, room: Room, deleter: User) async -> HookDecision<Message> { .proceed(message) }
    public func postMessageDeleted(_ message: Message, room: Room, deleter: User) {}
    public func postMessageReacted(_ message: Message, reaction: String, added: Bool, user: User) {}
    public func preRoomCreated(_ room: Room, creator: User, members: [User]) async -> HookDecision<Room> { .proceed(room) }
    public func postRoomCreated(_ room: Room, creator: User) {}
    public func preRoomDeleted(_ room: Room, deleter: User) async -> HookDecision<Room> { .proceed(room) }
    public func postRoomDeleted(_ room: Room, deleter: User) {}
    public func preUserJoiningRoom(_ room: Room, user: User, inviter: User?) async -> HookDecision<Room> { .proceed(room) }
    public func postUserJoinedRoom(_ room: Room, user: User, inviter: User?) {}
    public func preUserLeavingRoom(_ room: Room, user: User, remover: User?) async -> HookDecision<Room> { .proceed(room) }
    public func postUserLeftRoom(_ room: Room, user: User, remover: User?) {}
    public func postUserCreated(_ user: User, by creator: User?) {}
    public func postUserUpdated(_ user: User, by editor: User?) {}
    public func postUserStatusChanged(_ user: User, previousStatus: String) {}
    public func postUserDeleted(_ user: User, by deleter: User?) {}
    public func postUserLoggedIn(_ user: User) {}
    public func postUserLoggedOut(_ user: User) {}
}

/// No apps: every entry point keeps its default (a server without apps pays nothing).
public struct NoopHookPipeline: HookPipeline {
    public init() {}
}
