import AppsRuntime
import AirlockCrypto
public import ChatCore
public import Foundation
import JavaScriptRuntime

/// App HTTP endpoints (webhooks into apps): `/api/apps/public/<appId>/<path>` and
/// `/api/apps/private/<appId>/<hash>/<path>`, matched against what enabled apps registered with `provideApi`
/// (express-style `:param` segments). A disabled app, an unknown path or a wrong hash (compared in constant time) is
/// 404; a handler failure is 500 with its message and no stack.
public struct AppEndpoints: Sendable {
    /// What arrived over HTTP.
    public struct Request: Sendable {
        public var method: String
        public var headers: [String: String]
        public var query: [String: String]
        public var body: Data
        public var contentType: String?

        public init(method: String, headers: [String: String], query: [String: String], body: Data, contentType: String?) {
            self.method = method
            self.headers = headers
            self.query = query
            self.body = body
            self.contentType = contentType
        }
    }

    /// What goes back.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
    }

    /// How a path was resolved.
    public enum Match: Sendable {
        case notFound
        /// The app serves the path but not this method.
        case methodNotAllowed
        /// The endpoint needs a logged-in caller.
        case unauthenticated
        case handled(Response)
    }

    let apps: EnabledApps
    let calls: AppCalls

    public init(foundation: AppsFoundation) {
        self.apps = foundation.registry
        self.calls = foundation.calls
    }

    /// `hash` is nil for a public URL. `user` is the authenticated caller, when credentials came with the request.
    public func handle(appId: String, hash: String?, path: String, request: Request, user: User?) async -> Match {
        guard let target = apps.target(appId: appId) else { return .notFound }
        if let hash {
            guard Crypto.constantTimeEquals(Array(hash.utf8), Array(target.privateHash.utf8)) else { return .notFound }
        }
        let wantedVisibility: JSONValue = hash == nil ? 0 : 1
        let segments = path.split(separator: "/").map(String.init)
        for api in target.apis where (api["visibility"] ?? 0) == wantedVisibility {
            for endpoint in api["endpoints"]?.arrayValue ?? [] {
                guard let pattern = endpoint["path"]?.stringValue, let params = Self.match(pattern, segments) else { continue }
                let methods = (endpoint["methods"]?.arrayValue ?? []).compactMap(\.stringValue)
                let method = request.method.lowercased()
                guard methods.contains(method) else { return .methodNotAllowed }
                if endpoint["authRequired"] == .bool(true), user == nil { return .unauthenticated }
                return .handled(await call(target, pattern: pattern, method: method, params: params, hash: hash, request: request, user: user))
            }
        }
        return .notFound
    }

    private func call(
        _ target: EnabledApps.Target, pattern: String, method: String, params: [String: JSONValue], hash: String?, request: Request,
        user: User?
    ) async -> Response {
        let base = hash.map { "/api/apps/private/\(target.appId)/\($0)" } ?? "/api/apps/public/\(target.appId)"
        var apiRequest: [String: JSONValue] = [
            "method": .string(method), "headers": .object(request.headers.mapValues(JSONValue.string)),
            "query": .object(request.query.mapValues(JSONValue.string)), "params": .object(params),
            "content": Self.content(request), "rawContent": .string(String(decoding: request.body, as: UTF8.self)),
            "rawBody": .string(request.body.base64EncodedString()),
        ]
        if let hash { apiRequest["privateHash"] = .string(hash) }
        if let user { apiRequest["user"] = AppsEngineShapes.user(user) }
        var info: [String: JSONValue] = ["basePath": .string(base), "fullPath": .string("\(base)/\(pattern)"), "appId": .string(target.appId)]
        if let hash { info["hash"] = .string(hash) }
        do {
            let value = try await calls.run(target.appId, "api:\(pattern):\(method)", logSuccess: false) {
                try await target.instance.api(path: pattern, method: method, request: .object(apiRequest), endpoint: .object(info))
            }
            return Self.response(value)
        } catch {
            let message = AppCalls.reason(error)
            let body = (try? JSONEncoder().encode(["success": JSONValue.bool(false), "error": .string(message)])) ?? Data()
            return Response(status: 500, headers: ["content-type": "application/json"], body: body)
        }
    }

    /// Express-style matching: `webhook/:channel` against the request's segments; answers the params.
    static func match(_ pattern: String, _ segments: [String]) -> [String: JSONValue]? {
        let parts = pattern.split(separator: "/").map(String.init)
        guard parts.count == segments.count else { return nil }
        var params: [String: JSONValue] = [:]
        for (part, segment) in zip(parts, segments) {
            if part.hasPrefix(":") {
                params[String(part.dropFirst())] = .string(segment.removingPercentEncoding ?? segment)
            } else if part != segment {
                return nil
            }
        }
        return params
    }

    /// The parsed body: JSON, form fields, or the text itself (as Rocket.Chat's express parsers give it).
    static func content(_ request: Request) -> JSONValue {
        let type = request.contentType?.lowercased() ?? ""
        if request.body.isEmpty { return .object([:]) }
        if type.hasPrefix("application/json"), let json = try? JSONDecoder().decode(JSONValue.self, from: request.body) {
            return json
        }
        if type.hasPrefix("application/x-www-form-urlencoded") {
            var components = URLComponents()
            components.percentEncodedQuery = String(decoding: request.body, as: UTF8.self).replacingOccurrences(of: "+", with: "%20")
            var fields: [String: JSONValue] = [:]
            for item in components.queryItems ?? [] { fields[item.name] = .string(item.value ?? "") }
            return .object(fields)
        }
        return .string(String(decoding: request.body, as: UTF8.self))
    }

    /// `IApiResponse` → HTTP: objects and arrays as JSON, strings as text.
    static func response(_ value: JSONValue) -> Response {
        let status = value["status"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? 200
        var headers = (value["headers"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        var body = Data()
        switch value["content"] ?? .null {
        case .null: break
        case .string(let text):
            body = Data(text.utf8)
            if headers["content-type"] == nil { headers["content-type"] = "text/plain; charset=utf-8" }
        case let content:
            body = (try? JSONEncoder().encode(content)) ?? Data()
            if headers["content-type"] == nil { headers["content-type"] = "application/json" }
        }
        return Response(status: (100...599).contains(status) ? status : 500, headers: headers, body: body)
    }
}
