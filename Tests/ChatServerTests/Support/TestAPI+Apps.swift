import ChatCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import MultipartKit
import NIOCore

/// Uploading app packages the way Rocket.Chat's admin UI and `rc-apps deploy` do: multipart with `app` and
/// optionally `permissions`.
extension TestAPI {
    struct UploadForm: Encodable {
        let app: Data
        let permissions: String?
    }

    func upload(_ path: String = "/api/apps", zip: Data, permissions: [String]? = nil, auth: Auth?) async throws -> Reply {
        let boundary = "airlock-test-\(UUID().uuidString)"
        var body = ByteBuffer()
        let permissionsJSON = try permissions.map { String(decoding: try JSONEncoder().encode($0.map { ["name": $0] }), as: UTF8.self) }
        try FormDataEncoder().encode(UploadForm(app: zip, permissions: permissionsJSON), boundary: boundary, into: &body)
        return try await send(.post, path, body: body, contentType: "multipart/form-data; boundary=\(boundary)", auth: auth)
    }

    /// A request with any body and content type.
    func send(_ method: HTTPRequest.Method, _ path: String, body: ByteBuffer?, contentType: String, auth: Auth?) async throws -> Reply {
        var headers: HTTPFields = [.contentType: contentType]
        if let auth {
            headers[HTTPField.Name("X-User-Id")!] = auth.userId
            headers[HTTPField.Name("X-Auth-Token")!] = auth.token
        }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        let data = Data(response.body.readableBytesView)
        let parsed = (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .string(String(decoding: data, as: UTF8.self))
        return Reply(status: Int(response.status.code), json: parsed)
    }

    /// A request with exactly these headers.
    func sendWithHeaders(_ method: HTTPRequest.Method, _ path: String, body: ByteBuffer?, headers: [String: String]) async throws -> Reply {
        var fields = HTTPFields()
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let response = try await client.executeRequest(uri: path, method: method, headers: fields, body: body)
        let data = Data(response.body.readableBytesView)
        let parsed = (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .string(String(decoding: data, as: UTF8.self))
        return Reply(status: Int(response.status.code), json: parsed)
    }

    /// A GET answering the raw body and content type (icons).
    func fetch(_ path: String) async throws -> (status: Int, contentType: String?, body: Data) {
        let response = try await client.executeRequest(uri: path, method: .get, headers: [:], body: nil)
        return (Int(response.status.code), response.headers[.contentType], Data(response.body.readableBytesView))
    }

    /// The app's log lines as text (`method: message`), oldest first.
    func appLog(_ appId: String, auth: Auth, query: String = "") async throws -> [String] {
        let reply = try await get("/api/apps/\(appId)/logs?count=100&sort=%7B%22_createdAt%22%3A1%7D\(query)", auth: auth)
        guard reply.status == 200 else { throw TestFailure("logs: \(reply.status) \(reply.json)") }
        return (reply["logs"]?.array ?? []).compactMap { line in
            guard let method = line["method"]?.stringValue, let text = line["entries"]?.array?.first?["args"]?.array?.first?.stringValue
            else { return nil }
            return "\(method): \(text)"
        }
    }
}
