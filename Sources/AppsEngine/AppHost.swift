public import ChatCore
public import JavaScriptRuntime

/// What an app's VM can reach on the host. Every call arrives with the app id the host derived from the VM it
/// came from; implementations check permissions here, in Swift. What an accessor throws is what the app sees, so
/// implementations throw `HostError`s only (``PermissionDenied/error`` for a missing permission: a catchable
/// `PermissionDeniedError`); any other error reaches the app as a generic failure.
public protocol AppHost: AppLog {
    /// An accessor call; answers JSON (nil for `undefined`).
    func accessor(appId: String, name: String, arguments: [JSONValue]) async throws -> JSONValue?
}

/// Where lines about an app go (its log): the host, the log sink, a test's recorder.
public protocol AppLog: Sendable {
    /// An `ILogger` line (levels `debug`, `info`, `success`, `warn`, `error`) from `method` (lifecycle/hook name).
    func log(appId: String, level: String, method: String, message: String)
}

/// Refuses an accessor call for lack of a permission; the app receives a `PermissionDeniedError`.
public struct PermissionDenied: Error, Sendable {
    public var appId: String
    public var permission: String
    public var call: String

    public init(appId: String, permission: String, call: String) {
        self.appId = appId
        self.permission = permission
        self.call = call
    }

    /// What the app sees: a `PermissionDeniedError` it can catch.
    public var error: HostError { HostError(name: "PermissionDeniedError", message: message) }

    /// Apps-Engine's wording, so app authors recognise it.
    public var message: String {
        "Failed to call the method \"\(call)\" as the app (\(appId)) lacks the following permissions: [\"\(permission)\"]. Declare them in your app.json to fix the issue."
    }
}
