public import AppsPackage
import AirlockCrypto
public import ChatCore
import Foundation
import JavaScriptRuntime
public import Logging

/// Installs, enables, disables and uninstalls apps, and brings installed apps back at start-up.
///
/// Lifecycle order (Apps-Engine): load + construct → store (record, package, bot user in one transaction) →
/// `onInstall` → `initialize`/`extendConfiguration` → `onEnable`. Code that throws while loading refuses the install
/// and leaves nothing behind; a throwing `onInstall` or `onEnable` leaves the app installed in `error_disabled` with the
/// reason; `onEnable` answering false leaves it `disabled`.
public actor AppManager {
    /// An app loaded in a VM with what its configuration registered.
    struct Loaded {
        let instance: AppInstance
        var registrations: BridgeProtocol.Registrations
    }

    let store: any ChatStore
    let reader: AppPackageReader
    let logger: Logger
    let clock: ChatClock
    let host: any AppHost
    private var loaded: [String: Loaded] = [:]

    public init(store: any ChatStore, host: any AppHost, reader: AppPackageReader = AppPackageReader(), logger: Logger, clock: ChatClock = ChatClock()) {
        self.store = store
        self.host = host
        self.reader = reader
        self.logger = logger
        self.clock = clock
    }

    /// Installs a package and enables it. `permissions`, when given, must be a subset of what the manifest declares.
    public func install(_ zip: Data, permissions: [String]? = nil) async throws -> AppRecord {
        let package = try reader.read(zip)
        let manifest = package.manifest
        guard try await store.app(id: manifest.id) == nil else {
            throw AppPackageError(.invalidManifest, "An app with id \(manifest.id) is already installed")
        }
        let granted = try Self.grantedPermissions(manifest: manifest, requested: permissions)
        let instance = try await AppInstance.load(package, host: host)
        let now = clock.now()
        let bot = User(
            id: RandomID.make(), username: manifest.botUsername, name: manifest.name, roles: ["app"], type: .app, createdAt: now)
        var record = AppRecord(
            id: manifest.id, manifest: try Self.json(manifest), status: "initialized", permissionsGranted: granted.sorted(),
            privateHash: RandomID.secret(bytes: 24), botUserId: bot.id, createdAt: now)
        do {
            try await store.installApp(record, package: zip, botUser: bot)
        } catch {
            await instance.close()
            throw error
        }
        loaded[manifest.id] = Loaded(instance: instance, registrations: BridgeProtocol.Registrations())
        do {
            _ = try await instance.lifecycle(.onInstall)
        } catch {
            return try await fail(&record, reason: "onInstall failed: \(error)")
        }
        return try await enable(&record)
    }

    /// Enables (`manually_enabled`) or disables (`manually_disabled`) an installed app.
    public func setEnabled(_ enabled: Bool, id: String) async throws -> AppRecord {
        guard var record = try await store.app(id: id) else { throw AppPackageError(.invalidManifest, "No app \(id)") }
        if enabled {
            if loaded[id] == nil { try await load(record) }
            return try await enable(&record)
        }
        if let app = loaded[id] {
            _ = try? await app.instance.lifecycle(.onDisable)
        }
        record.status = "manually_disabled"
        record.statusReason = nil
        record.updatedAt = clock.now()
        try await store.updateApp(record)
        return record
    }

    /// Calls `onUninstall`, stops the VM and removes the app, its package and its bot user.
    public func uninstall(id: String) async throws {
        guard try await store.app(id: id) != nil else { throw AppPackageError(.invalidManifest, "No app \(id)") }
        if let app = loaded.removeValue(forKey: id) {
            _ = try? await app.instance.lifecycle(.onUninstall)
            await app.instance.close()
        }
        try await store.uninstallApp(id: id)
    }

    /// Loads every installed app; those that were enabled come back enabled.
    public func start() async throws {
        for var record in try await store.apps() where ["manually_enabled", "auto_enabled"].contains(record.status) {
            do {
                try await load(record)
                _ = try await enable(&record)
            } catch {
                logger.error("app failed to start", metadata: ["app.id": "\(record.id)", "error": "\(error)"])
            }
        }
    }

    public func apps() async throws -> [AppRecord] {
        try await store.apps()
    }

    /// What the app's configuration registered (settings, commands, endpoints, processors, buttons).
    public func registrations(id: String) -> BridgeProtocol.Registrations? {
        loaded[id]?.registrations
    }

    // MARK: Steps

    private func load(_ record: AppRecord) async throws {
        guard let zip = try await store.appPackage(id: record.id) else { throw AppPackageError(.invalidArchive, "Package of \(record.id) is missing") }
        let instance = try await AppInstance.load(try reader.read(zip), host: host)
        loaded[record.id] = Loaded(instance: instance, registrations: BridgeProtocol.Registrations())
    }

    private func enable(_ record: inout AppRecord) async throws -> AppRecord {
        guard let app = loaded[record.id] else { return try await fail(&record, reason: "not loaded") }
        do {
            loaded[record.id]?.registrations = try await app.instance.initialize()
            let enabled = try await app.instance.lifecycle(.onEnable)
            record.status = enabled == .bool(false) ? "disabled" : "manually_enabled"
            record.statusReason = enabled == .bool(false) ? "onEnable returned false" : nil
        } catch {
            return try await fail(&record, reason: "enabling failed: \(error)")
        }
        record.updatedAt = clock.now()
        try await store.updateApp(record)
        return record
    }

    private func fail(_ record: inout AppRecord, reason: String) async throws -> AppRecord {
        host.log(appId: record.id, level: "error", method: "lifecycle", message: reason)
        record.status = "error_disabled"
        record.statusReason = reason
        record.updatedAt = clock.now()
        try await store.updateApp(record)
        return record
    }

    static func grantedPermissions(manifest: AppManifest, requested: [String]?) throws -> Set<String> {
        let declared = manifest.permissions.map { Set($0.map(\.name)) }
        if let requested {
            let requestedSet = Set(requested)
            let allowed = declared ?? AppsEngineDefinition.defaultPermissions
            guard requestedSet.isSubset(of: allowed) else {
                let extra = requestedSet.subtracting(allowed).sorted().joined(separator: ", ")
                throw AppPackageError(.unknownPermission, "Permissions not declared by the app: \(extra)")
            }
            return requestedSet
        }
        return declared ?? AppsEngineDefinition.defaultPermissions
    }

    static func json(_ manifest: AppManifest) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(manifest))
    }
}
