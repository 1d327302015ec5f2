import Foundation
import Synchronization

/// Counts failed logins per user and per client address, before the KDF runs.
///
/// Rocket.Chat's defaults: 10 failures per user or 50 per address within 5 minutes block further attempts until
/// the window passes. State is bounded: when full, the oldest windows are dropped first.
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
    private let state = Mutex<(users: [String: Window], addresses: [String: Window])>(([:], [:]))

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Whether an attempt for `userKey` from `address` is blocked now.
    public func check(userKey: String, address: String?, now: Date = Date()) -> Block? {
        state.withLock { state in
            if let w = state.users[userKey], now.timeIntervalSince(w.start) < configuration.window,
                w.failures >= configuration.maxFailuresPerUser
            {
                return .user
            }
            if let address, let w = state.addresses[address], now.timeIntervalSince(w.start) < configuration.window,
                w.failures >= configuration.maxFailuresPerAddress
            {
                return .address
            }
            return nil
        }
    }

    /// Records a failed attempt.
    public func recordFailure(userKey: String, address: String?, now: Date = Date()) {
        state.withLock { state in
            Self.bump(&state.users, key: userKey, now: now, configuration: configuration)
            if let address { Self.bump(&state.addresses, key: address, now: now, configuration: configuration) }
        }
    }

    /// Clears the user's counter after a successful login (the address counter keeps running, as in Rocket.Chat).
    public func recordSuccess(userKey: String) {
        _ = state.withLock { $0.users.removeValue(forKey: userKey) }
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
