import ChatCore
import Foundation
import Hummingbird

/// `rooms.get`, `rooms.adminRooms` and `subscriptions.*`.
struct SubscriptionsController {
    let services: ChatServices
    let limits: APILimits

    func register(on api: RouterGroup<AirlockRequestContext>) {
        api.get("rooms.get") { request, context in
            let caller = try context.caller()
            let rooms = try await services.rooms.roomsOf(caller, updatedSince: try request.dateQuery("updatedSince"))
            return try JSONResponse.success(Changes(update: rooms.map { RoomDTO($0) }, remove: []))
        }
        // Rocket.Chat's admin listing: `filter` (a substring of the name) and `types[]` (c, p, d; every kind when
        // absent); needs view-room-administration.
        api.get("rooms.adminRooms") { request, context in
            let caller = try context.caller()
            let page = try request.page(settings: services.context.settings, defaultAscending: true)
            var types = Set<RoomType>()
            for code in request.queryAll("types[]") + request.queryAll("types") {
                guard let type = RoomType(rawValue: String(code)) else { throw ChatError.invalidParams("Unknown room type \"\(code)\"") }
                types.insert(type)
            }
            let result = try await services.rooms.listForAdministration(
                types: types, matching: request.searchQuery("filter"), page: page, by: caller)
            return try JSONResponse.success(
                PagedList(key: "rooms", items: result.items.map { RoomDTO($0) }, offset: page.offset, total: result.total))
        }
        api.get("subscriptions.get") { request, context in
            let caller = try context.caller()
            let subscriptions = try await services.rooms.subscriptions(
                of: caller, updatedSince: try request.dateQuery("updatedSince"))
            return try JSONResponse.success(Changes(update: subscriptions.map { SubscriptionDTO($0) }, remove: []))
        }
        api.get("subscriptions.getOne") { request, context in
            let caller = try context.caller()
            let roomId = try request.requiredQuery("roomId")
            let subscription = try await services.rooms.subscription(roomId: roomId, user: caller)
            return try JSONResponse.success(One(subscription: subscription.map { SubscriptionDTO($0) }))
        }
        api.post("subscriptions.read") { request, context in
            let caller = try context.caller()
            let body = try await request.json(ReadRequest.self, limit: limits.maxBodySize)
            guard let roomId = body.rid ?? body.roomId else { throw ChatError.invalidParams("The required \"rid\" param is missing.") }
            try await services.rooms.markRead(roomId: roomId, user: caller)
            return JSONResponse.success()
        }
    }

    struct Changes<Item: Encodable & Sendable>: Encodable, Sendable {
        let update: [Item]
        let remove: [Item]
    }

    /// `subscription` is `null` (not absent) when the caller is not a member, as in Rocket.Chat.
    struct One: Encodable, Sendable {
        let subscription: SubscriptionDTO?

        enum CodingKeys: String, CodingKey { case subscription }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(subscription, forKey: .subscription)
        }
    }

    struct ReadRequest: Decodable {
        let rid: String?
        let roomId: String?
    }
}
