public import JavaScriptRuntime

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
