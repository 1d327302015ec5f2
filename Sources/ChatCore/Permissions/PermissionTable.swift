/// Permission → roles, as data.
///
/// The defaults are Rocket.Chat's for the permissions Airlock implements. Global roles (`admin`, `user`, `bot`,
/// `app`, `guest`) and room roles (`owner`, `moderator`, `leader`) share the table, as in Rocket.Chat.
public struct PermissionTable: Sendable, Hashable {
    public private(set) var grants: [Permission: Set<String>]

    public init(grants: [Permission: Set<String>]) {
        self.grants = grants
    }

    /// The roles that hold `permission` (empty when unknown: default deny).
    public func roles(for permission: Permission) -> Set<String> {
        grants[permission] ?? []
    }

    /// Grants or revokes one role.
    public mutating func set(_ permission: Permission, role: String, granted: Bool) {
        if granted { grants[permission, default: []].insert(role) } else { grants[permission]?.remove(role) }
    }

    public static let rocketChatDefaults = PermissionTable(grants: [
        .createChannel: ["admin", "user", "bot", "app"],
        .createGroup: ["admin", "user", "bot", "app"],
        .createDirect: ["admin", "user", "bot", "app"],
        .createUser: ["admin"],
        .deleteUser: ["admin"],
        .editOtherUserInfo: ["admin"],
        .viewFullOtherUserInfo: ["admin"],
        .editMessage: ["admin", "owner", "moderator"],
        .editOtherUserMessage: ["admin", "owner", "moderator"],
        .deleteMessage: ["admin", "owner", "moderator"],
        .deleteOwnMessage: ["admin", "user", "bot", "app"],
        .messageImpersonate: ["bot", "app"],
        .addUserToJoinedRoom: ["admin", "owner", "moderator"],
        .addUserToAnyPublicRoom: ["admin"],
        .addUserToAnyPrivateRoom: ["admin"],
        .removeUser: ["admin", "owner", "moderator"],
        .editRoom: ["admin", "owner", "moderator"],
        .viewRoomAdministration: ["admin"],
        .viewPublicRoom: ["admin", "user", "bot", "app", "guest"],
        .viewDirectRoom: ["admin", "user", "bot", "app", "guest"],
        .deletePublicRoom: ["admin", "owner"],
        .deletePrivateRoom: ["admin", "owner"],
        .leavePublicRoom: ["admin", "user", "bot", "app", "guest"],
        .leavePrivateRoom: ["admin", "user", "bot", "app", "guest"],
        .postReadOnly: ["admin", "owner", "moderator"],
        .startDiscussion: ["admin", "user", "guest", "app"],
        .manageApps: ["admin"],
        .manageIncomingIntegrations: ["admin"],
        .manageOutgoingIntegrations: ["admin"],
        .createPersonalAccessTokens: ["admin", "user"],
    ])
}
