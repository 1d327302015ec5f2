import ChatCore
import Foundation
import Hummingbird

/// `roles.list`, `roles.getUsersInRole`, `roles.addUserToRole`, `roles.removeUserFromRole` (global roles; room roles
/// have their own `channels.*` routes).
struct RolesController {
    let services: ChatServices
    let limits: APILimits

    struct RoleDTO: Encodable {
        let _id: String
        let name: String
        let description: String
        let scope: String
        let `protected`: Bool
        let mandatory2fa = false
    }

    struct RoleRequest: Decodable {
        let roleId: String?
        let roleName: String?
        let username: String
        let roomId: String?
    }

    static func roles() -> [RoleDTO] {
        UserService.roleDescriptions.keys.sorted().map { RoleDTO(_id: $0, name: $0, description: UserService.roleDescriptions[$0] ?? "", scope: "Users", protected: true) }
            + UserService.roomRoles.keys.sorted().map { RoleDTO(_id: $0, name: $0, description: UserService.roomRoles[$0] ?? "", scope: "Subscriptions", protected: true) }
    }

    func register(on api: RouterGroup<AirlockRequestContext>) {
        api.get("roles.list") { _, context in
            _ = try context.caller()
            return try JSONResponse.success(Named(key: "roles", value: Self.roles()))
        }
        api.get("roles.getUsersInRole") { request, context in
            let caller = try context.caller()
            try services.context.policy.require(caller, .viewFullOtherUserInfo)
            let page = try request.page(settings: services.context.settings, defaultAscending: true)
            let result = try await services.users.users(inRole: try request.requiredQuery("role"), page: page)
            return try JSONResponse.success(PagedList(key: "users", items: result.items.map { UserDTO($0, showPrivate: true) }, offset: page.offset, total: result.total))
        }
        for (path, granted) in [("roles.addUserToRole", true), ("roles.removeUserFromRole", false)] {
            api.post(RouterPath(stringLiteral: path)) { request, context in
                let caller = try context.caller()
                let body = try await request.json(RoleRequest.self, limit: limits.maxBodySize)
                guard let role = body.roleName ?? body.roleId, !role.isEmpty else { throw ChatError.invalidParams("The required \"roleId\" param is missing.") }
                if body.roomId != nil {
                    throw ChatError.invalidParams("Room roles are set with channels.addOwner, addModerator and addLeader [error-invalid-role]")
                }
                _ = try await services.users.setRole(role, granted: granted, username: body.username, by: caller)
                let dto = Self.roles().first { $0._id == role }
                return try JSONResponse.success(Named(key: "role", value: dto))
            }
        }
    }
}
