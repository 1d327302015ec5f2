internal import AirlockCrypto
internal import CJavaScriptCore
import Foundation

/// Hardens a fresh context and installs the runtime: the private host functions the runtime's own JavaScript
/// uses, then the runtime script (globals, module loader, Node-compatible built-ins).
enum Bootstrap {
    /// The runtime's JavaScript (`Sources/JavaScriptRuntime/JavaScript/*.js`, embedded at build time), in file-name
    /// order inside one function of the private and the public host objects.
    static let runtimeSource = "(function (host, publicHost) {\n"
        + EmbeddedRuntimeScript.files.sorted { $0.key < $1.key }.map(\.value).joined(separator: "\n") + "\n})"

    static func install(into state: VMState, vm: JavaScriptVM) throws {
        state.setEvalDisabled(message: "eval and the Function constructor are disabled in Airlock apps")
        let global = JSContextGetGlobalObject(state.ctx)!
        // FinalizationRegistry callbacks never run without WTF's run loop; better absent than silently inert.
        for name in ["FinalizationRegistry", "WebAssembly"] {
            let js = state.jsString(name)
            JSObjectDeleteProperty(state.ctx, global, js, nil)
            JSStringRelease(js)
        }

        let hostObject = state.object()
        state.protect(hostObject)
        state.hostObject = hostObject
        let privateHost = state.object()
        let configuration = vm.configuration
        let thread = vm.thread

        func define(_ name: String, _ body: @escaping (VMState, HostArguments) throws -> HostValue) {
            state.setProperty(
                privateHost, name,
                state.makeFunction { state, _, arguments in
                    let converted = try HostArguments(arguments.map { try state.hostValue($0) })
                    return try state.jsValue(try body(state, converted))
                })
        }

        define("log") { _, arguments in
            let level = JavaScriptVM.LogLevel(rawValue: arguments[0].string ?? "info") ?? .info
            configuration.log(level, arguments[1].string ?? "")
            return .undefined
        }
        define("setTimer") { state, arguments in
            guard let id = arguments[0].number.map(Int.init), let delay = arguments[1].number else {
                throw HostError.type("bad timer")
            }
            guard state.timers.count < configuration.maxTimers else {
                throw HostError(name: "RangeError", message: "too many timers (limit \(configuration.maxTimers))")
            }
            let nanoseconds = UInt64(max(0, min(delay, 2_147_483_647)) * 1_000_000)
            state.timers[id] = thread.schedule(after: nanoseconds) { [weak state] in
                guard let state, state.timers.removeValue(forKey: id) != nil, let runtime = state.runtime,
                    let fire = state.property(runtime, "fireTimer").flatMap({ JSValueToObject(state.ctx, $0, nil) })
                else { return }
                state.arm(cpu: configuration.defaultBudget.cpu)
                do {
                    _ = try state.call(fire, this: runtime, [JSValueMakeNumber(state.ctx, Double(id))])
                } catch let error as JSException {
                    let failure = state.error(from: error.value)
                    configuration.log(.error, "timer callback failed: \(failure)")
                    if failure.kind == .terminated { configuration.onTimerOverrun() }
                } catch {}
                _ = state.clearLeakedTermination()
            }
            return .undefined
        }
        define("clearTimer") { state, arguments in
            if let id = arguments[0].number.map(Int.init), let timer = state.timers.removeValue(forKey: id) {
                thread.cancel(timer: timer)
            }
            return .undefined
        }
        state.setProperty(
            privateHost, "compile",
            state.makeFunction { state, _, arguments in
                // Host-side evaluation is not affected by the eval switch; the wrapper starts on line 1 so stack
                // line numbers match the file.
                guard arguments.count >= 2, let source = state.string(arguments[0]), let filename = state.string(arguments[1])
                else { throw HostError.type("compile(source, filename)") }
                return try state.evaluate(
                    "(function (exports, require, module, __filename, __dirname) {" + source + "\n})", sourceURL: filename)
            })
        state.setProperty(
            privateHost, "settled",
            state.makeFunction { state, _, arguments in
                guard arguments.count >= 3 else { return nil }
                state.settled(
                    id: Int(JSValueToNumber(state.ctx, arguments[0], nil)), ok: JSValueToBoolean(state.ctx, arguments[1]),
                    value: arguments[2])
                return nil
            })
        define("randomBytes") { _, arguments in
            let count = Int(arguments[0].number ?? 0)
            guard count >= 0, count <= 65_536 else { throw HostError(name: "RangeError", message: "randomBytes: 0...65536 bytes") }
            return .bytes(Crypto.randomBytes(count))
        }
        define("digest") { _, arguments in
            .bytes(Crypto.hash(try digestAlgorithm(arguments[0]), try arguments.bytes(1, "data")))
        }
        define("hmac") { _, arguments in
            .bytes(Crypto.hmac(try digestAlgorithm(arguments[0]), key: try arguments.bytes(1, "key"), data: try arguments.bytes(2, "data")))
        }
        define("timingSafeEqual") { _, arguments in
            let a = try arguments.bytes(0), b = try arguments.bytes(1)
            guard a.count == b.count else { throw HostError(name: "RangeError", message: "Input buffers must have the same byte length") }
            return .bool(Crypto.constantTimeEquals(a, b))
        }
        define("utf8Encode") { _, arguments in .bytes(Array((arguments[0].string ?? "").utf8)) }
        define("utf8Decode") { _, arguments in
            let bytes = try arguments.bytes(0)
            if arguments[1].bool == true, String(validating: bytes, as: UTF8.self) == nil {
                throw HostError.type("The encoded data was not valid UTF-8")
            }
            return .string(String(decoding: bytes, as: UTF8.self))
        }
        define("base64Encode") { _, arguments in
            let encoded = Data(try arguments.bytes(0)).base64EncodedString()
            guard arguments[1].bool == true else { return .string(encoded) }
            return .string(
                encoded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: ""))
        }
        define("base64Decode") { _, arguments in
            // Node and atob accept url-safe letters, missing padding and whitespace; normalise before decoding.
            var text = (arguments[0].string ?? "").filter { !$0.isWhitespace }
            text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while text.count % 4 != 0 { text += "=" }
            guard let data = Data(base64Encoded: text) else { return .null }
            return .bytes(Array(data))
        }

        // `register(name, fn)`: the first registration of a name wins, so code loaded before the app (the SDK's
        // bridge) owns its entry points and app code cannot replace them.
        state.setProperty(
            hostObject, "register",
            state.makeFunction { state, _, arguments in
                guard arguments.count >= 2, let name = state.string(arguments[0]), let value = arguments[1],
                    let function = JSValueToObject(state.ctx, value, nil), JSObjectIsFunction(state.ctx, function)
                else { throw HostError.type("register(name, function)") }
                guard state.entries[name] == nil else { return JSValueMakeBoolean(state.ctx, false) }
                state.protect(function)
                state.entries[name] = function
                return JSValueMakeBoolean(state.ctx, true)
            })

        let unhandled = state.makeFunction { state, _, arguments in
            let reason = arguments.count > 1 ? arguments[1] : nil
            configuration.onUnhandledRejection(state.error(from: reason))
            return nil
        }
        state.setUnhandledRejectionHandler(unhandled)

        let factory = try state.evaluate(Self.runtimeSource, sourceURL: "airlock:runtime")
        guard let factory, let factoryFunction = JSValueToObject(state.ctx, factory, nil) else {
            throw JavaScriptError(kind: .unavailable, message: "runtime script did not evaluate to a function")
        }
        let runtime = try state.call(factoryFunction, [privateHost, hostObject])
        guard let runtime, let runtimeObject = JSValueToObject(state.ctx, runtime, nil) else {
            throw JavaScriptError(kind: .unavailable, message: "runtime script returned no runtime object")
        }
        state.protect(runtimeObject)
        state.runtime = runtimeObject
    }

    private static func digestAlgorithm(_ value: HostValue) throws -> Crypto.Digest {
        switch (value.string ?? "").lowercased().replacingOccurrences(of: "-", with: "") {
        case "sha256": .sha256
        case "sha1": .sha1
        case "sha512": .sha512
        case "md5": .md5
        default: throw HostError(message: "Digest method not supported: \(value.string ?? "?")")
        }
    }
}
