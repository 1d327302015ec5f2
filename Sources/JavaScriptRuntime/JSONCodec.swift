internal import CJavaScriptCore
public import AirlockJSON
import Synchronization

/// ``JSONValue`` to and from JSON text through JavaScriptCore's own `JSON.stringify` and `JSON.parse`, in contexts
/// that run no script: what the server uses for every frame it exchanges with app workers. Foundation's
/// `JSONEncoder`/`JSONDecoder` cost 17–39 µs per worker call (a 400-byte message, `Benchmarks/worker.sh`), the
/// largest share of the round trip; JavaScriptCore is the JSON codec this process already carries. Decoding is
/// bounded by ``ValueLimits`` like any value leaving a VM.
///
/// A few contexts, each used by one caller at a time: calls from different threads do not queue behind one lock.
public final class JSONCodec: Sendable {
    public static let shared = JSONCodec()

    private let idle: Mutex<[VMState]>

    init(contexts: Int = 2) {
        try? JSEngine.ensureInitialized()
        idle = Mutex((0..<contexts).map { _ in VMState() })
    }

    /// JSON text of `value`.
    public func encode(_ value: JSONValue) -> String {
        withState { state in
            let converted = state.jsValue(value)
            guard let text = JSValueCreateJSONString(state.ctx, converted, 0, nil) else { return "null" }
            defer { JSStringRelease(text) }
            return state.swiftString(text)
        }
    }

    /// The value of JSON `text`; throws `HostError` when it is not JSON or exceeds the value limits.
    public func decode(_ text: String) throws -> JSONValue {
        try withState { state in
            guard let parsed = state.parse(text) else { throw HostError(name: "SyntaxError", message: "not JSON") }
            return try state.jsonValue(parsed) ?? .null
        }
    }

    private func withState<T>(_ body: (VMState) throws -> T) rethrows -> T {
        let state = idle.withLock { $0.popLast() } ?? VMState()
        defer { idle.withLock { $0.append(state) } }
        return try body(state)
    }
}
