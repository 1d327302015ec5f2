public import ChatCore
public import Hummingbird
import NIOCore

/// Per-request state: the authenticated caller (set by ``AuthMiddleware``) and the client address.
public struct AirlockRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, on authenticated routes.
    public var user: User?
    /// The token the caller authenticated with (needed by `logout`).
    public var authToken: String?
    /// The peer's IP address, for login throttling.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The authenticated caller; routes behind ``AuthMiddleware`` always have one.
    public func caller() throws -> User {
        guard let user else { throw ChatError.notLoggedIn }
        return user
    }
}
