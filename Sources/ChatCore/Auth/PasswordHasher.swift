import AirlockCrypto
import Synchronization

/// Hashes and verifies passwords with PBKDF2-HMAC-SHA256 on a bounded thread pool.
///
/// The KDF input is the lower-case hex SHA-256 of the password, which is what Meteor's DDP login sends
/// (`password.digest`), so the REST plaintext login and the realtime digest login verify against the same hash.
///
/// At most `maxPending` KDF runs are queued or running at once; beyond that a call is refused at once with
/// `too-many-requests` instead of queueing, so a login flood cannot make everyone else's login wait for minutes.
public struct PasswordHasher: Sendable {
    /// OWASP's 2023 minimum for PBKDF2-HMAC-SHA256.
    public static let defaultIterations = 600_000
    /// Default bound on KDF runs queued or running (`--max-pending-kdf`).
    public static let defaultMaxPending = 16

    public var iterations: Int
    private let runner: any BlockingRunner
    private let gate: Gate

    public init(iterations: Int = PasswordHasher.defaultIterations, maxPending: Int = PasswordHasher.defaultMaxPending, runner: any BlockingRunner) {
        self.iterations = iterations
        self.runner = runner
        self.gate = Gate(limit: maxPending)
    }

    /// Counts KDF runs in flight; shared by copies of the hasher.
    final class Gate: Sendable {
        let limit: Int
        let pending = Atomic<Int>(0)

        init(limit: Int) { self.limit = max(1, limit) }

        func run<T: Sendable>(_ runner: any BlockingRunner, _ work: @escaping @Sendable () throws -> T) async throws -> T {
            guard pending.add(1, ordering: .relaxed).newValue <= limit else {
                pending.subtract(1, ordering: .relaxed)
                throw ChatError.tooManyRequests(retryAfterMilliseconds: 1000)
            }
            defer { pending.subtract(1, ordering: .relaxed) }
            return try await runner.run(work)
        }
    }

    /// The digest form of a plaintext password.
    public static func digest(ofPlaintext password: String) -> String {
        Encoding.hex(Crypto.sha256(password))
    }

    /// Hashes a password given as its SHA-256 hex digest.
    public func hash(digest: String) async throws -> PasswordHash {
        let iterations = self.iterations
        let input = Array(digest.lowercased().utf8)
        return try await gate.run(runner) {
            let salt = Crypto.randomBytes(16)
            let hash = Crypto.pbkdf2SHA256(password: input, salt: salt, iterations: iterations, length: 32)
            return PasswordHash(iterations: iterations, salt: salt, hash: hash)
        }
    }

    /// Verifies a SHA-256 hex digest against a stored hash in constant time.
    public func verify(digest: String, against stored: PasswordHash) async throws -> Bool {
        let input = Array(digest.lowercased().utf8)
        return try await gate.run(runner) {
            let candidate = Crypto.pbkdf2SHA256(password: input, salt: stored.salt, iterations: stored.iterations, length: stored.hash.count)
            return Crypto.constantTimeEquals(candidate, stored.hash)
        }
    }
}
