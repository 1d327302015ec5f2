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
    /// Limits of the realtime (DDP) WebSocket API.
    public var realtime = RealtimeGateway.Limits()
    /// Apps' outbound HTTP (`IHttp`): the allow-list for restricted addresses (`--apps-http-allow`,
    /// `AIRLOCK_APPS_HTTP_ALLOW`, comma-separated), timeouts and the response size cap.
    public var appsHTTP = OutboundHTTPPolicy()

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
        return configuration
    }
}
