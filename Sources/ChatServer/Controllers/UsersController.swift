import ChatCore
import Foundation
import Hummingbird

/// `users.*`.
struct UsersController {
    let services: ChatServices
    let limits: APILimits

    func register(on api: RouterGroup<AirlockRequestContext>) {
        api.post("users.create") { request, context in
            let caller = try context.caller()
            let body = try await request.json(CreateRequest.self, limit: limits.maxBodySize)
            let user = try await services.users.create(
                .init(
                    username: body.username, name: body.name, email: body.email, password: body.password,
                    roles: body.roles ?? ["user"], active: body.active ?? true, verified: body.verified ?? false),
                by: caller)
            return try JSONResponse.success(Named(key: "user", value: UserDTO(user, showPrivate: true)))
        }
        api.get("users.info") { request, context in
            let caller = try context.caller()
            let user = try await services.users.find(id: request.query("userId"), username: request.query("username"))
            let dto = UserDTO(user, showPrivate: services.users.canSeePrivateFields(of: user, viewer: caller))
            return try JSONResponse.success(Named(key: "user", value: dto))
        }
        api.get("users.list") { request, context in
            let caller = try context.caller()
            let page = try request.page(settings: services.context.settings, defaultAscending: true)
            // `filter`: a substring of the username or name (the admin console's search).
            let result = try await services.users.list(matching: request.searchQuery("filter"), page: page)
            let items = result.items.map { UserDTO($0, showPrivate: services.users.canSeePrivateFields(of: $0, viewer: caller)) }
            return try JSONResponse.success(PagedList(key: "users", items: items, offset: page.offset, total: result.total))
        }
        api.post("users.update") { request, context in
            let caller = try context.caller()
            let body = try await request.json(UpdateRequest.self, limit: limits.maxBodySize)
            let d = body.data
            let user = try await services.users.update(
                userId: body.userId,
                changes: .init(username: d.username, name: d.name, email: d.email, password: d.password, roles: d.roles, active: d.active),
                by: .user(caller), session: context.authToken.map(AuthService.digest(ofToken:)))
            return try JSONResponse.success(Named(key: "user", value: UserDTO(user, showPrivate: true)))
        }
        // The status a user chooses, and its message; others' only with edit-other-user-info.
        api.post("users.setStatus") { request, context in
            let caller = try context.caller()
            let body = try await request.json(StatusRequest.self, limit: limits.maxBodySize)
            guard body.status != nil || body.message != nil else { throw ChatError.invalidParams("Provide a status or a message") }
            _ = try await services.users.update(
                userId: body.userId ?? caller.id, changes: .init(status: body.status, statusText: body.message), by: .user(caller))
            return JSONResponse.success()
        }
        api.get("users.getStatus") { request, context in
            let caller = try context.caller()
            let user = try await services.users.find(id: request.query("userId") ?? caller.id, username: nil)
            return try JSONResponse.success(StatusReply(_id: user.id, status: user.status ?? "offline", connectionStatus: "offline", message: user.statusText ?? ""))
        }
        api.post("users.updateOwnBasicInfo") { request, context in
            let caller = try context.caller()
            let d = try await request.json(OwnInfoRequest.self, limit: limits.maxBodySize).data
            let user = try await services.users.updateOwn(
                caller,
                changes: .init(
                    username: d.username, name: d.name ?? d.realname, email: d.email, newPassword: d.newPassword,
                    currentPassword: d.currentPassword),
                session: context.authToken.map(AuthService.digest(ofToken:)), address: context.clientAddress)
            return try JSONResponse.success(Named(key: "user", value: UserDTO(user, showPrivate: true)))
        }
        api.post("users.delete") { request, context in
            let caller = try context.caller()
            let body = try await request.json(DeleteRequest.self, limit: limits.maxBodySize)
            let target = try await services.users.find(id: body.userId, username: body.username)
            try await services.users.delete(userId: target.id, by: .user(caller))
            return JSONResponse.success()
        }
        api.post("users.generatePersonalAccessToken") { request, context in
            let caller = try context.caller()
            let body = try await request.json(TokenRequest.self, limit: limits.maxBodySize)
            let token = try await services.auth.generatePersonalAccessToken(for: caller, name: body.tokenName, expiresInDays: body.expiresInDays)
            return try JSONResponse.success(Named(key: "token", value: token))
        }
        api.post("users.regeneratePersonalAccessToken") { request, context in
            let caller = try context.caller()
            let body = try await request.json(TokenRequest.self, limit: limits.maxBodySize)
            let token = try await services.auth.regeneratePersonalAccessToken(of: caller, name: body.tokenName)
            return try JSONResponse.success(Named(key: "token", value: token))
        }
        api.get("users.getPersonalAccessTokens") { _, context in
            let tokens = try await services.auth.personalAccessTokens(of: try context.caller())
            return try JSONResponse.success(Named(key: "tokens", value: tokens.map(PersonalTokenDTO.init)))
        }
        api.post("users.removePersonalAccessToken") { request, context in
            let caller = try context.caller()
            let body = try await request.json(TokenRequest.self, limit: limits.maxBodySize)
            try await services.auth.removePersonalAccessToken(of: caller, name: body.tokenName)
            return JSONResponse.success()
        }
    }

    struct CreateRequest: Decodable {
        let username: String
        let name: String
        let email: String
        let password: String
        let roles: [String]?
        let active: Bool?
        let verified: Bool?
    }

    struct StatusRequest: Decodable {
        let status: String?
        let message: String?
        let userId: String?
    }

    struct StatusReply: Encodable {
        let _id: String
        let status: String
        let connectionStatus: String
        let message: String
    }

    struct UpdateRequest: Decodable {
        let userId: String
        let data: Changes

        struct Changes: Decodable {
            let username: String?
            let name: String?
            let email: String?
            let password: String?
            let roles: [String]?
            let active: Bool?
        }
    }

    struct DeleteRequest: Decodable {
        let userId: String?
        let username: String?
    }

    struct TokenRequest: Decodable {
        let tokenName: String
        /// Airlock's addition: the token stops working after this many days.
        let expiresInDays: Int?
    }

    /// `users.updateOwnBasicInfo`'s body: `{data: {...}}`; `currentPassword` is the hex SHA-256 of the password.
    struct OwnInfoRequest: Decodable {
        let data: Fields

        struct Fields: Decodable {
            let username: String?
            let name: String?
            let realname: String?
            let email: String?
            let newPassword: String?
            let currentPassword: String?
        }
    }

    /// One entry of `users.getPersonalAccessTokens` (Rocket.Chat's shape; the token itself is never stored).
    struct PersonalTokenDTO: Encodable {
        let name: String
        let createdAt: WireTime
        let lastTokenPart: String
        let bypassTwoFactor: Bool
        let expiresAt: WireTime?

        init(_ token: AccessToken) {
            name = token.name ?? ""
            createdAt = WireTime(token.createdAt, .iso)
            lastTokenPart = token.lastTokenPart ?? ""
            bypassTwoFactor = false
            expiresAt = token.expiresAt.map { WireTime($0, .iso) }
        }
    }
}
