public import AirlockJSON
public import AppsPackage
import Foundation
public import JavaScriptRuntime

/// An app's VM in this process: the SDK and the bridge registered, the package's files set, host functions wired
/// to an ``AppHost``. Used directly for trusted apps (`in-process` mode) and inside a worker process, where the
/// host is the worker's proxy of the server.
public final class InProcessRuntime: AppRuntimeChannel {
    let vm: JavaScriptVM
    let fence: CallFence

    private init(vm: JavaScriptVM, fence: CallFence) {
        self.vm = vm
        self.fence = fence
    }

    /// Creates the VM, installs the SDK and host functions and the package's files, and loads the bridge (which
    /// registers `dispatch` before any app code runs). No app code runs here: the app's main file is loaded by the
    /// `construct` request.
    public static func prepare(
        _ package: AppPackage, host: any AppHost, configuration: JavaScriptVM.Configuration = JavaScriptVM.Configuration()
    ) async throws -> InProcessRuntime {
        var configuration = configuration
        configuration.name = package.manifest.nameSlug
        let runtime = try await create(appId: package.manifest.id, host: host, configuration: configuration)
        try await runtime.load(files: package.files)
        return runtime
    }

    /// The VM with the SDK and the host functions, before any package: what a spare worker holds while it waits for
    /// an app. Calls out go to `host` as `appId`'s (a worker's host ignores the id: its server knows the app).
    public static func create(appId: String, host: any AppHost, configuration: JavaScriptVM.Configuration) async throws -> InProcessRuntime {
        var configuration = configuration
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
        try await AppInstance.installSDK(in: vm)
        return InProcessRuntime(vm: vm, fence: fence)
    }

    /// The package's files, then the bridge (which registers `dispatch` before any app code runs).
    public func load(files: [String: String]) async throws {
        try await vm.setFiles(files)
        try await vm.load("@airlock/bridge")
    }

    public func send(_ envelope: BridgeProtocol.Envelope, budget: CallBudget) async throws -> JSONValue {
        do {
            return try await vm.callEntry("dispatch", value: envelope.json, budget: budget) ?? .null
        } catch let error as JavaScriptError where error.kind == .timedOut || error.kind == .terminated {
            fence.expire(envelope.id)
            throw error
        }
    }

    /// ``send(_:budget:)`` with the envelope and the reply as JSON text, the reply handed to `completion` on the VM
    /// thread: the worker process's path (its frames carry JSON text, which JSC parses and writes natively).
    public func dispatch(id: UInt64, json: String, budget: CallBudget, completion: @escaping @Sendable (Result<String?, any Error>) -> Void) {
        vm.callEntry("dispatch", json: json, budget: budget) { [fence] result in
            if case .failure(let error as JavaScriptError) = result, error.kind == .timedOut || error.kind == .terminated {
                fence.expire(id)
            }
            completion(result)
        }
    }

    /// Touches what JavaScriptCore reads lazily from files (the time zone, ICU's locale data), so that a worker
    /// can lock itself down before the app's first call needs them.
    public func warmUp() async throws {
        _ = try await vm.evaluate(
            "new Date().toString(); new Date(0).toLocaleString(); (1234.5).toLocaleString(); new Intl.DateTimeFormat().format(0); 'a'.localeCompare('b'); undefined",
            sourceURL: "warm-up.js")
    }

    /// Has the VM thread wait on `fd` too and run `onReadable` when it is readable (``JavaScriptVM/serve(_:onReadable:)``).
    public func serve(_ fd: Int32, onReadable: @escaping @Sendable () -> Void) {
        vm.serve(fd, onReadable: onReadable)
    }

    public func heapSize(full: Bool) async throws -> Int {
        try await vm.measureHeap(full: full)
    }

    public func status() -> AppRuntimeStatus {
        AppRuntimeStatus(mode: "in-process")
    }

    public func close() async {
        await vm.close()
    }
}
