import ChatCore
import Foundation
import Hummingbird

/// `rooms.createDiscussion`: a discussion hanging off a room or one of its messages, with an optional first reply.
struct DiscussionsController {
    let services: ChatServices
    let limits: APILimits

    struct CreateRequest: Decodable {
        let prid: String
        let pmid: String?
        let t_name: String
        let users: [String]?
        let reply: String?
    }

    func register(on api: RouterGroup<AirlockRequestContext>) {
        api.post("rooms.createDiscussion") { request, context in
            let caller = try context.caller()
            let body = try await request.json(CreateRequest.self, limit: limits.maxBodySize)
            let discussion = try await services.rooms.createDiscussion(
                RoomService.NewDiscussion(parentRoomId: body.prid, parentMessageId: body.pmid, title: body.t_name, members: body.users ?? []),
                by: .user(caller))
            if let reply = body.reply, !reply.isEmpty {
                _ = try await services.messages.send(MessageService.Draft(text: reply), roomId: discussion.id, by: .user(caller))
            }
            return try JSONResponse.success(Named(key: "discussion", value: RoomDTO(discussion)))
        }
    }
}
