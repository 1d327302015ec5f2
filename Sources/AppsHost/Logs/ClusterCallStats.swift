public import AppsStorage
public import Foundation
public import Logging

/// The apps' call stats of every node sharing the store: this node's (``local``) plus the tallies the other nodes
/// left in it. Every `interval` this node leaves the minutes it changed (and, at shutdown, what is left), so another
/// node's answer is at most one interval behind. Without a shared store (the embedded store: one node) the stats are
/// this node's only.
public final class ClusterCallStats: Sendable {
    /// This node's calls (fed by every call into an app).
    public let local: AppCallStats
    let shared: (any AppCallTallyStore)?
    /// This node's name in the shared store (its job-lease owner name).
    let node: String
    let interval: Duration
    let logger: Logger

    public init(local: AppCallStats, shared: (any AppCallTallyStore)?, node: String, interval: Duration, logger: Logger) {
        self.local = local
        self.shared = shared
        self.node = node
        self.interval = interval
        self.logger = logger
    }

    /// Shares this node's changed minutes every `interval` until cancelled, then once more.
    public func run() async {
        guard shared != nil else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await publish()
        }
        await publish()
    }

    /// Writes the minutes changed since the last write (a failed write is retried with the next).
    public func publish() async {
        guard let shared else { return }
        for change in local.takeChanged() {
            do {
                try await shared.saveCallTallies(node: node, appId: change.appId, minute: change.minute, tallies: change.tallies)
            } catch {
                local.markChanged(appId: change.appId, minute: change.minute)
                logger.warning("cannot share app call stats", metadata: ["app.id": "\(change.appId)", "error": "\(error)"])
            }
        }
    }

    /// Method name → stats over the last hour, every node's calls.
    public func methods(appId: String) async -> [String: AppCallStats.MethodStats] {
        AppCallStats.methods(await tallies(appIds: [appId])[appId] ?? [])
    }

    /// App id → method name → stats over the last hour, every node's calls, in one read of the shared store.
    public func methods(appIds: [String]) async -> [String: [String: AppCallStats.MethodStats]] {
        let tallies = await tallies(appIds: appIds)
        return Dictionary(uniqueKeysWithValues: appIds.map { ($0, AppCallStats.methods(tallies[$0] ?? [])) })
    }

    /// The chart's minutes and the methods' stats of one app, every node's calls.
    public func report(appId: String, minutes: Int) async -> (buckets: [AppCallStats.Bucket], methods: [String: AppCallStats.MethodStats]) {
        let tallies = await tallies(appIds: [appId])[appId] ?? []
        return (AppCallStats.buckets(tallies, minutes: minutes), AppCallStats.methods(tallies))
    }

    /// This node's tallies of the last hour with the other nodes' (those the shared store cannot give are left out and
    /// logged: the stats are there to look at, not to fail a request).
    func tallies(appIds: [String], now: Date = Date()) async -> [String: [AppCallTally]] {
        var tallies = Dictionary(uniqueKeysWithValues: appIds.map { ($0, local.tallies(appId: $0, now: now)) })
        guard let shared else { return tallies }
        do {
            let since = AppCallStats.minute(of: now) - Int64(AppCallStats.minutes - 1)
            for (appId, others) in try await shared.callTallies(appIds: appIds, sinceMinute: since, excludingNode: node) {
                tallies[appId, default: []] += others
            }
        } catch {
            logger.warning("cannot read the other nodes' app call stats", metadata: ["error": "\(error)"])
        }
        return tallies
    }
}
