import AirlockJSON
public import ChatCore
import Foundation
public import Logging
public import OutboundHTTP
import Synchronization

/// Outgoing webhooks: after a message is stored (the chat core's `messageCreated` event, so the sender never
/// waits), every enabled `webhook-outgoing` integration watching the room whose trigger word matches is called —
/// Rocket.Chat's JSON body, through the apps' outbound HTTP rules (the admin's allow-list for internal addresses) —
/// with retries and backoff; a reply in the response (`text`/`attachments`, or what the script's
/// `process_outgoing_response` returns) is posted as the integration's user.
public final class OutgoingWebhooks: Sendable {
    let services: ChatServices
    let scripts: IntegrationScripts
    let http: any OutboundHTTPTransport
    /// One backoff unit (Rocket.Chat: a second); tests shorten it.
    let retryBase: Duration
    let siteURL: String
    let logger: Logger
    /// The enabled outgoing hooks, re-read at most every `cacheLifetime` (and at once after a local change).
    private let cache = Mutex<(read: ContinuousClock.Instant, hooks: [Integration])?>(nil)
    static let cacheLifetime: Duration = .seconds(2)

    public init(
        services: ChatServices, scripts: IntegrationScripts, http: any OutboundHTTPTransport, retryBase: Duration, siteURL: String,
        logger: Logger
    ) {
        self.services = services
        self.scripts = scripts
        self.http = http
        self.retryBase = retryBase
        self.siteURL = siteURL
        self.logger = logger
    }

    /// Starts watching the messages stored through this node (with several nodes, the one that stored a message
    /// fires its hooks: once per cluster).
    public func start() -> EventHub.Registration {
        services.context.events.listen(from: [.local]) { [self] event in
            // System messages and what integrations post never trigger hooks (no loops between hooks).
            guard case .messageCreated(let message, let room) = event, message.systemType == nil, message.integrationId == nil else { return }
            if let cached = cache.withLock({ $0 }), cached.hooks.isEmpty, ContinuousClock.now - cached.read < Self.cacheLifetime { return }
            Task { await self.dispatch(message, in: room) }
        }
    }

    /// Forgets the cached hooks (after a create, update or remove on this node).
    public func invalidate() {
        cache.withLock { $0 = nil }
    }

    func hooks() async -> [Integration] {
        if let cached = cache.withLock({ $0 }), ContinuousClock.now - cached.read < Self.cacheLifetime { return cached.hooks }
        let hooks = (try? await services.context.store.enabledIntegrations(kind: .outgoing)) ?? []
        cache.withLock { $0 = (.now, hooks) }
        return hooks
    }

    func dispatch(_ message: Message, in room: Room) async {
        for hook in await hooks() {
            guard Self.watches(hook, room: room), let trigger = Self.trigger(hook, text: message.text) else { continue }
            Task { await self.call(hook, message: message, room: room, trigger: trigger) }
        }
    }

    /// Whether the hook watches the room: `#name`, `@username` (a direct room with that user), or an `all_*` name;
    /// no channel at all watches every public room.
    static func watches(_ hook: Integration, room: Room) -> Bool {
        if hook.channels.isEmpty { return room.type == .channel }
        return hook.channels.contains { channel in
            switch channel {
            case "all_public_channels": return room.type == .channel
            case "all_private_groups": return room.type == .privateGroup
            case "all_direct_messages": return room.type == .direct
            default:
                if channel.hasPrefix("#") { return room.name?.lowercased() == channel.dropFirst().lowercased() }
                if channel.hasPrefix("@") { return room.type == .direct && room.usernames.contains(String(channel.dropFirst())) }
                return false
            }
        }
    }

    /// The trigger word the text starts with (or holds anywhere, with `triggerWordAnywhere`); "" with no trigger
    /// words (every message); nil when none matches.
    static func trigger(_ hook: Integration, text: String) -> String? {
        if hook.triggerWords.isEmpty { return "" }
        return hook.triggerWords.first { hook.triggerWordAnywhere ? text.contains($0) : text.hasPrefix($0) }
    }

    /// Rocket.Chat's outgoing body.
    func payload(_ hook: Integration, message: Message, room: Room, trigger: String) -> JSONValue {
        var body: [String: JSONValue] = [
            "token": .string(hook.token), "bot": false, "channel_id": .string(room.id), "channel_name": room.name.map(JSONValue.string) ?? .null,
            "message_id": .string(message.id), "timestamp": .string(WireDate.string(message.createdAt)), "user_id": .string(message.sender.id),
            "user_name": .string(message.sender.username), "text": .string(message.text), "siteUrl": .string(siteURL),
        ]
        if !trigger.isEmpty { body["trigger_word"] = .string(trigger) }
        if let alias = message.alias { body["alias"] = .string(alias) }
        if let threadId = message.threadId { body["tmid"] = .string(threadId) }
        return .object(body)
    }

    func call(_ hook: Integration, message: Message, room: Room, trigger: String) async {
        let body = payload(hook, message: message, room: room, trigger: trigger)
        for url in hook.urls {
            var request: JSONValue = ["url": .string(url), "method": "POST", "headers": ["Content-Type": "application/json"], "data": body]
            if hook.runsScript {
                do {
                    if let prepared = try await scripts.call(hook, method: "prepare_outgoing_request", argument: ["request": request]) {
                        guard prepared != .null else { continue }
                        if let reply = prepared["message"] {
                            await post(reply, for: hook, in: room)
                            continue
                        }
                        request = prepared
                    }
                } catch {
                    logger.warning("outgoing webhook script failed", metadata: ["integration.id": "\(hook.id)", "error": "\(error)"])
                    continue
                }
            }
            guard let response = await send(request, hook: hook) else { continue }
            await handle(response, request: request, hook: hook, room: room)
        }
    }

    /// Sends with retries: transport failures, 5xx and 429 are retried `retryCount` times when `retryFailedCalls`.
    func send(_ request: JSONValue, hook: Integration) async -> OutboundResponse? {
        let url = request["url"]?.stringValue ?? ""
        var headers = (request["headers"]?.objectValue ?? [:]).compactMap { key, value in value.stringValue.map { (name: key, value: $0) } }
        let data: [UInt8]?
        switch request["data"] {
        case .string(let text)?: data = Array(text.utf8)
        case nil, .null?: data = nil
        case let value?:
            data = (try? JSONEncoder().encode(value)).map(Array.init)
            if !headers.contains(where: { $0.name.lowercased() == "content-type" }) { headers.append((name: "Content-Type", value: "application/json")) }
        }
        let outbound = OutboundRequest(method: request["method"]?.stringValue ?? "POST", url: url, headers: headers, body: data, timeout: .seconds(30))
        let attempts = 1 + (hook.retryFailedCalls ? hook.retryCount : 0)
        for attempt in 0..<attempts {
            if attempt > 0 { try? await Task.sleep(for: retryBase * hook.retryDelay.units(forRetry: attempt - 1)) }
            do {
                let response = try await http.send(outbound)
                if response.statusCode < 500 && response.statusCode != 429 { return response }
                logger.notice("outgoing webhook answered \(response.statusCode)", metadata: ["integration.id": "\(hook.id)", "attempt": "\(attempt + 1)"])
            } catch {
                logger.notice("outgoing webhook failed", metadata: ["integration.id": "\(hook.id)", "attempt": "\(attempt + 1)", "error": "\(error)"])
            }
        }
        logger.warning("outgoing webhook gave up", metadata: ["integration.id": "\(hook.id)", "url": "\(url)"])
        return nil
    }

    /// Posts the reply the response (or the script) gives, if any.
    func handle(_ response: OutboundResponse, request: JSONValue, hook: Integration, room: Room) async {
        let raw = String(decoding: response.body, as: UTF8.self)
        let content = (try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))) ?? .null
        var reply: JSONValue? = (200..<300).contains(response.statusCode) && content.objectValue != nil ? content : nil
        if hook.runsScript {
            let headers = Dictionary(response.headers.map { ($0.name.lowercased(), JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a })
            let argument: JSONValue = [
                "request": request,
                "response": ["status_code": .number(Double(response.statusCode)), "headers": .object(headers), "content": content, "content_raw": .string(raw)],
            ]
            do {
                if let result = try await scripts.call(hook, method: "process_outgoing_response", argument: argument) {
                    reply = result["content"]
                }
            } catch {
                logger.warning("outgoing webhook script failed", metadata: ["integration.id": "\(hook.id)", "error": "\(error)"])
                return
            }
        }
        if let reply { await post(reply, for: hook, in: room) }
    }

    func post(_ reply: JSONValue, for hook: Integration, in room: Room) async {
        let text = reply["text"]?.stringValue ?? ""
        let attachments = reply["attachments"]?.arrayValue?.filter { $0.objectValue != nil }
        guard !text.isEmpty || attachments?.isEmpty == false else { return }
        do {
            guard let poster = try await services.context.store.user(id: hook.user.id), poster.active else { return }
            let draft = MessageService.Draft(
                text: text, alias: reply["alias"]?.stringValue ?? reply["username"]?.stringValue ?? hook.alias,
                emoji: reply["emoji"]?.stringValue ?? reply["icon_emoji"]?.stringValue ?? hook.emoji,
                avatar: reply["avatar"]?.stringValue ?? reply["icon_url"]?.stringValue ?? hook.avatar, attachments: attachments)
            _ = try await services.messages.send(draft, roomId: room.id, by: .integration(id: hook.id, user: poster))
        } catch {
            logger.warning("outgoing webhook reply not posted", metadata: ["integration.id": "\(hook.id)", "error": "\(error)"])
        }
    }
}
