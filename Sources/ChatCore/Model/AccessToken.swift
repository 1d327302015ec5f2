import Foundation

/// A stored credential: only the SHA-256 digest of the token is kept, never the token itself.
public struct AccessToken: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Created by `login`; expires.
        case login
        /// Created by `users.generatePersonalAccessToken`; named, never expires.
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

    public init(digest: String, userId: String, kind: Kind, name: String? = nil, createdAt: Date, expiresAt: Date? = nil) {
        self.digest = digest
        self.userId = userId
        self.kind = kind
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
