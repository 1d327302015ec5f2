import Foundation

/// The kind of account, as Rocket.Chat's `type` field.
public enum UserType: String, Sendable, Codable, CaseIterable {
    case user, bot, app
}

/// An email address attached to a user.
public struct Email: Sendable, Hashable, Codable {
    public var address: String
    public var verified: Bool

    public init(address: String, verified: Bool = false) {
        self.address = address
        self.verified = verified
    }
}

/// A chat account.
///
/// The password hash lives here so the store can keep a user in one record, but no wire DTO ever reads it.
public struct User: Sendable, Hashable, Codable {
    public var id: String
    public var username: String
    public var name: String
    public var emails: [Email]
    public var roles: [String]
    public var type: UserType
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// `nil` for accounts that cannot log in with a password (app bots).
    public var passwordHash: PasswordHash?
    /// The status the user chose (`online`, `away`, `busy`, `offline`; nil: none chosen). Airlock has no presence
    /// tracking: this is what is shown.
    public var status: String?
    /// The status message shown beside the status.
    public var statusText: String?
    public var bio: String?
    /// Rocket.Chat's `customFields`: free-form data (apps keep theirs here).
    public var customFields: [String: JSONValue]?
    /// The app that created this user (`IModifyCreator.startBotUser`), as Rocket.Chat's `appId`.
    public var appId: String?

    /// The statuses a user may choose.
    public static let statuses: Set<String> = ["online", "away", "busy", "offline"]

    public init(
        id: String, username: String, name: String, emails: [Email] = [], roles: [String] = ["user"],
        type: UserType = .user, active: Bool = true, createdAt: Date, updatedAt: Date? = nil,
        passwordHash: PasswordHash? = nil
    ) {
        self.id = id
        self.username = username
        self.name = name
        self.emails = emails
        self.roles = roles
        self.type = type
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.passwordHash = passwordHash
    }

    /// A short reference embedded in messages and rooms.
    public var ref: UserRef { UserRef(id: id, username: username, name: name) }

    public func hasRole(_ role: String) -> Bool { roles.contains(role) }
}

/// A user as embedded in other records (`u` in Rocket.Chat documents).
public struct UserRef: Sendable, Hashable, Codable {
    public var id: String
    public var username: String
    public var name: String?

    public init(id: String, username: String, name: String? = nil) {
        self.id = id
        self.username = username
        self.name = name
    }
}
