import Foundation

/// A user's membership of a room, with per-user state (unread count, open/hidden, room roles).
public struct Subscription: Sendable, Hashable, Codable {
    public var id: String
    public var roomId: String
    public var user: UserRef
    /// The room's name as this user sees it (the other user's username for direct rooms).
    public var name: String
    public var displayName: String
    public var roomType: RoomType
    public var open: Bool
    public var unread: Int
    public var alert: Bool
    /// Room roles: `owner`, `moderator`, `leader`.
    public var roles: [String]
    public var createdAt: Date
    public var updatedAt: Date
    public var lastSeen: Date?

    public init(
        id: String, roomId: String, user: UserRef, name: String, displayName: String, roomType: RoomType,
        open: Bool = true, unread: Int = 0, alert: Bool = false, roles: [String] = [], createdAt: Date,
        updatedAt: Date? = nil, lastSeen: Date? = nil
    ) {
        self.id = id
        self.roomId = roomId
        self.user = user
        self.name = name
        self.displayName = displayName
        self.roomType = roomType
        self.open = open
        self.unread = unread
        self.alert = alert
        self.roles = roles
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.lastSeen = lastSeen
    }
}
