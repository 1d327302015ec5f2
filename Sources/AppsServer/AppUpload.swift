import AppsHost
import ChatCore
import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// The body of `POST /api/apps` and `POST /api/apps/:id`: multipart with the zip in `app` and, optionally,
/// `permissions` (a JSON array of names or of `{name}` objects, as Rocket.Chat's UI sends them) and `runtime`
/// (`worker` or `in-process`; the server's default when absent).
struct AppUpload {
    let zip: Data
    let permissions: [String]?
    let runtime: AppLimits.RuntimeMode?

    struct Form: Decodable {
        let app: Data?
        let permissions: String?
        let runtime: String?
    }

    /// Reads at most `limit` bytes of body (413 beyond, from `collect(upTo:)`), then parses the form.
    static func read(_ request: Request, limit: Int) async throws -> AppUpload {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data"), let boundary = boundary(of: contentType) else {
            throw ChatError.invalidParams("Upload the app as multipart/form-data with the zip in the \"app\" field.")
        }
        let body = try await request.body.collect(upTo: limit)
        let form: Form
        do {
            form = try FormDataDecoder().decode(Form.self, from: body, boundary: boundary)
        } catch {
            throw ChatError.invalidParams("Malformed multipart body")
        }
        guard let zip = form.app, !zip.isEmpty else { throw ChatError.invalidParams("No app package in the \"app\" field.") }
        var runtime: AppLimits.RuntimeMode?
        if let raw = form.runtime, !raw.isEmpty {
            guard let mode = AppLimits.RuntimeMode(rawValue: raw) else {
                throw ChatError.invalidParams("\"runtime\" must be one of: \(AppLimits.RuntimeMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            runtime = mode
        }
        return AppUpload(zip: zip, permissions: try form.permissions.map(parsePermissions), runtime: runtime)
    }

    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty ? nil : value
        }
        return nil
    }

    static func parsePermissions(_ text: String) throws -> [String] {
        let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        guard let items = parsed?.arrayValue else {
            throw ChatError.invalidParams("\"permissions\" must be a JSON array of permission names or {name} objects")
        }
        return try items.map { item in
            guard let name = item.stringValue ?? item["name"]?.stringValue else {
                throw ChatError.invalidParams("\"permissions\" must be a JSON array of permission names or {name} objects")
            }
            return name
        }
    }
}
