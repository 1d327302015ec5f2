internal import CJavaScriptCore
public import AirlockJSON
import Foundation
import Synchronization

/// One sandboxed JavaScriptCore VM (context group + global context) on its own thread, behind an async API.
///
/// Calls interleave at await points like Node's event loop: while call A awaits a host promise, call B runs. Each
/// call has a CPU budget per JavaScript entry and a wall-clock deadline; past the deadline the call fails with
/// ``JavaScriptError/Kind/timedOut`` and, if the VM thread is still busy, ``Configuration/onStuck`` is told so the
/// owner can decide (the thread cannot be stopped from outside; the worker-process runtime kills the process).
public final class JavaScriptVM: Sendable {
    public enum LogLevel: String, Sendable, CaseIterable {
        case debug, info, warn, error
    }

    public struct Configuration: Sendable {
        /// Used for the thread name and in error messages.
        public var name: String = "app"
        /// Budget of calls that do not give one, and of timer callbacks and host-promise continuations.
        public var defaultBudget: CallBudget = .standard
        /// Most timers (`setTimeout` + `setInterval`) alive at once.
        public var maxTimers: Int = 1000
        /// Receives `console.*` output.
        public var log: @Sendable (LogLevel, String) -> Void = { _, _ in }
        /// Receives rejections no handler caught by the end of the microtask checkpoint.
        public var onUnhandledRejection: @Sendable (JavaScriptError) -> Void = { _ in }
        /// Told when a deadline passed while the VM thread was still running JavaScript (seconds busy).
        public var onStuck: @Sendable (Double) -> Void = { _ in }
        /// Told when a timer callback ran out of its CPU budget (the same as a call's): such a VM is stopped by its owner.
        public var onTimerOverrun: @Sendable () -> Void = {}
        /// What one value leaving the VM (a result, an argument of a host function) may amount to.
        public var valueLimits = ValueLimits()

        public init() {}
    }

    /// Where VM creation time went, in nanoseconds (reported by benchmarks).
    public struct StartupTimings: Sendable {
        /// Context group + global context.
        public var context: UInt64
        /// Hardening, host functions and the runtime script (globals, module loader).
        public var runtime: UInt64
    }

    /// A call waiting for its value: `settle` converts it on the VM thread and resumes the caller; `fail` resumes it
    /// with an error (from any thread).
    private struct PendingCall {
        let settle: @Sendable (VMState, JSValueRef?) -> Void
        let fail: @Sendable (any Error) -> Void
        let watchdog: Int
    }

    /// One thread for every VM's wall-clock deadlines: it must not be a VM thread (that one may be stuck), and a
    /// timer per call on a shared thread is cheaper than a sleeping `Task` per call (p50 per API call 40 → 38 µs).
    static let watchdog = VMThread(name: "js-watchdog", stackSize: 256 << 10)

    let configuration: Configuration
    let thread: VMThread
    let state: VMState
    private let pending = Mutex<[Int: PendingCall]>([:])
    private let nextCallId = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)
    private let startupContext: UInt64
    private let startupRuntime = Atomic<UInt64>(0)

    /// How long this VM took to start.
    public var startup: StartupTimings {
        StartupTimings(context: startupContext, runtime: startupRuntime.load(ordering: .relaxed))
    }

    /// Creates and hardens a VM and installs the host globals and the module loader.
    public init(configuration: Configuration = Configuration()) async throws {
        try JSEngine.ensureInitialized()
        self.configuration = configuration
        let thread = VMThread(name: "js-\(configuration.name)")
        self.thread = thread
        let (state, contextTime) = await withCheckedContinuation { continuation in
            thread.enqueue {
                let start = VMThread.now()
                let state = VMState(valueLimits: configuration.valueLimits)
                continuation.resume(returning: (UnsafeTransfer(state), VMThread.now() - start))
            }
        }
        self.state = state.value
        startupContext = contextTime
        self.state.owner = self
        let runtimeTime = try await run { state in
            let start = VMThread.now()
            try Bootstrap.install(into: state, vm: self)
            return VMThread.now() - start
        }
        startupRuntime.store(runtimeTime, ordering: .relaxed)
    }

    deinit {
        let state = self.state
        let thread = self.thread
        thread.enqueue {
            state.close()
            thread.stop()
        }
    }

    // MARK: Calls

    /// Evaluates a script (global scope) and answers its completion value as JSON, awaiting it if it is a promise.
    public func evaluate(_ source: String, sourceURL: String = "eval.js", budget: CallBudget? = nil) async throws -> String? {
        try await invoke(budget: budget) { state in try state.evaluate(source, sourceURL: sourceURL) }
    }

    /// Calls the function at a dotted global path with JSON arguments; answers its result (awaited if a promise)
    /// as JSON, or nil for `undefined`.
    public func call(_ function: String, arguments: [String] = [], budget: CallBudget? = nil) async throws -> String? {
        try await invoke(budget: budget) { state in
            guard let object = state.function(at: function) else { throw HostError.type("\(function) is not a function") }
            return .call(object, this: nil, try Self.parse(arguments, in: state))
        }
    }

    /// Loads a module from the VM's file set (like `require(path)` from the package root); answers the names of its
    /// exports as a JSON array.
    public func require(_ path: String, budget: CallBudget? = nil) async throws -> String? {
        try await callRuntime("requireRoot", [Self.jsonString(path)], budget: budget)
    }

    /// Loads a module by specifier (a registered module or a package path) for its side effects, e.g. the SDK
    /// bridge that registers entry points before app code runs.
    public func load(_ specifier: String, budget: CallBudget? = nil) async throws {
        _ = try await callRuntime("load", [Self.jsonString(specifier)], budget: budget)
    }

    /// Calls an entry point registered with `require('airlock:host').register(name, fn)`: JSON arguments in, the
    /// (awaited) result as JSON out. Unlike ``call(_:arguments:budget:)`` it does not go through globals, which app
    /// code can replace.
    public func callEntry(_ name: String, arguments: [String] = [], budget: CallBudget? = nil) async throws -> String? {
        try await invoke(budget: budget) { state in
            guard let function = state.entries[name] else { throw HostError.type("no entry point \(name)") }
            return .call(function, this: nil, try Self.parse(arguments, in: state))
        }
    }

    /// Calls a function of the runtime object the bootstrap script returned. That object is held by Swift, not
    /// reachable from app code, so an app cannot replace what the host calls.
    func callRuntime(_ name: String, _ arguments: [String], budget: CallBudget? = nil) async throws -> String? {
        try await invoke(budget: budget) { state in
            guard let runtime = state.runtime, let function = state.property(runtime, name).flatMap({ JSValueToObject(state.ctx, $0, nil) })
            else { throw HostError.type("runtime has no \(name)") }
            return .call(function, this: runtime, try Self.parse(arguments, in: state))
        }
    }

    /// ``callEntry(_:arguments:budget:)`` with a ``JSONValue`` argument and result, converted to and from VM values
    /// directly (no JSON text): the path of every app event.
    public func callEntry(_ name: String, value: JSONValue, budget: CallBudget? = nil) async throws -> JSONValue? {
        try await invoke(budget: budget, convert: { state, value in try state.jsonValue(value) }) { state in
            guard let function = state.entries[name] else { throw HostError.type("no entry point \(name)") }
            return .call(function, this: nil, [state.jsValue(value)])
        }
    }

    /// Runs `body` on the VM thread (for setup that needs no budget accounting).
    func run<T: Sendable>(_ body: @escaping @Sendable (VMState) throws -> T) async throws -> T {
        guard !closed.load(ordering: .relaxed) else { throw JavaScriptError(kind: .unavailable, message: "VM closed") }
        return try await withCheckedThrowingContinuation { continuation in
            thread.enqueue { [state] in
                continuation.resume(with: Result { try body(state) })
            }
        }
    }

    /// What a call runs in the VM: a script's completion value, or a function to call.
    enum Target {
        case value(JSValueRef?)
        case call(JSObjectRef, this: JSObjectRef?, [JSValueRef?])
    }

    private func invoke(budget: CallBudget?, _ start: @escaping @Sendable (VMState) throws -> JSValueRef?) async throws -> String? {
        try await invoke(budget: budget) { state in Target.value(try start(state)) }
    }

    private func invoke(budget: CallBudget?, target: @escaping @Sendable (VMState) throws -> Target) async throws -> String? {
        try await invoke(budget: budget, convert: { state, value in try state.json(value) }, target: target)
    }

    /// Runs `target` on the VM thread under `budget`; its value (awaited if a promise) is turned into the answer by
    /// `convert`, on the VM thread.
    private func invoke<Answer: Sendable>(
        budget: CallBudget?, convert: @escaping @Sendable (VMState, JSValueRef?) throws -> Answer,
        target: @escaping @Sendable (VMState) throws -> Target
    ) async throws -> Answer {
        guard !closed.load(ordering: .relaxed) else { throw JavaScriptError(kind: .unavailable, message: "VM closed") }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Answer, any Error>) in
            begin(budget: budget, convert: convert, target: target) { continuation.resume(with: $0) }
        }
    }

    /// Calls an entry point with one JSON text argument and hands its (awaited) result as JSON text to `completion`,
    /// which runs on the VM thread (or the watchdog's, for a deadline): no task, no executor hop. The worker process
    /// answers its host's frames with it, writing the reply from the VM thread.
    public func callEntry(
        _ name: String, json: String, budget: CallBudget?, completion: @escaping @Sendable (Result<String?, any Error>) -> Void
    ) {
        guard !closed.load(ordering: .relaxed) else { return completion(.failure(JavaScriptError(kind: .unavailable, message: "VM closed"))) }
        begin(budget: budget, convert: { state, value in try state.json(value) }, target: { state in
            guard let function = state.entries[name] else { throw HostError.type("no entry point \(name)") }
            return .call(function, this: nil, try Self.parse([json], in: state))
        }, completion: completion)
    }

    /// Has the VM thread itself wait on `fd` beside its jobs and timers, running `onReadable` on the VM thread
    /// whenever it is readable (it must not block: read what is there). A worker process serves its server's socket
    /// this way: a frame is read, the call started and its reply written by one thread, woken once.
    public func serve(_ fd: Int32, onReadable: @escaping @Sendable () -> Void) {
        thread.watch(fd, onReadable: onReadable)
    }

    /// Starts `target` on the VM thread under `budget`; `completion` receives the converted value or the failure,
    /// exactly once (the answer, the deadline or `close`, whichever comes first).
    private func begin<Answer: Sendable>(
        budget: CallBudget?, convert: @escaping @Sendable (VMState, JSValueRef?) throws -> Answer,
        target: @escaping @Sendable (VMState) throws -> Target, completion: @escaping @Sendable (Result<Answer, any Error>) -> Void
    ) {
        let budget = budget ?? configuration.defaultBudget
        let id = nextCallId.add(1, ordering: .relaxed).newValue
        do {
            let watchdog = Self.watchdog.schedule(after: UInt64(budget.wall * 1e9)) { [weak self] in
                self?.expire(id, budget: budget)
            }
            let call = PendingCall(
                settle: { state, value in
                    do {
                        completion(.success(try convert(state, value)))
                    } catch let error as JSException {
                        completion(.failure(state.error(from: error.value)))
                    } catch let error as HostError {
                        completion(.failure(JavaScriptError(kind: .thrown, name: error.name, message: error.message)))
                    } catch {
                        completion(.failure(error))
                    }
                },
                fail: { completion(.failure($0)) }, watchdog: watchdog)
            pending.withLock { $0[id] = call }
            thread.enqueue { [state, weak self] in
                state.arm(cpu: budget.cpu)
                let started = VMThread.now()
                do {
                    switch try target(state) {
                    case .call(let function, let this, let arguments):
                        try state.watch(function, this: this, arguments, id: id) { ok, value in
                            if ok { self?.settle(id, state: state, value: value) } else {
                                self?.complete(id, state.error(from: value))
                            }
                        }
                    case .value(let result):
                        if state.isPromise(result), let result {
                            try state.then(
                                result, fulfilled: { self?.settle(id, state: state, value: $0) },
                                rejected: { self?.complete(id, state.error(from: $0)) })
                        } else {
                            self?.settle(id, state: state, value: result)
                        }
                    }
                } catch let error as JSException {
                    self?.complete(id, state.error(from: error.value))
                } catch {
                    self?.complete(id, error)
                }
                // A termination can only have fired if the job ran for at least the CPU budget (wall ≥ CPU); only
                // then pay for the extra VM entry that clears one that leaked from a microtask or a nested call.
                if Double(VMThread.now() - started) / 1e9 >= budget.cpu * 0.9 {
                    _ = state.clearLeakedTermination()
                }
            }
        }
    }

    private func settle(_ id: Int, state: VMState, value: JSValueRef?) {
        take(id)?.settle(state, value)
    }

    private func complete(_ id: Int, _ failure: any Error) {
        take(id)?.fail(failure)
    }

    /// Removes a pending call (first come wins: the answer, the deadline or `close`) and stops its watchdog.
    private func take(_ id: Int) -> PendingCall? {
        guard let call = pending.withLock({ $0.removeValue(forKey: id) }) else { return nil }
        Self.watchdog.cancel(timer: call.watchdog)
        return call
    }

    private func expire(_ id: Int, budget: CallBudget) {
        complete(id, JavaScriptError(kind: .timedOut, message: "no answer within \(budget.wall) s"))
        thread.enqueue { [state] in state.forget(settle: id) }
        checkStuck(wall: UInt64(budget.wall * 1e9))
    }

    /// Reports the VM stuck if one job keeps the thread for longer than a call's whole wall budget: checked at the
    /// deadline and, if a job is still running then, again when that job would reach the budget.
    private func checkStuck(wall: UInt64) {
        guard let (job, running) = thread.currentJob() else { return }
        if running >= wall {
            configuration.onStuck(Double(running) / 1e9)
            return
        }
        _ = Self.watchdog.schedule(after: wall - running) { [weak self] in
            guard let self, let (still, running) = self.thread.currentJob(), still == job, running >= wall else { return }
            self.configuration.onStuck(Double(running) / 1e9)
        }
    }

    // MARK: Host functions and modules

    /// Adds a synchronous host function to `require('airlock:host')`.
    public func registerHostFunction(
        _ name: String, _ body: @escaping @Sendable (HostArguments) throws -> HostValue
    ) async throws {
        try await run { state in
            let function = state.makeFunction { state, _, arguments in
                let converted = try HostArguments(arguments.map { try state.hostValue($0) })
                return try state.jsValue(try body(converted))
            }
            state.setProperty(state.hostObject!, name, function)
        }
    }

    /// Adds an async host function to `require('airlock:host')`: JavaScript gets a promise that Swift settles later
    /// on the VM thread, so other calls run meanwhile.
    public func registerAsyncHostFunction(
        _ name: String, _ body: @escaping @Sendable (HostArguments) async throws -> HostValue
    ) async throws {
        try await registerAsync(
            name, arguments: { state, arguments in try HostArguments(arguments.map { try state.hostValue($0) }) },
            answer: { state, value in try state.jsValue(value) }, body)
    }

    /// An async host function taking one value and answering one (nil: `undefined`), both converted as values
    /// (``JSONValue``, JSON's semantics) rather than JSON text: the apps engine's accessor calls.
    public func registerAsyncValueFunction(
        _ name: String, _ body: @escaping @Sendable (JSONValue) async throws -> JSONValue?
    ) async throws {
        try await registerAsync(
            name, arguments: { state, arguments in try state.jsonValue(arguments.first ?? nil) ?? .null },
            answer: { state, value in value.map { state.jsValue($0) } ?? state.undefined() }, body)
    }

    /// The shape of every async host function: `arguments` converts the call's arguments on the VM thread, `body`
    /// runs as a task, `answer` converts its result back on the VM thread before the promise settles.
    private func registerAsync<Input: Sendable, Output: Sendable>(
        _ name: String, arguments convertArguments: @escaping @Sendable (VMState, UnsafeBufferPointer<JSValueRef?>) throws -> Input,
        answer convertAnswer: @escaping @Sendable (VMState, Output) throws -> JSValueRef?,
        _ body: @escaping @Sendable (Input) async throws -> Output
    ) async throws {
        try await run { [weak self] state in
            let function = state.makeFunction { state, _, arguments in
                let converted = try convertArguments(state, arguments)
                let (promise, resolve, reject) = try state.makeDeferredPromise()
                state.protect(resolve)
                state.protect(reject)
                let resolver = UnsafeTransfer((resolve, reject))
                Task {
                    let result: Result<Output, any Error>
                    do { result = .success(try await body(converted)) } catch { result = .failure(error) }
                    self?.thread.enqueue {
                        let (resolve, reject) = resolver.value
                        state.arm(cpu: self?.configuration.defaultBudget.cpu ?? CallBudget.standard.cpu)
                        defer {
                            state.unprotect(resolve)
                            state.unprotect(reject)
                            _ = state.clearLeakedTermination()
                        }
                        switch result {
                        case .success(let value):
                            let converted = (try? convertAnswer(state, value)) ?? state.undefined()
                            _ = try? state.call(resolve, [converted])
                        case .failure(let error as HostError):
                            _ = try? state.call(reject, [state.makeError(name: error.name, message: error.message)])
                        case .failure:
                            // Only `HostError`s carry a message meant for the app; anything else stays on the host.
                            _ = try? state.call(reject, [state.makeError(name: "Error", message: "The host could not answer")])
                        }
                    }
                }
                return promise
            }
            state.setProperty(state.hostObject!, name, function)
        }
    }

    /// Registers built-in modules by specifier (`require(specifier)` resolves to them before any file); the apps
    /// engine registers the AppsSDK here. One VM entry for all of them: the SDK is a few hundred modules.
    public func registerModules(_ modules: [String: String]) async throws {
        _ = try await invoke(budget: nil) { state in
            guard let runtime = state.runtime, let function = state.property(runtime, "registerModules").flatMap({ JSValueToObject(state.ctx, $0, nil) })
            else { throw HostError.type("runtime has no registerModules") }
            let object = state.object()
            for (specifier, source) in modules { state.setProperty(object, specifier, state.makeString(source)) }
            return .call(function, this: runtime, [object])
        }
    }

    /// Makes `require` build the modules under `prefix` with the registered module `module`: its
    /// `provide(path, exports)` fills a module's exports (answering false when there is no such module), so a large
    /// family of small modules costs no source compilation.
    public func registerProvider(prefix: String, module: String) async throws {
        _ = try await callRuntime("registerProvider", [Self.jsonString(prefix), Self.jsonString(module)])
    }

    /// Sets the virtual file set `require` resolves relative paths in (the app package's files).
    public func setFiles(_ files: [String: String]) async throws {
        // Built as a JS object directly: a JSON round trip of a 50 KB bundle cost about a millisecond per VM.
        _ = try await invoke(budget: nil) { state in
            guard let runtime = state.runtime, let function = state.property(runtime, "setFiles").flatMap({ JSValueToObject(state.ctx, $0, nil) })
            else { throw HostError.type("runtime has no setFiles") }
            let object = state.object()
            for (path, source) in files { state.setProperty(object, path, state.makeString(source)) }
            return .call(function, this: runtime, [object])
        }
    }

    // MARK: Introspection

    /// JSC heap bytes in use (heap + extra memory) as of the VM's last collection.
    public func heapBytes() async throws -> Int {
        try await run { $0.heapBytes() }
    }

    /// The heap in use now: a young-generation collection first brings JSC's statistics up to date. `full` runs a
    /// full collection instead (what survives it is what the VM really holds).
    public func measureHeap(full: Bool = false) async throws -> Int {
        try await run { state in
            if full { state.collectGarbage() } else { state.collectYoungGarbage() }
            return state.heapBytes()
        }
    }

    /// Runs a full garbage collection (benchmarks and tests).
    public func collectGarbage() async throws {
        try await run { $0.collectGarbage() }
    }

    /// Stops the VM: pending calls fail, the thread ends once the context is released.
    public func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        let calls = pending.withLock { calls in
            defer { calls.removeAll() }
            return Array(calls.values)
        }
        for call in calls {
            Self.watchdog.cancel(timer: call.watchdog)
            call.fail(JavaScriptError(kind: .unavailable, message: "VM closed"))
        }
    }

    /// JSON arguments as VM values.
    static func parse(_ arguments: [String], in state: VMState) throws -> [JSValueRef?] {
        try arguments.map { argument in
            guard let value = state.parse(argument) else { throw HostError(name: "SyntaxError", message: "argument is not JSON") }
            return value
        }
    }

    static func jsonString(_ string: String) -> String {
        let data = (try? JSONEncoder().encode(string)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Moves JSC pointers into a job that runs on the VM thread they belong to.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
