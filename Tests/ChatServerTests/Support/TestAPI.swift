import AirlockApp
import AppsHost
import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// Credentials for authenticated calls.
struct Auth: Sendable {
    let userId: String
    let token: String
}

/// A JSON response: status plus the parsed body.
struct Reply: Sendable {
    let status: Int
    let json: JSONValue

    subscript(_ key: String) -> JSONValue? { json.objectValue?[key] }
}

extension JSONValue {
    var int: Int? { if case .number(let n) = self { Int(n) } else { nil } }
    var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
}

/// A thin client over HummingbirdTesting that speaks JSON.
struct TestAPI: Sendable {
    let client: any TestClientProtocol

    func call(
        _ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil, raw: String? = nil, auth: Auth? = nil
    ) async throws -> Reply {
        var body: ByteBuffer?
        if let json { body = ByteBuffer(bytes: try JSONEncoder().encode(json)) }
        if let raw { body = ByteBuffer(string: raw) }
        return try await send(method, path, body: body, contentType: "application/json", auth: auth)
    }

    func post(_ path: String, _ json: [String: JSONValue], auth: Auth?) async throws -> Reply {
        try await call(.post, path, json: .object(json), auth: auth)
    }

    func get(_ path: String, auth: Auth?) async throws -> Reply {
        try await call(.get, path, auth: auth)
    }

    /// Logs in and returns credentials; fails the test on a refusal.
    func login(_ user: String, _ password: String) async throws -> Auth {
        let reply = try await post("/api/v1/login", ["user": .string(user), "password": .string(password)], auth: nil)
        guard reply.status == 200, let data = reply["data"], case .string(let id)? = data["userId"],
            case .string(let token)? = data["authToken"]
        else { throw TestFailure("login of \(user) failed: \(reply.status) \(reply.json)") }
        return Auth(userId: id, token: token)
    }

    /// Creates a user as `admin` and logs in as them.
    func makeUser(_ username: String, admin: Auth) async throws -> (id: String, auth: Auth) {
        let reply = try await post(
            "/api/v1/users.create",
            [
                "username": .string(username), "name": .string(username), "email": .string("\(username)@example.org"),
                "password": .string("pw-\(username)"),
            ], auth: admin)
        guard reply.status == 200, case .string(let id)? = reply["user"]?["_id"] else {
            throw TestFailure("users.create \(username) failed: \(reply.status) \(reply.json)")
        }
        return (id, try await login(username, "pw-\(username)"))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A server on a fresh data directory with a known admin, tested through the router or live on port 0.
enum TestServer {
    static let adminPassword = "admin-pass"

    static func configuration() -> AirlockConfiguration {
        var configuration = AirlockConfiguration()
        configuration.port = 0
        configuration.dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("airlock-test-\(UUID().uuidString)").path
        configuration.adminUsername = "admin"
        configuration.adminPassword = adminPassword
        configuration.passwordIterations = 1000
        configuration.maxBodySize = 64 * 1024
        configuration.logLevel = .critical
        return configuration
    }

    static func run(
        _ setup: TestingSetup = .router, configuration: AirlockConfiguration = configuration(), keepData: Bool = false,
        _ test: @escaping @Sendable (TestAPI, Auth) async throws -> Void
    ) async throws {
        try await run(setup, configuration: configuration, keepData: keepData) { api, admin, _ in try await test(api, admin) }
    }

    /// The same, with the server's parts for tests that reach behind the API (the apps' hook dispatcher, to await
    /// its post-hook queues instead of sleeping; the services' event hub).
    static func run(
        _ setup: TestingSetup = .router, configuration: AirlockConfiguration = configuration(), keepData: Bool = false,
        _ test: @escaping @Sendable (TestAPI, Auth, Parts) async throws -> Void
    ) async throws {
        defer { if !keepData { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) } }
        let server = try await AirlockServer.build(configuration)
        let parts = Parts(hooks: server.hooks, services: server.services)
        try await server.application().test(setup) { client in
            let api = TestAPI(client: client)
            try await test(api, try await api.login("admin", adminPassword), parts)
        }
    }

    /// What tests reach behind the API.
    struct Parts: Sendable {
        let hooks: AppHookDispatcher
        let services: ChatServices
    }
}

/// An answer with its headers, for tests that look at them.
struct RawReply: Sendable {
    let status: Int
    let headers: HTTPFields
    let json: JSONValue

    subscript(_ key: String) -> JSONValue? { json.objectValue?[key] }
}

extension TestAPI {
    /// Sends one request on a connection of its own: the client a live test gets sends its requests one after the
    /// other on one connection, so tests about concurrency use this once per concurrent caller.
    func onNewConnection(_ method: HTTPRequest.Method, _ path: String, json: JSONValue, headers: HTTPFields = [:]) async throws -> RawReply {
        guard let port = client.port else { throw TestFailure("onNewConnection needs a live server") }
        var fields = headers
        fields[.contentType] = "application/json"
        let headers = fields
        let body = ByteBuffer(bytes: try JSONEncoder().encode(json))
        return try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let response = try await client.execute(TestClient.Request(path, method: method, authority: "localhost", headers: headers, body: body))
            let data = Data((response.body ?? ByteBuffer()).readableBytesView)
            return RawReply(
                status: Int(response.status.code), headers: response.headers, json: (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null)
        }
    }
}
