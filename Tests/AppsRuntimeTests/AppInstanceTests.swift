import AppFixtures
import AppsRuntime
import AppsPackage
import AirlockJSON
import Foundation
import JavaScriptRuntime
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1))) struct AppInstanceTests {
    @Test func constructsInitializesAndEnables() async throws {
        let host = RecordingHost()
        let app = try await AppInstance.load(try fixture("hello"), host: host)
        #expect(app.constructed.className == "HelloApp")
        #expect(app.constructed.methods.contains("executePostMessageSent"))
        #expect(app.constructed.methods.contains("onEnable"))

        let registrations = try await app.initialize()
        #expect(registrations.settings.first?["id"] == "greeting")
        #expect(registrations.settings.first?["type"] == "string")
        #expect(registrations.slashCommands.first?["command"] == "hello")
        #expect(registrations.slashCommands.first?["methods"]?.arrayValue?.contains("executor") == true)

        #expect(try await app.lifecycle(.onEnable) == .bool(true))
        let logs = host.logs.withLock { $0 }
        #expect(logs.contains(#"info initialize: configured {"settings":1}"#))
        #expect(logs.contains("info console: enabling HI!"))
        #expect(logs.contains("info onEnable: greeting is Hello from the host"))
        #expect(try await app.lifecycle(.onDisable) == .null)
        await app.close()
    }

    /// Calls into one app interleave at await points; a line the app logs after an accessor answered goes to the
    /// method whose code runs, not to the call that started last.
    @Test func logLinesKeepTheirMethodAcrossInterleavedCalls() async throws {
        let host = RecordingHost(delay: .milliseconds(200))
        let original = try String(contentsOf: AppFixtures.root.appendingPathComponent("hello/HelloApp.js"), encoding: .utf8)
        let source = original.replacingOccurrences(
            of: "  async executePostMessageSent(message) {}",
            with: """
                  async executePostMessageSent(message, read) { await this.twice("sent", read); }
                  async executePostMessageUpdated(message, read) { await this.twice("updated", read); }
                  async twice(what, read) {
                    this.getLogger().info("before", what);
                    await read.getEnvironmentReader().getSettings().getValueById("greeting");
                    this.getLogger().info("after", what);
                  }
                """)
        #expect(source != original)
        let app = try await AppInstance.load(try fixture("hello", patch: ["HelloApp.js": source]), host: host)
        _ = try await app.initialize()
        async let sent = app.hook("executePostMessageSent", args: [["text": "a"]])
        try await Task.sleep(for: .milliseconds(50))
        async let updated = app.hook("executePostMessageUpdated", args: [["text": "b"]])
        _ = try await (sent, updated)
        let logs = host.logs.withLock { $0 }
        for line in [
            "info executePostMessageSent: before sent", "info executePostMessageUpdated: before updated",
            "info executePostMessageSent: after sent", "info executePostMessageUpdated: after updated",
        ] {
            #expect(logs.contains(line), "\(line) in \(logs)")
        }
        await app.close()
    }

    /// Registrations are copied as data: functions, the app and anything pointing back are left out (as Rocket.Chat
    /// does), so a command keeping `this.app` or a cycle installs instead of failing the copy.
    @Test func registrationsPointingBackAtTheAppInstall() async throws {
        let original = try String(contentsOf: AppFixtures.root.appendingPathComponent("hello/HelloApp.js"), encoding: .utf8)
        let source = original.replacingOccurrences(
            of: #"    this.getLogger().info("configured", { settings: 1 });"#,
            with: #"""
                    const command = { command: "cyclic", i18nParamsExample: "", i18nDescription: "Loops", providesPreview: false,
                      app: this, nested: { list: [1, this, "x"] }, executor: async () => {} };
                    command.self = command;
                    await configuration.slashCommands.provideSlashCommand(command);
                    this.getLogger().info("configured", { settings: 1 });
                """#)
        #expect(source != original)
        let app = try await AppInstance.load(try fixture("hello", patch: ["HelloApp.js": source]), host: RecordingHost())
        let registrations = try await app.initialize()
        let cyclic = try #require(registrations.slashCommands.first { $0["command"] == "cyclic" })
        #expect(cyclic["app"] == nil && cyclic["self"] == nil)
        #expect(cyclic["nested"] == ["list": [1, .null, "x"]])
        #expect(cyclic["i18nDescription"] == "Loops")
        await app.close()
    }

    /// `this.getAccessors()` gives what Rocket.Chat gives: environment reader, reader and HTTP usable at any time, and
    /// the provided endpoints with their computed paths (private ones with the app's hash).
    @Test func appAccessorsReadAndListEndpoints() async throws {
        let original = try String(contentsOf: AppFixtures.root.appendingPathComponent("hello/HelloApp.js"), encoding: .utf8)
        let source = original.replacingOccurrences(
            of: #"    this.getLogger().info("configured", { settings: 1 });"#,
            with: #"""
                    await configuration.api.provideApi({ visibility: 1, security: 0, endpoints: [{ path: "hook", post: async () => ({ status: 200 }) }] });
                    await configuration.api.provideApi({ visibility: 0, security: 0, endpoints: [{ path: "status", get: async () => ({ status: 200 }) }] });
                """#
        ).replacingOccurrences(
            of: "  async executePostMessageSent(message) {}",
            with: #"""
                  async executePostMessageSent(message) {
                    const accessors = this.getAccessors();
                    const viaReader = await accessors.reader.getEnvironmentReader().getSettings().getValueById("greeting");
                    const viaEnvironment = await accessors.environmentReader.getSettings().getValueById("greeting");
                    const paths = JSON.stringify(accessors.providedApiEndpoints.map((e) => e.computedPath));
                    const writer = typeof accessors.environmentWriter.getSettings().updateValue;
                    this.getLogger().info(viaReader, "|", viaEnvironment, "|", paths, "|", typeof accessors.http.get, "|", writer);
                  }
                """#)
        #expect(source != original)
        let host = RecordingHost()
        let app = try await AppInstance.load(try fixture("hello", patch: ["HelloApp.js": source]), host: host, privateHash: "h4sh")
        _ = try await app.initialize()
        _ = try await app.hook("executePostMessageSent", args: [["text": "a"]])
        let id = app.manifest.id
        let expected = [
            "info executePostMessageSent: Hello from the host | Hello from the host",
            #"["/api/apps/private/\#(id)/h4sh/hook","/api/apps/public/\#(id)/status"]"#, "function",
            "function",
        ].joined(separator: " | ")
        #expect(host.logs.withLock { $0 }.contains(expected), "\(host.logs.withLock { $0 })")
        await app.close()
    }

    @Test func permissionDenialIsACatchableError() async throws {
        let host = RecordingHost(deny: true)
        let app = try await AppInstance.load(try fixture("hello"), host: host)
        #expect(try await app.lifecycle(.onEnable) == .bool(true))
        let logs = host.logs.withLock { $0 }
        #expect(logs.contains { $0.hasPrefix("error onEnable: denied: true Failed to call the method \"settings.getValueById\"") })
    }

    /// Host failures that are not meant for the app (a store's text) never reach it.
    @Test func internalHostErrorsStayOnTheHost() async throws {
        let host = RecordingHost(failInternally: true)
        let app = try await AppInstance.load(try fixture("hello"), host: host)
        #expect(try await app.lifecycle(.onEnable) == .bool(true))
        let logs = host.logs.withLock { $0 }
        #expect(logs.contains { $0.hasPrefix("error onEnable: denied: false The host could not answer") }, "\(logs)")
        #expect(!logs.contains { $0.contains("secret-path") })
    }

    @Test func patchedHostObjectCannotReplaceTheBridge() async throws {
        let host = RecordingHost(deny: true)
        let package = try fixture("hello", patch: [
            "lib/helper.js": """
            const host = require('airlock:host');
            try { host.accessor = async () => JSON.stringify('forged'); } catch (e) {}
            try { host.register('dispatch', async () => ({ value: 'hijacked' })); } catch (e) {}
            exports.shout = (s) => s;
            """
        ])
        let app = try await AppInstance.load(package, host: host)
        #expect(try await app.lifecycle(.onEnable) == .bool(true))
        #expect(host.logs.withLock { $0 }.contains { $0.hasPrefix("error onEnable: denied: true") })
    }

    /// The registrations an rc-apps app makes with the SDK's value exports (endpoint classes, enums) arrive as data.
    @Test func registrationsUseTheSDKsValueModules() async throws {
        let main = """
            const { App } = require('@rocket.chat/apps-engine/definition/App');
            const { ApiEndpoint, ApiVisibility, ApiSecurity } = require('@rocket.chat/apps-engine/definition/api');
            const { StartupType } = require('@rocket.chat/apps-engine/definition/scheduler');
            const { UIActionButtonContext } = require('@rocket.chat/apps-engine/definition/ui');
            const { RoomType } = require('@rocket.chat/apps-engine/definition/rooms');
            class Webhook extends ApiEndpoint {
              constructor(app) { super(app); this.path = 'incoming/:channel'; }
              async post(request) { return this.json({ status: 200, content: { ok: true } }); }
              async get() { return this.success('up'); }
            }
            exports.HelloApp = class HelloApp extends App {
              async extendConfiguration(configuration) {
                await configuration.api.provideApi({ visibility: ApiVisibility.PRIVATE, security: ApiSecurity.UNSECURE, endpoints: [new Webhook(this)] });
                await configuration.scheduler.registerProcessors([{ id: 'sync', startupSetting: { type: StartupType.RECURRING, interval: '5 minutes' }, processor: async () => {} }]);
                await configuration.ui.registerButton({ actionId: 'open', labelI18n: 'Open', context: UIActionButtonContext.ROOM_ACTION, when: { roomTypes: [RoomType.CHANNEL] } });
              }
            };
            """
        let app = try await AppInstance.load(try fixture("hello", patch: ["HelloApp.js": main]), host: RecordingHost())
        defer { Task { await app.close() } }
        let registrations = try await app.initialize()
        #expect(registrations.apis.first?["visibility"] == 1)
        #expect(registrations.apis.first?["endpoints"]?.arrayValue?.first?["path"] == "incoming/:channel")
        let methods = registrations.apis.first?["endpoints"]?.arrayValue?.first?["methods"]?.arrayValue ?? []
        #expect(Set(methods) == ["post", "get"])
        #expect(registrations.processors.first?["startupSetting"]?["type"] == "recurring")
        #expect(registrations.buttons.first?["context"] == "roomAction")
        #expect(registrations.buttons.first?["when"]?["roomTypes"] == ["c"])
    }

    @Test func onEnableMayRefuse() async throws {
        let package = try fixture("hello", patch: ["lib/helper.js": "globalThis.ENABLE = false; exports.shout = (s) => s;"])
        let app = try await AppInstance.load(package, host: RecordingHost())
        #expect(try await app.lifecycle(.onEnable) == .bool(false))
    }

    @Test func mainExportMustBeAnApp() async throws {
        let package = try fixture("hello", patch: ["HelloApp.js": "exports.NotAnApp = class NotAnApp {};"])
        await #expect {
            _ = try await AppInstance.load(package, host: RecordingHost())
        } throws: { ($0 as? JavaScriptError)?.message.contains("is not an App") == true }
    }

    @Test func codeThatThrowsAtLoadFailsTheLoad() async throws {
        let package = try fixture("hello", patch: ["HelloApp.js": "throw new Error('broken at load');"])
        await #expect {
            _ = try await AppInstance.load(package, host: RecordingHost())
        } throws: { ($0 as? JavaScriptError)?.message == "broken at load" }
    }
}

@Suite struct SDKEmbeddingTests {
    /// Every file of the SDK is embedded, and every module an app can require loads in a VM on its own (a syntax
    /// error or a broken require fails here, not in an app).
    @Test func everySDKModuleLoads() async throws {
        let vm = try await JavaScriptVM()
        defer { Task { await vm.close() } }
        try await AppInstance.installSDK(in: vm)
        let root = AppFixtures.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("AppsSDK")
        // The typings (`AppsSDK/types/`) are for app authors' editors, not the runtime.
        let onDisk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { ["js", "json"].contains($0.pathExtension) && !$0.path.contains("/AppsSDK/types/") }
        // Every file but the surface, which is registered one module at a time (plus the list of its paths), and the
        // list of definition implementations.
        #expect(AppInstance.sdkModules.count == onDisk.count - 1 + AppInstance.definitionModulePaths.count + 2)
        for path in AppInstance.definitionModulePaths {
            await #expect(throws: Never.self, "\(path)") { try await vm.load(AppInstance.definitionProvider.prefix + path) }
        }
    }

    /// Every runtime export of the Apps-Engine 1.57 definition tree exists with the same kind and values
    /// (`Tests/Fixtures/SDK/definition-surface-check.js` says how it compares).
    @Test func definitionSurfaceMatchesTheRealPackage() async throws {
        let vm = try await JavaScriptVM()
        defer { Task { await vm.close() } }
        try await AppInstance.installSDK(in: vm)
        try await vm.registerModules(["@airlock/definition-surface.json": AppInstance.definitionSurfaceText])
        let check = try String(contentsOf: AppFixtures.root.deletingLastPathComponent().appendingPathComponent("SDK/definition-surface-check.js"), encoding: .utf8)
        try await vm.setFiles(["check.js": check])
        try await vm.load("/check.js")
        let problems = try JSONDecoder().decode([String].self, from: Data((try await vm.evaluate("globalThis.surfaceProblems") ?? "null").utf8))
        #expect(problems == [])
        #expect(AppInstance.definitionModulePaths.count > 250)
    }

    /// Paths real apps require resolve, folder indexes and single files alike.
    @Test func realAppSpecifiersResolve() async throws {
        let vm = try await JavaScriptVM()
        defer { Task { await vm.close() } }
        try await AppInstance.installSDK(in: vm)
        for specifier in [
            "@rocket.chat/apps-engine/definition/api/ApiEndpoint", "@rocket.chat/apps-engine/definition/api/IApi",
            "@rocket.chat/apps-engine/definition/uikit/UIKitIncomingInteractionContainer",
            "@rocket.chat/apps-engine/definition/uikit/blocks", "@rocket.chat/apps-engine/definition/messages",
            "@rocket.chat/apps-engine/definition/oauth2/OAuth2", "@rocket.chat/apps-engine/definition/accessors/IHttp.js",
        ] {
            await #expect(throws: Never.self, "\(specifier)") { try await vm.load(specifier) }
        }
        await #expect(throws: JavaScriptError.self) { try await vm.load("@rocket.chat/apps-engine/definition/nothing/Here") }
    }
}
