import AirlockCrypto
import Foundation

/// Logins, tokens and request authentication. One token store serves REST and (later) the realtime API.
public struct AuthService: Sendable {
    /// How a login names its account.
    public enum Identifier: Sendable, Hashable {
        case username(String)
        case email(String)
        /// Rocket.Chat's `user` field: an email when it contains `@`, else a username.
        case usernameOrEmail(String)
    }

    /// A successful login.
    public struct Session: Sendable {
        public var user: User
        /// The token in clear: shown to the client once, stored only as a digest.
        public var token: String
        public var expiresAt: Date?
    }

    let context: ChatContext
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let sessions: SessionCache

    public init(context: ChatContext, hasher: PasswordHasher, throttle: LoginThrottle, sessions: SessionCache) {
        self.context = context
        self.hasher = hasher
        self.throttle = throttle
        self.sessions = sessions
        // Another node ended a session or changed an account: this node's cache forgets it too, so the next request
        // here reads the store again.
        context.events.listen(from: [.cluster]) { event in
            switch event {
            case .tokenRevoked(_, let digest): sessions.remove(digest: digest)
            case .sessionsRevoked(let userId, _): sessions.remove(userId: userId)
            case .userChanged(let user): sessions.remove(userId: user.id)
            case .clusterEventsMissed: sessions.removeAll()
            default: break
            }
        }
    }

    /// The stored digest of a token.
    public static func digest(ofToken token: String) -> String {
        Encoding.hex(Crypto.sha256(token))
    }

    /// Password login; `passwordDigest` is the hex SHA-256 of the password; `address` is the client's, after
    /// trusted-proxy resolution (nil only for callers with no network peer).
    public func login(_ identifier: Identifier, passwordDigest: String, address: String?) async throws -> Session {
        let user = try await find(identifier)
        try await checkPassword(passwordDigest, of: user, throttleKey: Self.throttleKey(identifier, user: user), address: address)
        guard let user else { throw Self.unauthorized }
        let session = try await issueLoginToken(for: user)
        context.hooks.postUserLoggedIn(user)
        return session
    }

    /// Checks a password the way a login does — throttled per account and address, the attempt reserved before
    /// the KDF runs — for actions that need the current password (`users.updateOwnBasicInfo`).
    public func verifyPassword(_ passwordDigest: String, of user: User, address: String?) async throws {
        do {
            try await checkPassword(passwordDigest, of: user, throttleKey: Self.throttleKey(.username(user.username), user: user), address: address)
        } catch let error as ChatError where error == Self.unauthorized {
            throw ChatError(.refused, code: "error-invalid-password", message: "Invalid password")
        }
    }

    /// The throttle's key: the account's id when it exists, so its username and email spellings share one counter;
    /// otherwise the name as typed (lower-cased).
    private static func throttleKey(_ identifier: Identifier, user: User?) -> String {
        if let user { return "id:\(user.id)" }
        switch identifier {
        case .username(let v), .email(let v), .usernameOrEmail(let v): return "name:\(v.lowercased())"
        }
    }

    private func checkPassword(_ passwordDigest: String, of user: User?, throttleKey key: String, address: String?) async throws {
        switch await throttle.reserve(userKey: key, address: address, now: context.clock.now()) {
        case .user:
            throw ChatError(.loginFailed, code: "error-login-blocked-for-user", message: "Login has been temporarily blocked For User")
        case .address:
            throw ChatError(.loginFailed, code: "error-login-blocked-for-ip", message: "Login has been temporarily blocked For IP")
        case nil: break
        }
        guard let user, user.active, let stored = user.passwordHash else {
            // Spend the same KDF time as a real check so response time does not reveal which accounts exist.
            _ = try await hasher.verify(digest: passwordDigest, against: Self.decoyHash(iterations: hasher.iterations))
            throw Self.unauthorized
        }
        guard try await hasher.verify(digest: passwordDigest, against: stored) else { throw Self.unauthorized }
        await throttle.release(userKey: key, address: address)
    }

    /// Resume login with an existing token: answers the same token while it is valid.
    public func resume(token: String) async throws -> Session {
        guard let stored = try await context.store.token(digest: Self.digest(ofToken: token)),
            stored.expiresAt.map({ $0 > context.clock.now() }) ?? true,
            let user = try await context.store.user(id: stored.userId), user.active
        else { throw Self.unauthorized }
        context.hooks.postUserLoggedIn(user)
        return Session(user: user, token: token, expiresAt: stored.expiresAt)
    }

    /// The user behind `X-User-Id` + `X-Auth-Token`, or `notLoggedIn`.
    public func authenticate(userId: String, token: String) async throws -> User {
        guard !userId.isEmpty, !token.isEmpty else { throw ChatError.notLoggedIn }
        let digest = Self.digest(ofToken: token)
        let now = context.clock.now()
        if let cached = sessions.user(digest: digest, now: now) {
            guard cached.id == userId else { throw ChatError.notLoggedIn }
            return cached
        }
        guard let stored = try await context.store.token(digest: digest),
            stored.userId == userId,
            stored.expiresAt.map({ $0 > now }) ?? true,
            let user = try await context.store.user(id: userId), user.active
        else { throw ChatError.notLoggedIn }
        sessions.store(digest: digest, user: user, expiresAt: stored.expiresAt, now: now)
        return user
    }

    /// Ends the session of `token`; realtime sessions using it are told through the event hub.
    public func logout(user: User, token: String) async throws {
        try await logout(user: user, tokenDigest: Self.digest(ofToken: token))
    }

    /// Ends the session whose token has this digest (the realtime API keeps only the digest).
    public func logout(user: User, tokenDigest digest: String) async throws {
        try await context.store.deleteToken(digest: digest)
        sessions.remove(digest: digest)
        await context.events.publishAndSettle(.tokenRevoked(userId: user.id, tokenDigest: digest))
        context.hooks.postUserLoggedOut(user)
    }

    /// Ends every session of `user` except the one whose token has digest `keep` (a password change keeps the
    /// caller's own session; a deactivation or an admin's password reset keeps none).
    public func endSessions(of user: User, except keep: String?) async throws {
        try await context.store.deleteTokens(userId: user.id, except: keep)
        sessions.remove(userId: user.id)
        await context.events.publishAndSettle(.sessionsRevoked(userId: user.id, except: keep))
    }

    /// Creates a named personal access token (`users.generatePersonalAccessToken`), optionally expiring.
    public func generatePersonalAccessToken(for user: User, name: String, expiresInDays: Int? = nil) async throws -> String {
        try context.policy.require(user, .createPersonalAccessTokens)
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 100 else { throw ChatError.invalidParams("Param \"tokenName\" is required") }
        if let days = expiresInDays, !(1...3650).contains(days) {
            throw ChatError.invalidParams("Param \"expiresInDays\" must be between 1 and 3650")
        }
        let token = RandomID.secret(bytes: 32)
        let now = context.clock.now()
        let record = AccessToken(
            digest: Self.digest(ofToken: token), userId: user.id, kind: .personal, name: trimmed, createdAt: now,
            expiresAt: expiresInDays.map { now.addingTimeInterval(TimeInterval($0) * 86_400) }, lastTokenPart: String(token.suffix(6)))
        do {
            try await context.store.insertToken(record)
        } catch let error as StoreError where error.code == .duplicate(key: "token.name") {
            throw ChatError(.refused, code: "not-authorized", message: "A token with this name already exists")
        }
        return token
    }

    /// `users.getPersonalAccessTokens`: the caller's named tokens (never the tokens themselves).
    public func personalAccessTokens(of user: User) async throws -> [AccessToken] {
        try context.policy.require(user, .createPersonalAccessTokens)
        return try await context.store.tokens(userId: user.id).filter { $0.kind == .personal }.sorted { $0.createdAt < $1.createdAt }
    }

    /// `users.removePersonalAccessToken`: the token stops working at once, on REST and on open sockets.
    public func removePersonalAccessToken(of user: User, name: String) async throws {
        try await revoke(try await personalAccessToken(of: user, name: name))
    }

    /// `users.regeneratePersonalAccessToken`: the old token stops working; a new one with the same name and expiry
    /// length is answered.
    public func regeneratePersonalAccessToken(of user: User, name: String) async throws -> String {
        let token = try await personalAccessToken(of: user, name: name)
        let days = token.expiresAt.map { Int(($0.timeIntervalSince(token.createdAt) / 86_400).rounded()) }
        try await revoke(token)
        return try await generatePersonalAccessToken(for: user, name: name, expiresInDays: days.map { max(1, $0) })
    }

    /// The caller's personal token named `name` (with the permission to manage them).
    private func personalAccessToken(of user: User, name: String) async throws -> AccessToken {
        try context.policy.require(user, .createPersonalAccessTokens)
        guard let token = try await context.store.tokens(userId: user.id).first(where: { $0.kind == .personal && $0.name == name }) else {
            throw ChatError(.refused, code: "not-authorized", message: "Invalid token")
        }
        return token
    }

    private func revoke(_ token: AccessToken) async throws {
        try await context.store.deleteToken(digest: token.digest)
        sessions.remove(digest: token.digest)
        await context.events.publishAndSettle(.tokenRevoked(userId: token.userId, tokenDigest: token.digest))
    }

    private func issueLoginToken(for user: User) async throws -> Session {
        let token = RandomID.secret(bytes: 32)
        let now = context.clock.now()
        let expiry = now.addingTimeInterval(TimeInterval(context.settings.loginExpirationDays) * 86_400)
        try await context.store.insertToken(
            AccessToken(digest: Self.digest(ofToken: token), userId: user.id, kind: .login, createdAt: now, expiresAt: expiry))
        return Session(user: user, token: token, expiresAt: expiry)
    }

    private func find(_ identifier: Identifier) async throws -> User? {
        switch identifier {
        case .username(let name): try await context.store.user(username: name)
        case .email(let email): try await context.store.user(email: email)
        case .usernameOrEmail(let value):
            value.contains("@") ? try await context.store.user(email: value) : try await context.store.user(username: value)
        }
    }

    private static func decoyHash(iterations: Int) -> PasswordHash {
        PasswordHash(iterations: iterations, salt: [UInt8](repeating: 0, count: 16), hash: [UInt8](repeating: 0, count: 32))
    }

    static let unauthorized = ChatError(.loginFailed, code: "Unauthorized", message: "Unauthorized")
}
