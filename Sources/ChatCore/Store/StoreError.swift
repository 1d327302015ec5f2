/// A store-level failure that the services translate into Rocket.Chat errors.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// A uniqueness constraint was hit; `key` names it (`username`, `email`, `room.name`, `message.id`, ...).
        case duplicate(key: String)
        /// The record to change does not exist.
        case notFound
        /// The backend failed (I/O, corruption, unreachable server).
        case backend
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Errors are equal when their codes are: messages carry backend detail that callers must not match on.
    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
