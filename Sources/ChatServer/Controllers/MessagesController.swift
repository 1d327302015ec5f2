import ChatCore
import Foundation
import Hummingbird

/// `chat.*`.
struct MessagesController {
    let services: ChatServices
    let limits: APILimits

    func register(on api: RouterGroup<AirlockRequestContext>) {
        api.post("chat.postMessage") { request, context in
            let caller = try context.caller()
            let body = try await request.json(PostRequest.self, limit: limits.maxBodySize)
            let roomId = try await target(of: body, caller: caller)
            let message = try await services.messages.send(
                .init(
                    text: body.text ?? "", threadId: body.tmid, alias: body.alias, emoji: body.emoji, avatar: body.avatar,
                    attachments: body.attachments, blocks: body.blocks, customFields: body.customFields),
                roomId: roomId, by: .user(caller))
            let ts = Int64((message.createdAt.timeIntervalSince1970 * 1000).rounded())
            return try JSONResponse.success(
                PostResponse(ts: ts, channel: body.channel ?? roomId, message: MessageDTO(message)))
        }
        api.post("chat.sendMessage") { request, context in
            let caller = try context.caller()
            let body = try await request.json(SendRequest.self, limit: limits.maxBodySize)
            let sent = try MessageDraftDTO(body.message)
            let message = try await services.messages.send(sent.draft, roomId: sent.roomId, by: .user(caller))
            return try JSONResponse.success(Named(key: "message", value: MessageDTO(message)))
        }
        api.post("chat.update") { request, context in
            let caller = try context.caller()
            let body = try await request.json(UpdateRequest.self, limit: limits.maxBodySize)
            let message = try await services.messages.update(
                messageId: body.msgId, roomId: body.roomId, edit: .text(body.text), by: .user(caller))
            return try JSONResponse.success(Named(key: "message", value: MessageDTO(message)))
        }
        api.post("chat.delete") { request, context in
            let caller = try context.caller()
            let body = try await request.json(DeleteRequest.self, limit: limits.maxBodySize)
            let message = try await services.messages.delete(messageId: body.msgId, roomId: body.roomId, by: .user(caller))
            let ts = Int64((services.context.clock.now().timeIntervalSince1970 * 1000).rounded())
            return try JSONResponse.success(
                DeleteResponse(
                    _id: message.id, ts: ts,
                    message: .init(_id: message.id, rid: message.roomId, u: UserRefDTO(message.sender, includeName: false))))
        }
        api.get("chat.getMessage") { request, context in
            let caller = try context.caller()
            let message = try await services.messages.get(messageId: try request.requiredQuery("msgId"), by: caller)
            return try JSONResponse.success(Named(key: "message", value: MessageDTO(message)))
        }
        api.post("chat.react") { request, context in
            let caller = try context.caller()
            let body = try await request.json(ReactRequest.self, limit: limits.maxBodySize)
            guard let messageId = body.messageId ?? body.msgId else {
                throw ChatError.invalidParams("The required \"messageId\" param is missing.")
            }
            guard let emoji = body.emoji ?? body.reaction else { throw ChatError.invalidParams("The required \"emoji\" param is missing.") }
            try await services.messages.react(messageId: messageId, emoji: emoji, shouldReact: body.shouldReact, by: .user(caller))
            return JSONResponse.success()
        }
        api.get("chat.getThreadMessages") { request, context in
            let caller = try context.caller()
            let page = try request.page(settings: services.context.settings, defaultAscending: true)
            let result = try await services.messages.threadMessages(
                threadId: try request.requiredQuery("tmid"), page: page, by: caller)
            return try JSONResponse.success(
                PagedList(key: "messages", items: result.items.map { MessageDTO($0) }, offset: page.offset, total: result.total))
        }
    }

    /// The room id: `roomId`, or `channel` as `#name` (channel or group) / `@username` (direct room, created on
    /// first use).
    private func target(of body: PostRequest, caller: User) async throws -> String {
        if let roomId = body.roomId, !roomId.isEmpty { return roomId }
        guard let channel = body.channel, !channel.isEmpty else {
            throw ChatError.invalidParams("The parameter \"roomId\" or \"channel\" is required")
        }
        if channel.hasPrefix("@") {
            return try await services.rooms.createDirect(with: [String(channel.dropFirst())], by: .user(caller)).id
        }
        let name = channel.hasPrefix("#") ? String(channel.dropFirst()) : channel
        return try await services.rooms.find(.name(name), types: [.channel, .privateGroup]).id
    }

    struct PostRequest: Decodable {
        let roomId: String?
        let channel: String?
        let text: String?
        let alias: String?
        let emoji: String?
        let avatar: String?
        let tmid: String?
        let attachments: [JSONValue]?
        let blocks: [JSONValue]?
        let customFields: [String: JSONValue]?
    }

    struct PostResponse: Encodable, Sendable {
        let ts: Int64
        let channel: String
        let message: MessageDTO
    }

    struct SendRequest: Decodable {
        let message: [String: JSONValue]
    }

    struct UpdateRequest: Decodable {
        let roomId: String
        let msgId: String
        let text: String
    }

    struct DeleteRequest: Decodable {
        let roomId: String
        let msgId: String
    }

    struct DeleteResponse: Encodable, Sendable {
        let _id: String
        let ts: Int64
        let message: Deleted

        struct Deleted: Encodable, Sendable {
            let _id: String
            let rid: String
            let u: UserRefDTO
        }
    }

    struct ReactRequest: Decodable {
        let messageId: String?
        let msgId: String?
        let emoji: String?
        let reaction: String?
        let shouldReact: Bool?
    }
}
