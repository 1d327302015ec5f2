import Foundation

/// A webhook integration (Rocket.Chat's `rocketchat_integrations`): an incoming hook external services post to, or
/// an outgoing one the server calls when messages match.
public struct Integration: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case incoming = "webhook-incoming"
        case outgoing = "webhook-outgoing"
    }

    /// How long an outgoing hook waits before retry `n` (0-based), in units of the server's retry base (1 s).
    public enum RetryDelay: String, Sendable, Hashable, Codable, CaseIterable {
        case powersOfTen = "powers-of-ten"
        case powersOfTwo = "powers-of-two"
        case incrementsOfTwo = "increments-of-two"

        public func units(forRetry n: Int) -> Double {
            switch self {
            case .powersOfTen: pow(10, Double(n))
            case .powersOfTwo: pow(2, Double(n))
            case .incrementsOfTwo: Double(2 * (n + 1))
            }
        }
    }

    public var id: String
    public var kind: Kind
    public var name: String
    public var enabled: Bool
    /// The user messages are posted as.
    public var user: UserRef
    /// Incoming: the one target (`#room` or `@user`). Outgoing: the rooms watched (`#room`, `@user`,
    /// `all_public_channels`, `all_private_groups`, `all_direct_messages`); empty watches every public room.
    public var channels: [String]
    public var alias: String?
    public var avatar: String?
    public var emoji: String?
    /// Incoming: the secret in the hook's URL. Outgoing: sent with every call so the receiver can check it.
    public var token: String
    public var scriptEnabled: Bool
    public var script: String?
    // Outgoing only.
    public var event: String?
    public var urls: [String]
    public var triggerWords: [String]
    public var triggerWordAnywhere: Bool
    public var retryFailedCalls: Bool
    public var retryCount: Int
    public var retryDelay: RetryDelay
    public var createdAt: Date
    public var updatedAt: Date
    public var createdBy: UserRef?

    public init(
        id: String, kind: Kind, name: String, enabled: Bool, user: UserRef, channels: [String], alias: String? = nil,
        avatar: String? = nil, emoji: String? = nil, token: String, scriptEnabled: Bool = false, script: String? = nil,
        event: String? = nil, urls: [String] = [], triggerWords: [String] = [], triggerWordAnywhere: Bool = false,
        retryFailedCalls: Bool = true, retryCount: Int = 5, retryDelay: RetryDelay = .powersOfTen, createdAt: Date,
        updatedAt: Date? = nil, createdBy: UserRef? = nil
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.enabled = enabled
        self.user = user
        self.channels = channels
        self.alias = alias
        self.avatar = avatar
        self.emoji = emoji
        self.token = token
        self.scriptEnabled = scriptEnabled
        self.script = script
        self.event = event
        self.urls = urls
        self.triggerWords = triggerWords
        self.triggerWordAnywhere = triggerWordAnywhere
        self.retryFailedCalls = retryFailedCalls
        self.retryCount = retryCount
        self.retryDelay = retryDelay
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.createdBy = createdBy
    }

    /// Whether a script runs for this integration.
    public var runsScript: Bool { scriptEnabled && !(script ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
}
