import Foundation

/// A stored credential: only the SHA-256 digest of the token is kept, never the token itself.
public struct AccessToken: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Created by `login`; expires.
        case login
        /// Created by `users.generatePersonalAccessToken`; named, expires only when created with an expiry.
        case personal
    }

    /// Hex SHA-256 of the token.
    public var digest: String
    public var userId: String
    public var kind: Kind
    /// The name of a personal access token (unique per user).
    public var name: String?
    public var createdAt: Date
    public var expiresAt: Date?
    /// The last six characters of a personal access token, so its owner can tell tokens apart (Rocket.Chat's
    /// `lastTokenPart`); the rest of the token is never stored.
    public var lastTokenPart: String?

    public init(
        digest: String, userId: String, kind: Kind, name: String? = nil, createdAt: Date, expiresAt: Date? = nil,
        lastTokenPart: String? = nil
    ) {
        self.digest = digest
        self.userId = userId
        self.kind = kind
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastTokenPart = lastTokenPart
    }
}
