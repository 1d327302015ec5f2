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
    /// The client's IP address, for per-address limits: the peer's, or the one a trusted proxy forwarded
    /// (set by ``ClientAddressMiddleware``).
    public var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The authenticated caller; routes behind ``AuthMiddleware`` always have one.
    public func caller() throws -> User {
        guard let user else { throw ChatError.notLoggedIn }
        return user
    }
}
