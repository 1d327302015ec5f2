public import ChatCore
public import Foundation

/// An installed app as the store keeps it. The engine owns the meaning of `manifest` and `status` (Apps-Engine's
/// `AppStatus` values); the stores only keep them.
public struct AppRecord: Sendable, Hashable, Codable {
    /// The manifest's `id`.
    public var id: String
    /// `app.json` as installed.
    public var manifest: JSONValue
    /// Apps-Engine `AppStatus` raw value (`manually_enabled`, `disabled`, `error_disabled`, ...).
    public var status: String
    /// Why the app is in an error status, for admins.
    public var statusReason: String?
    /// Permission names granted at install.
    public var permissionsGranted: [String]
    /// Setting id → current value.
    public var settings: [String: JSONValue]
    /// Secret part of private endpoint URLs.
    public var privateHash: String
    public var botUserId: String?
    /// The admin's limits for this app (the apps engine's `AppLimits`); nil: the defaults.
    public var limits: JSONValue?
    /// Who signed the installed package, checked against the trust store at install or update; nil: unsigned.
    public var signer: AppSigner?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, manifest: JSONValue, status: String, statusReason: String? = nil, permissionsGranted: [String],
        settings: [String: JSONValue] = [:], privateHash: String, botUserId: String?, createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.manifest = manifest
        self.status = status
        self.statusReason = statusReason
        self.permissionsGranted = permissionsGranted
        self.settings = settings
        self.privateHash = privateHash
        self.botUserId = botUserId
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}

/// Installed apps. Install and uninstall are single atomic operations, so a crash leaves either no app or a whole
/// one (record, package and bot user together).
public protocol AppStore: Sendable {
    /// Stores the record, the package bytes and the bot user atomically; throws `duplicate(key: "app.id")` when an
    /// app with this id is installed, `duplicate(key: "username")` when the bot's username is taken.
    func installApp(_ record: AppRecord, package: Data, botUser: User?) async throws
    /// Replaces record and package together (app update).
    func replaceApp(_ record: AppRecord, package: Data) async throws
    /// Saves status and settings changes.
    func updateApp(_ record: AppRecord) async throws
    /// Removes the record, the package, the logs, the persistence, the jobs and the bot user (with its tokens and memberships)
    /// atomically.
    func uninstallApp(id: String) async throws
    func app(id: String) async throws -> AppRecord?
    /// All installed apps, oldest install first (the enable order).
    func apps() async throws -> [AppRecord]
    func appPackage(id: String) async throws -> Data?
}

/// The trusted key an installed package was signed with.
public struct AppSigner: Sendable, Hashable, Codable {
    public var keyId: String
    /// The trust store's name for the key when the package was installed.
    public var name: String

    public init(keyId: String, name: String) {
        self.keyId = keyId
        self.name = name
    }
}
