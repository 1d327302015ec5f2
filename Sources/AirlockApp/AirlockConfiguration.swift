import AirlockNetwork
public import AppsHost
public import AppsWorker
public import ChatCore
public import ChatServer
import Foundation
public import Logging
public import OutboundHTTP

/// Everything needed to build a server, with defaults for `airlock serve`.
public struct AirlockConfiguration: Sendable {
    /// Which store backs the chat core.
    public enum StoreKind: String, Sendable, CaseIterable {
        /// SQLite under the data directory (no setup).
        case embedded
        /// MongoDB at `mongoURI`.
        case mongo
    }

    public var host: String = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port: Int = 3000
    public var dataDirectory: String = "./data"
    public var store: StoreKind = .embedded
    /// `mongodb://host:port/database` for `--store mongo` (`AIRLOCK_MONGO_URI`).
    public var mongoURI: String?
    /// Start-up attempts to reach MongoDB before giving up.
    public var mongoConnectAttempts = 5
    /// `Site_Url`; defaults to `http://<host>:<port>`.
    public var siteURL: String?
    /// Port of the Prometheus `/metrics` listener on 127.0.0.1; nil disables it.
    public var metricsPort: Int?
    /// First-run admin credentials (`AIRLOCK_ADMIN_USERNAME` / `AIRLOCK_ADMIN_PASSWORD`).
    public var adminUsername: String?
    public var adminPassword: String?
    /// PBKDF2 iterations for new password hashes; tests lower it.
    public var passwordIterations: Int = 600_000
    /// Largest JSON body on ordinary routes.
    public var maxBodySize: Int = 1 << 20
    public var logLevel: Logger.Level = .info
    /// How often every enabled app's JavaScript heap is measured against its cap.
    public var appsMemoryPollInterval: Duration = .seconds(2)
    /// Where apps run by default, their default limits, the worker binary and isolation (`--apps-runtime`,
    /// `--apps-isolation`, `--app-limit`; env `AIRLOCK_APPS_RUNTIME`, `AIRLOCK_APPS_ISOLATION`, `AIRLOCK_APP_LIMITS`).
    public var appsRuntime = AppRuntimeSettings()
    /// What happens to app packages without a trusted signature: `allow`, `warn` (default) or `deny`
    /// (`--apps-unsigned`, env `AIRLOCK_APPS_UNSIGNED`).
    public var unsignedApps = UnsignedPackagePolicy.warn
    /// The time source of the chat core and the apps; `airlock dev test` moves it forward to fire scheduled jobs.
    public var clock = ChatClock()
    /// Limits on every TCP connection: header and idle timeouts, connections per address.
    public var http = HTTPEdgeLimits()
    /// Limits of the realtime (DDP) WebSocket API.
    public var realtime = RealtimeGateway.Limits()
    /// Failed-login limits per account and per client address.
    public var loginThrottle = LoginThrottle.Configuration()
    /// KDF runs (logins, password changes) queued or running at once; beyond it logins answer 429.
    public var maxPendingKDF = PasswordHasher.defaultMaxPending
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`, `AIRLOCK_TRUSTED_PROXIES`).
    public var clientAddress = ClientAddressResolver()
    /// Apps' outbound HTTP (`IHttp`): the allow-list for restricted addresses (`--apps-http-allow`,
    /// `AIRLOCK_APPS_HTTP_ALLOW`, comma-separated), timeouts and the response size cap.
    public var appsHTTP = OutboundHTTPPolicy()
    /// Requests a minute each incoming webhook accepts (`--limit hooks.requestsPerMinute`).
    public var hooksPerMinute = 600
    /// One backoff unit of outgoing webhooks' retries (Rocket.Chat: a second; `--limit hooks.retryBaseMilliseconds`).
    public var hooksRetryBase: Duration = .seconds(1)
    /// Sends apps' outbound requests in place of a network client under `appsHTTP` (`airlock dev test`'s fakes).
    public var appsHTTPTransport: (any OutboundHTTPTransport)?
    /// This node's name in logs, metrics, health answers, relayed events and job leases (`--node-id`, env
    /// `AIRLOCK_NODE_ID`); by default the host name and process id, unique among nodes on one MongoDB.
    public var nodeId = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    /// How long a node's claim on a scheduled job holds without renewal (`--limit cluster.jobLeaseMilliseconds`):
    /// a node that dies mid-run hands the job on after this.
    public var jobLease: Duration = .seconds(30)
    /// How often the node leaves its apps' call stats for the other nodes (`--limit cluster.statsMilliseconds`): the
    /// stats another node shows are at most this far behind.
    public var statsInterval: Duration = .seconds(10)
    /// After SIGTERM, how long the node answers "not ready" while still serving, so a load balancer stops sending
    /// it new clients before its sockets close (`--limit cluster.drainMilliseconds`); then how long its running
    /// scheduled jobs get to finish before they are handed back.
    public var drainDelay: Duration = .seconds(2)

    public init() {}

    /// Reads `AIRLOCK_*` variables over the defaults; command-line flags are applied after this.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        var configuration = Self()
        configuration.siteURL = environment["AIRLOCK_SITE_URL"]
        configuration.adminUsername = environment["AIRLOCK_ADMIN_USERNAME"]
        configuration.adminPassword = environment["AIRLOCK_ADMIN_PASSWORD"]
        configuration.mongoURI = environment["AIRLOCK_MONGO_URI"]
        if environment["AIRLOCK_STORE"] == "mongo" { configuration.store = .mongo }
        if let attempts = environment["AIRLOCK_MONGO_CONNECT_ATTEMPTS"].flatMap(Int.init), attempts > 0 {
            configuration.mongoConnectAttempts = attempts
        }
        if let allow = environment["AIRLOCK_APPS_HTTP_ALLOW"] {
            configuration.appsHTTP.allowList = try OutboundAllowList(parsing: allow.split(separator: ",").map(String.init))
        }
        if let iterations = environment["AIRLOCK_PASSWORD_ITERATIONS"].flatMap(Int.init), iterations > 0 {
            configuration.passwordIterations = iterations
        }
        if let proxies = environment["AIRLOCK_TRUSTED_PROXIES"] {
            try configuration.trustProxies(proxies.split(separator: ",").map(String.init))
        }
        if let mode = environment["AIRLOCK_APPS_RUNTIME"], !mode.isEmpty { try configuration.setAppsRuntime(mode) }
        if let isolation = environment["AIRLOCK_APPS_ISOLATION"], !isolation.isEmpty { try configuration.setAppsIsolation(isolation) }
        if let policy = environment["AIRLOCK_APPS_UNSIGNED"], !policy.isEmpty { try configuration.setUnsignedApps(policy) }
        if let limits = environment["AIRLOCK_APP_LIMITS"] {
            for limit in limits.split(separator: ",") { try configuration.setAppLimit(String(limit)) }
        }
        if let node = environment["AIRLOCK_NODE_ID"], !node.isEmpty { configuration.nodeId = node }
        if let limits = environment["AIRLOCK_LIMITS"] {
            for item in limits.split(separator: ",") { try configuration.setLimit(String(item)) }
        }
        return configuration
    }

    /// Adds trusted reverse proxies: addresses or CIDR ranges; a malformed entry is an error naming it.
    public mutating func trustProxies(_ entries: [String]) throws {
        for raw in entries {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty else { continue }
            guard let range = AddressRange(parsing: entry) else {
                throw ConfigurationError("--trusted-proxy: '\(entry)' is not an address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)")
            }
            clientAddress.trustedProxies.append(range)
        }
    }

    /// Applies one `--limit name=value` (`AIRLOCK_LIMITS`, comma-separated); an unknown name or a bad value is an
    /// error listing what is known.
    public mutating func setLimit(_ assignment: String) throws {
        let parts = assignment.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let limit = Self.limits.first(where: { $0.name == parts[0] }) else {
            throw ConfigurationError("--limit: expected name=value with one of: \(Self.limits.map(\.name).joined(separator: ", "))")
        }
        guard let value = Int(parts[1]), value >= limit.minimum else {
            throw ConfigurationError("--limit \(limit.name): '\(parts[1])' is not an integer >= \(limit.minimum)")
        }
        limit.apply(&self, value)
    }

    /// `worker` or `in-process`: where apps without their own choice run.
    public mutating func setAppsRuntime(_ mode: String) throws {
        guard let mode = AppLimits.RuntimeMode(rawValue: mode) else {
            throw ConfigurationError("apps runtime: '\(mode)' is not one of \(AppLimits.RuntimeMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        appsRuntime.defaultLimits.runtime = mode
    }

    /// `allow`, `warn` or `deny`: what happens to packages without a trusted signature.
    public mutating func setUnsignedApps(_ policy: String) throws {
        guard let value = UnsignedPackagePolicy(rawValue: policy) else {
            throw ConfigurationError("unsigned apps: '\(policy)' is not one of \(UnsignedPackagePolicy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        unsignedApps = value
    }

    /// `full` or `degraded`: how strongly worker processes are isolated.
    public mutating func setAppsIsolation(_ isolation: String) throws {
        guard let value = WorkerOptions.Isolation(rawValue: isolation) else {
            throw ConfigurationError("apps isolation: '\(isolation)' is not full or degraded")
        }
        appsRuntime.isolation = value
    }

    /// `name=value`: a default limit of every app (`AppLimits`' names, e.g. `cpuMillisecondsPerCall=50`).
    public mutating func setAppLimit(_ assignment: String) throws {
        let parts = assignment.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { throw ConfigurationError("--app-limit: expected name=value") }
        let value: JSONValue = parts[0] == "runtime" ? .string(parts[1]) : Int(parts[1]).map { .number(Double($0)) } ?? .string(parts[1])
        do {
            appsRuntime.defaultLimits = try appsRuntime.defaultLimits.applying([parts[0]: value])
        } catch let error as ChatError {
            throw ConfigurationError("--app-limit: \(error.message)")
        }
    }

    /// A named cap settable with `--limit`; the README's "Security model" lists each with its default.
    public struct Limit: Sendable {
        public let name: String
        public let minimum: Int
        let apply: @Sendable (inout AirlockConfiguration, Int) -> Void
    }

    /// Every cap `--limit` can set.
    public static let limits: [Limit] = [
        Limit(name: "ws.maxSubscriptions", minimum: 1) { $0.realtime.maxSubscriptions = $1 },
        Limit(name: "ws.maxStreamKeyLength", minimum: 16) { $0.realtime.maxStreamKeyLength = $1 },
        Limit(name: "ws.maxConnectionsPerUser", minimum: 1) { $0.realtime.maxConnectionsPerUser = $1 },
        Limit(name: "ws.maxAnonymousConnectionsPerAddress", minimum: 1) { $0.realtime.maxAnonymousConnectionsPerAddress = $1 },
        Limit(name: "ws.outboundQueueFrames", minimum: 16) { $0.realtime.outboundQueue = $1 },
        Limit(name: "ws.outboundQueueBytes", minimum: 65_536) { $0.realtime.outboundQueueBytes = $1 },
        Limit(name: "ws.maxFrameBytes", minimum: 1024) { $0.realtime.maxFrameSize = $1 },
        Limit(name: "ws.methodCallsPerMinute", minimum: 1) { configuration, value in
            configuration.realtime.methodCallsPerInterval = value
            configuration.realtime.methodInterval = .seconds(60)
        },
        Limit(name: "login.maxFailuresPerUser", minimum: 1) { $0.loginThrottle.maxFailuresPerUser = $1 },
        Limit(name: "login.maxFailuresPerAddress", minimum: 1) { $0.loginThrottle.maxFailuresPerAddress = $1 },
        Limit(name: "login.maxPendingKDF", minimum: 1) { $0.maxPendingKDF = $1 },
        Limit(name: "http.maxBodyBytes", minimum: 1024) { $0.maxBodySize = $1 },
        Limit(name: "http.headerTimeoutSeconds", minimum: 1) { $0.http.headerTimeout = .seconds($1) },
        Limit(name: "http.idleTimeoutSeconds", minimum: 1) { $0.http.idleTimeout = .seconds($1) },
        Limit(name: "http.maxConnectionsPerAddress", minimum: 1) { $0.http.maxConnectionsPerAddress = $1 },
        Limit(name: "hooks.requestsPerMinute", minimum: 1) { $0.hooksPerMinute = $1 },
        Limit(name: "hooks.retryBaseMilliseconds", minimum: 1) { $0.hooksRetryBase = .milliseconds($1) },
        Limit(name: "cluster.jobLeaseMilliseconds", minimum: 100) { $0.jobLease = .milliseconds($1) },
        Limit(name: "cluster.drainMilliseconds", minimum: 0) { $0.drainDelay = .milliseconds($1) },
        Limit(name: "cluster.statsMilliseconds", minimum: 100) { $0.statsInterval = .milliseconds($1) },
    ]
}

/// A configuration value that cannot be used; the message names it and says what would work.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
