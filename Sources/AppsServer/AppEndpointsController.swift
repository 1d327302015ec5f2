public import AppsHost
import ChatCore
public import ChatServer
import Foundation
import HTTPTypes
public import Hummingbird

/// App HTTP endpoints: `/api/apps/public/:appId/<path>` and `/api/apps/private/:appId/:hash/<path>`, every method.
/// Credentials (`X-User-Id`/`X-Auth-Token`) are optional and checked when present; the body limit is the ordinary one.
public struct AppEndpointsController: Sendable {
    let endpoints: AppEndpoints
    let auth: AuthService
    let maxBodySize: Int

    public init(endpoints: AppEndpoints, auth: AuthService, maxBodySize: Int = 1 << 20) {
        self.endpoints = endpoints
        self.auth = auth
        self.maxBodySize = maxBodySize
    }

    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .head, .options]

    public func register(on router: Router<AirlockRequestContext>) {
        for method in Self.methods {
            router.on("api/apps/public/:appId/**", method: method) { request, context in
                try await handle(request, context, hash: nil)
            }
            router.on("api/apps/private/:appId/:hash/**", method: method) { request, context in
                try await handle(request, context, hash: try context.parameters.require("hash"))
            }
        }
    }

    private func handle(_ request: Request, _ context: AirlockRequestContext, hash: String?) async throws -> Response {
        let appId = try context.parameters.appId("appId")
        let path = context.parameters.getCatchAll().joined(separator: "/")
        var user: User?
        if let userId = request.headers[HTTPField.Name("X-User-Id")!], let token = request.headers[HTTPField.Name("X-Auth-Token")!] {
            user = try await auth.authenticate(userId: userId, token: token)
        }
        var body = try await request.body.collect(upTo: maxBodySize)
        var headers: [String: String] = [:]
        // The caller's credentials stay here: the app gets `user` when the caller is logged in, never the token or
        // cookies that would let it act as them.
        for field in request.headers where !Self.credentialHeaders.contains(field.name.canonicalName) {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let incoming = AppEndpoints.Request(
            method: request.method.rawValue, headers: headers, query: query,
            body: Data(body.readBytes(length: body.readableBytes) ?? []), contentType: request.headers[.contentType])
        switch await endpoints.handle(appId: appId, hash: hash, path: path, request: incoming, user: user) {
        case .notFound: throw ChatError(.notFound, code: "error-not-found", message: "Not Found")
        case .methodNotAllowed: return ErrorMiddleware.failure("Method not allowed", status: .methodNotAllowed)
        case .unauthenticated: throw ChatError.notLoggedIn
        case .handled(let response):
            var fields = HTTPFields()
            for (name, value) in response.headers where !Self.refusedResponseHeaders.contains(name.lowercased()) {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            // App content is served from the server's own origin: it runs sandboxed (no scripts with the origin's
            // cookies or storage) and is never sniffed into something more dangerous than it says it is.
            fields[.contentSecurityPolicy] = "sandbox"
            fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            return Response(status: .init(code: response.status), headers: fields, body: .init(byteBuffer: .init(bytes: response.body)))
        }
    }

    /// Request headers an app never sees.
    static let credentialHeaders: Set<String> = ["x-auth-token", "x-user-id", "cookie"]

    /// Response headers an app may not set: cookies on the server's origin, hop-by-hop headers and framing (the
    /// server computes the length), and the security headers the server sets itself.
    static let refusedResponseHeaders: Set<String> = [
        "set-cookie", "set-cookie2", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "content-length", "content-security-policy", "x-content-type-options",
    ]
}
