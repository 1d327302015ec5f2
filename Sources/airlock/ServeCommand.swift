import AirlockApp
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import OutboundHTTP
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `airlock serve`: runs the server until SIGINT/SIGTERM, then shuts down gracefully.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the chat server.")

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind (0 picks a free port).") var port = 3000
    @Option(name: .customLong("data-dir"), help: "Directory for the embedded store and app packages.") var dataDir = "./data"
    @Option(help: "Storage backend: embedded (SQLite in --data-dir) or mongo (env AIRLOCK_STORE).") var store: AirlockConfiguration.StoreKind?
    @Option(name: .customLong("mongo-uri"), help: "MongoDB URI for --store mongo, e.g. mongodb://127.0.0.1:27017/airlock (env AIRLOCK_MONGO_URI).")
    var mongoURI: String?
    @Option(name: .customLong("site-url"), help: "Public URL of the server (Site_Url); env AIRLOCK_SITE_URL.") var siteURL: String?
    @Option(name: .customLong("metrics-port"), help: "Serve Prometheus /metrics on 127.0.0.1:<port>.") var metricsPort: Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info
    @Option(
        name: .customLong("apps-http-allow"),
        help: ArgumentHelp(
            "Let apps' HTTP reach this restricted destination: host, address or CIDR, optionally :port (repeatable; env AIRLOCK_APPS_HTTP_ALLOW, comma-separated).",
            valueName: "entry"))
    var appsHTTPAllow: [String] = []
    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "Believe X-Forwarded-For from this reverse proxy: address or CIDR range (repeatable; env AIRLOCK_TRUSTED_PROXIES, comma-separated).",
            valueName: "address"))
    var trustedProxies: [String] = []
    @Option(
        name: .customLong("limit"),
        help: ArgumentHelp(
            "Set a cap: name=value, e.g. ws.maxConnectionsPerUser=20 (repeatable; env AIRLOCK_LIMITS, comma-separated). Names and defaults: README, Security model.",
            valueName: "name=value"))
    var limits: [String] = []
    @Option(name: .customLong("apps-runtime"), help: "Where apps run unless installed otherwise: worker (a process each, default) or in-process (env AIRLOCK_APPS_RUNTIME).")
    var appsRuntime: String?
    @Option(name: .customLong("apps-isolation"), help: "Worker isolation: full (namespace, cgroups, seccomp, rlimits) or degraded (env AIRLOCK_APPS_ISOLATION).")
    var appsIsolation: String?
    @Option(name: .customLong("apps-unsigned"), help: "Packages without a trusted signature: allow, warn (default) or deny (env AIRLOCK_APPS_UNSIGNED).")
    var appsUnsigned: String?
    @Option(
        name: .customLong("app-limit"),
        help: ArgumentHelp("A default limit of every app: name=value, e.g. cpuMillisecondsPerCall=500 (repeatable; env AIRLOCK_APP_LIMITS).", valueName: "name=value"))
    var appLimits: [String] = []
    @Option(name: .customLong("node-id"), help: "This node's name among nodes sharing one MongoDB (env AIRLOCK_NODE_ID; default host-pid).")
    var nodeId: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        var configuration = try AirlockConfiguration.fromEnvironment()
        if let nodeId { configuration.nodeId = nodeId }
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = dataDir
        if let store { configuration.store = store }
        if let mongoURI { configuration.mongoURI = mongoURI }
        if let siteURL { configuration.siteURL = siteURL }
        configuration.metricsPort = metricsPort
        configuration.logLevel = logLevel
        try configuration.trustProxies(trustedProxies.flatMap { $0.split(separator: ",").map(String.init) })
        for limit in limits { try configuration.setLimit(limit) }
        if let appsRuntime { try configuration.setAppsRuntime(appsRuntime) }
        if let appsIsolation { try configuration.setAppsIsolation(appsIsolation) }
        if let appsUnsigned { try configuration.setUnsignedApps(appsUnsigned) }
        for limit in appLimits { try configuration.setAppLimit(limit) }
        if !appsHTTPAllow.isEmpty {
            configuration.appsHTTP.allowList = try OutboundAllowList(parsing: appsHTTPAllow.flatMap { $0.split(separator: ",").map(String.init) })
        }

        // Which node these metrics are from (scrapes of several nodes are told apart by it too, not only by address).
        Gauge(label: "airlock_node_info", dimensions: [("node", configuration.nodeId)]).record(1)
        let host = configuration.host
        let server = try await AirlockServer.build(configuration, metricsRegistry: registry)
        let app = server.application { port in
            // A machine-readable line on stdout so scripts that start the server on port 0 can find it.
            FileHandle.standardOutput.write(Data("AIRLOCK_LISTENING http://\(host):\(port)\n".utf8))
        }
        // SIGTERM or SIGINT: the drain runs first (services stop in reverse order), then the application.
        var logger = Logger(label: "airlock")
        logger[metadataKey: "node"] = "\(configuration.nodeId)"
        let group = ServiceGroup(
            configuration: .init(services: [app, server.drainService()], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

extension AirlockConfiguration.StoreKind: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
