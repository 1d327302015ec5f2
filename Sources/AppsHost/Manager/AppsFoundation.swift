import AppsStorage
import AppsRuntime
public import ChatCore
public import Logging
public import OutboundHTTP

/// The parts of the apps host that exist before the chat services, so the graph is built in one direction:
/// the registry of enabled apps and the hook dispatcher (the chat core's hook port) first; then the chat services
/// with `hooks`; then ``EngineHost`` over those services; then ``AppManager``. Nothing is bound after construction.
public struct AppsFoundation: Sendable {
    /// The enabled apps in enable order, read by the dispatcher on every event, written by the manager.
    public let registry: EnabledApps
    /// Installed apps, their logs, persistence and jobs.
    public let store: any AppsStore
    /// What the chat services call at each hook point.
    public let hooks: AppHookDispatcher
    public let scheduler: AppScheduler
    public let grants: AppGrants
    public let logs: AppLogSink
    /// Every node's calls into apps (this node's feed it).
    public let stats: ClusterCallStats
    public let quotas: AppQuotas
    /// Where changes to apps are announced (to the other nodes).
    public let changes: AppChangeAnnouncer
    let calls: AppCalls
    let clock: ChatClock
    let settingUpdater: AppSettingUpdater

    /// `log` receives the lines about calls into apps (the log sink unless a test records them itself).
    /// `node` names this node to the other nodes sharing `store` (jobs, call stats).
    public init(
        store: any AppsStore, clock: ChatClock = ChatClock(), logger: Logger, log: (any AppLog)? = nil,
        slowCall: Duration = .milliseconds(500), node: NodeSettings = NodeSettings()
    ) {
        let logs = AppLogSink(store: store, clock: clock, node: node.node, logger: logger)
        let registry = EnabledApps()
        let quotas = AppQuotas()
        let stats = ClusterCallStats(
            local: AppCallStats(), shared: store as? any AppCallTallyStore, node: node.node, interval: node.statsInterval, logger: logger)
        let calls = AppCalls(log: log ?? logs, stats: stats.local, slowCall: slowCall, health: AppHealth())
        self.registry = registry
        self.store = store
        self.logs = logs
        self.quotas = quotas
        self.stats = stats
        self.calls = calls
        self.clock = clock
        self.grants = AppGrants()
        self.changes = AppChangeAnnouncer()
        self.settingUpdater = AppSettingUpdater(
            store: store, clock: clock, grants: grants, logs: logs, calls: calls, log: log ?? logs, changes: changes)
        self.scheduler = AppScheduler(store: store, apps: registry, calls: calls, clock: clock, quotas: quotas,
            lease: AppScheduler.Lease(owner: node.node, duration: node.jobLease))
        self.hooks = AppHookDispatcher(apps: registry, calls: calls)
    }
}

extension AppsFoundation {
    /// The whole apps host over `store` with chat services of its own, built in the composition root's order
    /// (benchmarks and tools; the server builds the same graph with its own services). Apps run where `runtime` says
    /// (in process unless told otherwise: benchmarks choose).
    public static func assemble(
        store: any ChatStore & AppsStore, settings: ServerSettings, logger: Logger, http: any OutboundHTTPTransport = OutboundHTTPClient(),
        runtime: AppRuntimeSettings = .inProcess
    ) -> (manager: AppManager, services: ChatServices, hooks: AppHookDispatcher) {
        let foundation = AppsFoundation(store: store, logger: logger)
        let services = ChatServices(
            context: ChatContext(store: store, hooks: foundation.hooks, settings: settings, logger: logger),
            hasher: PasswordHasher(iterations: 1000, runner: InlineRunner()))
        let registry = settings.registry
        let host = EngineHost(foundation: foundation, services: services, serverSettings: { registry }, http: http, logger: logger)
        return (AppManager(host: host, foundation: foundation, logger: logger, runtime: runtime), services, foundation.hooks)
    }
}
