import AirlockJSON
public import AppsHost
import AppsPackage
import AppsRuntime
public import ChatCore
import Foundation
import JavaScriptRuntime
public import Logging

/// Runs integrations' scripts — Rocket.Chat's `class Script` with `process_incoming_request`,
/// `prepare_outgoing_request` and `process_outgoing_response` — in the apps' sandbox: one app of their own holding
/// every enabled script (a worker process of its own in worker mode, like any app), with Rocket.Chat's limits: 3 s
/// per call and 8 MB of JavaScript heap above what the runtime itself holds (polled after a call, at most every
/// `heapPollInterval`: measuring costs a collection; the worker's memory cgroup caps a single call's burst). A script
/// sees no accessors: it only transforms what it is given. The sandbox is rebuilt when a script changes (any node
/// notices: the integration's `updatedAt` is compared on every call).
public actor IntegrationScripts {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Per-call budget (Rocket.Chat: 3 s).
    public static let budget = CallBudget(cpu: 3, wall: 3)
    /// Heap a script may add to the sandbox's own (Rocket.Chat: 8 MB).
    public static let heapAllowance = 8 << 20
    static let heapPollInterval: Duration = .milliseconds(100)

    let settings: AppRuntimeSettings
    let store: any IntegrationStore
    let logger: Logger
    private var sandbox: Sandbox?
    private var lastHeapPoll = ContinuousClock.now

    struct Sandbox {
        let instance: AppInstance
        /// Integration id → `updatedAt` of the script version loaded.
        let versions: [String: Date]
        let baselineHeap: Int
    }

    public init(settings: AppRuntimeSettings, store: any IntegrationStore, logger: Logger) {
        self.settings = settings
        self.store = store
        self.logger = logger
    }

    /// Calls `method` of `integration`'s script with `argument`; nil when the script has no such method. Throws
    /// ``Failure`` with a message for the caller when the script fails to load, throws, runs out of time or memory.
    public func call(_ integration: Integration, method: String, argument: JSONValue) async throws -> JSONValue? {
        let sandbox = try await current(for: integration)
        let request: JSONValue = [
            "content": ["id": .string(integration.id), "method": .string(method), "argument": argument],
            "headers": [:], "query": [:], "params": [:], "method": "post",
        ]
        let reply: JSONValue
        do {
            reply = try await sandbox.instance.api(path: "run", method: "post", request: request, endpoint: ["basePath": "", "fullPath": "", "appId": ""])
        } catch let error as JavaScriptError {
            switch error.kind {
            case .terminated, .timedOut: throw Failure(description: "the script ran longer than \(Int(Self.budget.wall)) s and was stopped")
            case .thrown: throw Failure(description: "the script threw \(error.name.isEmpty ? "an error" : error.name): \(error.message)")
            case .unavailable:
                self.sandbox = nil
                throw Failure(description: "the script sandbox is not available: \(error.message)")
            }
        }
        if ContinuousClock.now - lastHeapPoll >= Self.heapPollInterval {
            lastHeapPoll = .now
            try await checkHeap(sandbox, integration: integration)
        }
        let content = reply["content"] ?? .null
        if let message = content["error"]?.stringValue { throw Failure(description: message) }
        if content["missing"] == .bool(true) { return nil }
        return content["result"] ?? .null
    }

    /// Stops the sandbox when the scripts' heap grew past the allowance (it is rebuilt on the next call).
    private func checkHeap(_ sandbox: Sandbox, integration: Integration) async throws {
        guard let heap = try? await sandbox.instance.heapSize(full: false), heap > sandbox.baselineHeap + Self.heapAllowance else { return }
        logger.warning("integration script over its memory", metadata: ["integration.id": "\(integration.id)", "heap": "\(heap)"])
        await close()
        throw Failure(description: "the script used more than \(Self.heapAllowance >> 20) MB of memory and was stopped")
    }

    /// Stops the sandbox (server shutdown, or before a rebuild).
    public func close() async {
        if let sandbox {
            self.sandbox = nil
            await sandbox.instance.close()
        }
    }

    /// The sandbox, rebuilt when it lacks this version of the integration's script.
    private func current(for integration: Integration) async throws -> Sandbox {
        if let sandbox, sandbox.versions[integration.id] == integration.updatedAt { return sandbox }
        await close()
        var scripts = try await store.integrations(page: PageRequest(offset: 0, count: 10_000)).items.filter { $0.enabled && $0.runsScript }
        if !scripts.contains(where: { $0.id == integration.id }) { scripts.append(integration) }
        let built = try await build(scripts)
        sandbox = built
        return built
    }

    private func build(_ scripts: [Integration]) async throws -> Sandbox {
        var files: [String: String] = [:]
        for (path, source) in EmbeddedIntegrationScripts.files { files[path] = source }
        for script in scripts { files["scripts/\(script.id).js"] = Self.module(script.script ?? "") }
        let manifest = try ManifestValidator.validate(json: Data(Self.manifest.utf8))
        let package = AppPackage(manifest: manifest, files: files)
        var limits = settings.defaultLimits
        limits.cpuMillisecondsPerCall = Int(Self.budget.cpu * 1000)
        limits.wallMillisecondsPerCall = Int(Self.budget.wall * 1000)
        limits.workerMemoryBytes = min(limits.workerMemoryBytes, 256 << 20)
        let logger = self.logger
        let channel = try await settings.start(package, host: ScriptHost(logger: logger), limits: limits, onFailure: { reason in
            logger.warning("integration scripts sandbox failed", metadata: ["reason": "\(reason)"])
        })
        let instance = try await AppInstance.construct(
            manifest, in: channel, privateHash: nil, budgets: AppInstance.Budgets(preHook: Self.budget, standard: Self.budget))
        do {
            _ = try await instance.initialize()
            let baseline = try await instance.heapSize(full: true)
            return Sandbox(instance: instance, versions: Dictionary(uniqueKeysWithValues: scripts.map { ($0.id, $0.updatedAt) }), baselineHeap: baseline)
        } catch {
            await instance.close()
            throw error
        }
    }

    /// A script as a CommonJS module exporting its `Script` class, with Rocket.Chat's per-integration `Store`.
    static func module(_ script: String) -> String {
        """
        'use strict';
        const __store = new Map();
        const Store = { set: (key, value) => { __store.set(key, value); return value; }, get: (key) => __store.get(key) };
        \(script)
        ;module.exports = typeof Script === 'undefined' ? undefined : Script;

        """
    }

    static let manifest = """
        {"id":"7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f","name":"Integration scripts","nameSlug":"integration-scripts",
         "version":"1.0.0","description":"Runs webhook integrations' scripts.","requiredApiVersion":"^1.40.0",
         "author":{"name":"Airlock","support":"-"},"classFile":"IntegrationScriptsApp.js","iconFile":"icon.png"}
        """
}

/// What a script's sandbox reaches on the host: nothing but the log.
struct ScriptHost: AppHost {
    let logger: Logger

    func accessor(appId: String, name: String, arguments: [JSONValue]) async throws -> JSONValue? {
        throw HostError(message: "Integration scripts cannot call \(name)")
    }

    func log(appId: String, level: String, method: String, message: String) {
        logger.info("integration script: \(message)", metadata: ["level": "\(level)"])
    }
}
