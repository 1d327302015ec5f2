import Foundation
import Synchronization

/// Counts login attempts per account and per client address, before the KDF runs.
///
/// Rocket.Chat's defaults: 10 failures per user or 50 per address within 5 minutes block further attempts until
/// the window passes. An attempt is *reserved* — counted as a failure — in the same step that checks the limit, and
/// only a successful login gives it back; so 40 parallel guesses for one account let exactly 10 reach the password
/// check, not however many happened to pass the check before the first failure was recorded. State is bounded: when
/// full, the oldest windows are dropped first.
///
/// With several nodes, the counters live in the shared store (`shared`), so the limits hold for the cluster rather
/// than per node; should the store fail, the node's own counters stand in.
public final class LoginThrottle: Sendable {
    public struct Configuration: Sendable {
        public var maxFailuresPerUser: Int = 10
        public var maxFailuresPerAddress: Int = 50
        public var window: TimeInterval = 300
        public var maxEntries: Int = 100_000

        public init() {}
    }

    /// Which limit refused the attempt.
    public enum Block: Sendable, Equatable {
        case user, address
    }

    private struct Window {
        var failures: Int
        var start: Date
    }

    private let configuration: Configuration
    private let shared: (any LoginAttemptStore)?
    private let state = Mutex<(users: [String: Window], addresses: [String: Window])>(([:], [:]))

    public init(configuration: Configuration = Configuration(), shared: (any LoginAttemptStore)? = nil) {
        self.configuration = configuration
        self.shared = shared
    }

    /// Checks both limits and, when neither is reached, counts the attempt against both. Answers the limit that
    /// refused it, or nil when the attempt may go on to the password check.
    public func reserve(userKey: String, address: String?, now: Date = Date()) async -> Block? {
        guard let shared else { return reserveHere(userKey: userKey, address: address, now: now) }
        let window = configuration.window
        do {
            guard try await shared.reserveAttempt("user:\(userKey)", limit: configuration.maxFailuresPerUser, window: window, now: now) else {
                return .user
            }
            if let address,
                !(try await shared.reserveAttempt("address:\(address)", limit: configuration.maxFailuresPerAddress, window: window, now: now))
            {
                try? await shared.giveBackAttempt("user:\(userKey)", clear: false)
                return .address
            }
            return nil
        } catch {
            return reserveHere(userKey: userKey, address: address, now: now)
        }
    }

    /// A reserved attempt succeeded: the account's counter is cleared and the address gets its attempt back.
    public func release(userKey: String, address: String?) async {
        if let shared {
            try? await shared.giveBackAttempt("user:\(userKey)", clear: true)
            if let address { try? await shared.giveBackAttempt("address:\(address)", clear: false) }
        }
        releaseHere(userKey: userKey, address: address)
    }

    private func reserveHere(userKey: String, address: String?, now: Date) -> Block? {
        state.withLock { state in
            if Self.isBlocked(state.users[userKey], limit: configuration.maxFailuresPerUser, now: now, window: configuration.window) {
                return .user
            }
            if let address,
                Self.isBlocked(state.addresses[address], limit: configuration.maxFailuresPerAddress, now: now, window: configuration.window)
            {
                return .address
            }
            Self.bump(&state.users, key: userKey, now: now, configuration: configuration)
            if let address { Self.bump(&state.addresses, key: address, now: now, configuration: configuration) }
            return nil
        }
    }

    private func releaseHere(userKey: String, address: String?) {
        state.withLock { state in
            state.users.removeValue(forKey: userKey)
            if let address, var window = state.addresses[address] {
                window.failures = max(0, window.failures - 1)
                state.addresses[address] = window
            }
        }
    }

    private static func isBlocked(_ window: Window?, limit: Int, now: Date, window length: TimeInterval) -> Bool {
        guard let window else { return false }
        return now.timeIntervalSince(window.start) < length && window.failures >= limit
    }

    private static func bump(_ table: inout [String: Window], key: String, now: Date, configuration: Configuration) {
        if var w = table[key], now.timeIntervalSince(w.start) < configuration.window {
            w.failures += 1
            table[key] = w
            return
        }
        if table.count >= configuration.maxEntries {
            table = table.filter { now.timeIntervalSince($0.value.start) < configuration.window }
            if table.count >= configuration.maxEntries {
                let oldest = table.sorted { $0.value.start < $1.value.start }.prefix(table.count / 10 + 1)
                for (k, _) in oldest { table.removeValue(forKey: k) }
            }
        }
        table[key] = Window(failures: 1, start: now)
    }
}

/// Login attempt counters shared by every node (the MongoDB store keeps them in a TTL-indexed collection).
public protocol LoginAttemptStore: Sendable {
    /// Counts an attempt under `key` unless `limit` attempts are already counted in the current window (which starts
    /// with the first attempt and lasts `window` seconds); atomic across nodes. Answers whether it was counted.
    func reserveAttempt(_ key: String, limit: Int, window: TimeInterval, now: Date) async throws -> Bool
    /// Takes one attempt back, or (`clear`) the whole count.
    func giveBackAttempt(_ key: String, clear: Bool) async throws
}
