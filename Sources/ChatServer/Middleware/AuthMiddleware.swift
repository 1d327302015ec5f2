public import ChatCore
public import Hummingbird
import HTTPTypes

/// Authenticates `X-User-Id` + `X-Auth-Token` (login or personal access tokens) and stores the caller in the context.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = AirlockRequestContext

    let auth: AuthService

    public init(auth: AuthService) {
        self.auth = auth
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let userId = request.headers[.xUserId], let token = request.headers[.xAuthToken] else {
            throw ChatError.notLoggedIn
        }
        var context = context
        context.user = try await auth.authenticate(userId: userId, token: token)
        context.authToken = token
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xUserId = Self("X-User-Id")!
    static let xAuthToken = Self("X-Auth-Token")!
}
