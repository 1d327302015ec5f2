public import ChatCore
public import Foundation

/// One line of an app's log: an `ILogger`/`console` call, a lifecycle step, an error, a timeout or a slow call.
public struct AppLogEntry: Sendable, Hashable, Codable {
    /// Severity in the Apps-Engine's words: `debug`, `info`, `log`, `success`, `warning`, `error`.
    public enum Level: String, Sendable, Hashable, Codable, CaseIterable {
        case debug, info, log, success, warning, error

        /// Rocket.Chat's `logLevel` filter: 0 = errors, 1 = + warning/info/log, 2 = everything.
        public var verbosity: Int {
            switch self {
            case .error: 0
            case .warning, .info, .log: 1
            case .debug, .success: 2
            }
        }

        /// Maps `ILogger` method names (`warn`) and levels to a level; unknown names are `info`.
        public init(loggerMethod: String) {
            switch loggerMethod {
            case "warn", "warning": self = .warning
            default: self = Level(rawValue: loggerMethod) ?? .info
            }
        }
    }

    public var appId: String
    public var level: Level
    /// The app method the line came from (`onEnable`, `executePostMessageSent`, `console`, ...).
    public var method: String
    public var message: String
    public var createdAt: Date
    /// The node that wrote the line (Rocket.Chat's `instanceId`; nil in lines written before nodes were named).
    public var node: String?

    public init(appId: String, level: Level, method: String, message: String, createdAt: Date, node: String? = nil) {
        self.appId = appId
        self.level = level
        self.method = method
        self.message = message
        self.createdAt = createdAt
        self.node = node
    }
}

/// Which log lines to list.
public struct AppLogQuery: Sendable, Hashable {
    public var appId: String
    /// At most this verbosity (see ``AppLogEntry/Level/verbosity``); nil lists all.
    public var maxVerbosity: Int?
    public var method: String?
    public var since: Date?
    public var until: Date?
    /// Only the lines of this node (`instanceId`).
    public var node: String?

    public init(appId: String, maxVerbosity: Int? = nil, method: String? = nil, since: Date? = nil, until: Date? = nil, node: String? = nil) {
        self.appId = appId
        self.maxVerbosity = maxVerbosity
        self.method = method
        self.since = since
        self.until = until
        self.node = node
    }
}

/// Apps' logs. Written in batches by the engine's log sink; trimmed by count and age.
public protocol AppLogStore: Sendable {
    /// Appends lines in one transaction.
    func appendAppLogs(_ entries: [AppLogEntry]) async throws
    /// Matching lines, newest first unless `page.ascending`.
    func appLogs(_ query: AppLogQuery, page: PageRequest) async throws -> Page<AppLogEntry>
    /// Deletes lines older than `before`, then all but the newest `keepPerApp` of each app; answers how many went.
    @discardableResult
    func pruneAppLogs(before: Date, keepPerApp: Int) async throws -> Int
    /// The nodes that wrote the kept lines, sorted (Rocket.Chat's `GET /api/apps/logs/instanceIds`).
    func appLogNodes() async throws -> [String]
}
