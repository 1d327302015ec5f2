internal import CJavaScriptCore
public import AirlockJSON
import Synchronization

/// JSON text to ``JSONValue`` through JavaScriptCore's own `JSON.parse`, in contexts that run no script: how the
/// server reads the replies of app workers. Foundation's `JSONDecoder` guesses each value's type by trying (a thrown
/// error per wrong guess) and was the larger half of the 17–39 µs Foundation spent per worker call. Bounded by
/// ``ValueLimits`` like any value leaving a VM. (Encoding stays with Foundation's `JSONEncoder`: building a value
/// tree in JSC takes many API calls, between which an unprotected tree is not safe from the collector on a thread
/// that runs no script.)
///
/// A few contexts, each used by one caller at a time: calls from different threads do not queue behind one lock.
public final class JSONCodec: Sendable {
    public static let shared = JSONCodec()

    private let idle: Mutex<[VMState]>

    init(contexts: Int = 2) {
        try? JSEngine.ensureInitialized()
        idle = Mutex((0..<contexts).map { _ in VMState() })
    }

    /// The value of JSON `text`; throws `HostError` when it is not JSON or exceeds the value limits.
    public func decode(_ text: String) throws -> JSONValue {
        try withState { state in
            guard let parsed = state.parse(text) else { throw HostError(name: "SyntaxError", message: "not JSON") }
            // Protected while it is read: each read is its own API call.
            JSValueProtect(state.ctx, parsed)
            defer { JSValueUnprotect(state.ctx, parsed) }
            return try state.jsonValue(parsed) ?? .null
        }
    }

    private func withState<T>(_ body: (VMState) throws -> T) rethrows -> T {
        let state = idle.withLock { $0.popLast() } ?? VMState()
        defer { idle.withLock { $0.append(state) } }
        return try body(state)
    }
}
