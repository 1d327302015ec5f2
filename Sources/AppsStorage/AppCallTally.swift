/// The calls one node made into one method of one app during one minute: what the stats routes show, in a shape that
/// adds up across nodes (each node keeps its own tallies and leaves them for the others through ``AppCallTallyStore``).
public struct AppCallTally: Sendable, Hashable, Codable {
    /// Minutes since 1970 (UTC).
    public var minute: Int64
    public var method: String
    public var calls = 0
    public var failures = 0
    public var timeouts = 0
    public var maxSeconds = 0.0
    public var latency = LatencyHistogram()

    public init(minute: Int64, method: String) {
        self.minute = minute
        self.method = method
    }

    /// Adds another node's tally of the same minute and method (or any tally, for totals).
    public mutating func merge(_ other: AppCallTally) {
        calls += other.calls
        failures += other.failures
        timeouts += other.timeouts
        maxSeconds = max(maxSeconds, other.maxSeconds)
        latency.merge(other.latency)
    }
}

/// Where the nodes sharing one database leave their apps' call tallies for each other, a document per node, app and
/// minute that expires an hour after its minute and goes with the app on uninstall (MongoDB: `airlock_app_stats`).
/// The embedded store serves one node and does not implement it.
public protocol AppCallTallyStore: Sendable {
    /// Replaces `node`'s tallies of `appId` for `minute` (one per method).
    func saveCallTallies(node: String, appId: String, minute: Int64, tallies: [AppCallTally]) async throws
    /// The other nodes' tallies from `sinceMinute` on, by app (every app when `appIds` is nil).
    func callTallies(appIds: [String]?, sinceMinute: Int64, excludingNode node: String) async throws -> [String: [AppCallTally]]
}
