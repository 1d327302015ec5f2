import ChatCore
public import Hummingbird
import Logging
import NIOHTTP1

/// Turns every failure into Rocket.Chat's status and body (DESIGN §1), including unknown routes and oversized bodies.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = AirlockRequestContext

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ChatError {
            return Self.response(for: error)
        } catch let error as any HTTPResponseError {
            // Hummingbird's own errors (unknown route, body over the limit, ...) get Rocket.Chat's JSON body.
            switch error.status {
            case .notFound: return Self.failure("Not Found", status: .notFound)
            case .contentTooLarge:
                return Self.failure((error as? HTTPError)?.body ?? "Request body is too large", status: .contentTooLarge)
            case .tooManyRequests: return Self.failure("Too many requests", status: .tooManyRequests)
            default: return Self.failure((error as? HTTPError)?.body ?? error.status.reasonPhrase, status: error.status)
            }
        } catch let error as HTTPParserError {
            // A malformed body (a bad chunk size): the client's fault, and the connection cannot be trusted further.
            var response = Self.failure("Malformed request: \(error)", status: .badRequest)
            response.headers[.connection] = "close"
            return response
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return Self.failure("Internal server error", status: .internalServerError)
        }
    }

    /// The response Rocket.Chat gives for a core refusal.
    static func response(for error: ChatError) -> Response {
        switch error.kind {
        case .unauthenticated:
            return JSONResponse.raw(#"{"status":"error","message":"You must be logged in to do this."}"#, status: .unauthorized)
        case .loginFailed:
            let body = LoginFailure(error: error.code, message: error.message)
            return (try? JSONResponse.make(body, status: .unauthorized)) ?? failure("Unauthorized", status: .unauthorized)
        case .forbidden:
            return (try? JSONResponse.make(Refusal(error: "\(error.message) [\(error.code)]", errorType: nil), status: .forbidden))
                ?? failure("Forbidden", status: .forbidden)
        case .notFound:
            return failure(error.message, status: .notFound)
        case .refused:
            return (try? JSONResponse.make(Refusal(error: error.description, errorType: error.code), status: .badRequest))
                ?? failure("Bad request", status: .badRequest)
        case .rateLimited:
            var response =
                (try? JSONResponse.make(Refusal(error: error.description, errorType: error.code), status: .tooManyRequests))
                ?? failure("Too many requests", status: .tooManyRequests)
            if let wait = error.retryAfterMilliseconds { response.headers[.retryAfter] = String(max(1, (wait + 999) / 1000)) }
            return response
        }
    }

    public static func failure(_ message: String, status: HTTPResponse.Status) -> Response {
        (try? JSONResponse.make(Refusal(error: message, errorType: nil), status: status))
            ?? JSONResponse.raw(#"{"success":false}"#, status: status)
    }

    struct Refusal: Encodable {
        var success = false
        let error: String
        let errorType: String?
    }

    struct LoginFailure: Encodable {
        var status = "error"
        let error: String
        let message: String
    }
}
