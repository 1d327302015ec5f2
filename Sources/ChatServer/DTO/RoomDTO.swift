import ChatCore
import Foundation

/// A room as Rocket.Chat's REST API shows it. Dates are pre-formatted strings (see ``MessageDTO``).
struct RoomDTO: Encodable, Sendable {
    let _id: String
    let t: String
    let name: String?
    let fname: String?
    let u: UserRefDTO?
    let ts: WireTime
    let _updatedAt: WireTime
    let msgs: Int
    let usersCount: Int
    let ro: Bool
    let `default`: Bool
    let sysMes: Bool
    let topic: String?
    let description: String?
    let usernames: [String]?
    let uids: [String]?
    let lm: WireTime?
    let customFields: [String: JSONValue]?
    /// A discussion's parent room.
    let prid: String?

    init(_ room: Room, style: DateStyle = .iso) {
        _id = room.id
        t = room.type.rawValue
        name = room.name
        fname = room.displayName ?? room.name
        u = room.creator.map { UserRefDTO($0, includeName: false) }
        ts = WireTime(room.createdAt, style)
        _updatedAt = WireTime(room.updatedAt, style)
        msgs = room.messageCount
        usersCount = room.usersCount
        ro = room.readOnly
        `default` = room.isDefault
        sysMes = true
        topic = room.topic
        description = room.description
        usernames = room.type == .direct ? room.usernames : nil
        uids = room.type == .direct ? room.userIds : nil
        customFields = room.customFields
        prid = room.parentRoomId
        lm = room.lastMessageAt.map { WireTime($0, style) }
    }
}

/// `dm.create`'s room: Rocket.Chat answers a reduced shape with `rid` beside `_id`.
struct DirectRoomDTO: Encodable, Sendable {
    let _id: String
    let rid: String
    let t: String
    let usernames: [String]
    let uids: [String]
    let ts: WireTime
    let _updatedAt: WireTime
    let msgs: Int
    let usersCount: Int

    init(_ room: Room, style: DateStyle = .iso) {
        _id = room.id
        rid = room.id
        t = room.type.rawValue
        usernames = room.usernames
        uids = room.userIds
        ts = WireTime(room.createdAt, style)
        _updatedAt = WireTime(room.updatedAt, style)
        msgs = room.messageCount
        usersCount = room.usersCount
    }
}

/// A subscription as Rocket.Chat's REST API shows it.
struct SubscriptionDTO: Encodable, Sendable {
    let _id: String
    let rid: String
    let u: UserRefDTO
    let name: String
    let fname: String
    let t: String
    let ts: WireTime
    let ls: WireTime?
    let _updatedAt: WireTime
    let open: Bool
    let alert: Bool
    let unread: Int
    let userMentions: Int
    let groupMentions: Int
    let roles: [String]?

    init(_ subscription: Subscription, style: DateStyle = .iso) {
        _id = subscription.id
        rid = subscription.roomId
        u = UserRefDTO(subscription.user, includeName: false)
        name = subscription.name
        fname = subscription.displayName
        t = subscription.roomType.rawValue
        ts = WireTime(subscription.createdAt, style)
        ls = subscription.lastSeen.map { WireTime($0, style) }
        _updatedAt = WireTime(subscription.updatedAt, style)
        open = subscription.open
        alert = subscription.alert
        unread = subscription.unread
        userMentions = 0
        groupMentions = 0
        roles = subscription.roles.isEmpty ? nil : subscription.roles
    }
}
