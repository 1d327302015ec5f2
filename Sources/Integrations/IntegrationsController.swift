import AirlockJSON
public import ChatCore
public import ChatServer
import Foundation
public import Hummingbird

/// Rocket.Chat's integration routes: `integrations.create|list|get|update|remove` under `/api/v1` (the manage
/// permission of the integration's kind), and the incoming hooks, `POST /hooks/:integrationId/:token` (no login: the
/// token is the credential; bodies over `maxBodySize` answer 413).
public struct IntegrationsController: Sendable {
    let services: ChatServices
    let incoming: IncomingWebhooks
    let outgoing: OutgoingWebhooks
    let maxBodySize: Int
    let siteURL: String

    public init(services: ChatServices, incoming: IncomingWebhooks, outgoing: OutgoingWebhooks, maxBodySize: Int, siteURL: String) {
        self.services = services
        self.incoming = incoming
        self.outgoing = outgoing
        self.maxBodySize = maxBodySize
        self.siteURL = siteURL
    }

    public func register(on router: Router<AirlockRequestContext>) {
        let api = router.group("api/v1").add(middleware: AuthMiddleware(auth: services.auth))
        api.post("integrations.create") { request, context in
            let caller = try context.caller()
            let body = try await request.json(JSONValue.self, limit: maxBodySize)
            let integration = try await services.integrations.create(try Self.kind(body), try Self.draft(body), by: caller)
            outgoing.invalidate()
            return try JSONResponse.success(Named(key: "integration", value: IntegrationDTO(integration, siteURL: siteURL)))
        }
        api.get("integrations.list") { request, context in
            let caller = try context.caller()
            let page = try request.page(settings: services.context.settings, defaultAscending: true)
            let result = try await services.integrations.list(page: page, by: caller)
            return try JSONResponse.success(IntegrationList(
                integrations: result.items.map { IntegrationDTO($0, siteURL: siteURL) }, offset: page.offset, items: result.items.count, total: result.total))
        }
        api.get("integrations.get") { request, context in
            let caller = try context.caller()
            let integration = try await services.integrations.get(id: try request.requiredQuery("integrationId"), by: caller)
            return try JSONResponse.success(Named(key: "integration", value: IntegrationDTO(integration, siteURL: siteURL)))
        }
        api.put("integrations.update") { request, context in
            let caller = try context.caller()
            let body = try await request.json(JSONValue.self, limit: maxBodySize)
            guard let id = body["integrationId"]?.stringValue else { throw ChatError.invalidParams("The required \"integrationId\" param is missing.") }
            let current = try await services.integrations.get(id: id, by: caller)
            if body["type"] != nil, try Self.kind(body) != current.kind { throw ChatError.invalidParams("An integration's type cannot change") }
            let integration = try await services.integrations.update(id: id, try Self.draft(body), by: caller)
            outgoing.invalidate()
            return try JSONResponse.success(Named(key: "integration", value: IntegrationDTO(integration, siteURL: siteURL)))
        }
        api.post("integrations.remove") { request, context in
            let caller = try context.caller()
            let body = try await request.json(JSONValue.self, limit: maxBodySize)
            guard let id = body["integrationId"]?.stringValue else { throw ChatError.invalidParams("The required \"integrationId\" param is missing.") }
            let integration = try await services.integrations.remove(id: id, by: caller)
            outgoing.invalidate()
            return try JSONResponse.success(Named(key: "integration", value: IntegrationDTO(integration, siteURL: siteURL)))
        }

        router.post("hooks/:integrationId/:token") { request, context in
            var buffer = try await request.body.collect(upTo: maxBodySize)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            let hook = IncomingWebhooks.Request(
                path: request.uri.path, rawQuery: request.uri.query ?? "", query: query, headers: headers,
                contentType: request.headers[.contentType] ?? "", body: Data(buffer.readBytes(length: buffer.readableBytes) ?? []))
            try await incoming.handle(
                integrationId: try context.parameters.require("integrationId"), token: try context.parameters.require("token"), request: hook)
            return JSONResponse.success()
        }
    }

    static func kind(_ body: JSONValue) throws -> Integration.Kind {
        guard let raw = body["type"]?.stringValue, let kind = Integration.Kind(rawValue: raw) else {
            throw ChatError.invalidParams("Invalid integration type: use webhook-incoming or webhook-outgoing [error-invalid-type]")
        }
        return kind
    }

    /// Rocket.Chat's body: `channel` as `"#a,#b"` or a list, `urls` and `triggerWords` as lists or comma/newline text.
    static func draft(_ body: JSONValue) throws -> IntegrationService.Draft {
        func list(_ key: String) -> [String]? {
            if let items = body[key]?.arrayValue { return items.compactMap(\.stringValue) }
            return body[key]?.stringValue.map { $0.split(whereSeparator: { $0 == "," || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) } }
        }
        func bool(_ key: String) -> Bool? { if case .bool(let value)? = body[key] { return value } else { return nil } }
        var draft = IntegrationService.Draft()
        draft.name = body["name"]?.stringValue
        draft.enabled = bool("enabled")
        draft.username = body["username"]?.stringValue
        draft.channels = list("channel")
        draft.alias = body["alias"]?.stringValue
        draft.avatar = body["avatar"]?.stringValue
        draft.emoji = body["emoji"]?.stringValue
        draft.scriptEnabled = bool("scriptEnabled")
        draft.script = body["script"]?.stringValue
        draft.event = body["event"]?.stringValue
        draft.urls = list("urls")
        draft.triggerWords = list("triggerWords")
        draft.triggerWordAnywhere = bool("triggerWordAnywhere")
        draft.token = body["token"]?.stringValue
        draft.retryFailedCalls = bool("retryFailedCalls")
        if case .number(let count)? = body["retryCount"] { draft.retryCount = Int(count) }
        if let delay = body["retryDelay"]?.stringValue {
            guard let parsed = Integration.RetryDelay(rawValue: delay) else {
                throw ChatError.invalidParams("retryDelay must be powers-of-ten, powers-of-two or increments-of-two")
            }
            draft.retryDelay = parsed
        }
        return draft
    }

    struct IntegrationList: Encodable {
        let integrations: [IntegrationDTO]
        let offset: Int
        let items: Int
        let total: Int
    }
}
