import ChatCore
import Foundation
import Hummingbird

/// `channels.*` and `groups.*`: one implementation parameterised by room type, as the two families share semantics.
struct RoomsController {
    let services: ChatServices
    let limits: APILimits
    let type: RoomType

    /// Route prefix (`channels` / `groups`) and the key rooms are returned under (`channel` / `group`).
    var prefix: String { type == .channel ? "channels" : "groups" }
    var key: String { type == .channel ? "channel" : "group" }

    func register(on api: RouterGroup<AirlockRequestContext>) {
        api.post("\(prefix).create") { request, context in
            let caller = try context.caller()
            let body = try await request.json(CreateRequest.self, limit: limits.maxBodySize)
            let room = try await services.rooms.create(
                type: type, name: body.name, members: body.members ?? [], readOnly: body.readOnly ?? false, by: caller)
            return try JSONResponse.success(Named(key: key, value: RoomDTO(room)))
        }
        api.get("\(prefix).info") { request, context in
            let room = try await readable(request.reference(), context: context)
            return try JSONResponse.success(Named(key: key, value: RoomDTO(room)))
        }
        api.get("\(prefix).list") { request, context in
            let caller = try context.caller()
            let page = try request.page(settings: services.context.settings, defaultAscending: true)
            let result =
                type == .channel
                ? try await services.rooms.listChannels(page: page, by: caller)
                : try await services.rooms.listJoined(type: type, page: page, by: caller)
            return try JSONResponse.success(
                PagedList(key: prefix, items: result.items.map { RoomDTO($0) }, offset: page.offset, total: result.total))
        }
        if type == .channel {
            api.get("channels.list.joined") { request, context in
                let caller = try context.caller()
                let page = try request.page(settings: services.context.settings, defaultAscending: true)
                let result = try await services.rooms.listJoined(type: .channel, page: page, by: caller)
                return try JSONResponse.success(
                    PagedList(key: "channels", items: result.items.map { RoomDTO($0) }, offset: page.offset, total: result.total))
            }
            api.post("channels.join") { request, context in
                let caller = try context.caller()
                let body = try await request.json(RoomRequest.self, limit: limits.maxBodySize)
                let room = try await services.rooms.find(try body.reference(), types: [.channel])
                let joined = try await services.rooms.join(room, user: caller)
                return try JSONResponse.success(Named(key: key, value: RoomDTO(joined)))
            }
        }
        api.get("\(prefix).history") { request, context in
            let room = try await readable(request.reference(), context: context)
            let page = try request.page(settings: services.context.settings, defaultAscending: false)
            let result = try await services.messages.history(
                of: room, page: page, oldest: try request.dateQuery("oldest"), latest: try request.dateQuery("latest"),
                inclusive: request.query("inclusive") == "true")
            return try JSONResponse.success(
                PagedList(key: "messages", items: result.items.map { MessageDTO($0) }, offset: page.offset, total: result.total))
        }
        api.post("\(prefix).leave") { request, context in
            let caller = try context.caller()
            let body = try await request.json(RoomRequest.self, limit: limits.maxBodySize)
            let room = try await services.rooms.readable(try body.reference(), types: [type], by: caller)
            let updated = try await services.rooms.leave(room, user: caller)
            return try JSONResponse.success(Named(key: key, value: RoomDTO(updated)))
        }
        api.post("\(prefix).invite") { request, context in
            let caller = try context.caller()
            let body = try await request.json(MemberRequest.self, limit: limits.maxBodySize)
            var room = try await services.rooms.readable(try body.reference(), types: [type], by: caller)
            let userIds = body.userIds ?? body.userId.map { [$0] } ?? []
            guard !userIds.isEmpty else { throw ChatError.invalidParams("The required \"userId\" param is missing.") }
            for userId in userIds { room = try await services.rooms.invite(userId: userId, to: room, by: caller) }
            return try JSONResponse.success(Named(key: key, value: RoomDTO(room)))
        }
        api.post("\(prefix).kick") { request, context in
            let caller = try context.caller()
            let body = try await request.json(MemberRequest.self, limit: limits.maxBodySize)
            let room = try await services.rooms.readable(try body.reference(), types: [type], by: caller)
            guard let userId = body.userId else { throw ChatError.invalidParams("The required \"userId\" param is missing.") }
            let updated = try await services.rooms.kick(userId: userId, from: room, by: .user(caller))
            return try JSONResponse.success(Named(key: key, value: RoomDTO(updated)))
        }
        api.get("\(prefix).members") { request, context in
            let room = try await readable(request.reference(), context: context)
            let page = try request.page(settings: services.context.settings, defaultAscending: true)
            let result = try await services.rooms.members(of: room, page: page)
            let users = try await services.context.store.users(ids: result.items.map(\.user.id))
            let byId = Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let members = result.items.compactMap { byId[$0.user.id].map { MemberDTO($0) } }
            return try JSONResponse.success(PagedList(key: "members", items: members, offset: page.offset, total: result.total))
        }
        api.post("\(prefix).delete") { request, context in
            let caller = try context.caller()
            let body = try await request.json(RoomRequest.self, limit: limits.maxBodySize)
            let room = try await services.rooms.readable(try body.reference(), types: [type], by: caller)
            try await services.rooms.delete(room, by: .user(caller))
            return JSONResponse.success()
        }
    }

    private func readable(_ reference: RoomService.Reference, context: AirlockRequestContext) async throws -> Room {
        try await services.rooms.readable(reference, types: [type], by: try context.caller())
    }

    struct CreateRequest: Decodable {
        let name: String
        let members: [String]?
        let readOnly: Bool?
    }

    struct RoomRequest: Decodable {
        let roomId: String?
        let roomName: String?

        func reference() throws -> RoomService.Reference {
            if let roomId, !roomId.isEmpty { return .id(roomId) }
            if let roomName, !roomName.isEmpty { return .name(roomName) }
            throw ChatError.invalidParams("The parameter \"roomId\" or \"roomName\" is required")
        }
    }

    struct MemberRequest: Decodable {
        let roomId: String?
        let roomName: String?
        let userId: String?
        let userIds: [String]?

        func reference() throws -> RoomService.Reference {
            try RoomRequest(roomId: roomId, roomName: roomName).reference()
        }
    }
}

extension Request {
    /// `roomId` or `roomName` from the query string.
    func reference() throws -> RoomService.Reference {
        if let id = query("roomId") { return .id(id) }
        if let name = query("roomName") { return .name(name) }
        throw ChatError.invalidParams("The parameter \"roomId\" or \"roomName\" is required")
    }
}
