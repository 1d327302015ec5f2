/// A failure of a call into a VM.
public struct JavaScriptError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// JavaScript threw (or a promise rejected) with `name`, `message` and `stack`.
        case thrown
        /// The CPU budget ran out: JSC terminated the script. Never catchable by the app.
        case terminated
        /// The wall-clock deadline passed before the call settled.
        case timedOut
        /// The VM is closed or could not start.
        case unavailable
    }

    public var kind: Kind
    /// `Error.name` (`TypeError`, ...) for thrown errors.
    public var name: String
    public var message: String
    /// JSC's stack, with the app's file names (`fn@app.js:3:14` per line).
    public var stack: String

    public init(kind: Kind, name: String = "", message: String, stack: String = "") {
        self.kind = kind
        self.name = name
        self.message = message
        self.stack = stack
    }

    public var description: String {
        switch kind {
        case .thrown: name.isEmpty ? message : "\(name): \(message)"
        case .terminated: "JavaScript execution terminated (CPU budget exceeded)"
        case .timedOut: "call timed out: \(message)"
        case .unavailable: "VM unavailable: \(message)"
        }
    }

    static let terminationMessage = "JavaScript execution terminated."
}
