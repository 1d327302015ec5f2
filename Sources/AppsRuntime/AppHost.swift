public import AirlockJSON
public import JavaScriptRuntime

/// What an app's VM can reach on the host. Every call arrives with the app id the host derived from the VM it
/// came from; implementations check permissions here, in Swift. What an accessor throws is what the app sees, so
/// implementations throw `HostError`s only (``PermissionDenied/error`` for a missing permission: a catchable
/// `PermissionDeniedError`); any other error reaches the app as a generic failure.
public protocol AppHost: AppLog {
    /// An accessor call; answers JSON (nil for `undefined`).
    func accessor(appId: String, name: String, arguments: [JSONValue]) async throws -> JSONValue?
}
