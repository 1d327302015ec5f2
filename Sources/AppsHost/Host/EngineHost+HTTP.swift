import AppsStorage
import ChatCore
import Foundation
import JavaScriptRuntime
import OutboundHTTP

extension EngineHost {
    /// `IHttp` (`networking`): the one fetch that crosses the bridge. The SDK runs the rest of the Apps-Engine
    /// pipeline (default headers and params, pre-request and pre-response handlers) inside the app, as Rocket.Chat's
    /// Deno runtime does. A refused or failed request throws an `Error` the app can catch, and is logged.
    static func httpAccessors(http: any OutboundHTTPTransport, logs: AppLogSink, quotas: AppQuotas) -> [String: Accessor] {
        [
            "http.call": Accessor { appId, arguments in
                let method = (arguments[safe: 0]?.stringValue ?? "get").uppercased()
                let url = arguments[safe: 1]?.stringValue ?? ""
                let options = arguments[safe: 2] ?? .null
                var request = try outboundRequest(method: method, url: url, options: options)
                // A place among the app's requests in flight, and its share of their response bytes.
                let reserved: Int
                do {
                    reserved = try quotas.reserveOutbound(appId: appId, cap: http.policy.maxResponseBytes)
                } catch {
                    logs.write(appId: appId, level: .warning, method: "http", message: "\(method) \(url): \(error)")
                    throw error
                }
                defer { quotas.releaseOutbound(appId: appId, bytes: reserved) }
                request.maxResponseBytes = reserved
                let response: OutboundResponse
                do throws(OutboundHTTPError) {
                    response = try await http.send(request)
                } catch {
                    logs.write(appId: appId, level: .warning, method: "http", message: "\(method) \(url): \(error)")
                    throw HostError(name: "Error", message: error.description)
                }
                return responseShape(response, method: method, binary: options["encoding"] == JSONValue.null)
            }
        ]
    }

    /// Rocket.Chat's `IHttpRequest` → the request: `content` (or JSON `data`) is the body; `params` go to the query for
    /// GET/HEAD or when there is a body, else form-encoded into the body; `query` is a raw query string; `auth` is
    /// `user:pass` for Basic; `timeout` is in milliseconds.
    static func outboundRequest(method: String, url: String, options: JSONValue) throws -> OutboundRequest {
        var headers: [(name: String, value: String)] = (options["headers"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
            .compactMap { key, value in scalarText(value).map { (name: key, value: $0) } }
        func setDefault(_ name: String, _ value: String) {
            if !headers.contains(where: { $0.name.lowercased() == name }) { headers.append((name: name, value: value)) }
        }
        var body: [UInt8]?
        if let content = options["content"]?.stringValue {
            body = Array(content.utf8)
        } else if let data = options["data"], data != .null {
            body = Array((try? JSONEncoder().encode(data)) ?? Data())
            setDefault("content-type", "application/json")
        }
        let params = (options["params"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.compactMap { key, value in
            scalarText(value).map { (key, $0) }
        }
        var queryParts: [String] = []
        if let query = options["query"]?.stringValue, !query.isEmpty { queryParts.append(query) }
        if !params.isEmpty {
            if method == "GET" || method == "HEAD" || body != nil {
                queryParts.append(formEncoded(params))
            } else {
                body = Array(formEncoded(params).utf8)
                setDefault("content-type", "application/x-www-form-urlencoded")
            }
        }
        var target = url
        if !queryParts.isEmpty { target += (url.contains("?") ? "&" : "?") + queryParts.joined(separator: "&") }
        if let auth = options["auth"]?.stringValue {
            setDefault("authorization", "Basic " + Data(auth.utf8).base64EncodedString())
        }
        let timeout = options["timeout"].flatMap { if case .number(let ms) = $0, ms > 0 { Duration.milliseconds(ms) } else { nil } }
        return OutboundRequest(method: method, url: target, headers: headers, body: body, timeout: timeout)
    }

    /// `IHttpResponse` minus `data` (parsed in the app from `content`): header names lower-cased, repeats joined.
    /// With `encoding: null` the body travels as base64 and the app gets a `Buffer`.
    static func responseShape(_ response: OutboundResponse, method: String, binary: Bool) -> JSONValue {
        var headers: [String: JSONValue] = [:]
        for header in response.headers {
            let name = header.name.lowercased()
            headers[name] = .string(headers[name]?.stringValue.map { "\($0), \(header.value)" } ?? header.value)
        }
        var shape: [String: JSONValue] = [
            "url": .string(response.url), "method": .string(method.lowercased()), "statusCode": .number(Double(response.statusCode)),
            "headers": .object(headers),
        ]
        if binary {
            shape["contentBase64"] = .string(Data(response.body).base64EncodedString())
        } else {
            shape["content"] = .string(String(decoding: response.body, as: UTF8.self))
        }
        return .object(shape)
    }

    private static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): String(flag)
        default: nil
        }
    }

    private static func formEncoded(_ pairs: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}
