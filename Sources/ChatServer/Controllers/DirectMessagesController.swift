import ChatCore
import Foundation
import Hummingbird

/// `dm.*`, with `im.*` as aliases of the same handlers.
struct DirectMessagesController {
    let services: ChatServices
    let limits: APILimits

    func register(on api: RouterGroup<AirlockRequestContext>) {
        for prefix in ["dm", "im"] { register(prefix: prefix, on: api) }
    }

    private func register(prefix: String, on api: RouterGroup<AirlockRequestContext>) {
        api.post("\(prefix).create") { request, context in
            let caller = try context.caller()
            let body = try await request.json(CreateRequest.self, limit: limits.maxBodySize)
            let usernames =
                body.usernames.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                ?? body.username.map { [$0] } ?? []
            let room = try await services.rooms.createDirect(with: usernames, by: .user(caller))
            return try JSONResponse.success(Named(key: "room", value: DirectRoomDTO(room)))
        }
        api.get("\(prefix).list") { request, context in
            let caller = try context.caller()
            let page = try request.page(settings: services.context.settings, defaultAscending: true)
            let result = try await services.rooms.listJoined(type: .direct, page: page, by: caller)
            return try JSONResponse.success(
                PagedList(key: "ims", items: result.items.map { RoomDTO($0) }, offset: page.offset, total: result.total))
        }
        for route in ["history", "messages"] {
            api.get("\(prefix).\(route)") { request, context in
                let room = try await directRoom(request, context: context)
                let page = try request.page(settings: services.context.settings, defaultAscending: false)
                let result = try await services.messages.history(
                    of: room, page: page, oldest: try request.dateQuery("oldest"), latest: try request.dateQuery("latest"),
                    inclusive: request.query("inclusive") == "true")
                return try JSONResponse.success(
                    PagedList(key: "messages", items: result.items.map { MessageDTO($0) }, offset: page.offset, total: result.total))
            }
        }
        api.get("\(prefix).members") { request, context in
            let room = try await directRoom(request, context: context)
            let page = try request.page(settings: services.context.settings, defaultAscending: true)
            let result = try await services.rooms.members(of: room, page: page)
            let users = try await services.context.store.users(ids: result.items.map(\.user.id))
            let byId = Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let members = result.items.compactMap { byId[$0.user.id].map { MemberDTO($0) } }
            return try JSONResponse.success(PagedList(key: "members", items: members, offset: page.offset, total: result.total))
        }
        for (route, open) in [("open", true), ("close", false)] {
            api.post("\(prefix).\(route)") { request, context in
                let caller = try context.caller()
                let body = try await request.json(RoomRequest.self, limit: limits.maxBodySize)
                guard let roomId = body.roomId else { throw ChatError.invalidParams("The required \"roomId\" param is missing.") }
                let room = try await services.rooms.readable(.id(roomId), types: [.direct], by: caller)
                try await services.rooms.setOpen(open, room: room, user: caller)
                return JSONResponse.success()
            }
        }
    }

    /// The direct room named by `roomId`, or by `username` (the caller's direct room with that user).
    private func directRoom(_ request: Request, context: AirlockRequestContext) async throws -> Room {
        let caller = try context.caller()
        if let roomId = request.query("roomId") {
            return try await services.rooms.readable(.id(roomId), types: [.direct], by: caller)
        }
        if let username = request.query("username") {
            guard let other = try await services.context.store.user(username: username),
                let room = try await services.context.store.directRoom(userIds: Array(Set([caller.id, other.id])))
            else { throw ChatError.roomNotFound() }
            return room
        }
        throw ChatError.invalidParams("Body param \"roomId\" or \"username\" is required")
    }

    struct CreateRequest: Decodable {
        let username: String?
        let usernames: String?
    }

    struct RoomRequest: Decodable {
        let roomId: String?
    }
}
