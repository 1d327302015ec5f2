import AppsStorage
import AppsRuntime
import AppFixtures
import AppsHost
import AppsPackage
import ChatCore
import EmbeddedStore
import Foundation
import Logging
import Synchronization
import Testing

/// Fixture `name` zipped, with file overrides.
func fixtureZip(_ name: String, patch: [String: String] = [:]) throws -> Data {
    try AppFixtures.zip(name, patch: patch)
}

func makeStore() throws -> (EmbeddedStore, String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-apps-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return (try EmbeddedStore(configuration: .init(path: directory + "/store.sqlite")), directory)
}

@Suite(.timeLimit(.minutes(1))) struct AppManagerTests {
    let appId = "6f1c6a55-2b3f-4a0e-9c49-1f0f6f3b9a10"

    @Test func installEnablesAndCreatesTheBotUser() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = RecordingHost()
        let manager = AppManager(store: store, host: host, logger: Logger(label: "test"))
        let record = try await manager.install(try fixtureZip("hello"))
        #expect(record.status == "manually_enabled")
        #expect(record.permissionsGranted == ["slashcommand"])
        #expect(record.privateHash.count >= 22)
        let bot = try #require(try await store.user(username: "hello.bot"))
        #expect(bot.type == .app && bot.roles == ["app"] && bot.passwordHash == nil)
        #expect(await manager.registrations(id: appId)?.slashCommands.first?["command"] == "hello")
        // onInstall ran before initialize and onEnable.
        let logs = host.logs.withLock { $0 }
        let configured = try #require(logs.firstIndex(of: #"info initialize: configured {"settings":1}"#))
        let enabled = try #require(logs.firstIndex { $0.hasPrefix("info onEnable:") })
        #expect(configured < enabled)

        await #expect(throws: AppPackageError.self) { _ = try await manager.install(try fixtureZip("hello")) }
    }

    @Test func disableEnableUninstallLeaveNothingBehind() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let manager = AppManager(store: store, host: RecordingHost(), logger: Logger(label: "test"))
        _ = try await manager.install(try fixtureZip("hello"))
        #expect(try await manager.setEnabled(false, id: appId).status == "manually_disabled")
        #expect(try await manager.setEnabled(true, id: appId).status == "manually_enabled")
        try await manager.uninstall(id: appId)
        #expect(try await store.apps().isEmpty)
        #expect(try await store.appPackage(id: appId) == nil)
        #expect(try await store.user(username: "hello.bot") == nil)
    }

    @Test func enabledAppsComeBackAfterARestart() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await AppManager(store: store, host: RecordingHost(), logger: Logger(label: "test")).install(try fixtureZip("hello"))
        let reopened = try EmbeddedStore(configuration: .init(path: directory + "/store.sqlite"))
        let manager = AppManager(store: reopened, host: RecordingHost(), logger: Logger(label: "test"))
        try await manager.start()
        #expect(await manager.registrations(id: appId)?.settings.first?["id"] == "greeting")
        #expect(try await reopened.app(id: appId)?.status == "manually_enabled")
    }

    @Test func refusalsAndFailures() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = RecordingHost()
        let manager = AppManager(store: store, host: host, logger: Logger(label: "test"))

        // Code that throws at load: refused, nothing stored.
        await #expect(throws: (any Error).self) {
            _ = try await manager.install(try fixtureZip("hello", patch: ["HelloApp.js": "throw new Error('boom at load')"]))
        }
        #expect(try await store.apps().isEmpty)
        #expect(try await store.user(username: "hello.bot") == nil)

        // Permissions beyond the declared set are refused.
        await #expect(throws: AppPackageError.self) {
            _ = try await manager.install(try fixtureZip("hello"), permissions: ["slashcommand", "networking"])
        }

        // onEnable answering false leaves the app installed but disabled.
        let refusing = try await manager.install(
            try fixtureZip("hello", patch: ["lib/helper.js": "globalThis.ENABLE = false; exports.shout = (s) => s;"]))
        #expect(refusing.status == "disabled")
        try await manager.uninstall(id: appId)

        // A throwing onInstall: error_disabled with the reason, also in the app's log.
        let throwing = try await manager.install(
            try fixtureZip("hello", patch: [
                "lib/helper.js": """
                exports.shout = (s) => s;
                require('@rocket.chat/apps-engine/definition/App').App.prototype.onInstall = async () => { throw new Error('cannot install'); };
                """
            ]))
        #expect(throwing.status == "error_disabled")
        #expect(throwing.statusReason?.contains("cannot install") == true)
        #expect(host.logs.withLock { $0 }.contains { $0.contains("onInstall failed") && $0.contains("cannot install") })
    }
}
