import ChatCore
import Foundation
import Hummingbird

/// `/api/info`, `login`, `logout`, `me`.
struct AuthController {
    let services: ChatServices
    let limits: APILimits
    let version: String

    /// Rocket.Chat version whose REST API Airlock matches (reported by `/api/info`).
    static let rocketChatVersion = "7.10.0"

    func registerPublic(on router: Router<AirlockRequestContext>, api: RouterGroup<AirlockRequestContext>) {
        router.get("api/info") { _, _ in
            try JSONResponse.success(InfoResponse(version: Self.rocketChatVersion, airlock: .init(version: version)))
        }
        api.post("login", use: login)
    }

    func registerAuthenticated(on api: RouterGroup<AirlockRequestContext>) {
        api.post("logout") { _, context in
            let user = try context.caller()
            try await services.auth.logout(user: user, token: context.authToken ?? "")
            return JSONResponse.raw(#"{"status":"success","data":{"message":"You've been logged out!"}}"#, status: .ok)
        }
        api.get("me") { _, context in
            try JSONResponse.success(UserDTO(try context.caller(), showPrivate: true))
        }
    }

    @Sendable func login(_ request: Request, context: AirlockRequestContext) async throws -> Response {
        let body = try await request.json(LoginRequest.self, limit: limits.maxBodySize)
        let session: AuthService.Session
        if let resume = body.resume {
            session = try await services.auth.resume(token: resume)
        } else {
            let identifier: AuthService.Identifier
            if let user = body.user {
                identifier = .usernameOrEmail(user)
            } else if let username = body.username {
                identifier = .username(username)
            } else if let email = body.email {
                identifier = .email(email)
            } else {
                throw ChatError(.loginFailed, code: "Unauthorized", message: "Unauthorized")
            }
            guard let digest = body.password?.digest else {
                throw ChatError(.loginFailed, code: "Unauthorized", message: "Unauthorized")
            }
            session = try await services.auth.login(identifier, passwordDigest: digest, address: context.clientAddress)
        }
        let response = LoginResponse(
            data: .init(userId: session.user.id, authToken: session.token, me: UserDTO(session.user, showPrivate: true)))
        return try JSONResponse.make(response, status: .ok)
    }

    struct InfoResponse: Encodable, Sendable {
        let version: String
        let airlock: Airlock

        struct Airlock: Encodable, Sendable {
            let version: String
        }
    }

    struct LoginRequest: Decodable {
        let user: String?
        let username: String?
        let email: String?
        let password: Password?
        let resume: String?

        /// A plaintext password, or Meteor's `{digest, algorithm: "sha-256"}`.
        enum Password: Decodable {
            case plain(String)
            case digest(String)

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let plain = try? container.decode(String.self) {
                    self = .plain(plain)
                    return
                }
                let object = try container.decode([String: String].self)
                guard object["algorithm"] == "sha-256", let digest = object["digest"] else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "unsupported password form")
                }
                self = .digest(digest)
            }

            var digest: String? {
                switch self {
                case .plain(let p): p.isEmpty ? nil : PasswordHasher.digest(ofPlaintext: p)
                case .digest(let d): d.count == 64 ? d.lowercased() : nil
                }
            }
        }
    }

    struct LoginResponse: Encodable {
        var status = "success"
        let data: DataPart

        struct DataPart: Encodable {
            let userId: String
            let authToken: String
            let me: UserDTO
        }
    }
}
