import AppsStorage
import AppsRuntime
public import AppsHost
import AppsPackage
public import ChatCore
public import ChatServer
import Foundation
public import Hummingbird

/// The admin REST API of the apps engine under `/api/apps` (Rocket.Chat's paths and shapes). Every route needs
/// `manage-apps` except the icon, which is public as in Rocket.Chat.
public struct AppsController: Sendable {
    public struct Limits: Sendable {
        /// Largest upload body (the zip plus the multipart framing); only the upload routes accept more than the
        /// ordinary JSON limit.
        public var maxUploadBytes = 20 << 20 + 64 << 10
        public var maxBodySize = 1 << 20

        public init() {}
    }

    let manager: AppManager
    let services: ChatServices
    let limits: Limits

    public init(manager: AppManager, services: ChatServices, limits: Limits = Limits()) {
        self.manager = manager
        self.services = services
        self.limits = limits
    }

    /// Adds the routes to `router` (which already has the error middleware).
    public func register(on router: Router<AirlockRequestContext>) {
        router.get("api/apps/:id/icon") { _, context in
            let id = try context.parameters.appId("id")
            guard let icon = try await mapped({ try await manager.icon(id: id) }) else {
                throw ChatError(.notFound, code: "error-not-found", message: "The app \(id) has no icon")
            }
            return Response(status: .ok, headers: [
                    .contentType: Self.imageType(icon), .cacheControl: "public, max-age=300",
                    // An SVG icon is app-supplied markup: never let it run script in a browser.
                    .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                    .init("X-Content-Type-Options")!: "nosniff",
                ],
                            body: .init(byteBuffer: .init(bytes: icon)))
        }

        let api = router.group("api/apps")
            .add(middleware: AuthMiddleware(auth: services.auth))
            .add(middleware: RequirePermission(permission: .manageApps, policy: services.context.policy))
        api.get { _, _ in try await list() }
        api.get("installed") { _, _ in try await list() }
        api.post { request, context in
            let upload = try await AppUpload.read(request, limit: limits.maxUploadBytes)
            let user = try context.caller()
            let record = try await mapped { try await manager.install(upload.zip, permissions: upload.permissions, user: user, runtimeMode: upload.runtime) }
            return try await installed(record)
        }
        api.post("inspect") { request, _ in
            let upload = try await AppUpload.read(request, limit: limits.maxUploadBytes)
            let report = try await mapped { try await manager.inspect(upload.zip) }
            return try JSONResponse.success(report)
        }
        api.get(":id/jobs") { _, context in
            let jobs = try await mapped { try await manager.jobs(id: try context.parameters.appId("id")) }
            let items: [JSONValue] = jobs.map { job in
                [
                    "id": .string(job.id), "processorId": .string(job.processorId), "nextRunAt": .string(WireDate.string(job.nextRunAt)),
                    "interval": job.interval.map(JSONValue.string) ?? .null, "data": job.data ?? .null, "createdAt": .string(WireDate.string(job.createdAt)),
                ]
            }
            return try JSONResponse.success(Named(key: "jobs", value: items))
        }
        api.get(":id/stats") { request, context in
            let id = try context.parameters.appId("id")
            _ = try await mapped { try await manager.app(id: id) }
            let minutes = try Self.window(request.query("window") ?? "1h")
            let report = await manager.stats.report(appId: id, minutes: minutes)
            return try JSONResponse.success(StatsReply(window: "\(minutes)m", bucketSeconds: 60, buckets: report.buckets, methods: report.methods))
        }
        api.get("trust") { _, _ in
            let keys = try await manager.trust.keys().map(Self.keyJSON)
            return try JSONResponse.success(TrustList(keys: keys, unsignedPolicy: manager.trust.unsignedPolicy.rawValue))
        }
        api.post("trust") { request, context in
            let body = try await request.json(TrustRequest.self, limit: limits.maxBodySize)
            let user = try context.caller()
            let key = try await mapped { try await manager.trust.add(publicKey: body.publicKey, name: body.name, by: user.username) }
            return try JSONResponse.success(Named(key: "key", value: Self.keyJSON(key)))
        }
        api.delete("trust/:keyId") { _, context in
            let id = try context.parameters.require("keyId").lowercased()
            try await mapped { try await manager.trust.remove(id: id) }
            return try JSONResponse.success(Named(key: "keyId", value: id))
        }
        api.get("logs") { request, _ in try await logs(request, appId: try request.requiredQuery("appId").lowercased()) }
        api.get("logs/instanceIds") { _, _ in
            try JSONResponse.success(Named(key: "instanceIds", value: try await manager.logNodes()))
        }
        api.get(":id") { _, context in
            let id = try context.parameters.appId("id")
            let record = try await mapped { try await manager.app(id: id) }
            var app = try await dto(record)
            app.usage = try await manager.usage(id: id)
            return try JSONResponse.success(Named(key: "app", value: app))
        }
        api.get(":id/limits") { _, context in
            let limits = try await mapped { try await manager.limits(id: try context.parameters.appId("id")) }
            return try JSONResponse.success(Named(key: "limits", value: limits.json))
        }
        api.post(":id/limits") { request, context in
            let id = try context.parameters.appId("id")
            let body = try await request.json(JSONValue.self, limit: limits.maxBodySize)
            let limits = try await mapped { try await manager.setLimits(id: id, changes: body["limits"] ?? body) }
            return try JSONResponse.success(Named(key: "limits", value: limits.json))
        }
        api.post(":id") { request, context in
            let id = try context.parameters.appId("id")
            let upload = try await AppUpload.read(request, limit: limits.maxUploadBytes)
            let user = try context.caller()
            let record = try await mapped { try await manager.update(id: id, zip: upload.zip, permissions: upload.permissions, user: user) }
            return try await installed(record)
        }
        api.delete(":id") { _, context in
            let user = try context.caller()
            let record = try await mapped { try await manager.uninstall(id: try context.parameters.appId("id"), user: user) }
            let limits = AppLimits(stored: record.limits, defaults: manager.runtime.defaultLimits)
            let app = AppDTO(record: record, stats: [:], droppedLogLines: 0, limits: limits, runtime: AppRuntimeStatus(mode: limits.runtime.rawValue))
            return try JSONResponse.success(Named(key: "app", value: app))
        }
        api.get(":id/status") { _, context in
            let record = try await mapped { try await manager.app(id: try context.parameters.appId("id")) }
            return try JSONResponse.success(Named(key: "status", value: record.status))
        }
        api.post(":id/status") { request, context in
            let id = try context.parameters.appId("id")
            let body = try await request.json(StatusRequest.self, limit: limits.maxBodySize)
            let enable: Bool
            switch body.status {
            case "manually_enabled": enable = true
            case "manually_disabled": enable = false
            default: throw ChatError.invalidParams("Invalid status provided: \"\(body.status)\" (manually_enabled or manually_disabled)")
            }
            let record = try await mapped { try await manager.setEnabled(enable, id: id) }
            return try JSONResponse.success(Named(key: "status", value: record.status))
        }
        api.get(":id/apis") { _, context in
            let id = try context.parameters.appId("id")
            let record = try await mapped { try await manager.app(id: id) }
            return try JSONResponse.success(Named(key: "apis", value: Self.endpointMetadata(await manager.registrations(id: id)?.apis ?? [], record)))
        }
        api.get(":id/settings") { _, context in
            let record = try await mapped { try await manager.app(id: try context.parameters.appId("id")) }
            let visible = record.settings.filter { $0.value["hidden"] != .bool(true) }.mapValues(AppSettings.masked)
            return try JSONResponse.success(Named(key: "settings", value: visible))
        }
        api.post(":id/settings") { request, context in
            let id = try context.parameters.appId("id")
            let body = try await request.json(SettingsRequest.self, limit: limits.maxBodySize)
            let record = try await mapped { try await manager.app(id: id) }
            var updated: [JSONValue] = []
            for setting in body.settings {
                guard let settingId = setting["id"]?.stringValue else { throw ChatError.invalidParams("Every setting needs an \"id\"") }
                let value = setting["value"] ?? .null
                // Compared with the stored value only, as Rocket.Chat does: posting the package default for a setting that
                // was never set stores it.
                guard record.settings[settingId]?["value"] != value else { continue }
                updated.append(AppSettings.masked(try await mapped { try await manager.updateSetting(id: id, settingId: settingId, value: value) }))
            }
            return try JSONResponse.success(Named(key: "updated", value: updated))
        }
        api.get(":id/settings/:settingId") { _, context in
            let settingId = try context.parameters.require("settingId")
            let record = try await mapped { try await manager.app(id: try context.parameters.appId("id")) }
            guard let setting = record.settings[settingId] else {
                throw ChatError(.notFound, code: "error-not-found", message: "No setting found by the id of: \(settingId)")
            }
            return try JSONResponse.success(Named(key: "setting", value: AppSettings.masked(setting)))
        }
        api.post(":id/settings/:settingId") { request, context in
            let id = try context.parameters.appId("id")
            let settingId = try context.parameters.require("settingId")
            let body = try await request.json(SettingRequest.self, limit: limits.maxBodySize)
            if let posted = body.setting["id"]?.stringValue, posted != settingId {
                throw ChatError.invalidParams("The setting's id \"\(posted)\" does not match the path")
            }
            let setting = try await mapped {
                try await manager.updateSetting(id: id, settingId: settingId, value: body.setting["value"] ?? .null)
            }
            return try JSONResponse.success(Named(key: "setting", value: AppSettings.masked(setting)))
        }
        api.get(":id/logs") { request, context in try await logs(request, appId: try context.parameters.appId("id")) }
    }

    // MARK: Handlers

    private func list() async throws -> Response {
        let records = try await manager.apps()
        // Every app's stats in one read of the other nodes' tallies.
        let stats = await manager.stats.methods(appIds: records.map(\.id))
        var apps: [AppDTO] = []
        for record in records { apps.append(try await dto(record, stats: stats[record.id])) }
        return try JSONResponse.success(Named(key: "apps", value: apps))
    }

    private func installed(_ record: AppRecord) async throws -> Response {
        let implemented = await manager.implemented(id: record.id)
        return try JSONResponse.success(
            InstallResult(
                app: try await dto(record), implemented: Dictionary(uniqueKeysWithValues: implemented.map { ($0, true) }),
                licenseValidation: .init()))
    }

    /// `logLevel` (Rocket.Chat: 0 errors, 1 + warning/info/log, 2 all) or `level` (a name: that level and more
    /// severe), `method`, `instanceId` (the node), `since`/`startDate`, `endDate`, and the usual `offset`/`count`/`sort`.
    private func logs(_ request: Request, appId: String) async throws -> Response {
        _ = try await mapped { try await manager.app(id: appId) }
        var verbosity: Int?
        if let raw = request.query("logLevel") {
            guard let level = Int(raw), (0...2).contains(level) else { throw ChatError.invalidParams("\"logLevel\" must be 0, 1 or 2") }
            verbosity = level
        } else if let name = request.query("level") {
            guard let level = AppLogEntry.Level(rawValue: name == "warn" ? "warning" : name) else {
                let names = AppLogEntry.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ChatError.invalidParams("\"level\" must be one of \(names)")
            }
            verbosity = level.verbosity
        }
        let query = AppLogQuery(
            appId: appId, maxVerbosity: verbosity, method: request.query("method"),
            since: try request.dateQuery("since") ?? request.dateQuery("startDate"), until: try request.dateQuery("endDate"),
            node: request.query("instanceId"))
        let page = try request.page(settings: services.context.settings, defaultAscending: false)
        let result = try await manager.logs(query, page: page)
        return try JSONResponse.success(PagedList(key: "logs", items: result.items.map(AppLogDTO.init), offset: page.offset, total: result.total))
    }

    /// `stats`: the app's call stats when already read.
    private func dto(_ record: AppRecord, stats: [String: AppCallStats.MethodStats]? = nil) async throws -> AppDTO {
        let stats = if let stats { stats } else { await manager.stats.methods(appId: record.id) }
        return AppDTO(
            record: record, stats: stats, droppedLogLines: manager.logs.dropped(appId: record.id),
            limits: AppLimits(stored: record.limits, defaults: manager.runtime.defaultLimits),
            runtime: (try? await manager.runtimeStatus(id: record.id)) ?? AppRuntimeStatus(mode: "unknown"))
    }

    /// Engine and package refusals as Rocket.Chat-shaped HTTP errors.
    private func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AppPackageError {
            if error.code == .tooLarge { throw HTTPError(.contentTooLarge, message: error.message) }
            throw ChatError(.refused, code: "error-app-\(error.code.rawValue)", message: error.message)
        } catch let error as AppEngineError {
            switch error.kind {
            case .notFound: throw ChatError(.notFound, code: "error-not-found", message: error.message)
            case .invalid: throw ChatError(.refused, code: "error-app-invalid", message: error.message)
            }
        }
    }

    /// `IApiEndpointMetadata` with the URL each endpoint answers on (`computedPath`; private ones include the hash).
    static func endpointMetadata(_ apis: [JSONValue], _ record: AppRecord) -> [JSONValue] {
        apis.flatMap { api -> [JSONValue] in
            let base = api["visibility"] == 1 ? "/api/apps/private/\(record.id)/\(record.privateHash)" : "/api/apps/public/\(record.id)"
            return (api["endpoints"]?.arrayValue ?? []).map { endpoint in
                var object = endpoint.objectValue ?? [:]
                object["computedPath"] = .string("\(base)/\(endpoint["path"]?.stringValue ?? "")")
                return .object(object)
            }
        }
    }

    static func imageType(_ data: Data) -> String {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if data.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if data.starts(with: Array("<svg".utf8)) || data.starts(with: Array("<?xml".utf8)) { return "image/svg+xml" }
        return "application/octet-stream"
    }

    // MARK: Bodies

    /// `15m`, `30m`, `1h` (or a number of minutes): at most an hour.
    static func window(_ text: String) throws -> Int {
        let minutes: Int?
        if text.hasSuffix("h") { minutes = Int(text.dropLast()).map { $0 * 60 } }
        else if text.hasSuffix("m") { minutes = Int(text.dropLast()) }
        else { minutes = Int(text) }
        guard let minutes, (1...60).contains(minutes) else {
            throw ChatError.invalidParams("\"window\" must be 1m to 1h (e.g. 15m, 1h)")
        }
        return minutes
    }

    struct StatsReply: Encodable {
        let window: String
        let bucketSeconds: Int
        let buckets: [AppCallStats.Bucket]
        let methods: [String: AppCallStats.MethodStats]
    }

    struct TrustRequest: Decodable {
        let name: String
        let publicKey: String
    }

    struct TrustList: Encodable {
        let keys: [JSONValue]
        let unsignedPolicy: String
    }

    static func keyJSON(_ key: TrustedKey) -> JSONValue {
        [
            "keyId": .string(key.id), "name": .string(key.name), "publicKey": .string(key.publicKey),
            "createdAt": .string(WireDate.string(key.createdAt)), "createdBy": key.createdBy.map(JSONValue.string) ?? .null,
        ]
    }

    struct StatusRequest: Decodable {
        let status: String
    }

    struct SettingsRequest: Decodable {
        let settings: [JSONValue]
    }

    struct SettingRequest: Decodable {
        let setting: JSONValue
    }

    struct InstallResult: Encodable {
        struct LicenseValidation: Encodable {
            var errors: [String: String] = [:]
            var warnings: [String: String] = [:]
        }

        let app: AppDTO
        let implemented: [String: Bool]
        let licenseValidation: LicenseValidation
    }
}

/// Refuses callers without `permission` (403 Rocket.Chat-style); runs after ``AuthMiddleware``.
struct RequirePermission: RouterMiddleware {
    typealias Context = AirlockRequestContext

    let permission: Permission
    let policy: PermissionPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try policy.require(try context.caller(), permission)
        return try await next(request, context)
    }
}
