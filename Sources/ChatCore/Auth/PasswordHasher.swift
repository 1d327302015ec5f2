import AirlockCrypto

/// Hashes and verifies passwords with PBKDF2-HMAC-SHA256 on a bounded thread pool.
///
/// The KDF input is the lower-case hex SHA-256 of the password, which is what Meteor's DDP login sends
/// (`password.digest`), so the REST plaintext login and the realtime digest login verify against the same hash.
public struct PasswordHasher: Sendable {
    /// OWASP's 2023 minimum for PBKDF2-HMAC-SHA256.
    public static let defaultIterations = 600_000

    public var iterations: Int
    private let runner: any BlockingRunner

    public init(iterations: Int = PasswordHasher.defaultIterations, runner: any BlockingRunner) {
        self.iterations = iterations
        self.runner = runner
    }

    /// The digest form of a plaintext password.
    public static func digest(ofPlaintext password: String) -> String {
        Encoding.hex(Crypto.sha256(password))
    }

    /// Hashes a password given as its SHA-256 hex digest.
    public func hash(digest: String) async throws -> PasswordHash {
        let iterations = self.iterations
        let input = Array(digest.lowercased().utf8)
        return try await runner.run {
            let salt = Crypto.randomBytes(16)
            let hash = Crypto.pbkdf2SHA256(password: input, salt: salt, iterations: iterations, length: 32)
            return PasswordHash(iterations: iterations, salt: salt, hash: hash)
        }
    }

    /// Verifies a SHA-256 hex digest against a stored hash in constant time.
    public func verify(digest: String, against stored: PasswordHash) async throws -> Bool {
        let input = Array(digest.lowercased().utf8)
        return try await runner.run {
            let candidate = Crypto.pbkdf2SHA256(password: input, salt: stored.salt, iterations: stored.iterations, length: stored.hash.count)
            return Crypto.constantTimeEquals(candidate, stored.hash)
        }
    }
}
