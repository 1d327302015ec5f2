import ChatCore
import Foundation

/// A room as Rocket.Chat's REST API shows it. Dates are pre-formatted strings (see ``MessageDTO``).
struct RoomDTO: Encodable, Sendable {
    let _id: String
    let t: String
    let name: String?
    let fname: String?
    let u: UserRefDTO?
    let ts: String
    let _updatedAt: String
    let msgs: Int
    let usersCount: Int
    let ro: Bool
    let `default`: Bool
    let sysMes: Bool
    let topic: String?
    let description: String?
    let usernames: [String]?
    let uids: [String]?
    let lm: String?

    init(_ room: Room) {
        _id = room.id
        t = room.type.rawValue
        name = room.name
        fname = room.name
        u = room.creator.map { UserRefDTO($0, includeName: false) }
        ts = WireDate.string(room.createdAt)
        _updatedAt = WireDate.string(room.updatedAt)
        msgs = room.messageCount
        usersCount = room.usersCount
        ro = room.readOnly
        `default` = room.isDefault
        sysMes = true
        topic = room.topic
        description = room.description
        usernames = room.type == .direct ? room.usernames : nil
        uids = room.type == .direct ? room.userIds : nil
        lm = room.lastMessageAt.map(WireDate.string)
    }
}

/// `dm.create`'s room: Rocket.Chat answers a reduced shape with `rid` beside `_id`.
struct DirectRoomDTO: Encodable, Sendable {
    let _id: String
    let rid: String
    let t: String
    let usernames: [String]
    let uids: [String]
    let ts: String
    let _updatedAt: String
    let msgs: Int
    let usersCount: Int

    init(_ room: Room) {
        _id = room.id
        rid = room.id
        t = room.type.rawValue
        usernames = room.usernames
        uids = room.userIds
        ts = WireDate.string(room.createdAt)
        _updatedAt = WireDate.string(room.updatedAt)
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
    let ts: String
    let ls: String?
    let _updatedAt: String
    let open: Bool
    let alert: Bool
    let unread: Int
    let userMentions: Int
    let groupMentions: Int
    let roles: [String]?

    init(_ subscription: Subscription) {
        _id = subscription.id
        rid = subscription.roomId
        u = UserRefDTO(subscription.user, includeName: false)
        name = subscription.name
        fname = subscription.displayName
        t = subscription.roomType.rawValue
        ts = WireDate.string(subscription.createdAt)
        ls = subscription.lastSeen.map(WireDate.string)
        _updatedAt = WireDate.string(subscription.updatedAt)
        open = subscription.open
        alert = subscription.alert
        unread = subscription.unread
        userMentions = 0
        groupMentions = 0
        roles = subscription.roles.isEmpty ? nil : subscription.roles
    }
}
