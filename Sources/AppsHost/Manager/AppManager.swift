import AppsStorage
import AppsRuntime
import AppsWorker
public import AppsPackage
import AirlockCrypto
public import ChatCore
public import Foundation
import JavaScriptRuntime
import OutboundHTTP
public import Logging

/// Installs, updates, enables, disables and uninstalls apps, keeps their settings, and brings installed apps back at
/// start-up.
///
/// Lifecycle order (Apps-Engine): load + construct → store (record, package, bot user in one transaction) →
/// `onInstall` → `initialize`/`extendConfiguration` → `onEnable`. Code that throws while loading refuses the install
/// and leaves nothing behind; a throwing `onInstall` or `onEnable` leaves the app installed in `error_disabled` with the
/// reason; `onEnable` answering false leaves it `disabled`. Only enabled apps keep a VM.
///
/// Every call into an app goes through ``call(_:_:_:)``, which feeds the per-method stats and writes failures,
/// timeouts and slow calls to the app's log.
public actor AppManager {
    /// An enabled app's VM with what its configuration registered.
    struct Loaded {
        let instance: AppInstance
        var registrations: BridgeProtocol.Registrations
        let icon: Data?
    }

    let store: any AppsStore
    let reader: AppPackageReader
    let logger: Logger
    let clock: ChatClock
    let host: any AppHost
    public nonisolated let grants: AppGrants
    public nonisolated let logs: AppLogSink
    /// Every node's calls into apps, per app and method.
    public nonisolated let stats: ClusterCallStats
    let calls: AppCalls
    let settingUpdater: AppSettingUpdater
    /// The enabled apps in enable order, for the hook dispatcher.
    public nonisolated let enabled: EnabledApps
    /// Apps' scheduled jobs.
    public nonisolated let scheduler: AppScheduler
    /// Every app's limits and the counters checked against them.
    public nonisolated let quotas: AppQuotas
    /// Where apps run and the limits of those without their own.
    public nonisolated let runtime: AppRuntimeSettings
    /// Publisher keys and the policy for unsigned packages, checked at install and update.
    public nonisolated let trust: PackageTrust
    /// Where this node's changes are announced to the other nodes.
    let changes: AppChangeAnnouncer
    private var loaded: [String: Loaded] = [:]

    /// The manager of `foundation`'s apps, calling into them through `host` (``EngineHost`` in the server).
    public init(
        host: any AppHost, foundation: AppsFoundation, reader: AppPackageReader = AppPackageReader(), logger: Logger,
        runtime: AppRuntimeSettings = AppRuntimeSettings(), unsignedPolicy: UnsignedPackagePolicy = .warn
    ) {
        self.runtime = runtime
        self.trust = PackageTrust(store: foundation.store, unsignedPolicy: unsignedPolicy, clock: foundation.clock)
        self.store = foundation.store
        self.host = host
        self.grants = foundation.grants
        self.logs = foundation.logs
        self.stats = foundation.stats
        self.reader = reader
        self.logger = logger
        self.clock = foundation.clock
        self.quotas = foundation.quotas
        self.calls = foundation.calls
        self.settingUpdater = foundation.settingUpdater
        self.enabled = foundation.registry
        self.scheduler = foundation.scheduler
        self.changes = foundation.changes
        calls.health.onFailure { [weak self] appId, reason in
            guard let self else { return }
            Task { await self.stopFailing(appId, reason: reason) }
        }
    }

    /// A manager with a foundation of its own whose call lines go to `host` (tests with a recording host).
    public init(
        store: any AppsStore, host: any AppHost, logger: Logger, clock: ChatClock = ChatClock(), runtime: AppRuntimeSettings = .inProcess
    ) {
        self.init(host: host, foundation: AppsFoundation(store: store, clock: clock, logger: logger, log: host), logger: logger, runtime: runtime)
    }

    // MARK: Install, update, uninstall

    /// Installs a package and enables it. `permissions`, when given, must be a subset of what the manifest declares;
    /// `user` (the installing admin) is what `onInstall` receives as `context.user`; `runtimeMode` overrides the
    /// server's default (`worker` or `in-process`). The package's signature is checked against ``trust`` first.
    public func install(_ zip: Data, permissions: [String]? = nil, user: User? = nil, runtimeMode: AppLimits.RuntimeMode? = nil) async throws -> AppRecord {
        let package = try reader.read(zip)
        let manifest = package.manifest
        let verdict = try await trust.check(package)
        guard try await store.app(id: manifest.id) == nil else {
            throw AppPackageError(.invalidManifest, "App \"\(manifest.name)\" (\(manifest.id)) is already installed")
        }
        let granted = try Self.grantedPermissions(manifest: manifest, requested: permissions)
        grants.set(appId: manifest.id, permissions: granted, settings: [:])
        let storedLimits: JSONValue? = runtimeMode.map { ["runtime": .string($0.rawValue)] }
        let limits = AppLimits(stored: storedLimits, defaults: runtime.defaultLimits)
        quotas.setLimits(limits, appId: manifest.id)
        let privateHash = RandomID.secret(bytes: 24)
        let instance: AppInstance
        do {
            instance = try await loadInstance(package, privateHash: privateHash, limits: limits)
        } catch let error as AppEngineError {
            grants.remove(appId: manifest.id)
            logs.forget(appId: manifest.id)
            throw error
        } catch {
            grants.remove(appId: manifest.id)
            logs.forget(appId: manifest.id)
            throw AppPackageError(.invalidCode, "The app's code failed to load: \(error)")
        }
        let now = clock.now()
        let bot = User(
            id: RandomID.make(), username: manifest.botUsername, name: manifest.name, roles: ["app"], type: .app, createdAt: now)
        var record = AppRecord(
            id: manifest.id, manifest: try Self.json(manifest), status: "initialized", permissionsGranted: granted.sorted(),
            privateHash: privateHash, botUserId: bot.id, createdAt: now)
        record.limits = storedLimits
        record.signer = Self.signer(verdict, appId: manifest.id, host: host)
        do {
            try await store.installApp(record, package: zip, botUser: bot)
        } catch let error as StoreError where error.code == .duplicate(key: "username") {
            await instance.close()
            throw AppPackageError(.invalidManifest, "The app's bot user name \"\(bot.username)\" is already taken")
        } catch let error as StoreError where error.code == .duplicate(key: "app.id") {
            await instance.close()
            throw AppPackageError(.invalidManifest, "App \"\(manifest.name)\" (\(manifest.id)) is already installed")
        } catch {
            await instance.close()
            throw error
        }
        defer { changes.announce(manifest.id, "installed") }
        loaded[manifest.id] = Loaded(instance: instance, registrations: BridgeProtocol.Registrations(), icon: package.icon)
        do {
            _ = try await call(manifest.id, "onInstall") { try await instance.lifecycle(.onInstall, context: ["user": Self.json(user)]) }
        } catch {
            return try await fail(&record, reason: "onInstall failed: \(error)")
        }
        return try await enable(&record)
    }

    /// Replaces an installed app's package, keeping its settings, bot user, private hash and persistence; the new
    /// version is enabled if the old one was, then `onUpdate` runs. A package whose code fails to load changes nothing.
    public func update(id: String, zip: Data, permissions: [String]? = nil, user: User? = nil) async throws -> AppRecord {
        guard var record = try await store.app(id: id) else { throw AppEngineError.noApp(id) }
        let package = try reader.read(zip)
        guard package.manifest.id == id else {
            throw AppPackageError(.invalidManifest, "The package is app \(package.manifest.id), not \(id)")
        }
        let verdict = try await trust.check(package)
        let granted = try Self.grantedPermissions(manifest: package.manifest, requested: permissions)
        let oldVersion = record.manifest["version"] ?? .null
        let wasEnabled = Self.isEnabled(record.status)
        let instance: AppInstance
        do {
            instance = try await loadInstance(package, privateHash: record.privateHash, limits: AppLimits(stored: record.limits, defaults: runtime.defaultLimits))
        } catch let error as AppEngineError {
            throw error
        } catch {
            throw AppPackageError(.invalidCode, "The app's code failed to load: \(error)")
        }
        record.manifest = try Self.json(package.manifest)
        record.permissionsGranted = granted.sorted()
        record.updatedAt = clock.now()
        record.signer = Self.signer(verdict, appId: id, host: host)
        do {
            try await store.replaceApp(record, package: zip)
        } catch {
            await instance.close()
            throw error
        }
        defer { changes.announce(id, "updated") }
        await unload(id, disabling: true)
        grants.set(appId: id, permissions: granted, settings: record.settings)
        loaded[id] = Loaded(instance: instance, registrations: BridgeProtocol.Registrations(), icon: package.icon)
        if wasEnabled {
            record = try await enable(&record)
        } else {
            await unload(id, disabling: false)
        }
        if let app = loaded[id] {
            do {
                _ = try await call(id, "onUpdate") {
                    try await app.instance.lifecycle(.onUpdate, context: ["oldAppVersion": oldVersion, "user": Self.json(user)])
                }
            } catch {
                host.log(appId: id, level: "error", method: "onUpdate", message: "onUpdate failed: \(error)")
            }
        }
        return record
    }

    /// The record's signer, writing the policy's warning about an unsigned package to the app's log.
    private static func signer(_ verdict: PackageTrust.Verdict, appId: String, host: any AppHost) -> AppSigner? {
        switch verdict {
        case .signed(let signer): return signer
        case .unsigned(let warning):
            if let warning { host.log(appId: appId, level: "warning", method: "install", message: warning) }
            return nil
        }
    }

    /// What an upload would install, without installing it (`POST /api/apps/inspect`): the manifest, the permissions
    /// it asks for (the Apps-Engine defaults when it declares none), who signed it, what is installed under its id, and
    /// the refusal an install would meet, if any. A package the reader refuses throws as an install would.
    public func inspect(_ zip: Data) async throws -> JSONValue {
        let package = try reader.read(zip)
        let manifest = package.manifest
        let declared = (manifest.permissions ?? []).map(\.name)
        var refusal: JSONValue = .null
        var signature: JSONValue = ["signed": false]
        do {
            if case .signed(let signer) = try await trust.check(package) {
                signature = ["signed": true, "keyId": .string(signer.keyId), "signer": .string(signer.name), "trusted": true]
            }
        } catch let error as AppPackageError {
            refusal = .string(error.message)
        }
        if case .bool(false)? = signature["signed"], let claimed = package.signature {
            signature = ["signed": true, "keyId": .string(claimed.keyId), "signer": claimed.signer.map(JSONValue.string) ?? .null, "trusted": false]
        }
        let installed = try await store.app(id: manifest.id).map { record -> JSONValue in
            ["version": record.manifest["version"] ?? .null, "status": .string(record.status)]
        }
        let permissions = declared.isEmpty ? AppsEngineDefinition.defaultPermissions.sorted() : declared
        return [
            "app": try Self.json(manifest),
            "permissions": .array(permissions.map { ["name": .string($0)] }),
            "permissionsDeclared": .bool(!declared.isEmpty),
            "signature": signature,
            "installed": installed ?? .null,
            "refusal": refusal,
        ]
    }

    /// The app's scheduled jobs, soonest first.
    public func jobs(id: String) async throws -> [AppJob] {
        guard try await store.app(id: id) != nil else { throw AppEngineError.noApp(id) }
        return try await store.jobs(appId: id)
    }

    /// Calls `onUninstall`, stops the VM and removes the app with its package, logs and bot user.
    @discardableResult
    public func uninstall(id: String, user: User? = nil) async throws -> AppRecord {
        guard var record = try await store.app(id: id) else { throw AppEngineError.noApp(id) }
        if let app = loaded[id] {
            _ = try? await call(id, "onUninstall") { try await app.instance.lifecycle(.onUninstall, context: ["user": Self.json(user)]) }
            await unload(id, disabling: true)
        }
        forget(id)
        try await store.uninstallApp(id: id)
        changes.announce(id, "uninstalled")
        record.status = "disabled"
        return record
    }

    // MARK: Status

    /// Enables (`manually_enabled`) or disables (`manually_disabled`) an installed app.
    public func setEnabled(_ enabled: Bool, id: String) async throws -> AppRecord {
        guard var record = try await store.app(id: id) else { throw AppEngineError.noApp(id) }
        defer { changes.announce(id, "status") }
        if enabled {
            guard loaded[id] == nil else { return record }
            do {
                try await load(record)
            } catch {
                return try await fail(&record, reason: "loading failed: \(error)", status: "compiler_error_disabled")
            }
            return try await enable(&record)
        }
        await unload(id, disabling: true)
        record.status = "manually_disabled"
        record.statusReason = nil
        record.updatedAt = clock.now()
        try await store.updateApp(record)
        trackEssentials(record)
        return record
    }

    /// Loads every installed app; those that were enabled come back enabled.
    public func start() async throws {
        let records = try await store.apps()
        for record in records { trackEssentials(record) }
        for var record in records where Self.isEnabled(record.status) {
            do {
                try await load(record)
            } catch {
                _ = try await fail(&record, reason: "loading failed: \(error)", status: "compiler_error_disabled")
                continue
            }
            _ = try await enable(&record)
        }
    }

    /// Disables nothing in the store, only stops every VM (server shutdown); apps come back at the next start.
    public func shutdown() async {
        for (_, app) in loaded { await app.instance.close() }
        loaded = [:]
        await logs.flush()
    }

    // MARK: Reading

    public func apps() async throws -> [AppRecord] {
        try await store.apps()
    }

    public func app(id: String) async throws -> AppRecord {
        guard let record = try await store.app(id: id) else { throw AppEngineError.noApp(id) }
        return record
    }

    /// What an enabled app's configuration registered (settings, commands, endpoints, processors, buttons).
    public func registrations(id: String) -> BridgeProtocol.Registrations? {
        loaded[id]?.registrations
    }

    /// The event interfaces an enabled app implements (empty when it is not enabled).
    public func implemented(id: String) -> [String] {
        loaded[id]?.instance.implemented ?? []
    }

    /// The icon named by the manifest's `iconFile`, from the package.
    public func icon(id: String) async throws -> Data? {
        if let app = loaded[id] { return app.icon }
        guard let zip = try await store.appPackage(id: id) else { throw AppEngineError.noApp(id) }
        return try reader.read(zip).icon
    }

    // MARK: Limits

    /// The app's limits (defaults where the admin set none).
    public func limits(id: String) async throws -> AppLimits {
        guard let record = try await store.app(id: id) else { throw AppEngineError.noApp(id) }
        return AppLimits(stored: record.limits, defaults: runtime.defaultLimits)
    }

    /// Applies an admin's changes (`{name: integer}`, `runtime`); they take effect at once, for a running app too (a
    /// new runtime mode reloads the app: disabled, then enabled in its new place).
    public func setLimits(id: String, changes: JSONValue) async throws -> AppLimits {
        guard var record = try await store.app(id: id) else { throw AppEngineError.noApp(id) }
        let old = AppLimits(stored: record.limits, defaults: runtime.defaultLimits)
        let limits = try old.applying(changes)
        if limits.runtime == .worker { _ = try runtime.workerOptions(limits) }
        var stored = record.limits?.objectValue ?? [:]
        for (name, value) in changes.objectValue ?? [:] { stored[name] = value }
        record.limits = .object(stored)
        record.updatedAt = clock.now()
        try await store.updateApp(record)
        defer { self.changes.announce(id, "updated") }
        quotas.setLimits(limits, appId: id)
        host.log(appId: id, level: "info", method: "limits", message: "Limits changed: \(Self.text(changes))")
        if let app = loaded[id] {
            if limits.runtime != old.runtime {
                await unload(id, disabling: true)
                do {
                    try await load(record)
                } catch {
                    _ = try await fail(&record, reason: "loading failed: \(error)", status: "compiler_error_disabled")
                    return limits
                }
                _ = try await enable(&record)
            } else {
                apply(limits, to: app.instance)
            }
        }
        return limits
    }

    /// What an app's runtime is doing (mode, worker pid, memory, CPU, restarts, last failure, isolation); for an app
    /// that is not running, only its mode.
    public func runtimeStatus(id: String) async throws -> AppRuntimeStatus {
        if let app = loaded[id] { return app.instance.runtime.status() }
        guard let record = try await store.app(id: id) else { throw AppEngineError.noApp(id) }
        return AppRuntimeStatus(mode: AppLimits(stored: record.limits, defaults: runtime.defaultLimits).runtime.rawValue)
    }

    /// Every running app's runtime status (metrics, `airlock apps list`).
    public func runtimeStatuses() -> [String: AppRuntimeStatus] {
        loaded.mapValues { $0.instance.runtime.status() }
    }

    /// Budgets and worker limits of a running app.
    private func apply(_ limits: AppLimits, to instance: AppInstance) {
        let budgets = limits.budgets
        instance.setBudgets(AppInstance.Budgets(preHook: budgets.preHook, standard: budgets.standard))
        if let worker = instance.runtime as? WorkerRuntime, let options = try? runtime.workerOptions(limits) {
            worker.setOptions(options)
        }
    }

    /// What the app uses now (persistence, jobs, outbound requests, heap).
    public func usage(id: String) async throws -> JSONValue {
        try await quotas.usage(appId: id, store: store)
    }

    /// Polls every enabled app's JavaScript heap (after a young-generation collection, which keeps JSC's numbers
    /// current); an app past its cap after a full collection is stopped. A VM busy
    /// for longer than `interval` is skipped this round (a stuck one is the health watch's business).
    public func watchMemory(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            for (appId, app) in loaded { AppRuntimeMetrics.record(app.instance.runtime.status(), appId: appId) }
            for (appId, app) in loaded {
                // A young-generation collection first: JSC's statistics are only as fresh as its last collection.
                guard let heap = await Self.heap(of: app.instance, full: false, within: interval) else { continue }
                quotas.recordHeap(heap, appId: appId)
                let cap = quotas.limits(appId: appId).heapBytes
                guard heap > cap else { continue }
                // Garbage counts until collected: only what survives a full collection stops the app.
                guard let live = await Self.heap(of: app.instance, full: true, within: interval), live > cap else { continue }
                quotas.recordHeap(live, appId: appId)
                await stopFailing(appId, reason: "its JavaScript heap grew to \(live >> 20) MiB, over its cap of \(cap >> 20) MiB")
            }
        }
    }

    private static func heap(of instance: AppInstance, full: Bool, within limit: Duration) async -> Int? {
        await withTaskGroup(of: Int?.self) { group in
            group.addTask { try? await instance.heapSize(full: full) }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Log lines, including those still waiting for the batch writer.
    public func logs(_ query: AppLogQuery, page: PageRequest) async throws -> Page<AppLogEntry> {
        await logs.flush()
        return try await store.appLogs(query, page: page)
    }

    /// The nodes that wrote the kept log lines.
    public func logNodes() async throws -> [String] {
        await logs.flush()
        return try await store.appLogNodes()
    }

    // MARK: Settings

    /// Applies a new value (``AppSettingUpdater``); answers the stored setting.
    public func updateSetting(id: String, settingId: String, value: JSONValue) async throws -> JSONValue {
        try await settingUpdater.update(appId: id, settingId: settingId, value: value, instance: loaded[id]?.instance)
    }

    // MARK: Steps

    private func load(_ record: AppRecord) async throws {
        guard let zip = try await store.appPackage(id: record.id) else {
            throw AppPackageError(.invalidArchive, "Package of \(record.id) is missing")
        }
        let package = try reader.read(zip)
        grants.set(appId: record.id, permissions: Set(record.permissionsGranted), settings: record.settings)
        let limits = AppLimits(stored: record.limits, defaults: runtime.defaultLimits)
        quotas.setLimits(limits, appId: record.id)
        logs.setSecrets(AppSettings.secrets(record.settings), appId: record.id)
        let instance = try await loadInstance(package, privateHash: record.privateHash, limits: limits)
        loaded[record.id] = Loaded(instance: instance, registrations: BridgeProtocol.Registrations(), icon: package.icon)
    }

    /// The slash commands an app may provide: it needs the `slashcommand` permission, and a name another enabled app
    /// already provides is refused (logged for the app).
    private func commands(of appId: String, _ provided: [JSONValue]) -> [String: JSONValue] {
        guard !provided.isEmpty else { return [:] }
        guard grants.has("slashcommand", appId: appId) else {
            let denied = PermissionDenied(appId: appId, permission: "slashcommand", call: "slashCommands.provideSlashCommand")
            host.log(appId: appId, level: "error", method: "initialize", message: "PermissionDeniedError: \(denied.message)")
            return [:]
        }
        var commands: [String: JSONValue] = [:]
        for command in provided {
            guard let name = command["command"]?.stringValue else { continue }
            if let owner = enabled.commandOwner(name), owner.appId != appId {
                host.log(appId: appId, level: "error", method: "initialize", message: "The command /\(name) is already provided by app \(owner.appId); not registered")
                continue
            }
            commands[name] = command
        }
        return commands
    }

    /// The HTTP endpoints an app may provide: it needs the `api` permission.
    private func endpoints(of appId: String, _ provided: [JSONValue]) -> [JSONValue] {
        guard !provided.isEmpty, !grants.has("api", appId: appId) else { return provided }
        let denied = PermissionDenied(appId: appId, permission: "api", call: "api.provideApi")
        host.log(appId: appId, level: "error", method: "initialize", message: "PermissionDeniedError: \(denied.message)")
        return []
    }

    /// The app loaded where its limits say: a worker process (whose failures past the limit stop the app), or a VM in
    /// this process (whose stuck thread or overrunning timer the health watch hears of).
    private func loadInstance(_ package: AppPackage, privateHash: String, limits: AppLimits) async throws -> AppInstance {
        let appId = package.manifest.id
        let health = calls.health
        let budgets = limits.budgets
        let channel = try await runtime.start(
            package, host: host, limits: limits, onFailure: { reason in health.report(appId, reason) },
            onStuck: { seconds in health.stuck(appId: appId, seconds: seconds) }, onTimerOverrun: { health.timerOverrun(appId: appId) })
        return try await AppInstance.construct(
            package.manifest, in: channel, privateHash: privateHash, budgets: AppInstance.Budgets(preHook: budgets.preHook, standard: budgets.standard))
    }

    /// An enabled app that is stuck or keeps timing out goes to `error_disabled`. Its VM is closed without waiting:
    /// a stuck thread never answers.
    private func stopFailing(_ appId: String, reason: String) async {
        guard let app = loaded.removeValue(forKey: appId) else { return }
        AppRuntimeMetrics.record(AppRuntimeStatus(mode: app.instance.runtime.status().mode), appId: appId)
        enabled.remove(appId: appId)
        Task.detached { await app.instance.close() }
        guard var record = try? await store.app(id: appId) else { return }
        logger.warning("app stopped", metadata: ["app.id": "\(appId)", "reason": "\(reason)"])
        _ = try? await fail(&record, reason: "Stopped: \(reason)")
    }

    /// Stops the app's VM (after `onDisable` when `disabling`).
    private func unload(_ id: String, disabling: Bool) async {
        enabled.remove(appId: id)
        guard let app = loaded.removeValue(forKey: id) else { return }
        if disabling {
            _ = try? await call(id, "onDisable") { try await app.instance.lifecycle(.onDisable) }
        }
        await app.instance.close()
    }

    /// `initialize` (settings merged with the stored values) → `onEnable`. `following` another node's change, the
    /// store is that node's to write (and the startup jobs its to create): only this node's VM and registry change.
    private func enable(_ record: inout AppRecord, following: Bool = false) async throws -> AppRecord {
        guard let app = loaded[record.id] else { return try await fail(&record, reason: "not loaded", following: following) }
        do {
            let registrations = try await call(record.id, "initialize") { try await app.instance.initialize() }
            loaded[record.id]?.registrations = registrations
            record.settings = AppSettings.merge(definitions: registrations.settings, stored: record.settings, now: WireDate.string(clock.now()))
            grants.setSettings(record.settings, appId: record.id)
            logs.setSecrets(AppSettings.secrets(record.settings), appId: record.id)
            let enabled = try await call(record.id, "onEnable") { try await app.instance.lifecycle(.onEnable) }
            if enabled == .bool(false) {
                record.status = "disabled"
                record.statusReason = "onEnable returned false"
                await unload(record.id, disabling: false)
            } else {
                record.status = "manually_enabled"
                record.statusReason = nil
                let processors = grants.has("scheduler", appId: record.id) ? registrations.processors : []
                self.enabled.add(
                    app.instance, commands: commands(of: record.id, registrations.slashCommands),
                    apis: endpoints(of: record.id, registrations.apis), privateHash: record.privateHash, processors: processors,
                    buttons: grants.has("ui.registerButtons", appId: record.id) ? registrations.buttons : [])
                if !following { await scheduler.startup(appId: record.id, processors: processors) }
            }
        } catch {
            return try await fail(&record, reason: "enabling failed: \(error)", following: following)
        }
        guard !following else { return record }
        record.updatedAt = clock.now()
        try await store.updateApp(record)
        trackEssentials(record)
        return record
    }

    // MARK: Cluster

    /// Another node changed the app (`change`: installed, updated, status, uninstalled, settings): this node brings
    /// its own VM and registry in line with the stored record. What runs once per cluster (onInstall, onUpdate,
    /// onUninstall, onSettingUpdated, the store's writes) ran on that node; this one runs what each node runs for
    /// its own VM: initialize and onEnable, or onDisable.
    public func adopt(appId: String, change: String) async {
        let record: AppRecord?
        do {
            record = try await store.app(id: appId)
        } catch {
            logger.error("cannot follow another node's app change", metadata: ["app.id": "\(appId)", "error": "\(error)"])
            return
        }
        guard var record else {
            await unload(appId, disabling: false)
            forget(appId)
            return
        }
        trackEssentials(record)
        grants.setSettings(record.settings, appId: appId)
        logs.setSecrets(AppSettings.secrets(record.settings), appId: appId)
        guard Self.isEnabled(record.status) else {
            await unload(appId, disabling: loaded[appId] != nil)
            return
        }
        if loaded[appId] != nil, change == "settings" || change == "status" { return }
        await unload(appId, disabling: false)
        do {
            try await load(record)
        } catch {
            logger.error("cannot load an app another node enabled", metadata: ["app.id": "\(appId)", "error": "\(error)"])
            return
        }
        _ = try? await enable(&record, following: true)
    }

    /// This node may have missed other nodes' app changes (its event stream could not resume): every app it runs or
    /// the store holds is brought in line with the store again, as after a change of each (enabled apps restart).
    public func resync() async {
        let stored: [AppRecord]
        do {
            stored = try await store.apps()
        } catch {
            logger.error("cannot resync apps with the store", metadata: ["error": "\(error)"])
            return
        }
        for appId in Set(stored.map(\.id)).union(loaded.keys).sorted() {
            await adopt(appId: appId, change: "updated")
        }
    }

    /// Drops what this node keeps about an uninstalled app: grants, log secrets, call stats, quotas, essentials.
    private func forget(_ appId: String) {
        grants.remove(appId: appId)
        logs.forget(appId: appId)
        stats.local.forget(appId: appId)
        quotas.forget(appId: appId)
        enabled.setEssentials([], appId: appId, name: "", enabled: false)
    }

    /// Keeps the essential-event locks in step with a stored status.
    private func trackEssentials(_ record: AppRecord) {
        let essentials = record.manifest["essentials"]?.arrayValue?.compactMap(\.stringValue) ?? []
        enabled.setEssentials(
            essentials, appId: record.id, name: record.manifest["name"]?.stringValue ?? record.id, enabled: Self.isEnabled(record.status))
    }

    private func fail(
        _ record: inout AppRecord, reason: String, status: String = "error_disabled", following: Bool = false
    ) async throws -> AppRecord {
        host.log(appId: record.id, level: "error", method: "lifecycle", message: reason)
        await unload(record.id, disabling: false)
        guard !following else { return record }
        record.status = status
        record.statusReason = reason
        record.updatedAt = clock.now()
        try await store.updateApp(record)
        trackEssentials(record)
        return record
    }

    /// Runs one call into an app (see ``AppCalls``).
    func call<T: Sendable>(_ appId: String, _ method: String, _ body: () async throws -> T) async throws -> T {
        try await calls.run(appId, method, body)
    }

    // MARK: Helpers

    public static func isEnabled(_ status: String) -> Bool {
        status == "manually_enabled" || status == "auto_enabled"
    }

    /// Rocket.Chat's rule: the permissions granted at upload when that list is not empty, else the app's declared
    /// ones, else the Apps-Engine defaults; an empty list counts as none given (Rocket.Chat's REST upload turns `[]`
    /// into "not given" and its permission manager then falls back to the defaults). An admin may grant less than
    /// the app declares, never more.
    static func grantedPermissions(manifest: AppManifest, requested: [String]?) throws -> Set<String> {
        let declared = manifest.permissions.map { Set($0.map(\.name)) }.flatMap { $0.isEmpty ? nil : $0 }
        let allowed = declared ?? AppsEngineDefinition.defaultPermissions
        guard let requested, !requested.isEmpty else { return allowed }
        let requestedSet = Set(requested)
        guard requestedSet.isSubset(of: allowed) else {
            let extra = requestedSet.subtracting(allowed).sorted().joined(separator: ", ")
            throw AppPackageError(.unknownPermission, "Permissions not declared by the app: \(extra)")
        }
        return requestedSet
    }

    static func json(_ manifest: AppManifest) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(manifest))
    }

    /// The acting user as apps see it (`IUser`'s identifying fields).
    static func json(_ user: User?) -> JSONValue {
        guard let user else { return .null }
        return [
            "id": .string(user.id), "username": .string(user.username), "name": .string(user.name),
            "roles": .array(user.roles.map(JSONValue.string)), "type": .string(user.type.rawValue),
        ]
    }


    static func text(_ value: JSONValue) -> String {
        (try? String(decoding: JSONEncoder().encode(value), as: UTF8.self)) ?? "?"
    }
}
