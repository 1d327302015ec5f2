import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MultipartKit
import NIOCore

/// A small client of Airlock's REST API for the CLI: authenticates with a token or by logging in, and answers
/// parsed JSON or throws the server's own error message.
struct AdminClient {
    let baseURL: URL
    let userId: String
    let token: String
    let session = URLSession(configuration: .ephemeral)

    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// The HTTP status of a refused request; 0 when none came back.
        var status = 0
    }

    /// Connects with `credentials`: a token pair as is, or a username/password exchanged for one.
    static func connect(_ credentials: CLICredentials) async throws -> AdminClient {
        let address = credentials.url ?? "http://127.0.0.1:3000"
        guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https" else {
            throw Failure(description: "Invalid server URL \"\(address)\"")
        }
        if let userId = credentials.userId, let token = credentials.token {
            return AdminClient(baseURL: url, userId: userId, token: token)
        }
        guard let username = credentials.username, let password = credentials.password else {
            throw Failure(
                description: "No credentials: pass --user/--password or --user-id/--token, set AIRLOCK_USER/AIRLOCK_PASSWORD, or write \(CLICredentials.defaultConfigPath)")
        }
        return try await login(url, username: username, password: password)
    }

    /// Exchanges a username and password for a token (`POST /api/v1/login`).
    static func login(_ url: URL, username: String, password: String) async throws -> AdminClient {
        let anonymous = AdminClient(baseURL: url, userId: "", token: "")
        let body = try JSONSerialization.data(withJSONObject: ["user": username, "password": password])
        let reply = try await anonymous.request("POST", "/api/v1/login", body: body, contentType: "application/json", authenticated: false)
        guard let data = reply["data"] as? [String: Any], let userId = data["userId"] as? String, let token = data["authToken"] as? String else {
            throw Failure(description: "Login failed: unexpected answer")
        }
        return AdminClient(baseURL: url, userId: userId, token: token)
    }

    func get(_ path: String) async throws -> [String: Any] {
        try await request("GET", path)
    }

    func post(_ path: String, json: [String: Any]) async throws -> [String: Any] {
        try await request("POST", path, body: try JSONSerialization.data(withJSONObject: json), contentType: "application/json")
    }

    func delete(_ path: String) async throws -> [String: Any] {
        try await request("DELETE", path)
    }

    /// Uploads a package as Rocket.Chat's admin UI does: multipart `app` (+ `permissions`).
    func upload(_ path: String, zip: Data, permissions: [String]?) async throws -> [String: Any] {
        struct Form: Encodable {
            let app: Data
            let permissions: String?
        }
        let boundary = "airlock-cli-\(UUID().uuidString)"
        let permissionsJSON = try permissions.map { String(decoding: try JSONSerialization.data(withJSONObject: $0.map { ["name": $0] }), as: UTF8.self) }
        var buffer = ByteBuffer()
        try FormDataEncoder().encode(Form(app: zip, permissions: permissionsJSON), boundary: boundary, into: &buffer)
        return try await request("POST", path, body: Data(buffer.readableBytesView), contentType: "multipart/form-data; boundary=\(boundary)")
    }

    func request(
        _ method: String, _ path: String, body: Data? = nil, contentType: String? = nil, authenticated: Bool = true
    ) async throws -> [String: Any] {
        guard let url = URL(string: path, relativeTo: baseURL) else { throw Failure(description: "Invalid path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if authenticated {
            request.setValue(userId, forHTTPHeaderField: "X-User-Id")
            request.setValue(token, forHTTPHeaderField: "X-Auth-Token")
        }
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard (200..<300).contains(status) else {
            let message = json["error"] as? String ?? json["message"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self)
            throw Failure(description: "HTTP \(status): \(message)", status: status)
        }
        return json
    }
}
