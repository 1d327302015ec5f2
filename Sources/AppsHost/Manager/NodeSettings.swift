/// This node among the nodes sharing one store: its name and the timings of what it shares with them.
public struct NodeSettings: Sendable {
    /// This node's name in job leases and shared call stats (`--node-id`).
    public var node: String
    /// How long a claim on a scheduled job holds without renewal (see ``AppScheduler``).
    public var jobLease: Duration
    /// How often this node leaves its apps' changed call stats for the others (see ``ClusterCallStats``).
    public var statsInterval: Duration

    public init(node: String = "local", jobLease: Duration = .seconds(30), statsInterval: Duration = .seconds(10)) {
        self.node = node
        self.jobLease = jobLease
        self.statsInterval = statsInterval
    }
}
