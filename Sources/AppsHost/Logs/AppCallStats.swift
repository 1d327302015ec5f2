import Foundation
import Synchronization

/// Per-app, per-method call statistics: every call into an app feeds them; the admin API and `airlock apps list`
/// show them. Percentiles come from the most recent calls (a bounded window), counts from the app's whole load.
public final class AppCallStats: Sendable {
    /// How a call ended.
    public enum Outcome: Sendable {
        case success, failure, timeout
    }

    /// What the admin API reports for one method.
    public struct MethodStats: Sendable, Codable, Hashable {
        public var count: Int
        public var failures: Int
        public var timeouts: Int
        public var p50Ms: Double
        public var p99Ms: Double
    }

    struct Samples {
        var count = 0
        var failures = 0
        var timeouts = 0
        /// Ring of the last `window` durations in seconds.
        var durations: [Double] = []
        var next = 0
    }

    let window: Int
    private let state = Mutex<[String: [String: Samples]]>([:])
    /// The same calls per minute over the last hour.
    public let history = AppCallHistory()

    public init(window: Int = 512) {
        self.window = window
    }

    public func record(appId: String, method: String, seconds: Double, outcome: Outcome) {
        history.record(appId: appId, seconds: seconds, failed: outcome != .success)
        state.withLock { state in
            var samples = state[appId]?[method] ?? Samples()
            samples.count += 1
            if outcome == .failure { samples.failures += 1 }
            if outcome == .timeout { samples.timeouts += 1 }
            if samples.durations.count < window {
                samples.durations.append(seconds)
            } else {
                samples.durations[samples.next] = seconds
            }
            samples.next = (samples.next + 1) % window
            state[appId, default: [:]][method] = samples
        }
    }

    /// Method name → stats.
    public func snapshot(appId: String) -> [String: MethodStats] {
        let methods = state.withLock { $0[appId] ?? [:] }
        return methods.mapValues { samples in
            let sorted = samples.durations.sorted()
            return MethodStats(
                count: samples.count, failures: samples.failures, timeouts: samples.timeouts,
                p50Ms: Self.percentile(sorted, 0.50) * 1000, p99Ms: Self.percentile(sorted, 0.99) * 1000)
        }
    }

    public func forget(appId: String) {
        history.forget(appId: appId)
        state.withLock { $0[appId] = nil }
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
        return sorted[max(0, index)]
    }
}
