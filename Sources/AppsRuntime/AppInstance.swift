public import AppsPackage
public import AirlockJSON
import Foundation
public import JavaScriptRuntime
import Synchronization

/// One app loaded in its own sandboxed VM: the SDK and the bridge registered first, then the package's files, then
/// the main class constructed. The engine drives it only through ``BridgeProtocol`` messages.
public final class AppInstance: Sendable {
    public let manifest: AppManifest
    public let constructed: BridgeProtocol.Constructed
    let vm: JavaScriptVM
    let fence: CallFence

    private init(manifest: AppManifest, constructed: BridgeProtocol.Constructed, vm: JavaScriptVM, fence: CallFence) {
        self.manifest = manifest
        self.constructed = constructed
        self.vm = vm
        self.fence = fence
    }

    /// Creates the VM, installs the SDK and host functions, loads the package and constructs the main class.
    /// `privateHash` is the secret part of the app's private endpoint URLs, which the app sees in
    /// `getAccessors().providedApiEndpoints`. Throws ``JavaScriptError`` when the app's code throws at load or its
    /// main export is not an `App`.
    public static func load(
        _ package: AppPackage, host: any AppHost, privateHash: String? = nil,
        configuration: JavaScriptVM.Configuration = JavaScriptVM.Configuration(), budget: CallBudget = .standard
    ) async throws -> AppInstance {
        let appId = package.manifest.id
        var configuration = configuration
        configuration.name = package.manifest.nameSlug
        let userLog = configuration.log
        configuration.log = { level, message in
            host.log(appId: appId, level: level.rawValue, method: "console", message: message)
            userLog(level, message)
        }
        let vm = try await JavaScriptVM(configuration: configuration)
        try await vm.registerHostFunction("log") { arguments in
            host.log(appId: appId, level: arguments[0].string ?? "info", method: arguments[1].string ?? "", message: arguments[2].string ?? "")
            return .undefined
        }
        let fence = CallFence()
        try await vm.registerAsyncValueFunction("accessor") { request in
            guard let name = request["name"]?.stringValue else { throw HostError.type("An accessor call needs a name") }
            let call = request["call"].flatMap { if case .number(let n) = $0, n >= 0, n < 9e15 { UInt64(n) } else { nil } }
            return try await fence.run(call: call) {
                try await host.accessor(appId: appId, name: name, arguments: request["args"]?.arrayValue ?? [])
            }
        }
        try await Self.installSDK(in: vm)
        try await vm.setFiles(package.files)
        // The bridge registers the `dispatch` entry point before any app code runs.
        try await vm.load("@airlock/bridge")
        let info = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(package.manifest))
        let constructed = try BridgeProtocol.decode(
            BridgeProtocol.Constructed.self,
            from: try await send(vm, fence, .construct(info: info, mainFile: package.manifest.mainFile, privateHash: privateHash), budget: budget))
        return AppInstance(manifest: package.manifest, constructed: constructed, vm: vm, fence: fence)
    }

    /// `initialize` → `extendConfiguration`.
    public func initialize(budget: CallBudget = .standard) async throws -> BridgeProtocol.Registrations {
        try BridgeProtocol.decode(BridgeProtocol.Registrations.self, from: try await Self.send(vm, fence, .initialize, budget: budget))
    }

    /// A lifecycle method; answers what it returned (e.g. `onEnable`'s boolean).
    public func lifecycle(
        _ method: BridgeProtocol.LifecycleMethod, context: JSONValue? = nil, setting: JSONValue? = nil, budget: CallBudget = .standard
    ) async throws -> JSONValue {
        try await Self.value(vm, fence, .lifecycle(method: method, context: context, setting: setting), budget: budget)
    }

    /// An event handler; answers what it returned.
    public func hook(_ method: String, args: [JSONValue], budget: CallBudget = .standard) async throws -> JSONValue {
        try await Self.value(vm, fence, .hook(method: method, args: args), budget: budget)
    }

    /// A slash command handler (`executor`, `previewer`, `executePreviewItem`); answers what it returned.
    public func command(
        _ name: String, method: String, context: JSONValue, item: JSONValue? = nil, budget: CallBudget = .standard
    ) async throws -> JSONValue {
        try await Self.value(vm, fence, .command(name: name, method: method, context: context, item: item), budget: budget)
    }

    /// A UIKit interaction handler; answers the `IUIKitResponse`.
    public func uikit(_ method: String, data: JSONValue, budget: CallBudget = .standard) async throws -> JSONValue {
        try await Self.value(vm, fence, .uikit(method: method, data: data), budget: budget)
    }

    /// A scheduler processor's run.
    public func job(_ processor: String, context: JSONValue, budget: CallBudget = .standard) async throws {
        _ = try await Self.value(vm, fence, .job(processor: processor, context: context), budget: budget)
    }

    /// An app endpoint's handler; answers the `IApiResponse` it returned.
    public func api(path: String, method: String, request: JSONValue, endpoint: JSONValue, budget: CallBudget = .standard) async throws -> JSONValue {
        try await Self.value(vm, fence, .api(path: path, method: method, request: request, endpoint: endpoint), budget: budget)
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
        try await vm.measureHeap(full: full)
    }

    /// Stops the VM.
    public func close() async {
        await vm.close()
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

    /// Sends a request and answers its reply's `result`, checking the reply's id. When the request times out or runs
    /// out of CPU, its accessor requests are fenced off (``CallFence``).
    static func send(_ vm: JavaScriptVM, _ fence: CallFence, _ request: BridgeProtocol.Request, budget: CallBudget) async throws -> JSONValue {
        let id = requestIds.add(1, ordering: .relaxed).newValue
        let reply: JSONValue
        do {
            reply = try await vm.callEntry("dispatch", value: BridgeProtocol.Envelope(id: id, request: request).json, budget: budget) ?? .null
        } catch let error as JavaScriptError where error.kind == .timedOut || error.kind == .terminated {
            fence.expire(id)
            throw error
        }
        guard reply["id"] == .number(Double(id)) else {
            throw JavaScriptError(kind: .thrown, name: "BridgeError", message: "reply \(reply["id"] ?? .null) to request \(id)")
        }
        if let refused = reply["refused"] {
            throw AppRefusal(name: refused["name"]?.stringValue ?? "AppsEngineException", message: refused["message"]?.stringValue ?? "")
        }
        return reply["result"] ?? .null
    }

    /// The `value` of a reply's `result` (what a handler returned).
    static func value(_ vm: JavaScriptVM, _ fence: CallFence, _ request: BridgeProtocol.Request, budget: CallBudget) async throws -> JSONValue {
        try await send(vm, fence, request, budget: budget)["value"] ?? .null
    }
}
