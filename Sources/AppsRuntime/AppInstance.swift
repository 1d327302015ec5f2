public import AppsPackage
public import AirlockJSON
import Foundation
public import JavaScriptRuntime
import Synchronization

/// One app loaded in its sandbox — a VM in this process or in a worker process (``AppRuntimeChannel``) — with the
/// SDK and the bridge registered first, then the package's files, then the main class constructed. The engine drives
/// it only through ``BridgeProtocol`` messages.
public final class AppInstance: Sendable {
    /// The CPU and wall budgets of the app's calls: pre-hooks (which hold up a user's action) and everything else.
    public struct Budgets: Sendable, Hashable {
        public var preHook: CallBudget
        public var standard: CallBudget

        public init(preHook: CallBudget = .preHook, standard: CallBudget = .standard) {
            self.preHook = preHook
            self.standard = standard
        }
    }

    public let manifest: AppManifest
    public let constructed: BridgeProtocol.Constructed
    public let runtime: any AppRuntimeChannel
    private let budgets: Mutex<Budgets>

    private init(manifest: AppManifest, constructed: BridgeProtocol.Constructed, runtime: any AppRuntimeChannel, budgets: Budgets) {
        self.manifest = manifest
        self.constructed = constructed
        self.runtime = runtime
        self.budgets = Mutex(budgets)
    }

    /// Loads the package into a VM in this process (``InProcessRuntime``) and constructs the main class.
    /// `privateHash` is the secret part of the app's private endpoint URLs, which the app sees in
    /// `getAccessors().providedApiEndpoints`. Throws ``JavaScriptError`` when the app's code throws at load or its
    /// main export is not an `App`.
    public static func load(
        _ package: AppPackage, host: any AppHost, privateHash: String? = nil,
        configuration: JavaScriptVM.Configuration = JavaScriptVM.Configuration(), budgets: Budgets = Budgets()
    ) async throws -> AppInstance {
        let runtime = try await InProcessRuntime.prepare(package, host: host, configuration: configuration)
        return try await construct(package.manifest, in: runtime, privateHash: privateHash, budgets: budgets)
    }

    /// Constructs the main class of `manifest` in a prepared runtime (its files already there). Closes the runtime
    /// when that fails.
    public static func construct(
        _ manifest: AppManifest, in runtime: any AppRuntimeChannel, privateHash: String?, budgets: Budgets = Budgets()
    ) async throws -> AppInstance {
        do {
            let info = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(manifest))
            let constructed = try BridgeProtocol.decode(
                BridgeProtocol.Constructed.self,
                from: try await send(runtime, .construct(info: info, mainFile: manifest.mainFile, privateHash: privateHash), budget: budgets.standard))
            return AppInstance(manifest: manifest, constructed: constructed, runtime: runtime, budgets: budgets)
        } catch {
            await runtime.close()
            throw error
        }
    }

    /// Changes the budgets of the calls that start from now on.
    public func setBudgets(_ budgets: Budgets) {
        self.budgets.withLock { $0 = budgets }
    }

    private var standard: CallBudget { budgets.withLock { $0.standard } }

    /// `initialize` → `extendConfiguration`.
    public func initialize() async throws -> BridgeProtocol.Registrations {
        try BridgeProtocol.decode(BridgeProtocol.Registrations.self, from: try await Self.send(runtime, .initialize, budget: standard))
    }

    /// A lifecycle method; answers what it returned (e.g. `onEnable`'s boolean).
    public func lifecycle(_ method: BridgeProtocol.LifecycleMethod, context: JSONValue? = nil, setting: JSONValue? = nil) async throws -> JSONValue {
        try await Self.value(runtime, .lifecycle(method: method, context: context, setting: setting), budget: standard)
    }

    /// An event handler; answers what it returned. `pre` handlers (checks and pre-events, which hold up a user's
    /// action) run with the pre-hook budget.
    public func hook(_ method: String, args: [JSONValue], pre: Bool = false) async throws -> JSONValue {
        try await Self.value(runtime, .hook(method: method, args: args), budget: budgets.withLock { pre ? $0.preHook : $0.standard })
    }

    /// A slash command handler (`executor`, `previewer`, `executePreviewItem`); answers what it returned.
    public func command(_ name: String, method: String, context: JSONValue, item: JSONValue? = nil) async throws -> JSONValue {
        try await Self.value(runtime, .command(name: name, method: method, context: context, item: item), budget: standard)
    }

    /// A UIKit interaction handler; answers the `IUIKitResponse`.
    public func uikit(_ method: String, data: JSONValue) async throws -> JSONValue {
        try await Self.value(runtime, .uikit(method: method, data: data), budget: standard)
    }

    /// A scheduler processor's run.
    public func job(_ processor: String, context: JSONValue) async throws {
        _ = try await Self.value(runtime, .job(processor: processor, context: context), budget: standard)
    }

    /// An app endpoint's handler; answers the `IApiResponse` it returned.
    public func api(path: String, method: String, request: JSONValue, endpoint: JSONValue) async throws -> JSONValue {
        try await Self.value(runtime, .api(path: path, method: method, request: request, endpoint: endpoint), budget: standard)
    }

    /// The event interfaces the app implements: the manifest's `implements`, or, when it lists none, the
    /// interfaces whose handler methods (`execute<Event>`/`check<Event>`) the main class defines.
    public var implemented: [String] {
        if let listed = manifest.implements, !listed.isEmpty { return listed.filter(AppsEngineDefinition.interfaces.contains) }
        let derived = constructed.methods.compactMap { method -> String? in
            for prefix in ["execute", "check"] where method.hasPrefix(prefix) {
                let name = "I" + method.dropFirst(prefix.count)
                if AppsEngineDefinition.interfaces.contains(name) { return name }
            }
            return nil
        }
        return Array(Set(derived)).sorted()
    }

    /// The app's live JavaScript heap in bytes after a young-generation (or, with `full`, a full) collection: what
    /// the host polls against the app's heap cap.
    public func heapSize(full: Bool) async throws -> Int {
        try await runtime.heapSize(full: full)
    }

    /// Stops the runtime.
    public func close() async {
        await runtime.close()
    }

    /// The AppsSDK (`AppsSDK/`, embedded at build time) by the specifier `require` finds it with: Airlock's files as
    /// `@airlock/<path>` (the bridge, `@airlock/definition/...` implementations). The Apps-Engine's own
    /// `@rocket.chat/apps-engine/definition/<path>` modules are built on demand by ``definitionProvider`` from the
    /// definition surface (see `AppsSDK/runtime/definition-module.js`), none compiled from source.
    public static let sdkModules: [String: String] = {
        var modules: [String: String] = [:]
        for (path, source) in EmbeddedAppsSDK.files where path != surfaceFile {
            modules["@airlock/" + (path.hasPrefix("runtime/") ? String(path.dropFirst("runtime/".count)) : path)] = source
        }
        // Which definition modules Airlock implements in files, for the provider (`definition/x.js` → `x`).
        let implemented = EmbeddedAppsSDK.files.keys.filter { $0.hasPrefix("definition/") && $0.hasSuffix(".js") }
            .map { String($0.dropFirst("definition/".count).dropLast(".js".count)) }.sorted()
        modules["@airlock/definition-implementations.json"] = json(implemented)
        // The surface one module at a time (parsing the whole file in every VM cost more than the rest of the SDK).
        for (path, exports) in definitionSurface { modules["@airlock/definition-surface/\(path).json"] = json(exports) }
        modules["@airlock/definition-surface-paths.json"] = json(definitionModulePaths)
        return modules
    }()

    private static let surfaceFile = "runtime/definition-surface.json"

    /// `AppsSDK/runtime/definition-surface.json`'s text (what the surface tests compare against).
    public static let definitionSurfaceText = EmbeddedAppsSDK.files[surfaceFile] ?? ""

    /// The surface's modules: path → exports.
    static let definitionSurface: [String: JSONValue] = {
        guard let surface = try? JSONDecoder().decode(JSONValue.self, from: Data(definitionSurfaceText.utf8)),
            let modules = surface["modules"]?.objectValue
        else { preconditionFailure("AppsSDK/runtime/definition-surface.json is missing or malformed") }
        return modules
    }()

    private static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    /// The module prefix apps require the Apps-Engine definition under, and the SDK module that provides it.
    public static let definitionProvider = (prefix: "@rocket.chat/apps-engine/definition/", module: "@airlock/definition-module.js")

    /// Registers the SDK in a VM: its files and the definition's module provider.
    public static func installSDK(in vm: JavaScriptVM) async throws {
        try await vm.registerModules(sdkModules)
        try await vm.registerProvider(prefix: definitionProvider.prefix, module: definitionProvider.module)
    }

    /// Every module path of the definition surface (`AppsSDK/runtime/definition-surface.json`).
    public static let definitionModulePaths: [String] = definitionSurface.keys.sorted()

    /// Request ids, unique in the process.
    private static let requestIds = Atomic<UInt64>(0)

    /// Sends a request and answers its reply's `result`, checking the reply's id.
    static func send(_ runtime: any AppRuntimeChannel, _ request: BridgeProtocol.Request, budget: CallBudget) async throws -> JSONValue {
        let id = requestIds.add(1, ordering: .relaxed).newValue
        let reply = try await runtime.send(BridgeProtocol.Envelope(id: id, request: request), budget: budget)
        guard reply["id"] == .number(Double(id)) else {
            throw JavaScriptError(kind: .thrown, name: "BridgeError", message: "reply \(reply["id"] ?? .null) to request \(id)")
        }
        if let refused = reply["refused"] {
            throw AppRefusal(name: refused["name"]?.stringValue ?? "AppsEngineException", message: refused["message"]?.stringValue ?? "")
        }
        return reply["result"] ?? .null
    }

    /// The `value` of a reply's `result` (what a handler returned).
    static func value(_ runtime: any AppRuntimeChannel, _ request: BridgeProtocol.Request, budget: CallBudget) async throws -> JSONValue {
        try await send(runtime, request, budget: budget)["value"] ?? .null
    }
}
