public import Foundation

/// A publisher key the server trusts to sign app packages (`airlock apps trust add`).
public struct TrustedKey: Sendable, Hashable, Codable {
    /// The key id signatures name: the first 16 hex digits of the SHA-256 of the raw public key.
    public var id: String
    /// Who the key belongs to, as the admin named it; shown as an app's signer.
    public var name: String
    /// The raw 32-byte Ed25519 public key, base64.
    public var publicKey: String
    public var createdAt: Date
    /// The admin who added it.
    public var createdBy: String?

    public init(id: String, name: String, publicKey: String, createdAt: Date, createdBy: String?) {
        self.id = id
        self.name = name
        self.publicKey = publicKey
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// The trust store of publisher keys, shared by every node on one database.
public protocol TrustedKeyStore: Sendable {
    /// Throws `duplicate(key: "trustedKey.id")` when the key is already trusted.
    func addTrustedKey(_ key: TrustedKey) async throws
    /// Every trusted key, oldest first.
    func trustedKeys() async throws -> [TrustedKey]
    /// Answers whether the key was trusted.
    func removeTrustedKey(id: String) async throws -> Bool
}
