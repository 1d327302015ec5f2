import AirlockCrypto
public import AirlockJSON
public import ChatCore
public import Foundation

/// `POST /hooks/:integrationId/:token`: what an external service posts becomes a message, through the normal
/// message path (apps' hooks apply). The token is compared in constant time; a disabled or unknown hook, a wrong
/// token, too many requests, a bad body or a failing script are refused with Rocket.Chat's error shape.
public struct IncomingWebhooks: Sendable {
    /// The parts of the HTTP request a script sees (Rocket.Chat's `request`).
    public struct Request: Sendable {
        public var path: String
        public var rawQuery: String
        public var query: [String: String]
        public var headers: [String: String]
        public var contentType: String
        public var body: Data

        public init(path: String, rawQuery: String, query: [String: String], headers: [String: String], contentType: String, body: Data) {
            self.path = path
            self.rawQuery = rawQuery
            self.query = query
            self.headers = headers
            self.contentType = contentType
            self.body = body
        }
    }

    let services: ChatServices
    let scripts: IntegrationScripts
    let limiter: HookRateLimiter

    public init(services: ChatServices, scripts: IntegrationScripts, requestsPerMinute: Int) {
        self.services = services
        self.scripts = scripts
        self.limiter = HookRateLimiter(perMinute: requestsPerMinute)
    }

    static let invalid = ChatError.invalidParams("Invalid integration id or token provided.")

    public func handle(integrationId: String, token: String, request: Request) async throws {
        guard let integration = try await services.context.store.integration(id: integrationId), integration.kind == .incoming,
            Crypto.constantTimeEquals(Array(integration.token.utf8), Array(token.utf8)), integration.enabled
        else { throw Self.invalid }
        if let wait = limiter.reserve(integration.id) { throw ChatError.tooManyRequests(retryAfterMilliseconds: wait) }
        var body = try Self.parse(request)
        if integration.runsScript {
            let argument: JSONValue = ["request": Self.scriptRequest(request, body: body, integration: integration)]
            let result: JSONValue?
            do {
                result = try await scripts.call(integration, method: "process_incoming_request", argument: argument)
            } catch let failure as IntegrationScripts.Failure {
                throw ChatError.invalidParams("Error running the integration's script: \(failure.description)")
            }
            if let result {
                // Rocket.Chat: nothing → accepted, nothing posted; `{error}` → refused with it; `{content}` → the message.
                guard result != .null, result.objectValue?.isEmpty == false else { return }
                if let error = result["error"] {
                    throw ChatError.invalidParams(error.stringValue ?? error["message"]?.stringValue ?? error["error"]?.stringValue ?? "The script refused the request")
                }
                guard let content = result["content"], content.objectValue != nil else { return }
                body = content
            }
        }
        try await post(body, as: integration)
    }

    /// The message a payload describes (Rocket.Chat's fields, and Slack's `username`, `icon_url`, `icon_emoji`).
    func post(_ body: JSONValue, as integration: Integration) async throws {
        let text = body["text"]?.stringValue ?? body["msg"]?.stringValue ?? ""
        let attachments = body["attachments"]?.arrayValue
        guard !text.isEmpty || attachments?.isEmpty == false else {
            throw ChatError.invalidParams("The payload needs a text or attachments")
        }
        if let attachments, attachments.contains(where: { $0.objectValue == nil }) {
            throw ChatError.invalidParams("\"attachments\" must be a list of objects")
        }
        let channel = body["channel"]?.stringValue ?? body["channel"]?.arrayValue?.first?.stringValue
        let (room, poster) = try await services.integrations.target(of: integration, override: channel)
        let draft = MessageService.Draft(
            text: text, alias: body["alias"]?.stringValue ?? body["username"]?.stringValue ?? integration.alias,
            emoji: body["emoji"]?.stringValue ?? body["icon_emoji"]?.stringValue ?? integration.emoji,
            avatar: body["avatar"]?.stringValue ?? body["icon_url"]?.stringValue ?? integration.avatar, attachments: attachments)
        _ = try await services.messages.send(draft, roomId: room.id, by: .integration(id: integration.id, user: poster))
    }

    /// JSON, or a form whose `payload` field holds the JSON (what Slack-style clients send); empty is `{}`.
    static func parse(_ request: Request) throws -> JSONValue {
        var data = request.body
        if request.contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            let form = String(decoding: request.body, as: UTF8.self)
            var fields: [String: String] = [:]
            for pair in form.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
                if let key = parts.first { fields[key] = parts.count > 1 ? parts[1] : "" }
            }
            guard let payload = fields["payload"] else { throw ChatError.invalidParams("The form has no \"payload\" field") }
            data = Data(payload.utf8)
        }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data), value.objectValue != nil else {
            throw ChatError.invalidParams("The body is not a JSON object")
        }
        return value
    }

    /// Rocket.Chat's script `request`: `url`, `url_raw`, `url_params`, `content`, `content_raw`, `headers`, `user`.
    static func scriptRequest(_ request: Request, body: JSONValue, integration: Integration) -> JSONValue {
        let search = request.rawQuery.isEmpty ? "" : "?" + request.rawQuery
        return [
            "url": [
                "hash": .null, "search": .string(search), "query": .object(request.query.mapValues(JSONValue.string)),
                "pathname": .string(request.path), "path": .string(request.path + search),
            ],
            "url_raw": .string(request.path + search),
            "url_params": .object(request.query.mapValues(JSONValue.string)),
            "content": body,
            "content_raw": .string(String(decoding: request.body, as: UTF8.self)),
            "headers": .object(request.headers.mapValues(JSONValue.string)),
            "body": body,
            "user": ["_id": .string(integration.user.id), "name": integration.user.name.map(JSONValue.string) ?? .null, "username": .string(integration.user.username)],
        ]
    }
}
