/// A refusal from the engine (other than a bad package, which is an `AppPackageError`).
public struct AppEngineError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// No such app or setting (HTTP 404).
        case notFound
        /// The request cannot be applied: a bad setting value, a mismatched update, a refusal by the app (HTTP 400).
        case invalid
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func noApp(_ id: String) -> AppEngineError {
        AppEngineError(.notFound, "No App found by the id of: \(id)")
    }

    static func runtimeUnavailable(_ reason: String) -> AppEngineError {
        AppEngineError(.invalid, "The app cannot run: \(reason)")
    }
}
