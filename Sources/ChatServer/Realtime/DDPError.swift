import ChatCore

/// Meteor's error shape, used in `result` (methods) and `nosub` (subscriptions):
/// `{"isClientSafe": true, "error": <code>, "reason": "...", "message": "... [<code>]", "errorType": "Meteor.Error"}`.
struct DDPError: Encodable, Error, Sendable {
    var isClientSafe = true
    let error: String
    let reason: String
    let message: String
    var errorType = "Meteor.Error"

    init(code: String, reason: String) {
        error = code
        self.reason = reason
        message = "\(reason) [\(code)]"
    }

    init(_ chatError: ChatError) {
        switch chatError.kind {
        case .unauthenticated: self.init(code: "error-not-authorized", reason: "You must be logged in to do this.")
        case .forbidden: self.init(code: "error-not-allowed", reason: chatError.message)
        default: self.init(code: chatError.code, reason: chatError.message)
        }
    }

    static let notLoggedIn = DDPError(code: "error-not-authorized", reason: "You must be logged in to do this.")
    static func invalidParams(_ reason: String) -> DDPError { DDPError(code: "error-invalid-params", reason: reason) }
}
