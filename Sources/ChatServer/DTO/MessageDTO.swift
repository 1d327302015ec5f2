import ChatCore
import Foundation

/// A message as Rocket.Chat's REST API shows it.
///
/// Dates are formatted when the DTO is built rather than through a `JSONEncoder` date strategy: a custom strategy
/// creates a nested encoder per date, which showed as a visible share of the send path.
struct MessageDTO: Encodable, Sendable {
    let _id: String
    let rid: String
    let msg: String
    let ts: WireTime
    let u: UserRefDTO
    let _updatedAt: WireTime
    let editedAt: WireTime?
    let editedBy: UserRefDTO?
    let tmid: String?
    let tcount: Int?
    let tlm: WireTime?
    let reactions: [String: ReactionDTO]?
    let attachments: [JSONValue]?
    let blocks: [JSONValue]?
    let alias: String?
    let emoji: String?
    let avatar: String?
    let customFields: [String: JSONValue]?
    let t: String?
    /// The discussion this message started or announced (Rocket.Chat's `drid`).
    let drid: String?
    /// `{i: <integration id>}` for a message a webhook integration posted.
    let bot: [String: String]?
    let mentions: [String]
    let channels: [String]

    struct ReactionDTO: Encodable, Sendable {
        let usernames: [String]
    }

    init(_ message: Message, style: DateStyle = .iso) {
        _id = message.id
        rid = message.roomId
        msg = message.text
        ts = WireTime(message.createdAt, style)
        u = UserRefDTO(message.sender)
        _updatedAt = WireTime(message.updatedAt, style)
        editedAt = message.editedAt.map { WireTime($0, style) }
        editedBy = message.editedBy.map { UserRefDTO($0, includeName: false) }
        tmid = message.threadId
        tcount = message.threadCount
        tlm = message.threadLastMessageAt.map { WireTime($0, style) }
        reactions = message.reactions.isEmpty ? nil : message.reactions.mapValues { ReactionDTO(usernames: $0) }
        attachments = message.attachments
        blocks = message.blocks
        alias = message.alias
        emoji = message.emoji
        avatar = message.avatar
        customFields = message.customFields
        t = message.systemType
        drid = message.discussionId
        bot = message.integrationId.map { ["i": $0] }
        mentions = []
        channels = []
    }
}
