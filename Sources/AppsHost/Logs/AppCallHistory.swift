public import Foundation
import Synchronization

/// Every app's calls per minute over the last hour — how many, how many failed or timed out, and latency
/// percentiles — for the console's per-app chart (`GET /api/apps/:id/stats?window=1h`). Each minute keeps at most
/// `samplesPerMinute` durations for its percentiles (a uniform sample of that minute's calls).
public final class AppCallHistory: Sendable {
    /// One minute.
    public struct Bucket: Sendable, Hashable, Codable {
        public var start: Date
        public var calls: Int
        public var failures: Int
        public var p50Ms: Double
        public var p99Ms: Double
        public var maxMs: Double
    }

    struct Minute {
        var index: Int64
        var calls = 0
        var failures = 0
        var maxSeconds = 0.0
        var samples: [Double] = []
    }

    static let minutes = 60
    let samplesPerMinute: Int
    private let state = Mutex<[String: [Minute]]>([:])

    public init(samplesPerMinute: Int = 256) {
        self.samplesPerMinute = samplesPerMinute
    }

    func record(appId: String, seconds: Double, failed: Bool, at date: Date = Date()) {
        let index = Int64(date.timeIntervalSince1970 / 60)
        state.withLock { state in
            var ring = state[appId] ?? []
            if ring.last?.index != index {
                ring.append(Minute(index: index))
                ring.removeAll { $0.index <= index - Int64(Self.minutes) }
            }
            var minute = ring[ring.count - 1]
            minute.calls += 1
            if failed { minute.failures += 1 }
            minute.maxSeconds = max(minute.maxSeconds, seconds)
            if minute.samples.count < samplesPerMinute {
                minute.samples.append(seconds)
            } else {
                let slot = Int.random(in: 0..<minute.calls)
                if slot < samplesPerMinute { minute.samples[slot] = seconds }
            }
            ring[ring.count - 1] = minute
            state[appId] = ring
        }
    }

    /// The last `minutes` minutes (at most 60), oldest first, one bucket per minute (empty minutes included).
    public func buckets(appId: String, minutes: Int, now: Date = Date()) -> [Bucket] {
        let count = min(max(minutes, 1), Self.minutes)
        let current = Int64(now.timeIntervalSince1970 / 60)
        let ring = state.withLock { $0[appId] ?? [] }
        return (0..<count).map { offset in
            let index = current - Int64(count - 1 - offset)
            let start = Date(timeIntervalSince1970: TimeInterval(index * 60))
            guard let minute = ring.first(where: { $0.index == index }) else {
                return Bucket(start: start, calls: 0, failures: 0, p50Ms: 0, p99Ms: 0, maxMs: 0)
            }
            let sorted = minute.samples.sorted()
            return Bucket(
                start: start, calls: minute.calls, failures: minute.failures, p50Ms: AppCallStats.percentile(sorted, 0.5) * 1000,
                p99Ms: AppCallStats.percentile(sorted, 0.99) * 1000, maxMs: minute.maxSeconds * 1000)
        }
    }

    func forget(appId: String) {
        state.withLock { $0[appId] = nil }
    }
}
