import ChatCore

/// Meteor's error shape, used in `result` (methods) and `nosub` (subscriptions):
/// `{"isClientSafe": true, "error": <code>, "reason": "...", "message": "... [<code>]", "errorType": "Meteor.Error"}`.
struct DDPError: Encodable, Error, Sendable {
    var isClientSafe = true
    let error: String
    let reason: String
    let message: String
    var errorType = "Meteor.Error"
    /// `{"timeToReset": ms}` on `too-many-requests`, as Meteor's rate limiter answers.
    var details: Details?

    struct Details: Encodable, Sendable {
        let timeToReset: Int
    }

    init(code: String, reason: String, details: Details? = nil) {
        error = code
        self.reason = reason
        message = "\(reason) [\(code)]"
        self.details = details
    }

    init(_ chatError: ChatError) {
        switch chatError.kind {
        case .unauthenticated: self.init(code: "error-not-authorized", reason: "You must be logged in to do this.")
        case .forbidden: self.init(code: "error-not-allowed", reason: chatError.message)
        case .rateLimited:
            self.init(code: chatError.code, reason: chatError.message, details: chatError.retryAfterMilliseconds.map { Details(timeToReset: $0) })
        default: self.init(code: chatError.code, reason: chatError.message)
        }
    }

    static let notLoggedIn = DDPError(code: "error-not-authorized", reason: "You must be logged in to do this.")
    static func invalidParams(_ reason: String) -> DDPError { DDPError(code: "error-invalid-params", reason: reason) }
}
