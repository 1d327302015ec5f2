/// An app refused the action it was asked about by throwing an `AppsEngineException` (or a subclass, its own ones
/// included): an answer, not a failure. `name` is the exception's name, `message` its message for the user.
public struct AppRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var message: String

    public init(name: String, message: String) {
        self.name = name
        self.message = message
    }

    public var description: String { "\(name): \(message)" }
}
