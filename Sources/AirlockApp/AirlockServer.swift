import AppsStorage
public import AppsHost
import AppsServer
public import ChatCore
public import ChatServer
import EmbeddedStore
public import MongoStore
import Foundation
import HTTPTypes
import Integrations
import WebConsole
import OutboundHTTP
public import Hummingbird
public import Logging
import NIOPosix
import HummingbirdCore
import HummingbirdWebSocket
import NIOCore
import Prometheus
public import ServiceLifecycle

/// The composition root: builds the store, the chat services and the HTTP application, for the executable and the
/// tests alike.
public struct AirlockServer {
    /// Airlock's own version, reported by `/api/info`.
    public static let version = "0.1.0"

    public let configuration: AirlockConfiguration
    public let services: ChatServices
    public let router: Router<AirlockRequestContext>
    public let realtime: RealtimeGateway
    public let apps: AppManager
    /// The apps' side of the chat core's hook port.
    public let hooks: AppHookDispatcher
    /// Where integrations' scripts run; stopped with the server.
    let integrationScripts: IntegrationScripts
    /// The outgoing webhooks' watch on new messages.
    let outgoingWebhooks: EventHub.Registration
    /// With several nodes on one MongoDB: the events to and from the others (nil on the embedded store).
    public let relay: MongoEventRelay?
    let health: NodeHealth
    let logger: Logger
    let metricsRegistry: PrometheusCollectorRegistry?

    /// Opens the store and wires the services. `metricsRegistry` is the registry the process bootstrapped
    /// swift-metrics with; tests pass nil.
    public static func build(
        _ configuration: AirlockConfiguration, logger: Logger = Logger(label: "airlock"),
        metricsRegistry: PrometheusCollectorRegistry? = nil
    ) async throws -> AirlockServer {
        var logger = logger
        logger.logLevel = configuration.logLevel
        logger[metadataKey: "node"] = "\(configuration.nodeId)"
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let store: any ChatStore & AppsStore
        switch configuration.store {
        case .embedded:
            let path = URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("airlock.sqlite").path
            store = try EmbeddedStore(configuration: .init(path: path))
        case .mongo:
            guard let uri = configuration.mongoURI else {
                throw StoreError(.backend, "--store mongo needs --mongo-uri mongodb://host:port/database (or AIRLOCK_MONGO_URI)")
            }
            store = try await MongoStore.open(uri: uri, connectAttempts: configuration.mongoConnectAttempts, logger: logger)
        }
        var settings = ServerSettings(siteURL: configuration.siteURL ?? "http://\(configuration.host):\(configuration.port)")
        settings.siteName = "Airlock"
        // Built in one direction: the apps' registry and hook dispatcher, the chat services calling that dispatcher,
        // the apps host acting through those services, the apps manager over the host.
        let foundation = AppsFoundation(
            store: store, clock: configuration.clock, logger: logger,
            node: NodeSettings(node: configuration.nodeId, jobLease: configuration.jobLease, statsInterval: configuration.statsInterval))
        let context = ChatContext(store: store, hooks: foundation.hooks, clock: configuration.clock, settings: settings, logger: logger)
        let hasher = PasswordHasher(
            iterations: configuration.passwordIterations, maxPending: configuration.maxPendingKDF, runner: ThreadPoolRunner(pool: ThreadPoolRunner.kdf))
        // With MongoDB the login limits hold for every node together.
        let throttle = LoginThrottle(configuration: configuration.loginThrottle, shared: store as? MongoStore)
        let services = ChatServices(context: context, hasher: hasher, throttle: throttle)
        let registry = settings.registry
        let http = configuration.appsHTTPTransport ?? OutboundHTTPClient(policy: configuration.appsHTTP)
        let host = EngineHost(foundation: foundation, services: services, serverSettings: { registry }, http: http, logger: logger)
        let apps = AppManager(
            host: host, foundation: foundation, logger: logger, runtime: configuration.appsRuntime, unsignedPolicy: configuration.unsignedApps)
        let dispatcher = foundation.hooks
        // Open realtime sessions follow every chat event before the service that published it answers.
        let hub = RealtimeHub(policy: context.policy)
        context.events.listen(hub.route)
        // Several nodes share a MongoDB: events cross through it (the stream opens before the apps load, so no
        // change made meanwhile is missed), and apps changed on another node are brought in line here.
        let relay = (store as? MongoStore).map { MongoEventRelay(store: $0, hub: context.events, node: configuration.nodeId, logger: logger) }
        try await relay?.start()
        foundation.changes.connect { appId, change in context.events.publish(.appChanged(appId: appId, change: change)) }
        // App changes, in order: another node's are adopted here first; then this node's clients are told of each.
        let commands = AppCommands(foundation: foundation, services: services)
        let appsStream = AppsStreamNotifier(hub: hub, commands: commands, apps: apps)
        let (appEvents, appEvent) = AsyncStream.makeStream(of: (event: ChatEvent, local: Bool).self)
        context.events.listen(from: [.local]) { event in
            if case .appChanged = event { appEvent.yield((event, true)) }
        }
        context.events.listen(from: [.cluster]) { event in
            switch event {
            case .appChanged, .clusterEventsMissed: appEvent.yield((event, false))
            default: break
            }
        }
        Task {
            for await (event, local) in appEvents {
                switch event {
                case .appChanged(let appId, let change):
                    if !local { await apps.adopt(appId: appId, change: change) }
                    await appsStream.changed(appId: appId, change: change)
                case .clusterEventsMissed: await apps.resync()
                default: break
                }
            }
        }

        if let (admin, generated) = try await services.users.bootstrapAdmin(
            username: configuration.adminUsername, password: configuration.adminPassword)
        {
            if let generated {
                // Printed once, on the run that created the account; it is not stored anywhere in clear.
                FileHandle.standardOutput.write(
                    Data("Created admin user '\(admin.username)' with generated password: \(generated)\n".utf8))
            } else {
                logger.notice("created admin user", metadata: ["user.name": "\(admin.username)"])
            }
        }

        var limits = APILimits()
        limits.maxBodySize = configuration.maxBodySize
        limits.clientAddress = configuration.clientAddress
        let router = APIRouter.build(services: services, limits: limits, version: version) { router in
            router.add(middleware: MetricsMiddleware())
        }
        let realtime = RealtimeGateway(services: services, hub: hub, limits: configuration.realtime) {
            command, params, roomId, threadId, triggerId, user in
            try await commands.run(command, params: params, roomId: roomId, threadId: threadId, triggerId: triggerId, by: user)
        }

        // Apps that were enabled come back before the server listens.
        try await apps.start()
        appsStream.seed()
        AppEndpointsController(endpoints: AppEndpoints(foundation: foundation), auth: services.auth, maxBodySize: configuration.maxBodySize)
            .register(on: router)
        InteractionsController(interactions: AppInteractions(foundation: foundation, services: services), auth: services.auth, maxBodySize: configuration.maxBodySize)
            .register(on: router)
        AppsController(manager: apps, services: services).register(on: router)
        CommandsController(commands: commands, services: services, maxBodySize: configuration.maxBodySize)
            .register(on: router)
        // Webhook integrations: scripts in the apps' sandbox, outgoing calls under the apps' outbound rules.
        let scripts = IntegrationScripts(settings: configuration.appsRuntime, store: store, logger: logger)
        let outgoing = OutgoingWebhooks(
            services: services, scripts: scripts, http: http, retryBase: configuration.hooksRetryBase, siteURL: settings.siteURL, logger: logger)
        let outgoingRegistration = outgoing.start()
        IntegrationsController(
            services: services, incoming: IncomingWebhooks(services: services, scripts: scripts, requestsPerMinute: configuration.hooksPerMinute),
            outgoing: outgoing, maxBodySize: configuration.maxBodySize, siteURL: settings.siteURL
        ).register(on: router)
        WebConsoleController().register(on: router)
        let health = NodeHealth(node: configuration.nodeId, relay: relay, realtime: hub)
        health.register(on: router)
        return AirlockServer(
            configuration: configuration, services: services, router: router, realtime: realtime, apps: apps, hooks: dispatcher,
            integrationScripts: scripts, outgoingWebhooks: outgoingRegistration, relay: relay, health: health, logger: logger,
            metricsRegistry: metricsRegistry)
    }

    /// The HTTP application; `onListening` receives the bound port (useful with port 0).
    public func application(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let logger = self.logger
        let realtime = self.realtime
        let health = self.health
        var app = Application(
            router: router,
            server: serverBuilder(realtime: realtime),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Airlock"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.notice("airlock listening", metadata: ["http.port": "\(port)"])
                health.started()
                await onListening(port)
            },
            logger: logger)
        app.addServices(
            AppsEngineService(
                manager: apps, memoryPollInterval: configuration.appsMemoryPollInterval, integrationScripts: integrationScripts, relay: relay,
                jobsGrace: configuration.drainDelay))
        if let metricsPort = configuration.metricsPort, let registry = metricsRegistry {
            app.addServices(MetricsEndpoint.application(registry: registry, port: metricsPort, logger: logger))
        }
        return app
    }

    /// What runs around ``application(onListening:)`` in `airlock serve`: on SIGTERM it drains the node first
    /// (``DrainService``).
    public func drainService() -> some Service {
        DrainService(health: health, realtime: realtime.hub, delay: configuration.drainDelay, logger: logger)
    }

    /// HTTP/1 with the `/websocket` upgrade, behind Airlock's edge rules (``GuardedHTTPChannel``).
    private func serverBuilder(realtime: RealtimeGateway) -> HTTPServerBuilder {
        let configuration = self.configuration
        let resolver = configuration.clientAddress
        let channelConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(idleTimeout: TimeAmount(configuration.http.idleTimeout)),
            ws: .init(maxFrameSize: configuration.realtime.maxFrameSize, autoPing: .disabled, validateUTF8: true))
        return HTTPServerBuilder { responder in
            let upgrade = HTTP1WebSocketUpgradeChannel(responder: responder, configuration: channelConfiguration) { request, channel, _ in
                // Rocket.Chat's realtime endpoint; every other path stays plain HTTP.
                guard request.path == "/websocket" else { return .dontUpgrade }
                let address = resolver.resolve(
                    peer: channel.remoteAddress?.ipAddress, forwardedFor: request.headerFields[values: HTTPField.Name("X-Forwarded-For")!])
                return .upgrade([:]) { inbound, outbound, _ in try await realtime.handle(inbound: inbound, outbound: outbound, address: address) }
            }
            return GuardedHTTPChannel(inner: upgrade, limits: configuration.http, trustedProxies: resolver.trustedProxies)
        }
    }
}
