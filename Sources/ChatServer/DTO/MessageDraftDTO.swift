import ChatCore

/// A new message as Rocket.Chat clients send it, in REST's `chat.sendMessage` (`message`) and DDP's `sendMessage`
/// (first parameter): `{_id?, rid, msg, tmid?, alias?, emoji?, avatar?, attachments?, blocks?, customFields?}`.
/// Both surfaces read it here, so they accept exactly the same fields.
struct MessageDraftDTO {
    let roomId: String
    let draft: MessageService.Draft

    init(_ message: [String: JSONValue]) throws {
        guard let roomId = message["rid"]?.stringValue, !roomId.isEmpty else {
            throw ChatError.invalidParams("The message needs a rid")
        }
        self.roomId = roomId
        draft = MessageService.Draft(
            id: message["_id"]?.stringValue, text: message["msg"]?.stringValue ?? "", threadId: message["tmid"]?.stringValue,
            alias: message["alias"]?.stringValue, emoji: message["emoji"]?.stringValue, avatar: message["avatar"]?.stringValue,
            attachments: message["attachments"]?.arrayValue, blocks: message["blocks"]?.arrayValue,
            customFields: message["customFields"]?.objectValue)
    }
}
