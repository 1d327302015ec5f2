import ChatCore
import Foundation

/// A user as Rocket.Chat's REST API shows it. Emails only when the viewer may see them; never a password hash
/// or token digest (the domain's `passwordHash` is simply not mapped).
struct UserDTO: Encodable, Sendable {
    let _id: String
    let username: String
    let name: String
    let type: String
    let status: String
    let active: Bool
    let roles: [String]
    let emails: [EmailDTO]?
    let createdAt: WireTime
    let _updatedAt: WireTime
    let utcOffset: Int
    let statusText: String?
    let bio: String?
    let customFields: [String: JSONValue]?

    struct EmailDTO: Encodable, Sendable {
        let address: String
        let verified: Bool
    }

    init(_ user: User, showPrivate: Bool, style: DateStyle = .iso) {
        _id = user.id
        username = user.username
        name = user.name
        type = user.type.rawValue
        status = user.status ?? "offline"
        active = user.active
        roles = user.roles
        emails = showPrivate ? user.emails.map { EmailDTO(address: $0.address, verified: $0.verified) } : nil
        createdAt = WireTime(user.createdAt, style)
        _updatedAt = WireTime(user.updatedAt, style)
        utcOffset = 0
        statusText = user.statusText
        bio = user.bio
        customFields = showPrivate ? user.customFields : nil
    }
}

/// `u` of messages and rooms.
struct UserRefDTO: Encodable, Sendable {
    let _id: String
    let username: String
    let name: String?

    init(_ ref: UserRef, includeName: Bool = true) {
        _id = ref.id
        username = ref.username
        name = includeName ? ref.name : nil
    }
}

/// A room member as `*.members` lists it.
struct MemberDTO: Encodable, Sendable {
    let _id: String
    let username: String
    let name: String?
    let status: String

    init(_ user: User) {
        _id = user.id
        username = user.username
        name = user.name
        status = user.status ?? "offline"
    }
}
