/// A named permission, with Rocket.Chat's names.
public struct Permission: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let createChannel: Permission = "create-c"
    public static let createGroup: Permission = "create-p"
    public static let createDirect: Permission = "create-d"
    public static let createUser: Permission = "create-user"
    public static let deleteUser: Permission = "delete-user"
    public static let editOtherUserInfo: Permission = "edit-other-user-info"
    public static let viewFullOtherUserInfo: Permission = "view-full-other-user-info"
    public static let editMessage: Permission = "edit-message"
    public static let editOtherUserMessage: Permission = "edit-other-user-message"
    public static let deleteMessage: Permission = "delete-message"
    public static let deleteOwnMessage: Permission = "delete-own-message"
    public static let addUserToJoinedRoom: Permission = "add-user-to-joined-room"
    public static let addUserToAnyPublicRoom: Permission = "add-user-to-any-c-room"
    public static let addUserToAnyPrivateRoom: Permission = "add-user-to-any-p-room"
    public static let removeUser: Permission = "remove-user"
    public static let editRoom: Permission = "edit-room"
    public static let viewRoomAdministration: Permission = "view-room-administration"
    public static let viewPublicRoom: Permission = "view-c-room"
    public static let viewDirectRoom: Permission = "view-d-room"
    public static let deletePublicRoom: Permission = "delete-c"
    public static let deletePrivateRoom: Permission = "delete-p"
    public static let leavePublicRoom: Permission = "leave-c"
    public static let leavePrivateRoom: Permission = "leave-p"
    public static let postReadOnly: Permission = "post-readonly"
    /// Sending a message under another name or picture (`alias`, `avatar`).
    public static let messageImpersonate: Permission = "message-impersonate"
    /// Starting a discussion (a room hanging off a room, or off one of its messages).
    public static let startDiscussion: Permission = "start-discussion"
    public static let manageApps: Permission = "manage-apps"
    public static let manageIncomingIntegrations: Permission = "manage-incoming-integrations"
    public static let manageOutgoingIntegrations: Permission = "manage-outgoing-integrations"
    public static let createPersonalAccessTokens: Permission = "create-personal-access-tokens"
}
