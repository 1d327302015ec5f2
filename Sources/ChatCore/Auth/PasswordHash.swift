import AirlockCrypto

/// A stored password hash with its parameters: `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`.
///
/// Keeping the parameters with each hash lets the cost be raised later without invalidating old hashes.
public struct PasswordHash: Sendable, Hashable, Codable, CustomStringConvertible {
    public var iterations: Int
    public var salt: [UInt8]
    public var hash: [UInt8]

    public init(iterations: Int, salt: [UInt8], hash: [UInt8]) {
        self.iterations = iterations
        self.salt = salt
        self.hash = hash
    }

    /// Parses the stored form; nil when malformed.
    public init?(encoded: String) {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let n = Int(parts[1]), n > 0,
            let salt = Encoding.fromHex(String(parts[2])), let hash = Encoding.fromHex(String(parts[3]))
        else { return nil }
        self.init(iterations: n, salt: salt, hash: hash)
    }

    public var encoded: String { "pbkdf2-sha256$\(iterations)$\(Encoding.hex(salt))$\(Encoding.hex(hash))" }
    public var description: String { "PasswordHash(pbkdf2-sha256, \(iterations) iterations)" }

    public init(from decoder: any Decoder) throws {
        let string = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = PasswordHash(encoded: string) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad password hash"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encoded)
    }
}
