import HTTPTypes
public import Hummingbird

/// Sets the request's client address from a trusted proxy's `X-Forwarded-For` (see ``ClientAddressResolver``);
/// runs before every other middleware so throttles see the real client.
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = AirlockRequestContext

    let resolver: ClientAddressResolver

    public init(resolver: ClientAddressResolver) {
        self.resolver = resolver
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !resolver.trustedProxies.isEmpty else { return try await next(request, context) }
        var context = context
        context.clientAddress = resolver.resolve(peer: context.clientAddress, forwardedFor: request.headers[values: .xForwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
