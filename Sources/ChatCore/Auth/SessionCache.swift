import Foundation
import Synchronization

/// Recently authenticated tokens, so the hot path does not read the token and the user from the store on every
/// request.
///
/// Entries live for `ttl` seconds at most and are dropped at once when this process logs the token out, changes
/// or deletes the user, or revokes the user's tokens. Another node's logout (multi-node MongoDB, later) is seen at
/// most `ttl` seconds late; that node publishes the revocation through the event hub when change streams land.
public final class SessionCache: Sendable {
    private struct Entry {
        let user: User
        let expiresAt: Date?
        let cachedAt: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let ttl: TimeInterval
    private let maxEntries: Int

    public init(ttl: TimeInterval = 30, maxEntries: Int = 50_000) {
        self.ttl = ttl
        self.maxEntries = maxEntries
    }

    /// The user for a token digest, if cached, fresh and unexpired.
    func user(digest: String, now: Date) -> User? {
        entries.withLock { entries in
            guard let entry = entries[digest] else { return nil }
            if now.timeIntervalSince(entry.cachedAt) > ttl || entry.expiresAt.map({ $0 <= now }) == true {
                entries.removeValue(forKey: digest)
                return nil
            }
            return entry.user
        }
    }

    func store(digest: String, user: User, expiresAt: Date?, now: Date) {
        entries.withLock { entries in
            if entries.count >= maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[digest] = Entry(user: user, expiresAt: expiresAt, cachedAt: now)
        }
    }

    func remove(digest: String) {
        _ = entries.withLock { $0.removeValue(forKey: digest) }
    }

    /// Drops every cached session (revocations may have been missed).
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    /// Drops every cached session of a user (profile change, deactivation, deletion, password change).
    func remove(userId: String) {
        entries.withLock { entries in entries = entries.filter { $0.value.user.id != userId } }
    }
}
