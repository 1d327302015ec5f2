import Foundation

/// A chat message.
public struct Message: Sendable, Hashable, Codable {
    public var id: String
    public var roomId: String
    public var text: String
    public var sender: UserRef
    public var createdAt: Date
    public var updatedAt: Date
    public var editedAt: Date?
    public var editedBy: UserRef?
    /// Parent message id when this message is in a thread.
    public var threadId: String?
    /// Replies count, on a thread's parent message.
    public var threadCount: Int?
    /// Time of the last reply, on a thread's parent message.
    public var threadLastMessageAt: Date?
    /// Emoji (`:smile:`) → usernames who reacted with it.
    public var reactions: [String: [String]]
    public var attachments: [JSONValue]?
    public var blocks: [JSONValue]?
    public var alias: String?
    public var emoji: String?
    public var avatar: String?
    public var customFields: [String: JSONValue]?
    /// System message type (`uj`, `ul`, `ru`, ...); `nil` for user messages.
    public var systemType: String?
    /// The discussion started from this message, or announced by it (Rocket.Chat's `drid`).
    public var discussionId: String?
    /// The webhook integration that posted it (Rocket.Chat's `bot.i`); such messages never trigger outgoing hooks.
    public var integrationId: String?

    public init(
        id: String, roomId: String, text: String, sender: UserRef, createdAt: Date, updatedAt: Date? = nil,
        editedAt: Date? = nil, editedBy: UserRef? = nil, threadId: String? = nil, threadCount: Int? = nil,
        threadLastMessageAt: Date? = nil, reactions: [String: [String]] = [:], attachments: [JSONValue]? = nil,
        blocks: [JSONValue]? = nil, alias: String? = nil, emoji: String? = nil, avatar: String? = nil,
        customFields: [String: JSONValue]? = nil, systemType: String? = nil
    ) {
        self.id = id
        self.roomId = roomId
        self.text = text
        self.sender = sender
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.editedAt = editedAt
        self.editedBy = editedBy
        self.threadId = threadId
        self.threadCount = threadCount
        self.threadLastMessageAt = threadLastMessageAt
        self.reactions = reactions
        self.attachments = attachments
        self.blocks = blocks
        self.alias = alias
        self.emoji = emoji
        self.avatar = avatar
        self.customFields = customFields
        self.systemType = systemType
    }
}

extension Message {
    /// This message with `username`'s `emoji` reaction added or removed (an emoji nobody uses any more disappears).
    public func reacting(_ emoji: String, by username: String, add: Bool, at date: Date) -> Message {
        var message = self
        var users = message.reactions[emoji] ?? []
        guard users.contains(username) != add else { return message }
        if add { users.append(username) } else { users.removeAll { $0 == username } }
        message.reactions[emoji] = users.isEmpty ? nil : users
        message.updatedAt = date
        return message
    }
}
