import Foundation

/// Room kinds with Rocket.Chat's one-letter codes.
public enum RoomType: String, Sendable, Codable, CaseIterable {
    /// Public channel.
    case channel = "c"
    /// Private group.
    case privateGroup = "p"
    /// Direct message.
    case direct = "d"
}

/// A room: public channel, private group or direct conversation.
public struct Room: Sendable, Hashable, Codable {
    public var id: String
    public var type: RoomType
    /// Unique among channels and groups; `nil` for direct rooms (their identity is their member list).
    public var name: String?
    public var creator: UserRef?
    public var createdAt: Date
    public var updatedAt: Date
    public var messageCount: Int
    public var usersCount: Int
    public var readOnly: Bool
    public var isDefault: Bool
    public var topic: String?
    public var description: String?
    /// Members of a direct room (usernames, sorted), as Rocket.Chat keeps them on the room.
    public var usernames: [String]
    /// Member ids of a direct room, parallel to `usernames`.
    public var userIds: [String]
    public var lastMessageAt: Date?
    /// Rocket.Chat's `customFields`: free-form data apps (and integrations) keep on the room.
    public var customFields: [String: JSONValue]?
    /// A discussion's parent room (Rocket.Chat's `prid`); nil for every other room.
    public var parentRoomId: String?
    /// The name shown for the room (Rocket.Chat's `fname`) when it is not `name`: a discussion's title (its `name`
    /// is a generated id, as in Rocket.Chat).
    public var displayName: String?

    public init(
        id: String, type: RoomType, name: String?, creator: UserRef?, createdAt: Date, updatedAt: Date? = nil,
        messageCount: Int = 0, usersCount: Int = 0, readOnly: Bool = false, isDefault: Bool = false,
        topic: String? = nil, description: String? = nil, usernames: [String] = [], userIds: [String] = [],
        lastMessageAt: Date? = nil, customFields: [String: JSONValue]? = nil, parentRoomId: String? = nil, displayName: String? = nil
    ) {
        self.id = id
        self.type = type
        self.name = name
        self.creator = creator
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.messageCount = messageCount
        self.usersCount = usersCount
        self.readOnly = readOnly
        self.isDefault = isDefault
        self.topic = topic
        self.description = description
        self.usernames = usernames
        self.userIds = userIds
        self.lastMessageAt = lastMessageAt
        self.customFields = customFields
        self.parentRoomId = parentRoomId
        self.displayName = displayName
    }
}
