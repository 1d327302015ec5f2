import AppFixtures
import AppsPackage
import AppsStorage
@testable import AppsHost
import ChatCore
import EmbeddedStore
import Foundation
import JavaScriptRuntime
import Logging
import Synchronization
import Testing

/// The engine's building blocks without a server: the log sink's limits, setting validation, the host's checks.
@Suite struct EngineSupportTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
        var clock: ChatClock { ChatClock { self.now.withLock { $0 } } }
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
    }

    /// The host implements exactly the accessors of the contract (`AppsSDK/runtime/accessors.json`), which the
    /// bridge is held to by `Tests/JavaScript/contract.test.js`.
    @Test func hostImplementsExactlyTheAccessorContract() throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (host, _) = makeHost(store: store, registry: [])
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let contract = try JSONDecoder().decode([String: JSONValue].self, from: Data(contentsOf: root.appendingPathComponent("AppsSDK/runtime/accessors.json")))
        #expect(host.accessorNames == Set(contract.keys))
    }

    /// A host over `store` built in the composition root's order (foundation, chat services, host).
    func makeHost(
        store: any ChatStore & AppsStore, registry: [ServerSettingEntry], environment: [String: String] = [:]
    ) -> (EngineHost, AppsFoundation) {
        let foundation = AppsFoundation(store: store, logger: Logger(label: "test"))
        let services = ChatServices(
            context: ChatContext(store: store, hooks: foundation.hooks, settings: ServerSettings(siteURL: "http://chat.example.org")),
            hasher: PasswordHasher(iterations: 1000, runner: InlineRunner()))
        return (EngineHost(foundation: foundation, services: services, serverSettings: { registry }, environment: environment), foundation)
    }

    @Test func logSinkRateLimitsMasksAndRetains() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let time = ManualClock()
        var limits = AppLogSink.Limits()
        limits.linesPerSecond = 10
        limits.burst = 20
        limits.maxLineLength = 40
        limits.keepPerApp = 25
        let sink = AppLogSink(store: store, limits: limits, clock: time.clock, logger: Logger(label: "test"))
        sink.setSecrets(["hunter2"], appId: "a")

        for i in 0..<30 { sink.write(appId: "a", level: .info, method: "loop", message: "line \(i) password=hunter2") }
        #expect(sink.dropped(appId: "a") == 10)
        sink.write(appId: "b", level: .info, method: "other", message: String(repeating: "x", count: 100))
        #expect(sink.dropped(appId: "b") == 0)
        time.advance(1)  // refills 10 tokens
        for i in 0..<12 { sink.write(appId: "a", level: .info, method: "loop", message: "later \(i)") }
        #expect(sink.dropped(appId: "a") == 12)
        await sink.flush()

        let page = try await store.appLogs(AppLogQuery(appId: "a"), page: PageRequest(count: 100))
        #expect(page.total == 30)
        #expect(page.items.allSatisfy { !$0.message.contains("hunter2") })
        #expect(page.items.contains { $0.message == "line 0 password=******" })
        let long = try await store.appLogs(AppLogQuery(appId: "b"), page: PageRequest())
        #expect(long.items.first?.message.count == 41)  // cut at 40 characters plus an ellipsis

        time.advance(31 * 86_400)
        sink.write(appId: "a", level: .info, method: "fresh", message: "kept")
        await sink.flush()
        await sink.prune()
        #expect(try await store.appLogs(AppLogQuery(appId: "a"), page: PageRequest()).items.map(\.message) == ["kept"])
        #expect(try await store.appLogs(AppLogQuery(appId: "b"), page: PageRequest()).total == 0)
    }

    /// Granted permissions follow Rocket.Chat: an empty list, uploaded or declared, means the defaults.
    @Test func grantedPermissionsFollowRocketChat() throws {
        func manifest(_ permissions: [String]?) throws -> AppManifest {
            var object = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: AppFixtures.root.appendingPathComponent("hello/app.json"))) as? [String: Any])
            object["permissions"] = permissions.map { $0.map { ["name": $0] } }
            if permissions == nil { object.removeValue(forKey: "permissions") }
            return try ManifestValidator.validate(json: JSONSerialization.data(withJSONObject: object))
        }
        let defaults = AppsEngineDefinition.defaultPermissions
        #expect(try AppManager.grantedPermissions(manifest: manifest(["slashcommand", "networking"]), requested: nil) == ["slashcommand", "networking"])
        #expect(try AppManager.grantedPermissions(manifest: manifest(["slashcommand", "networking"]), requested: ["networking"]) == ["networking"])
        #expect(try AppManager.grantedPermissions(manifest: manifest(["slashcommand"]), requested: []) == ["slashcommand"])
        #expect(try AppManager.grantedPermissions(manifest: manifest([]), requested: nil) == defaults)
        #expect(try AppManager.grantedPermissions(manifest: manifest(nil), requested: nil) == defaults)
        #expect(throws: AppPackageError.self) { try AppManager.grantedPermissions(manifest: manifest(["slashcommand"]), requested: ["networking"]) }
    }

    @Test func callStatsCountAndRankDurations() {
        let stats = AppCallStats()
        for i in 1...100 { stats.record(appId: "a", method: "onEnable", seconds: Double(i) / 1000, outcome: .success) }
        stats.record(appId: "a", method: "hook", seconds: 0.5, outcome: .failure)
        stats.record(appId: "a", method: "hook", seconds: 2, outcome: .timeout)
        let snapshot = stats.snapshot(appId: "a")
        #expect(snapshot["onEnable"]?.count == 100)
        // Histogram bins: within 2.2 % of the exact percentile, never above the slowest call.
        #expect(abs((snapshot["onEnable"]?.p50Ms ?? 0) - 50) <= 50 * 0.022)
        #expect(abs((snapshot["onEnable"]?.p99Ms ?? 0) - 99) <= 99 * 0.022)
        #expect(snapshot["hook"]?.failures == 1 && snapshot["hook"]?.timeouts == 1)
        #expect(abs((snapshot["hook"]?.p99Ms ?? 0) - 2000) <= 2000 * 0.022)
        stats.forget(appId: "a")
        #expect(stats.snapshot(appId: "a").isEmpty)
    }

    @Test func callTalliesOfSeveralNodesAddUp() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let nodes = [AppCallStats(), AppCallStats()]
        // Node 0 answers fast, node 1 slowly; the same method, over two minutes.
        for i in 0..<300 {
            let node = i % 3 == 0 ? 1 : 0
            let at = now.addingTimeInterval(i < 150 ? -60 : 0)
            nodes[node].record(appId: "a", method: "hook", seconds: node == 0 ? 0.001 : 0.1, outcome: i % 50 == 0 ? .failure : .success, at: at)
        }
        // What a node leaves in the store reads back the same.
        let shared = try nodes[1].tallies(appId: "a", now: now).map { try JSONDecoder().decode(AppCallTally.self, from: JSONEncoder().encode($0)) }
        let all = nodes[0].tallies(appId: "a", now: now) + shared
        let methods = AppCallStats.methods(all)
        #expect(methods["hook"]?.count == 300 && methods["hook"]?.failures == 6)
        // Two thirds are fast: the median is node 0's, the 99th percentile node 1's.
        #expect(abs((methods["hook"]?.p50Ms ?? 0) - 1) <= 0.022)
        #expect(abs((methods["hook"]?.p99Ms ?? 0) - 100) <= 100 * 0.022)
        let buckets = AppCallStats.buckets(all, minutes: 3, now: now)
        #expect(buckets.map(\.calls) == [0, 150, 150])
        #expect(buckets.last?.maxMs == 100)
        // Only minutes changed since the last look are shared again.
        #expect(nodes[0].takeChanged(now: now).count == 2)
        #expect(nodes[0].takeChanged(now: now).isEmpty)
        nodes[0].record(appId: "a", method: "hook", seconds: 0.001, outcome: .success, at: now)
        #expect(nodes[0].takeChanged(now: now).map(\.minute) == [AppCallStats.minute(of: now)])
    }

    @Test func hostChecksPermissionsAndHidesSecretSettings() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = ServerSettings(siteURL: "http://chat.example.org").registry + [
            ServerSettingEntry(id: "SMTP_Password", type: "string", value: "smtp-secret", packageValue: "", secret: true)
        ]
        let appId = "0b2f6d1e-8c3a-4e5b-9f7d-2a1c3e4b5d6f"
        let (host, foundation) = makeHost(
            store: store, registry: registry,
            environment: ["NODE_ENV": "production", "HOME": "/root", "RC_APPS_0B2F6D1E_8C3A_4E5B_9F7D_2A1C3E4B5D6F_KEY": "k"])
        let manager = AppManager(host: host, foundation: foundation, logger: Logger(label: "test"))
        await #expect {
            _ = try await host.accessor(appId: appId, name: "serverSettings.getValueById", arguments: ["Site_Url"])
        } throws: { ($0 as? HostError)?.name == "PermissionDeniedError" }
        // The app's own bot user needs no permission, as in Rocket.Chat (this app has none installed: nil).
        #expect(try await host.accessor(appId: appId, name: "reader.user.getAppUser", arguments: []) == nil)
        foundation.grants.set(appId: appId, permissions: ["server-setting.read", "env.read"], settings: [:])
        #expect(try await host.accessor(appId: appId, name: "serverSettings.getValueById", arguments: ["Site_Url"]) == "http://chat.example.org")
        #expect(try await host.accessor(appId: appId, name: "serverSettings.isReadableById", arguments: ["SMTP_Password"]) == false)
        await #expect(throws: HostError.self) {
            _ = try await host.accessor(appId: appId, name: "serverSettings.getValueById", arguments: ["SMTP_Password"])
        }
        #expect(try await host.accessor(appId: appId, name: "serverSettings.getOneById", arguments: ["SMTP_Password"]) == nil)
        #expect(try await host.accessor(appId: appId, name: "environment.getValueByName", arguments: ["NODE_ENV"]) == "production")
        #expect(
            try await host.accessor(appId: appId, name: "environment.getValueByName", arguments: ["RC_APPS_0B2F6D1E_8C3A_4E5B_9F7D_2A1C3E4B5D6F_KEY"])
                == "k")
        #expect(try await host.accessor(appId: appId, name: "environment.isReadable", arguments: ["HOME"]) == false)
        await #expect(throws: HostError.self) {
            _ = try await host.accessor(appId: appId, name: "environment.getValueByName", arguments: ["HOME"])
        }
        await #expect(throws: HostError.self) { _ = try await host.accessor(appId: appId, name: "users.deleteAll", arguments: []) }
        // The denial at the start was logged for the app.
        let logged = try await manager.logs(AppLogQuery(appId: appId, maxVerbosity: 0), page: PageRequest())
        #expect(logged.items.first?.message.hasPrefix("PermissionDeniedError: Failed to call the method \"serverSettings.getValueById\"") == true)
    }

    @Test func settingValuesAreCheckedAgainstTheirType() throws {
        let select: JSONValue = ["id": "mode", "type": "select", "required": true, "values": [["key": "a"], ["key": "b"]]]
        #expect(try AppSettings.validate("a", for: select) == "a")
        #expect(throws: AppEngineError.self) { try AppSettings.validate("c", for: select) }
        #expect(try AppSettings.validate(.null, for: select) == .null)  // `required` is not enforced, as in Rocket.Chat
        let multi: JSONValue = ["id": "tags", "type": "multiSelect", "values": [["key": "a"], ["key": "b"]]]
        #expect(try AppSettings.validate(["a", "b"], for: multi) == ["a", "b"])
        #expect(throws: AppEngineError.self) { try AppSettings.validate(["a", "z"], for: multi) }
        let number: JSONValue = ["id": "n", "type": "int"]
        #expect(try AppSettings.validate(3, for: number) == 3)
        #expect(throws: AppEngineError.self) { try AppSettings.validate(3.5, for: number) }
        #expect(throws: AppEngineError.self) { try AppSettings.validate("3", for: number) }
        #expect(try AppSettings.validate(.null, for: number) == .null)
        #expect(throws: AppEngineError.self) { try AppSettings.validate("yes", for: ["id": "b", "type": "boolean"]) }
        #expect(try AppSettings.validate("", for: ["id": "s", "type": "string", "required": true]) == "")

        let password: JSONValue = ["id": "p", "type": "password", "packageValue": "", "value": "hunter2"]
        #expect(AppSettings.masked(password)["value"] == "******")
        #expect(AppSettings.masked(password)["packageValue"] == "")
        #expect(AppSettings.secrets(["p": password]) == ["hunter2"])

        // Re-providing settings keeps stored values and creation times, drops settings no longer provided.
        let merged = AppSettings.merge(
            definitions: [["id": "mode", "type": "select", "packageValue": "a"]],
            stored: ["mode": ["id": "mode", "value": "b", "createdAt": "then"], "gone": ["id": "gone"]], now: "now")
        #expect(merged.keys.sorted() == ["mode"])
        #expect(merged["mode"]?["value"] == "b" && merged["mode"]?["createdAt"] == "then" && merged["mode"]?["packageValue"] == "a")
    }
}
