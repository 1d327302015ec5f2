/// The one place permissions are decided: a user holds a permission when one of their global roles, or one of their
/// roles in the room at hand (owner/moderator/leader), is granted it by the table.
public struct PermissionPolicy: Sendable {
    public var table: PermissionTable

    public init(table: PermissionTable = .rocketChatDefaults) {
        self.table = table
    }

    /// Whether `user` holds `permission`, optionally in a room where they have `roomRoles`.
    public func allows(_ user: User, _ permission: Permission, roomRoles: [String] = []) -> Bool {
        guard user.active else { return false }
        let granted = table.roles(for: permission)
        return user.roles.contains(where: granted.contains) || roomRoles.contains(where: granted.contains)
    }

    /// Throws Rocket.Chat's 403 `error-unauthorized` unless allowed.
    public func require(_ user: User, _ permission: Permission, roomRoles: [String] = []) throws {
        guard allows(user, permission, roomRoles: roomRoles) else { throw ChatError.unauthorized() }
    }
}
