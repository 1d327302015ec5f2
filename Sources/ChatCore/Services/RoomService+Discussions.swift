import AirlockCrypto
import Foundation

extension RoomService {
    /// What a discussion starts from: its parent room, optionally one of the parent's messages, a title and the
    /// members to add besides the creator.
    public struct NewDiscussion: Sendable {
        public var parentRoomId: String
        public var parentMessageId: String?
        public var title: String
        public var members: [String]

        public init(parentRoomId: String, parentMessageId: String? = nil, title: String, members: [String] = []) {
            self.parentRoomId = parentRoomId
            self.parentMessageId = parentMessageId
            self.title = title
            self.members = members
        }
    }

    /// `rooms.createDiscussion` and an app's `IModifyCreator.startDiscussion`, as Rocket.Chat has them: a room whose
    /// `parentRoomId` is the parent (public when the parent is a channel, private otherwise), named by a generated id
    /// and shown by its title, owned by the creator. The parent gets a `discussion-created` system message pointing at
    /// it, and the message it started from (if any) points at it too. A user must be able to read the parent and hold
    /// `start-discussion`; an app acts under its own `room.write`. Discussions do not nest.
    public func createDiscussion(_ new: NewDiscussion, by actor: ChatActor) async throws -> Room {
        let creator = actor.user
        let title = new.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw ChatError.invalidParams("Discussion name is required") }
        guard let parent = try await context.store.room(id: new.parentRoomId) else { throw ChatError.roomNotFound() }
        if actor.checksChatPermissions {
            guard try await canRead(parent, user: creator) else { throw ChatError.roomNotFound() }
            try context.policy.require(creator, .startDiscussion)
        }
        guard parent.parentRoomId == nil else {
            throw ChatError(.refused, code: "error-nested-discussion", message: "Cannot create nested discussions")
        }
        var parentMessage: Message?
        if let id = new.parentMessageId {
            guard let message = try await context.store.message(id: id), message.roomId == parent.id else {
                throw ChatError(.refused, code: "error-invalid-message", message: "The parent message is not in the parent room")
            }
            guard message.discussionId == nil else {
                throw ChatError(.refused, code: "error-discussion-exists", message: "A discussion already started from this message")
            }
            parentMessage = message
        }
        var others: [User] = []
        for username in Set(new.members) where username != creator.username {
            guard let user = try await context.store.user(username: username) else { throw ChatError.invalidUser("Invalid user: \(username)") }
            others.append(user)
        }
        others.sort { $0.username < $1.username }
        let now = context.clock.now()
        var room = Room(
            id: RandomID.make(), type: parent.type == .channel ? .channel : .privateGroup, name: RandomID.make(), creator: creator.ref,
            createdAt: now, usersCount: others.count + 1, parentRoomId: parent.id, displayName: title)
        switch await context.hooks.preRoomCreated(room, creator: creator, members: others) {
        case .refuse(let code, let message): throw ChatError(.refused, code: code, message: message)
        case .proceed(let modified):
            room = Self.revalidated(modified, original: room)
            room.displayName = title
        }
        let discussion = try await store(room, creator: creator, others: others, now: now)
        try await postSystemMessage("discussion-created", about: creator, in: parent, by: creator, text: title, discussionId: discussion.id)
        if var message = parentMessage {
            message.discussionId = discussion.id
            try await context.store.updateMessage(message)
            context.events.publish(.messageUpdated(message, parent))
        }
        return discussion
    }
}
