/// A refusal from the chat core, carrying Rocket.Chat's error code.
///
/// The HTTP layer maps `kind` to a status and body; the code strings are Rocket.Chat's own
/// (`error-room-not-found`, `error-not-allowed`, ...), so clients that branch on them keep working.
public struct ChatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// How the refusal is reported; the HTTP layer maps each to a status.
    public enum Kind: Sendable, Hashable {
        /// 400: invalid input or a refused action.
        case refused
        /// 401: no or bad credentials.
        case unauthenticated
        /// 401 on the login route: wrong credentials or throttled.
        case loginFailed
        /// 403: the caller lacks a permission.
        case forbidden
        /// 404: the addressed resource does not exist (used where Rocket.Chat answers 404, e.g. `/api/apps/:id`).
        case notFound
        /// 429: too many requests; `retryAfter` says when to try again.
        case rateLimited
    }

    public var kind: Kind
    /// Rocket.Chat's error code, e.g. `error-room-not-found`.
    public var code: String
    public var message: String
    /// For `rateLimited`: how long the caller should wait, in milliseconds.
    public var retryAfterMilliseconds: Int?

    public init(_ kind: Kind, code: String, message: String, retryAfterMilliseconds: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }

    /// Meteor's rate-limiter refusal (`too-many-requests`), also used for REST's 429.
    public static func tooManyRequests(retryAfterMilliseconds: Int) -> ChatError {
        let seconds = max(1, (retryAfterMilliseconds + 999) / 1000)
        return ChatError(
            .rateLimited, code: "too-many-requests",
            message: "Error, too many requests. Please slow down. You must wait \(seconds) seconds before trying again.",
            retryAfterMilliseconds: retryAfterMilliseconds)
    }

    public var description: String { "\(message) [\(code)]" }

    public static func invalidParams(_ message: String) -> ChatError {
        ChatError(.refused, code: "error-invalid-params", message: message)
    }

    public static func roomNotFound(_ message: String = "The required \"roomId\" or \"roomName\" param provided does not match any channel") -> ChatError {
        ChatError(.refused, code: "error-room-not-found", message: message)
    }

    public static func notAllowed(_ message: String = "Not allowed") -> ChatError {
        ChatError(.refused, code: "error-not-allowed", message: message)
    }

    public static func actionNotAllowed(_ message: String) -> ChatError {
        ChatError(.refused, code: "error-action-not-allowed", message: message)
    }

    public static func invalidUser(_ message: String = "Invalid user") -> ChatError {
        ChatError(.refused, code: "error-invalid-user", message: message)
    }

    public static func unauthorized() -> ChatError {
        ChatError(.forbidden, code: "error-unauthorized", message: "User does not have the permissions required for this action")
    }

    public static let notLoggedIn = ChatError(.unauthenticated, code: "unauthorized", message: "You must be logged in to do this.")
}
