public import AppsStorage
public import Foundation
import Synchronization

/// This node's calls into apps over the last hour, per app, minute and method (``AppCallTally``): every call into an
/// app feeds them; ``ClusterCallStats`` adds the other nodes' and the admin API, the console and `airlock apps list`
/// show the sum. Latencies are kept as histograms, so percentiles of several nodes' calls are exact sums, not guesses.
public final class AppCallStats: Sendable {
    /// How a call ended.
    public enum Outcome: Sendable {
        case success, failure, timeout
    }

    /// What the admin API reports for one method over the last hour.
    public struct MethodStats: Sendable, Codable, Hashable {
        public var count: Int
        public var failures: Int
        public var timeouts: Int
        public var p50Ms: Double
        public var p99Ms: Double
    }

    /// What the console's chart shows for one minute (`GET /api/apps/:id/stats?window=1h`).
    public struct Bucket: Sendable, Hashable, Codable {
        public var start: Date
        public var calls: Int
        public var failures: Int
        public var p50Ms: Double
        public var p99Ms: Double
        public var maxMs: Double
    }

    /// An app's tallies: minute → method → tally.
    typealias Minutes = [Int64: [String: AppCallTally]]

    struct State {
        var apps: [String: Minutes] = [:]
        /// The (app, minute) pairs changed since ``takeChanged(now:)`` last ran.
        var changed: Set<Changed> = []
    }

    struct Changed: Hashable {
        let appId: String
        let minute: Int64
    }

    /// How many minutes are kept and shown at most.
    public static let minutes = 60
    private let state = Mutex(State())

    public init() {}

    public func record(appId: String, method: String, seconds: Double, outcome: Outcome, at date: Date = Date()) {
        let minute = Self.minute(of: date)
        state.withLock { state in
            if state.apps[appId]?[minute] == nil, let minutes = state.apps[appId] {
                // A new minute: the one an hour old goes.
                state.apps[appId] = minutes.filter { $0.key > minute - Int64(Self.minutes) }
            }
            // Counted in place (a copy of the tally would copy its histogram on every call).
            state.apps[appId, default: [:]][minute, default: [:]][method, default: AppCallTally(minute: minute, method: method)]
                .count(seconds: seconds, outcome: outcome)
            state.changed.insert(Changed(appId: appId, minute: minute))
        }
    }

    /// This node's tallies of `appId` over the last hour.
    public func tallies(appId: String, now: Date = Date()) -> [AppCallTally] {
        let oldest = Self.minute(of: now) - Int64(Self.minutes - 1)
        return state.withLock { state in
            (state.apps[appId] ?? [:]).filter { $0.key >= oldest }.values.flatMap(\.values)
        }
    }

    /// Method name → stats over the last hour, from this node's calls only.
    public func snapshot(appId: String, now: Date = Date()) -> [String: MethodStats] {
        Self.methods(tallies(appId: appId, now: now))
    }

    /// The (app, minute) tallies changed since the last call, to be shared with the other nodes; each comes with all
    /// of that minute's methods.
    func takeChanged(now: Date = Date()) -> [(appId: String, minute: Int64, tallies: [AppCallTally])] {
        let oldest = Self.minute(of: now) - Int64(Self.minutes - 1)
        return state.withLock { state in
            let changed = state.changed
            state.changed.removeAll()
            return changed.filter { $0.minute >= oldest }.compactMap { key in
                state.apps[key.appId]?[key.minute].map { (key.appId, key.minute, Array($0.values)) }
            }
        }
    }

    /// Marks a minute to be shared again (its last write failed).
    func markChanged(appId: String, minute: Int64) {
        state.withLock { _ = $0.changed.insert(Changed(appId: appId, minute: minute)) }
    }

    public func forget(appId: String) {
        state.withLock { state in
            state.apps[appId] = nil
            state.changed = state.changed.filter { $0.appId != appId }
        }
    }

    // MARK: Reading tallies (this node's, or several nodes' together)

    /// Method name → stats, the tallies of every minute and node added up.
    public static func methods(_ tallies: [AppCallTally]) -> [String: MethodStats] {
        Dictionary(grouping: tallies, by: \.method).mapValues { tallies in
            let total = sum(tallies)
            return MethodStats(
                count: total.calls, failures: total.failures, timeouts: total.timeouts,
                p50Ms: percentile(total, 0.5) * 1000, p99Ms: percentile(total, 0.99) * 1000)
        }
    }

    /// The last `minutes` minutes (1 to 60), oldest first, one bucket per minute (empty minutes included), every
    /// method and node added up.
    public static func buckets(_ tallies: [AppCallTally], minutes: Int, now: Date = Date()) -> [Bucket] {
        let count = min(max(minutes, 1), Self.minutes)
        let current = minute(of: now)
        let byMinute = Dictionary(grouping: tallies, by: \.minute)
        return (0..<count).map { offset in
            let index = current - Int64(count - 1 - offset)
            let total = sum(byMinute[index] ?? [])
            return Bucket(
                start: Date(timeIntervalSince1970: TimeInterval(index * 60)), calls: total.calls, failures: total.failures + total.timeouts,
                p50Ms: percentile(total, 0.5) * 1000, p99Ms: percentile(total, 0.99) * 1000, maxMs: total.maxSeconds * 1000)
        }
    }

    static func minute(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 60).rounded(.down))
    }

    static func sum(_ tallies: [AppCallTally]) -> AppCallTally {
        tallies.reduce(into: AppCallTally(minute: 0, method: "")) { $0.merge($1) }
    }

    /// A histogram's percentile, never above the slowest call counted (a bin's middle can be).
    static func percentile(_ tally: AppCallTally, _ p: Double) -> Double {
        min(tally.latency.percentile(p), tally.maxSeconds)
    }
}

extension AppCallTally {
    fileprivate mutating func count(seconds: Double, outcome: AppCallStats.Outcome) {
        calls += 1
        if outcome == .failure { failures += 1 }
        if outcome == .timeout { timeouts += 1 }
        maxSeconds = max(maxSeconds, seconds)
        latency.add(seconds)
    }
}
