import ChatCore
import Foundation
import Testing

/// One test per row of the default permission table: exactly the listed roles hold the permission, whether the role
/// is global or a room role, and inactive users hold nothing.
@Suite struct PermissionPolicyTests {
    static let roles = ["admin", "user", "bot", "app", "guest", "owner", "moderator", "leader", "anonymous"]
    static let rows = PermissionTable.rocketChatDefaults.grants.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) }

    static func user(roles: [String], active: Bool = true) -> User {
        User(id: "u1", username: "u", name: "U", roles: roles, active: active, createdAt: Date(timeIntervalSince1970: 0))
    }

    @Test(arguments: rows)
    func row(permission: Permission, granted: Set<String>) {
        let policy = PermissionPolicy()
        for role in Self.roles {
            let globalAllowed = policy.allows(Self.user(roles: [role]), permission)
            let roomAllowed = policy.allows(Self.user(roles: []), permission, roomRoles: [role])
            #expect(globalAllowed == granted.contains(role), "\(permission.rawValue) for global role \(role)")
            #expect(roomAllowed == granted.contains(role), "\(permission.rawValue) for room role \(role)")
        }
        #expect(!policy.allows(Self.user(roles: Array(granted), active: false), permission))
    }

    @Test func tableMatchesRocketChatForKeyPermissions() {
        let table = PermissionTable.rocketChatDefaults
        #expect(table.roles(for: .createUser) == ["admin"])
        #expect(table.roles(for: .manageApps) == ["admin"])
        #expect(table.roles(for: .editOtherUserMessage) == ["admin", "owner", "moderator"])
        #expect(table.roles(for: "no-such-permission").isEmpty)
    }

    @Test func requireThrowsRocketChatUnauthorized() {
        let policy = PermissionPolicy()
        #expect(throws: ChatError.unauthorized()) { try policy.require(Self.user(roles: ["user"]), .createUser) }
        #expect(throws: Never.self) { try policy.require(Self.user(roles: ["admin"]), .createUser) }
    }

    @Test func tableIsData() {
        var table = PermissionTable.rocketChatDefaults
        table.set(.createUser, role: "user", granted: true)
        #expect(PermissionPolicy(table: table).allows(Self.user(roles: ["user"]), .createUser))
        table.set(.createUser, role: "user", granted: false)
        #expect(!PermissionPolicy(table: table).allows(Self.user(roles: ["user"]), .createUser))
    }
}
