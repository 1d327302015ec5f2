import AirlockApp
import AppFixtures
import ChatCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The apps admin API on a live server (port 0), with fixture apps zipped from `Tests/Fixtures/Apps`.
@Suite(.timeLimit(.minutes(2))) struct AppsAPITests {
    static let lifecycleId = "0b2f6d1e-8c3a-4e5b-9f7d-2a1c3e4b5d6f"
    static let helloId = "6f1c6a55-2b3f-4a0e-9c49-1f0f6f3b9a10"

    @Test func installRunsTheLifecycleInOrderAndUninstallLeavesNothing() async throws {
        let configuration = TestServer.configuration()
        try await TestServer.run(.live, configuration: configuration) { api, admin in
            let id = Self.lifecycleId
            let installed = try await api.upload(zip: try AppFixtures.zip("lifecycle"), auth: admin)
            #expect(installed.status == 200)
            #expect(installed["app"]?["status"] == "manually_enabled")
            #expect(installed["app"]?["runtime"]?["mode"] == "worker")
            #expect(installed["app"]?["permissionsGranted"] == ["server-setting.read"])
            #expect(installed["app"]?["nameSlug"] == "lifecycle")

            let log = try await api.appLog(id, auth: admin)
            let order = ["onInstall by admin", "extendConfiguration", "onEnable"].map { call in log.firstIndex { $0.hasSuffix("call:\(call)") } }
            #expect(order.allSatisfy { $0 != nil } && order == order.sorted { ($0 ?? 0) < ($1 ?? 0) }, "\(log)")
            #expect(log.contains("onEnable: site name: Airlock"))
            #expect(log.contains("onEnable: mode: quiet"))
            // env.read is not granted: refused by the host through the SDK and through the raw host function.
            #expect(log.contains("onEnable: env via sdk: PermissionDeniedError"))
            #expect(log.contains("onEnable: env via host: PermissionDeniedError"))
            #expect(log.contains { $0.hasPrefix("environment.getValueByName: PermissionDeniedError") })

            // Details: stats per method, the icon is public.
            let details = try await api.get("/api/apps/\(id)", auth: admin)
            #expect(details["app"]?["stats"]?["onEnable"]?["count"] == 1)
            #expect(details["app"]?["stats"]?["onInstall"]?["failures"] == 0)
            let icon = try await api.fetch("/api/apps/\(id)/icon")
            #expect(icon.status == 200 && icon.contentType == "image/png" && icon.body.starts(with: [0x89, 0x50]))
            #expect(try await api.get("/api/apps/installed", auth: admin)["apps"]?.array?.count == 1)

            // Disable and enable again.
            let disabled = try await api.post("/api/apps/\(id)/status", ["status": "manually_disabled"], auth: admin)
            #expect(disabled["status"] == "manually_disabled")
            #expect(try await api.get("/api/apps/\(id)/status", auth: admin)["status"] == "manually_disabled")
            #expect(try await api.post("/api/apps/\(id)/status", ["status": "auto_enabled"], auth: admin).status == 400)
            #expect(try await api.post("/api/apps/\(id)/status", ["status": "manually_enabled"], auth: admin)["status"] == "manually_enabled")
            #expect(try await api.appLog(id, auth: admin).contains("onDisable: call:onDisable"))

            // Log filters: level, method, paging.
            let errorsOnly = try await api.appLog(id, auth: admin, query: "&logLevel=0")
            #expect(!errorsOnly.isEmpty && errorsOnly.allSatisfy { $0.hasPrefix("environment.getValueByName") })
            let disableLog = try await api.appLog(id, auth: admin, query: "&method=onDisable")
            #expect(disableLog.contains("onDisable: call:onDisable") && disableLog.allSatisfy { $0.hasPrefix("onDisable:") })
            let page = try await api.get("/api/apps/\(id)/logs?count=2&offset=1", auth: admin)
            #expect(page["count"] == 2 && page["offset"] == 1 && (page["total"]?.int ?? 0) > 5)
            #expect(try await api.get("/api/apps/\(id)/logs?level=loud", auth: admin).status == 400)

            // Uninstall: record, logs, bot user gone; the data directory holds only the store.
            #expect(try await api.get("/api/v1/users.info?username=lifecycle.bot", auth: admin).status == 200)
            let removed = try await api.call(.delete, "/api/apps/\(id)", auth: admin)
            #expect(removed.status == 200 && removed["app"]?["status"] == "disabled")
            #expect(try await api.get("/api/apps/\(id)", auth: admin).status == 404)
            #expect(try await api.get("/api/apps/\(id)/logs", auth: admin).status == 404)
            #expect(try await api.get("/api/apps/\(id)/icon", auth: nil).status == 404)
            #expect(try await api.get("/api/v1/users.info?username=lifecycle.bot", auth: admin).status == 400)
            #expect(try await api.get("/api/apps", auth: admin)["apps"] == [])
            #expect(try Self.dataFiles(configuration.dataDirectory).allSatisfy { $0.hasPrefix("airlock.sqlite") })
        }
    }

    @Test func settingsAreTypedMaskedAndPassThroughTheAppsCallbacks() async throws {
        try await TestServer.run(.live) { api, admin in
            let id = Self.lifecycleId
            _ = try await api.upload(zip: try AppFixtures.zip("lifecycle"), auth: admin)
            let settings = try await api.get("/api/apps/\(id)/settings", auth: admin)
            #expect(settings["settings"]?["mode"]?["packageValue"] == "quiet")
            #expect(settings["settings"]?["limit"]?["type"] == "int")

            func set(_ settingId: String, _ value: JSONValue) async throws -> Reply {
                try await api.post("/api/apps/\(id)/settings/\(settingId)", ["setting": ["id": .string(settingId), "value": value]], auth: admin)
            }
            // The bulk form compares with the stored value only: the package default of a never-set setting is stored.
            let defaults = try await api.post("/api/apps/\(id)/settings", ["settings": [["id": "limit", "value": 10]]], auth: admin)
            #expect(defaults["updated"]?.array?.map { $0["id"] } == ["limit"])
            #expect(try await api.get("/api/apps/\(id)/settings/limit", auth: admin)["setting"]?["value"] == 10)
            // Typed validation before the app sees the value.
            #expect(try await set("limit", "ten").status == 400)
            #expect(try await set("limit", 1.5).status == 400)
            #expect(try await set("mode", "shouting").status == 400)
            // `required` guides the admin UI and is not enforced, as in Rocket.Chat.
            #expect(try await set("mode", .null).status == 200)
            #expect(try await set("nope", 1).status == 404)
            // The app refuses through onPreSettingUpdate with its own message.
            let refused = try await set("limit", 500)
            #expect(refused.status == 400)
            #expect(refused["error"]?.stringValue?.contains("limit must be at most 100") == true)
            #expect(try await set("limit", 42)["setting"]?["value"] == 42)
            #expect(try await set("mode", "loud").status == 200)

            // Passwords: masked in responses and in the app's logs; posting the mask back keeps the value.
            let token = try await set("token", "s3cret-token-value")
            #expect(token["setting"]?["value"] == "******")
            #expect(try await set("token", "******").status == 200)
            #expect(try await api.get("/api/apps/\(id)/settings/token", auth: admin)["setting"]?["value"] == "******")

            // Bulk form: only changed values are applied.
            let bulk = try await api.post(
                "/api/apps/\(id)/settings", ["settings": [["id": "limit", "value": 42], ["id": "mode", "value": "quiet"]]], auth: admin)
            #expect(bulk["updated"]?.array?.map { $0["id"] } == ["mode"])

            let log = try await api.appLog(id, auth: admin)
            #expect(log.contains("onSettingUpdated: call:onSettingUpdated limit 42"))
            #expect(log.contains("onSettingUpdated: call:onSettingUpdated token ******"))
            #expect(!log.contains { $0.contains("s3cret-token-value") })
            #expect(log.contains("onPreSettingUpdate: onPreSettingUpdate refused: InvalidSettingValueException: limit must be at most 100"))

            // The app reads the stored value (its next enable logs it).
            _ = try await api.post("/api/apps/\(id)/status", ["status": "manually_disabled"], auth: admin)
            _ = try await api.post("/api/apps/\(id)/status", ["status": "manually_enabled"], auth: admin)
            #expect(try await api.appLog(id, auth: admin).last { $0.hasPrefix("onEnable: mode:") } == "onEnable: mode: quiet")
        }
    }

    /// Rocket.Chat's `stream-apps`, as its clients follow it to refresh slash commands and action buttons: the newer
    /// `apps` event carries `[name, args]`, the older per-event names carry the args themselves.
    @Test func clientsAreToldOfAppsAndTheirCommandsComingAndGoing() async throws {
        try await TestServer.run(.live) { api, admin in
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("admin", TestServer.adminPassword)
            for event in ["apps", "app/statusUpdate"] {
                ddp.send(["msg": "sub", "id": .string(event), "name": "stream-apps", "params": [.string(event), false]])
                _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == [.string(event)] }
            }
            ddp.send(["msg": "sub", "id": "bogus", "name": "stream-apps", "params": ["app/exploded", false]])
            #expect(try await ddp.next { $0["msg"] == "nosub" && $0["id"] == "bogus" }["error"]?["error"] == "error-invalid-params")
            let id = JSONValue.string(Self.helloId)
            func next() async throws -> JSONValue? {
                try await ddp.next(where: RealtimeTests.isChanged("stream-apps", "apps"))["fields"]?["args"]?.array?.first
            }

            _ = try await api.upload(zip: try AppFixtures.zip("hello"), auth: admin)
            #expect(try await next() == ["app/added", [id]])
            #expect(try await next() == ["command/added", ["hello"]])
            #expect(try await next() == ["actions/changed", []])

            _ = try await api.post("/api/apps/\(Self.helloId)/status", ["status": "manually_disabled"], auth: admin)
            #expect(try await next() == ["app/statusUpdate", [["appId": id, "status": "manually_disabled"]]])
            #expect(try await next() == ["command/removed", ["hello"]])
            #expect(try await next() == ["actions/changed", []])
            let legacy = try await ddp.next(where: RealtimeTests.isChanged("stream-apps", "app/statusUpdate"))
            #expect(legacy["fields"]?["args"] == [["appId": id, "status": "manually_disabled"]])

            _ = try await api.call(.delete, "/api/apps/\(Self.helloId)", auth: admin)
            #expect(try await next() == ["app/removed", [id]])
            #expect(try await next() == ["actions/changed", []])
        }
    }

    @Test func enabledAppsComeBackAfterARestartWithTheirSettings() async throws {
        let configuration = TestServer.configuration()
        defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
        try await TestServer.run(.live, configuration: configuration, keepData: true) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("lifecycle"), auth: admin)
            _ = try await api.upload(zip: try AppFixtures.zip("hello"), auth: admin)
            _ = try await api.post("/api/apps/\(Self.lifecycleId)/settings/mode", ["setting": ["id": "mode", "value": "loud"]], auth: admin)
            _ = try await api.post("/api/apps/\(Self.helloId)/status", ["status": "manually_disabled"], auth: admin)
        }
        try await TestServer.run(.live, configuration: configuration, keepData: true) { api, admin in
            #expect(try await api.get("/api/apps/\(Self.lifecycleId)", auth: admin)["app"]?["status"] == "manually_enabled")
            #expect(try await api.get("/api/apps/\(Self.helloId)", auth: admin)["app"]?["status"] == "manually_disabled")
            let log = try await api.appLog(Self.lifecycleId, auth: admin)
            #expect(log.filter { $0 == "onEnable: call:onEnable" }.count == 2)
            #expect(log.last { $0.hasPrefix("onEnable: mode:") } == "onEnable: mode: loud")
            // The same app's onInstall ran once only.
            #expect(log.filter { $0 == "onInstall: call:onInstall by admin" }.count == 1)
        }
    }

    @Test func updateKeepsSettingsAndCallsOnUpdate() async throws {
        try await TestServer.run(.live) { api, admin in
            let id = Self.lifecycleId
            _ = try await api.upload(zip: try AppFixtures.zip("lifecycle"), auth: admin)
            _ = try await api.post("/api/apps/\(id)/settings/limit", ["setting": ["id": "limit", "value": 7]], auth: admin)
            let manifest = try #require(try AppFixtures.files("lifecycle")["app.json"]).string.replacingOccurrences(of: "\"1.0.0\"", with: "\"1.1.0\"")
            let updated = try await api.upload("/api/apps/\(id)", zip: try AppFixtures.zip("lifecycle", patch: ["app.json": manifest]), auth: admin)
            #expect(updated.status == 200)
            #expect(updated["app"]?["version"] == "1.1.0" && updated["app"]?["status"] == "manually_enabled")
            #expect(try await api.get("/api/apps/\(id)/settings/limit", auth: admin)["setting"]?["value"] == 7)
            #expect(try await api.appLog(id, auth: admin).contains("onUpdate: call:onUpdate from 1.0.0"))

            // A package for another app, or code that fails to load, changes nothing.
            #expect(try await api.upload("/api/apps/\(id)", zip: try AppFixtures.zip("hello"), auth: admin).status == 400)
            let broken = try await api.upload(
                "/api/apps/\(id)", zip: try AppFixtures.zip("lifecycle", patch: ["LifecycleApp.js": "throw new Error('broken')"]), auth: admin)
            #expect(broken.status == 400)
            #expect(try await api.get("/api/apps/\(id)", auth: admin)["app"]?["version"] == "1.1.0")
            #expect(try await api.upload("/api/apps/\(Self.helloId)", zip: try AppFixtures.zip("hello"), auth: admin).status == 404)
        }
    }

    @Test func failingLifecycleStepsSetTheStatus() async throws {
        try await TestServer.run(.live) { api, admin in
            let refusing = try await api.upload(
                zip: try AppFixtures.zip("hello", patch: ["lib/helper.js": "globalThis.ENABLE = false; exports.shout = (s) => s;"]), auth: admin)
            #expect(refusing["app"]?["status"] == "disabled")
            _ = try await api.call(.delete, "/api/apps/\(Self.helloId)", auth: admin)

            let throwing = try await api.upload(
                zip: try AppFixtures.zip("lifecycle", patch: [
                    "LifecycleApp.js": (try AppFixtures.files("lifecycle")["LifecycleApp.js"]!).string.replacingOccurrences(
                        of: "async onInstall(context) { this.getLogger().info('call:onInstall by', context.user.username); }",
                        with: "async onInstall() { throw new Error('cannot install here'); }")
                ]), auth: admin)
            #expect(throwing["app"]?["status"] == "error_disabled")
            #expect(throwing["app"]?["statusReason"]?.stringValue?.contains("cannot install here") == true)
            let errors = try await api.appLog(Self.lifecycleId, auth: admin, query: "&logLevel=0")
            #expect(errors.contains { $0.hasPrefix("onInstall: onInstall failed") && $0.contains("cannot install here") })
            #expect(try await api.get("/api/apps/\(Self.lifecycleId)", auth: admin)["app"]?["stats"]?["onInstall"]?["failures"] == 1)
        }
    }

    @Test func theAppBotUserCannotLogIn() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hello"), auth: admin)
            let bot = try await api.get("/api/v1/users.info?username=hello.bot", auth: admin)
            #expect(bot["user"]?["roles"] == ["app"] && bot["user"]?["type"] == "app")
            for password in ["", "hello", "hello.bot", "null"] {
                #expect(try await api.post("/api/v1/login", ["user": "hello.bot", "password": .string(password)], auth: nil).status == 401)
            }
        }
    }

    // MARK: Hostile uploads

    /// Each hostile upload gets 400 (413 when oversized) with a specific message and leaves nothing behind.
    static let hostile: [(name: String, status: Int, fragment: String, make: @Sendable () throws -> Data)] = [
        ("zip slip", 400, "leaves the package", { try helloZip(extra: [.text("../../evil.js", "x")]) }),
        ("nested traversal", 400, "leaves the package", { try helloZip(extra: [.text("lib/../../../evil.js", "x")]) }),
        ("absolute path", 400, "absolute path", { try helloZip(extra: [.text("/tmp/evil.js", "x")]) }),
        ("zip bomb with understated headers", 400, "", {
            Zip.understate(try helloZip(extra: [.file("lib/bomb.js", Data(count: 30 << 20))]), size: 1000)
        }),
        ("link entry", 400, "link entry", { try helloZip(extra: [.link("lib/passwd", target: "/etc/passwd")]) }),
        ("duplicate app.json", 400, "twice", { try helloZip(extra: [.text("./app.json", "{}")]) }),
        ("no app.json", 400, "No \"app.json\"", { try AppFixtures.zip("hello", patch: ["app.json": nil]) }),
        ("bad JSON", 400, "not a valid JSON", { try AppFixtures.zip("hello", patch: ["app.json": "{ nope"]) }),
        ("missing classFile", 400, "HelloApp.js", { try AppFixtures.zip("hello", patch: ["HelloApp.js": nil]) }),
        ("wrong requiredApiVersion", 400, "^2.0.0", { try helloZip(manifest: ["\"^1.40.0\"": "\"^2.0.0\""]) }),
        ("unknown permission", 400, "root.shell", { try helloZip(manifest: ["\"slashcommand\"": "\"root.shell\""]) }),
        ("bad id", 400, "UUID", { try helloZip(manifest: [helloId: "not-a-uuid"]) }),
        ("JS that throws at load", 400, "boom at load", { try AppFixtures.zip("hello", patch: ["lib/helper.js": "throw new Error('boom at load')"]) }),
        ("main export not an App", 400, "not an App", {
            try AppFixtures.zip("hello", patch: ["HelloApp.js": "exports.HelloApp = class HelloApp { constructor() {} };"])
        }),
        ("not a zip", 400, "not a valid zip", { Data("definitely not a zip".utf8) }),
        // Used to end the server inside ZIPFoundation (a range precondition).
        ("central directory past the end", 400, "central directory", {
            let zip = try helloZip()
            return Zip.patch(zip, .end, field: 16, value: UInt32(zip.count + 40))
        }),
        ("local header past the end", 400, "local header", { Zip.patch(try helloZip(), .central, occurrence: 1, field: 42, value: 0x00ff_ffff) }),
        ("oversized upload", 413, "", { Data(count: 21 << 20) }),
    ]

    static func helloZip(extra: [Zip.Item] = [], manifest replacements: [String: String] = [:]) throws -> Data {
        var files = try AppFixtures.files("hello")
        var manifest = try #require(files["app.json"]).string
        for (old, new) in replacements { manifest = manifest.replacingOccurrences(of: old, with: new) }
        files["app.json"] = Data(manifest.utf8)
        return try Zip.make(AppFixtures.items(files) + extra)
    }

    @Test func hostileUploadsAreRefusedAndLeaveNothingBehind() async throws {
        let configuration = TestServer.configuration()
        try await TestServer.run(.live, configuration: configuration) { api, admin in
            let filesBefore = try Self.dataFiles(configuration.dataDirectory)
            let usersBefore = try await api.get("/api/v1/users.list", auth: admin)["total"]
            for (name, status, fragment, make) in Self.hostile {
                let reply = try await api.upload(zip: try make(), auth: admin)
                #expect(reply.status == status, "\(name): \(reply.json)")
                #expect(reply["success"] == false, "\(name)")
                if !fragment.isEmpty {
                    #expect(reply["error"]?.stringValue?.contains(fragment) == true, "\(name): \(reply.json)")
                }
                #expect(try await api.get("/api/apps", auth: admin)["apps"] == [], "\(name)")
            }
            // Requests that are not an upload at all.
            let notMultipart = try await api.post("/api/apps", ["url": "https://example.org/app.zip"], auth: admin)
            #expect(notMultipart.status == 400)
            #expect(try await api.upload(zip: try AppFixtures.zip("hello"), permissions: ["networking"], auth: admin).status == 400)

            // A duplicate install is refused and the first install is untouched, however the id is spelled.
            #expect(try await api.upload(zip: try AppFixtures.zip("hello"), auth: admin)["app"]?["status"] == "manually_enabled")
            let duplicate = try await api.upload(zip: try AppFixtures.zip("hello"), auth: admin)
            #expect(duplicate.status == 400 && duplicate["error"]?.stringValue?.contains("already installed") == true)
            let shouting = try await api.upload(zip: try Self.helloZip(manifest: [Self.helloId: Self.helloId.uppercased()]), auth: admin)
            #expect(shouting.status == 400 && shouting["error"]?.stringValue?.contains("already installed") == true, "\(shouting.json)")
            #expect(try await api.get("/api/apps/\(Self.helloId.uppercased())", auth: admin)["app"]?["id"] == .string(Self.helloId))
            #expect(try await api.get("/api/apps", auth: admin)["apps"]?.array?.count == 1)
            _ = try await api.call(.delete, "/api/apps/\(Self.helloId)", auth: admin)

            #expect(try await api.get("/api/v1/users.list", auth: admin)["total"] == usersBefore)
            #expect(try Self.dataFiles(configuration.dataDirectory) == filesBefore)
        }
    }

    // MARK: Access control

    /// Every admin route: 401 without a token, 403 for a plain user; the icon is public.
    @Test func adminRoutesNeedManageApps() async throws {
        try await TestServer.run(.live) { api, admin in
            let (_, plain) = try await api.makeUser("plain", admin: admin)
            _ = try await api.upload(zip: try AppFixtures.zip("hello"), auth: admin)
            let id = Self.helloId
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "/api/apps"), (.get, "/api/apps/installed"), (.post, "/api/apps"), (.get, "/api/apps/logs?appId=\(id)"),
                (.get, "/api/apps/\(id)"), (.post, "/api/apps/\(id)"), (.delete, "/api/apps/\(id)"),
                (.get, "/api/apps/\(id)/status"), (.post, "/api/apps/\(id)/status"), (.get, "/api/apps/\(id)/apis"),
                (.get, "/api/apps/\(id)/settings"), (.post, "/api/apps/\(id)/settings"),
                (.get, "/api/apps/\(id)/settings/greeting"), (.post, "/api/apps/\(id)/settings/greeting"),
                (.get, "/api/apps/\(id)/logs"),
            ]
            for (method, path) in routes {
                #expect(try await api.call(method, path, json: [:], auth: nil).status == 401, "\(method) \(path)")
                #expect(try await api.call(method, path, json: [:], auth: plain).status == 403, "\(method) \(path)")
            }
            #expect(try await api.fetch("/api/apps/\(id)/icon").status == 200)  // public
            #expect(try await api.fetch("/api/apps/00000000-0000-4000-8000-000000000000/icon").status == 404)
            #expect(try await api.get("/api/apps/\(id)", auth: admin)["app"]?["status"] == "manually_enabled")
        }
    }

    static func dataFiles(_ directory: String) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: directory).sorted()
    }
}

extension Data {
    var string: String { String(decoding: self, as: UTF8.self) }
}
