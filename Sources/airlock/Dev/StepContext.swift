import AirlockJSON
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Room names to ids: the scenario's own, and rooms the app created as steps name them.
final class RoomDirectory: Sendable {
    private let ids: Mutex<[String: String]>

    init(_ ids: [String: String]) {
        self.ids = Mutex(ids)
    }

    func id(of name: String) -> String? { ids.withLock { $0[name] } }
    func remember(_ name: String, _ id: String) { ids.withLock { $0[name] = id } }
}

/// Performs one scenario step (`send`, `command`, `endpoint`, `interact`, `advance`, `settings`, `wait`) as its
/// user, then checks its `expect`: `refused`, `status`/`body`/`bodyContains`/`headers` (endpoints), `response`
/// (interactions), `messages` and `noMessagesIn` (new or edited messages per room), `notified` (ephemeral messages
/// to a user) and `views` (UIKit views pushed to a user), `outbound` and `noOutbound` (the app's HTTP requests
/// during the step).
struct StepContext {
    let server: ScenarioServer
    let sessions: [String: ScenarioServer.Session]
    let roomIds: RoomDirectory
    let appId: String
    let botUsername: String
    let patience: Duration

    /// What the action answered.
    enum Outcome {
        case reply(JSONValue)
        case refused(String)
        case http(status: Int, headers: [String: String], body: String)
    }

    func perform(_ step: JSONValue) async throws {
        let expect = step["expect"] ?? .object([:])
        let user = step["as"]?.stringValue ?? "tester"
        guard let session = sessions[user] else { throw ScenarioError("unknown user \"\(user)\" (list it under \"users\")") }
        let watched = Set((expect["messages"]?.arrayValue ?? []).compactMap { $0["room"]?.stringValue } + (expect["noMessagesIn"]?.arrayValue ?? []).compactMap(\.stringValue))
        var before: [String: [String: String]] = [:]
        for room in watched { before[room] = try await versions(room) }
        let outboundStart = server.http.requests.count
        let pushStart = server.pushes.count

        let outcome = try await act(step, session: session)
        try checkOutcome(outcome, expect)
        if let expected = expect["messages"]?.arrayValue { try await checkMessages(expected, before: before) }
        if let rooms = expect["noMessagesIn"]?.arrayValue?.compactMap(\.stringValue) {
            try await Task.sleep(for: .milliseconds(500))
            for room in rooms {
                let fresh = try await changed(room, since: before[room] ?? [:])
                if !fresh.isEmpty { throw ScenarioError("expected no new messages in #\(room), got: \(Self.summary(fresh))") }
            }
        }
        if let expected = expect["notified"]?.arrayValue { try await checkPushes(expected, kind: .notice, from: pushStart, actor: user) }
        if let expected = expect["views"]?.arrayValue { try await checkPushes(expected, kind: .view, from: pushStart, actor: user) }
        if let expected = expect["outbound"]?.arrayValue { try await checkOutbound(expected, from: outboundStart) }
        if expect["noOutbound"] == .bool(true) {
            try await Task.sleep(for: .milliseconds(500))
            let made = server.http.requests.dropFirst(outboundStart)
            if !made.isEmpty { throw ScenarioError("expected no outbound requests, got: \(made.map { "\($0.method) \($0.url)" })") }
        }
    }

    // MARK: Actions

    private func act(_ step: JSONValue, session: ScenarioServer.Session) async throws -> Outcome {
        if let send = step["send"] {
            return await attempt {
                try await session.client.post("/api/v1/chat.postMessage", json: ["roomId": try await room(send["room"]), "text": send["text"]?.stringValue ?? ""])
            }
        }
        if let command = step["command"] {
            guard let name = command["command"]?.stringValue else { throw ScenarioError("a command step needs \"command\"") }
            let body: [String: Any] = [
                "command": name, "params": command["params"].map(Self.text) ?? "", "roomId": try await room(command["room"]), "triggerId": UUID().uuidString,
            ]
            return await attempt { try await session.client.post("/api/v1/commands.run", json: body) }
        }
        if let endpoint = step["endpoint"] { return try await callEndpoint(endpoint, session: session) }
        if let interaction = step["interact"] {
            let body = try await interactionBody(interaction, actor: session.username)
            return await attempt { try await session.client.post("/api/apps/ui.interaction/\(appId)", json: body) }
        }
        if let advance = step["advance"] {
            server.clock.advance(by: try Self.seconds(advance))
            return .reply(.null)
        }
        if let settings = step["settings"]?.objectValue {
            for (id, value) in settings.sorted(by: { $0.key < $1.key }) {
                let body: [String: Any] = ["setting": ["id": id, "value": try Self.foundation(value)]]
                _ = try await server.admin.post("/api/apps/\(appId)/settings/\(id)", json: body)
            }
            return .reply(.null)
        }
        if let wait = step["wait"] {
            try await Task.sleep(for: .milliseconds(Int(try Self.seconds(wait) * 1000)))
            return .reply(.null)
        }
        throw ScenarioError("unknown step (use one of send, command, endpoint, interact, advance, settings, wait)")
    }

    private func attempt(_ body: () async throws -> [String: Any]) async -> Outcome {
        do {
            let reply = try await body()
            return .reply((try? Scenario.json(reply)) ?? .null)
        } catch {
            return .refused("\(error)")
        }
    }

    /// A room's id by name: the scenario's rooms, else a public room the app created (looked up once).
    private func room(_ name: JSONValue?) async throws -> String {
        guard let raw = name?.stringValue else { throw ScenarioError("the step needs \"room\"") }
        let name = raw.hasPrefix("#") ? String(raw.dropFirst()) : raw
        if let id = roomIds.id(of: name) { return id }
        let reply: [String: Any]
        do {
            reply = try await server.admin.get("/api/v1/channels.info?roomName=\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name)")
        } catch {
            throw ScenarioError("unknown room \"\(name)\" (list it under \"rooms\", or let the app create it first)")
        }
        guard let id = (reply["channel"] as? [String: Any])?["_id"] as? String else { throw ScenarioError("unknown room \"\(name)\"") }
        roomIds.remember(name, id)
        return id
    }

    private func callEndpoint(_ endpoint: JSONValue, session: ScenarioServer.Session) async throws -> Outcome {
        guard let path = endpoint["path"]?.stringValue else { throw ScenarioError("an endpoint step needs \"path\"") }
        var components = URLComponents(url: server.baseURL.appendingPathComponent("api/apps/public/\(appId)/\(path)"), resolvingAgainstBaseURL: false)!
        switch endpoint["query"] {
        case .string(let query)?: components.percentEncodedQuery = query
        case .object(let query)?: components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: Self.text($0.value)) }
        default: break
        }
        var request = URLRequest(url: components.url!)
        request.httpMethod = endpoint["method"]?.stringValue?.uppercased() ?? "GET"
        switch endpoint["body"] {
        case .string(let text)?: request.httpBody = Data(text.utf8)
        case nil, .null?: break
        case let value?:
            request.httpBody = try JSONEncoder().encode(value)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in endpoint["headers"]?.objectValue ?? [:] { request.setValue(Self.text(value), forHTTPHeaderField: name) }
        if endpoint["auth"] == .bool(true) {
            request.setValue(session.client.userId, forHTTPHeaderField: "X-User-Id")
            request.setValue(session.client.token, forHTTPHeaderField: "X-Auth-Token")
        }
        let (data, response) = try await URLSession(configuration: .ephemeral).data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { headers["\(name)".lowercased()] = "\(value)" }
        return .http(status: http?.statusCode ?? 0, headers: headers, body: String(decoding: data, as: UTF8.self))
    }

    /// Rocket.Chat's `ui.interaction` body from the step: `room`, `message` (`latest`, or text the message contains),
    /// `button` (the label of a button on that message: its action id, block id and value are taken from it, as a
    /// click would), or `actionId`, `blockId`, `value`; `view` (`latest`: the last view pushed to the user) or
    /// `viewId`, with `state`.
    private func interactionBody(_ step: JSONValue, actor: String) async throws -> [String: Any] {
        guard let type = step["type"]?.stringValue else { throw ScenarioError("an interact step needs \"type\" (blockAction, viewSubmit, ...)") }
        var body: [String: Any] = ["type": type, "triggerId": UUID().uuidString]
        var payload: [String: Any] = [:]
        if let roomName = step["room"] {
            let roomId = try await room(roomName)
            body["rid"] = roomId
            if let selector = step["message"] {
                let message = try await findMessage(roomName.stringValue ?? "", selector)
                let messageId = message["_id"]?.stringValue ?? ""
                body["mid"] = messageId
                body["container"] = ["type": "message", "id": messageId]
                if let label = step["button"]?.stringValue {
                    guard let (blockId, button) = Self.button(label, in: message["blocks"]?.arrayValue ?? []) else {
                        throw ScenarioError("the message has no button \"\(label)\"")
                    }
                    body["actionId"] = button["actionId"]?.stringValue ?? ""
                    payload["blockId"] = blockId
                    if let value = button["value"] { payload["value"] = try Self.foundation(value) }
                }
            }
        }
        if let actionId = step["actionId"]?.stringValue { body["actionId"] = actionId }
        if let blockId = step["blockId"]?.stringValue { payload["blockId"] = blockId }
        if let value = step["value"] { payload["value"] = try Self.foundation(value) }
        var viewId = step["viewId"]?.stringValue
        if step["view"] == .string("latest") {
            let userId = sessions[actor]?.client.userId ?? ""
            guard let view = server.pushes.last(where: { $0.kind == .view && $0.userId == userId && $0.content["view"] != nil })?.content["view"],
                let id = view["id"]?.stringValue
            else { throw ScenarioError("no view was pushed to \(actor)") }
            viewId = id
        }
        if let viewId {
            body["viewId"] = viewId
            body["container"] = body["container"] ?? ["type": "view", "id": viewId]
            payload["view"] = ["id": viewId, "state": try Self.foundation(step["state"] ?? .object([:]))]
        }
        body["payload"] = payload
        return body
    }

    /// The button labelled `label` in UIKit blocks, with its block's id.
    static func button(_ label: String, in blocks: [JSONValue]) -> (String, JSONValue)? {
        for block in blocks {
            let elements = (block["elements"]?.arrayValue ?? []) + [block["accessory"]].compactMap { $0 }
            if let found = elements.first(where: { $0["type"]?.stringValue == "button" && $0["text"]?["text"]?.stringValue == label }) {
                return (block["blockId"]?.stringValue ?? "", found)
            }
        }
        return nil
    }

    private func findMessage(_ room: String, _ selector: JSONValue) async throws -> JSONValue {
        let messages = try await history(room)
        let found = selector == .string("latest")
            ? messages.first
            : messages.first { Self.render($0).contains(Self.text(selector["contains"] ?? selector)) }
        guard let found else { throw ScenarioError("no message in #\(room) matches \(Self.text(selector))") }
        return found
    }

    // MARK: Expectations

    private func checkOutcome(_ outcome: Outcome, _ expect: JSONValue) throws {
        if let refused = expect["refused"] {
            guard case .refused(let message) = outcome else { throw ScenarioError("expected a refusal, but it succeeded") }
            let wanted = Self.text(refused)
            if refused != .bool(true), !message.lowercased().contains(wanted.lowercased()) {
                throw ScenarioError("refused with \"\(message)\", expected it to mention \"\(wanted)\"")
            }
            return
        }
        switch outcome {
        case .refused(let message):
            throw ScenarioError("refused: \(message)")
        case .reply(let reply):
            if let response = expect["response"], !Self.matches(reply, response) {
                throw ScenarioError("the response \(Self.text(reply)) does not contain \(Self.text(response))")
            }
        case .http(let status, let headers, let body):
            let wanted = expect["status"].flatMap { value -> Int? in if case .number(let n) = value { return Int(n) } else { return nil } }
            if let wanted, wanted != status { throw ScenarioError("HTTP \(status) (expected \(wanted)): \(body.prefix(300))") }
            if wanted == nil, !(200..<300).contains(status) { throw ScenarioError("HTTP \(status): \(body.prefix(300))") }
            if let contains = expect["bodyContains"]?.stringValue, !body.contains(contains) {
                throw ScenarioError("the body does not contain \"\(contains)\": \(body.prefix(300))")
            }
            if case .string(let text)? = expect["body"] {
                if body != text { throw ScenarioError("the body is \"\(body.prefix(300))\", expected \"\(text)\"") }
            } else if let expected = expect["body"] {
                let parsed = (try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))) ?? .string(body)
                if !Self.matches(parsed, expected) { throw ScenarioError("the body \(body.prefix(300)) does not contain \(Self.text(expected))") }
            }
            for (name, value) in expect["headers"]?.objectValue ?? [:] {
                guard let actual = headers[name.lowercased()], actual.contains(Self.text(value)) else {
                    throw ScenarioError("header \(name) is \(headers[name.lowercased()] ?? "absent"), expected \(Self.text(value))")
                }
            }
        }
    }

    private func checkMessages(_ expected: [JSONValue], before: [String: [String: String]]) async throws {
        let deadline = ContinuousClock.now + patience
        var fresh: [String: [JSONValue]] = [:]
        while true {
            for room in Set(expected.compactMap { $0["room"]?.stringValue }) {
                fresh[room] = try await changed(room, since: before[room] ?? [:])
            }
            var unmatched: [JSONValue] = []
            var used = Set<String>()
            for wanted in expected {
                let candidates = fresh[wanted["room"]?.stringValue ?? ""] ?? []
                if let hit = candidates.first(where: { !used.contains($0["_id"]?.stringValue ?? "") && messageMatches($0, wanted) }) {
                    used.insert(hit["_id"]?.stringValue ?? "")
                } else {
                    unmatched.append(wanted)
                }
            }
            if unmatched.isEmpty { return }
            if ContinuousClock.now >= deadline {
                let seen = fresh.map { "#\($0.key): \(Self.summary($0.value))" }.joined(separator: "; ")
                throw ScenarioError("expected message \(Self.text(unmatched[0])); new or edited messages: \(seen.isEmpty ? "none" : seen)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func messageMatches(_ message: JSONValue, _ wanted: JSONValue) -> Bool {
        let author = message["u"]?["username"]?.stringValue ?? ""
        if let from = wanted["from"]?.stringValue, author != (from == "app" ? botUsername : from) { return false }
        let text = message["msg"]?.stringValue ?? ""
        if let exact = wanted["text"]?.stringValue, text != exact { return false }
        if let part = wanted["textContains"]?.stringValue, !text.contains(part) { return false }
        if let alias = wanted["alias"]?.stringValue, message["alias"]?.stringValue != alias { return false }
        if let part = wanted["contains"]?.stringValue, !Self.render(message).contains(part) { return false }
        return true
    }

    private func checkOutbound(_ expected: [JSONValue], from start: Int) async throws {
        let deadline = ContinuousClock.now + patience
        while true {
            let made = Array(server.http.requests.dropFirst(start))
            let missing = expected.first { wanted in !made.contains { request in Self.outboundMatches(request, wanted) } }
            guard let missing else { return }
            if ContinuousClock.now >= deadline {
                let seen = made.map { "\($0.method) \($0.url) \($0.body.prefix(120))" }
                throw ScenarioError("expected an outbound request \(Self.text(missing)); the app made: \(seen.isEmpty ? "none" : seen.joined(separator: "; "))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// `notified: [{ to: alice, textContains: ... }]` (`to` defaults to the step's user), `views: [{ contains: ... }]`.
    private func checkPushes(_ expected: [JSONValue], kind: ScenarioServer.Push.Kind, from start: Int, actor: String) async throws {
        let deadline = ContinuousClock.now + patience
        while true {
            let pushed = server.pushes.dropFirst(start).filter { $0.kind == kind }
            let missing = try expected.first { wanted in
                let username = wanted["to"]?.stringValue ?? actor
                guard let userId = sessions[username]?.client.userId else { throw ScenarioError("unknown user \"\(username)\"") }
                return !pushed.contains { push in
                    guard push.userId == userId else { return false }
                    let text = push.content["text"]?.stringValue ?? ""
                    if let exact = wanted["text"]?.stringValue, text != exact { return false }
                    if let part = wanted["textContains"]?.stringValue, !text.contains(part) { return false }
                    if let part = wanted["contains"]?.stringValue, !Self.text(push.content).contains(part) { return false }
                    return true
                }
            }
            guard let missing else { return }
            if ContinuousClock.now >= deadline {
                let seen = pushed.map { Self.text($0.content["text"] ?? $0.content).prefix(160) }
                throw ScenarioError("expected a pushed \(kind.rawValue) \(Self.text(missing)); got: \(seen.isEmpty ? "none" : seen.joined(separator: "; "))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func outboundMatches(_ request: FakeOutboundHTTP.Recorded, _ wanted: JSONValue) -> Bool {
        if let method = wanted["method"]?.stringValue, method.uppercased() != request.method { return false }
        if let url = wanted["url"]?.stringValue, url.hasSuffix("*") ? !request.url.hasPrefix(String(url.dropLast())) : request.url != url { return false }
        if let part = wanted["bodyContains"]?.stringValue, !request.body.contains(part) { return false }
        for (name, value) in wanted["headers"]?.objectValue ?? [:] where request.headers[name.lowercased()] != text(value) { return false }
        return true
    }

    // MARK: Messages

    private func history(_ room: String) async throws -> [JSONValue] {
        let id = try await self.room(.string(room))
        let reply = try await server.admin.get("/api/v1/channels.history?roomId=\(id)&count=100")
        return try Scenario.json(reply["messages"] ?? []).arrayValue ?? []
    }

    /// Message id → `_updatedAt`, to tell new and edited messages from old ones.
    private func versions(_ room: String) async throws -> [String: String] {
        // A room the app has yet to create has no messages before the step.
        if roomIds.id(of: room) == nil, (try? await self.room(.string(room))) == nil { return [:] }
        return Dictionary(try await history(room).map { ($0["_id"]?.stringValue ?? "", Self.text($0["_updatedAt"] ?? .null)) }, uniquingKeysWith: { a, _ in a })
    }

    private func changed(_ room: String, since before: [String: String]) async throws -> [JSONValue] {
        try await history(room).filter { before[$0["_id"]?.stringValue ?? ""] != Self.text($0["_updatedAt"] ?? .null) }.reversed()
    }

    static func summary(_ messages: [JSONValue]) -> String {
        messages.map { "\($0["u"]?["username"]?.stringValue ?? "?"): \"\($0["msg"]?.stringValue ?? "")\"" }.joined(separator: ", ")
    }

    // MARK: Values

    /// A message's text, attachments and blocks as one searchable string.
    static func render(_ message: JSONValue) -> String {
        [message["msg"], message["attachments"], message["blocks"], message["reactions"]].compactMap { $0 }.map(text).joined(separator: "\n")
    }

    /// Whether `actual` holds everything in `expected`: objects by key, arrays element by element (each expected
    /// element somewhere in the actual array), scalars equal.
    static func matches(_ actual: JSONValue, _ expected: JSONValue) -> Bool {
        switch expected {
        case .object(let wanted):
            guard let object = actual.objectValue else { return false }
            return wanted.allSatisfy { key, value in object[key].map { matches($0, value) } ?? false }
        case .array(let wanted):
            guard let array = actual.arrayValue else { return false }
            return wanted.allSatisfy { item in array.contains { matches($0, item) } }
        default:
            return actual == expected
        }
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .null: return ""
        default:
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    static func foundation(_ value: JSONValue) throws -> Any {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(value), options: .fragmentsAllowed)
    }

    /// `90` (milliseconds), `"30s"`, `"5m"`, `"2h"`, `"1d"` → seconds.
    static func seconds(_ value: JSONValue) throws -> TimeInterval {
        if case .number(let milliseconds) = value { return milliseconds / 1000 }
        let refusal = ScenarioError("\"\(text(value))\" is not a duration (ms as a number, or 30s, 5m, 2h, 1d)")
        guard let spelled = value.stringValue?.trimmingCharacters(in: .whitespaces), let unit = spelled.last, let amount = Double(spelled.dropLast()) else {
            throw refusal
        }
        switch unit {
        case "s": return amount
        case "m": return amount * 60
        case "h": return amount * 3600
        case "d": return amount * 86400
        default: throw refusal
        }
    }
}
