internal import CJavaScriptCore
import Foundation

/// Everything that touches JSC pointers for one VM. Used only on the VM's own thread.
///
/// `@unchecked Sendable`: confined to ``VMThread``; it crosses threads only inside jobs that run there.
final class VMState: @unchecked Sendable {
    let group: JSContextGroupRef
    let ctx: JSGlobalContextRef
    weak var owner: JavaScriptVM?
    private var functionPrototype: JSValueRef?
    private var promiseConstructor: JSObjectRef?
    /// The object the bootstrap script returns (`fireTimer`, `require`, ...); protected from GC.
    var runtime: JSObjectRef?
    /// Host-function object exposed to builtin modules as `require('airlock:host')`; protected from GC.
    var hostObject: JSObjectRef?
    /// JS timer id → thread timer id.
    var timers: [Int: Int] = [:]
    /// Pending `watch` calls by id: called once when the watched result settles.
    var settleHandlers: [Int: (Bool, JSValueRef?) -> Void] = [:]
    /// Entry points registered by trusted code loaded first (the AppsSDK bridge); protected from GC, first wins.
    var entries: [String: JSObjectRef] = [:]
    private var currentLimit: Double = -1
    /// Property names used when converting ``JSONValue`` trees (the same few dozen keys every call); bounded.
    var keys: [String: JSStringRef] = [:]
    private let names: [String: JSStringRef]
    private let probeScript = JSStringCreateWithUTF8CString("0")
    /// What one value leaving the VM may amount to.
    let valueLimits: ValueLimits

    init(valueLimits: ValueLimits = ValueLimits()) {
        self.valueLimits = valueLimits
        group = JSContextGroupCreate()
        ctx = JSGlobalContextCreateInGroup(group, nil)
        var names: [String: JSStringRef] = [:]
        for name in ["name", "message", "stack", "then", "Promise", "Function", "prototype"] {
            names[name] = JSStringCreateWithUTF8CString(name)
        }
        self.names = names
        let global = JSContextGetGlobalObject(ctx)
        functionPrototype = JSObjectGetProperty(ctx, JSValueToObject(ctx, JSObjectGetProperty(ctx, global, names["Function"], nil), nil), names["prototype"], nil)
        promiseConstructor = JSValueToObject(ctx, JSObjectGetProperty(ctx, global, names["Promise"], nil), nil)
        JSValueProtect(ctx, functionPrototype)
        JSValueProtect(ctx, promiseConstructor)
    }

    /// Releases the context; must run on the VM thread, last.
    func close() {
        for (_, name) in names { JSStringRelease(name) }
        for (_, key) in keys { JSStringRelease(key) }
        keys.removeAll()
        JSStringRelease(probeScript)
        if let runtime { JSValueUnprotect(ctx, runtime) }
        if let hostObject { JSValueUnprotect(ctx, hostObject) }
        for (_, entry) in entries { JSValueUnprotect(ctx, entry) }
        JSValueUnprotect(ctx, functionPrototype)
        JSValueUnprotect(ctx, promiseConstructor)
        JSGlobalContextRelease(ctx)
        JSContextGroupRelease(group)
    }

    // MARK: Limits

    /// Arms the CPU budget for the next outermost entry (re-armed before every job: JSC counts per entry).
    func arm(cpu seconds: Double) {
        guard seconds != currentLimit else { return }
        JSContextGroupSetExecutionTimeLimit(group, seconds, nil, nil)
        currentLimit = seconds
    }

    // MARK: Strings and values

    func makeString(_ string: String) -> JSValueRef {
        let js = jsString(string)
        defer { JSStringRelease(js) }
        return JSValueMakeString(ctx, js)
    }

    /// A `JSStringRef` the caller releases. Built from UTF-16 code units, so embedded NULs survive; ASCII text (most
    /// JSON) is widened byte by byte, skipping Swift's UTF-8 → UTF-16 transcoding, which showed in call profiles.
    func jsString(_ string: String) -> JSStringRef {
        var string = string
        if let ascii = string.withUTF8({ utf8 -> JSStringRef? in
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            return withUnsafeTemporaryAllocation(of: UInt16.self, capacity: max(1, utf8.count)) { wide in
                for (index, byte) in utf8.enumerated() { wide[index] = UInt16(byte) }
                return JSStringCreateWithCharacters(wide.baseAddress, utf8.count)
            }
        }) {
            return ascii
        }
        let utf16 = Array(string.utf16)
        return utf16.withUnsafeBufferPointer { JSStringCreateWithCharacters($0.baseAddress, $0.count) }
    }

    /// Swift string from a JS string (UTF-8 path: 5× faster than UTF-16 on 1 KB strings).
    func swiftString(_ js: JSStringRef) -> String {
        let max = JSStringGetMaximumUTF8CStringSize(js)
        return String(unsafeUninitializedCapacity: max) { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                let written = JSStringGetUTF8CString(js, chars.baseAddress, max)
                return written > 0 ? written - 1 : 0
            }
        }
    }

    /// `String(value)`, or nil if conversion threw.
    func string(_ value: JSValueRef?) -> String? {
        guard let value else { return nil }
        var exception: JSValueRef?
        guard let js = JSValueToStringCopy(ctx, value, &exception) else { return nil }
        defer { JSStringRelease(js) }
        return swiftString(js)
    }

    func property(_ object: JSValueRef?, _ name: String) -> JSValueRef? {
        guard let object, JSValueIsObject(ctx, object), let objectRef = JSValueToObject(ctx, object, nil) else { return nil }
        if let cached = names[name] { return JSObjectGetProperty(ctx, objectRef, cached, nil) }
        let js = jsString(name)
        defer { JSStringRelease(js) }
        return JSObjectGetProperty(ctx, objectRef, js, nil)
    }

    func setProperty(_ object: JSObjectRef, _ name: String, _ value: JSValueRef?) {
        let js = jsString(name)
        defer { JSStringRelease(js) }
        JSObjectSetProperty(ctx, object, js, value, JSPropertyAttributes(kJSPropertyAttributeNone), nil)
    }

    /// `JSON.stringify(value)`; nil for `undefined` and functions; throws on cycles or BigInt.
    func json(_ value: JSValueRef?) throws -> String? {
        guard let value, !JSValueIsUndefined(ctx, value) else { return nil }
        // Measured by the bounded tree conversion first: `JSON.stringify` of `new Array(2 ** 32 - 1)` would build
        // gigabytes of text before anything could refuse it.
        guard try jsonValue(value) != nil else { return nil }
        var exception: JSValueRef?
        let js = JSValueCreateJSONString(ctx, value, 0, &exception)
        if let exception { throw JSException(value: exception) }
        guard let js else { return nil }
        defer { JSStringRelease(js) }
        return swiftString(js)
    }

    /// `JSON.parse(text)`; nil when the text is not JSON.
    func parse(_ text: String) -> JSValueRef? {
        let js = jsString(text)
        defer { JSStringRelease(js) }
        return JSValueMakeFromJSONString(ctx, js)
    }

    func isPromise(_ value: JSValueRef?) -> Bool {
        guard let value, let promiseConstructor, JSValueIsObject(ctx, value) else { return false }
        return JSValueIsInstanceOfConstructor(ctx, value, promiseConstructor, nil)
    }

    /// A JavaScript `Error` (or `TypeError`, ...) with `message`. Falls back to the pending exception when JSC is
    /// terminating (JSObjectMakeError returns NULL then).
    func makeError(name: String, message: String) -> JSValueRef {
        var arguments: [JSValueRef?] = [makeString(message)]
        var exception: JSValueRef?
        let error = arguments.withUnsafeMutableBufferPointer { JSObjectMakeError(ctx, 1, $0.baseAddress, &exception) }
        guard let error else { return exception ?? makeString(message) }
        if name != "Error" { setProperty(error, "name", makeString(name)) }
        return error
    }

    /// Maps a thrown value to ``JavaScriptError``; a termination has its own kind.
    func error(from value: JSValueRef?) -> JavaScriptError {
        guard let value else { return JavaScriptError(kind: .thrown, message: "unknown error") }
        if JSValueIsObject(ctx, value) {
            let name = string(property(value, "name")) ?? "Error"
            let message = string(property(value, "message")) ?? ""
            let stack = string(property(value, "stack")) ?? ""
            return JavaScriptError(kind: .thrown, name: name, message: message, stack: stack)
        }
        let text = string(value) ?? "unknown error"
        if text == JavaScriptError.terminationMessage { return JavaScriptError(kind: .terminated, message: text) }
        return JavaScriptError(kind: .thrown, message: text)
    }

    // MARK: Host values

    func hostValue(_ value: JSValueRef?) throws -> HostValue {
        guard let value else { return .undefined }
        switch JSValueGetType(ctx, value) {
        case kJSTypeUndefined: return .undefined
        case kJSTypeNull: return .null
        case kJSTypeBoolean: return .bool(JSValueToBoolean(ctx, value))
        case kJSTypeNumber: return .number(JSValueToNumber(ctx, value, nil))
        case kJSTypeString: return .string(string(value) ?? "")
        default:
            if let bytes = bytes(value) { return .bytes(bytes) }
            if JSObjectIsFunction(ctx, JSValueToObject(ctx, value, nil)) { return .undefined }
            return try json(value).map(HostValue.json) ?? .undefined
        }
    }

    /// Bytes of a typed array or `ArrayBuffer`, copied.
    func bytes(_ value: JSValueRef) -> [UInt8]? {
        guard let object = JSValueToObject(ctx, value, nil) else { return nil }
        let type = JSValueGetTypedArrayType(ctx, value, nil)
        if type == kJSTypedArrayTypeArrayBuffer {
            let count = JSObjectGetArrayBufferByteLength(ctx, object, nil)
            guard count > 0, let base = JSObjectGetArrayBufferBytesPtr(ctx, object, nil) else { return [] }
            return Array(UnsafeRawBufferPointer(start: base, count: count))
        }
        guard type != kJSTypedArrayTypeNone else { return nil }
        let count = JSObjectGetTypedArrayByteLength(ctx, object, nil)
        let offset = JSObjectGetTypedArrayByteOffset(ctx, object, nil)
        guard count > 0, let base = JSObjectGetTypedArrayBytesPtr(ctx, object, nil) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base + offset, count: count))
    }

    func jsValue(_ value: HostValue) throws -> JSValueRef? {
        switch value {
        case .undefined: return JSValueMakeUndefined(ctx)
        case .null: return JSValueMakeNull(ctx)
        case .bool(let b): return JSValueMakeBoolean(ctx, b)
        case .number(let n): return JSValueMakeNumber(ctx, n)
        case .string(let s): return makeString(s)
        case .json(let text):
            guard let parsed = parse(text) else { throw HostError(name: "SyntaxError", message: "invalid JSON from host") }
            return parsed
        case .bytes(let bytes):
            var exception: JSValueRef?
            let array = JSObjectMakeTypedArray(ctx, kJSTypedArrayTypeUint8Array, bytes.count, &exception)
            if let exception { throw JSException(value: exception) }
            if !bytes.isEmpty, let array, let base = JSObjectGetTypedArrayBytesPtr(ctx, array, nil) {
                bytes.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            }
            return array
        }
    }

    // MARK: Functions

    /// A JavaScript function backed by a Swift closure.
    func makeFunction(_ body: @escaping HostFunctionBox.Body) -> JSObjectRef {
        let box = HostFunctionBox(state: self, body: body)
        let function = JSObjectMake(ctx, HostFunctionBox.jsClass, Unmanaged.passRetained(box).toOpaque())!
        // Without Function.prototype the object lacks call/apply/bind and `instanceof Function`.
        JSObjectSetPrototype(ctx, function, functionPrototype)
        return function
    }

    /// Calls `function` with `arguments`; a JavaScript exception is rethrown as ``JSException``.
    func call(_ function: JSObjectRef, this: JSObjectRef? = nil, _ arguments: [JSValueRef?]) throws -> JSValueRef? {
        var exception: JSValueRef?
        let result = arguments.withUnsafeBufferPointer {
            JSObjectCallAsFunction(ctx, function, this, $0.count, $0.baseAddress, &exception)
        }
        if let exception { throw JSException(value: exception) }
        return result
    }

    /// Evaluates a script; exceptions are rethrown as ``JSException``.
    func evaluate(_ source: String, sourceURL: String) throws -> JSValueRef? {
        let script = jsString(source)
        let url = jsString(sourceURL)
        defer {
            JSStringRelease(script)
            JSStringRelease(url)
        }
        var exception: JSValueRef?
        let result = JSEvaluateScript(ctx, script, nil, url, 1, &exception)
        if let exception { throw JSException(value: exception) }
        return result
    }

    /// Resolves a dotted path from the global object (`"__airlock.dispatch"`).
    func lookup(_ path: String) -> JSValueRef? {
        var current: JSValueRef? = JSContextGetGlobalObject(ctx)
        for part in path.split(separator: ".") {
            current = property(current, String(part))
            guard let value = current, !JSValueIsUndefined(ctx, value) else { return nil }
        }
        return current
    }

    /// The function at a dotted global path, if there is one.
    func function(at path: String) -> JSObjectRef? {
        guard let value = lookup(path), let object = JSValueToObject(ctx, value, nil), JSObjectIsFunction(ctx, object) else {
            return nil
        }
        return object
    }

    /// Attaches `then(onFulfilled, onRejected)` host callbacks to a promise.
    func then(_ promise: JSValueRef, fulfilled: @escaping (JSValueRef?) -> Void, rejected: @escaping (JSValueRef?) -> Void) throws {
        guard let promiseObject = JSValueToObject(ctx, promise, nil),
            let thenFunction = property(promise, "then").flatMap({ JSValueToObject(ctx, $0, nil) })
        else { return rejected(makeError(name: "TypeError", message: "not a promise")) }
        let onFulfilled = makeFunction { _, _, arguments in
            fulfilled(arguments.first ?? nil)
            return nil
        }
        let onRejected = makeFunction { _, _, arguments in
            rejected(arguments.first ?? nil)
            return nil
        }
        _ = try call(thenFunction, this: promiseObject, [onFulfilled, onRejected])
    }

    /// Calls `function` and reports its result — awaited when it is a promise — to `handler(ok, value)`, all in one
    /// VM entry (the runtime script's `watch`). `id` names the call until it settles (see ``forget(settle:)``).
    func watch(
        _ function: JSObjectRef, this: JSObjectRef?, _ arguments: [JSValueRef?], id: Int,
        handler: @escaping (_ ok: Bool, _ value: JSValueRef?) -> Void
    ) throws {
        guard let runtime, let watch = property(runtime, "watch").flatMap({ JSValueToObject(ctx, $0, nil) }) else {
            throw HostError.type("runtime has no watch")
        }
        var exception: JSValueRef?
        let array = arguments.withUnsafeBufferPointer { JSObjectMakeArray(ctx, $0.count, $0.baseAddress, &exception) }
        if let exception { throw JSException(value: exception) }
        settleHandlers[id] = handler
        do {
            _ = try call(watch, this: runtime, [function, this ?? JSValueMakeUndefined(ctx), array, JSValueMakeNumber(ctx, Double(id))])
        } catch {
            settleHandlers.removeValue(forKey: id)
            throw error
        }
    }

    /// Called by the runtime's `settled(id, ok, value)` host function.
    func settled(id: Int, ok: Bool, value: JSValueRef?) {
        settleHandlers.removeValue(forKey: id)?(ok, value)
    }

    /// Drops the handler of a call that timed out (its promise may never settle).
    func forget(settle id: Int) {
        settleHandlers.removeValue(forKey: id)
    }

    /// Clears a termination that leaked from a nested call or a microtask into the next API call (JSC reports it on
    /// the next entry into the VM); returns whether one was pending. A real entry is needed: conversions such as
    /// number-to-string take fast paths that never see the pending termination.
    func clearLeakedTermination() -> Bool {
        var exception: JSValueRef?
        _ = JSEvaluateScript(ctx, probeScript, nil, nil, 1, &exception)
        return exception != nil
    }

    /// JSC heap statistics (`heapSize` + `extraMemorySize`), in bytes.
    func heapBytes() -> Int {
        let stats = JSGetMemoryUsageStatistics(ctx)
        let heap = property(stats, "heapSize").map { JSValueToNumber(ctx, $0, nil) } ?? 0
        let extra = property(stats, "extraMemorySize").map { JSValueToNumber(ctx, $0, nil) } ?? 0
        return Int((heap.isFinite ? heap : 0) + (extra.isFinite ? extra : 0))
    }

    func collectGarbage() {
        JSSynchronousGarbageCollectForDebugging(ctx)
    }

    /// A young-generation collection: cheap, and it brings the heap statistics up to date (JSC updates them only
    /// when it collects, so a VM that allocated much since its last collection reports far less than it holds).
    func collectYoungGarbage() {
        JSSynchronousEdenCollectForDebugging(ctx)
    }

    func setEvalDisabled(message: String) {
        let js = jsString(message)
        defer { JSStringRelease(js) }
        JSGlobalContextSetEvalEnabled(ctx, false, js)
        JSGlobalContextSetInspectable(ctx, false)
    }

    func setUnhandledRejectionHandler(_ function: JSObjectRef) {
        var exception: JSValueRef?
        JSGlobalContextSetUnhandledRejectionCallback(ctx, function, &exception)
    }

    func protect(_ value: JSValueRef?) { if let value { JSValueProtect(ctx, value) } }
    func unprotect(_ value: JSValueRef?) { if let value { JSValueUnprotect(ctx, value) } }

    func makeDeferredPromise() throws -> (promise: JSObjectRef, resolve: JSObjectRef, reject: JSObjectRef) {
        var resolve: JSObjectRef?
        var reject: JSObjectRef?
        var exception: JSValueRef?
        let promise = JSObjectMakeDeferredPromise(ctx, &resolve, &reject, &exception)
        if let exception { throw JSException(value: exception) }
        guard let promise, let resolve, let reject else { throw HostError(message: "cannot create a promise") }
        return (promise, resolve, reject)
    }

    func object() -> JSObjectRef { JSObjectMake(ctx, nil, nil) }
    func undefined() -> JSValueRef { JSValueMakeUndefined(ctx) }
}
