import AirlockJSON
import AppsPackage
import Foundation
import Logging

/// Runs scenarios against a fresh in-process server each: sets up users, rooms, the app and its settings, then
/// performs each step as a client would (REST) and checks what it expects, waiting up to `patience` for what
/// arrives asynchronously (post-event handlers, jobs, outbound requests).
struct ScenarioRunner {
    let package: Data
    let manifest: AppManifest
    let inProcess: Bool
    let logLevel: Logger.Level
    var patience: Duration = .seconds(5)

    /// Runs one scenario; answers the failures (empty: it passed). Prints a line per step.
    func run(_ scenario: Scenario) async throws -> [String] {
        let server = try await ScenarioServer.start(fakes: scenario.fakes, inProcess: inProcess, logLevel: logLevel)
        do {
            let failures = try await run(scenario, on: server)
            await server.stop()
            return failures
        } catch {
            await server.stop()
            throw error
        }
    }

    private func run(_ scenario: Scenario, on server: ScenarioServer) async throws -> [String] {
        var sessions: [String: ScenarioServer.Session] = [:]
        for username in ["tester"] + scenario.users where sessions[username] == nil {
            sessions[username] = try await server.createUser(username)
        }
        var roomIds: [String: String] = [:]
        for room in scenario.rooms {
            let reply = try await server.admin.post("/api/v1/channels.create", json: ["name": room, "members": Array(sessions.keys)])
            roomIds[room] = (reply["channel"] as? [String: Any])?["_id"] as? String
        }
        let installed = try await server.admin.upload("/api/apps", zip: package, permissions: nil)
        let app = installed["app"] as? [String: Any] ?? [:]
        guard app["status"] as? String == "manually_enabled" || app["status"] as? String == "auto_enabled" else {
            throw ScenarioError("the app did not enable: \(app["status"] ?? "?") \(app["statusReason"] ?? "")")
        }
        for (id, value) in scenario.settings.sorted(by: { $0.key < $1.key }) {
            try await setSetting(id, value, server: server)
        }
        let context = StepContext(
            server: server, sessions: sessions, roomIds: RoomDirectory(roomIds), appId: manifest.id, botUsername: manifest.botUsername, patience: patience)
        var failures: [String] = []
        for (index, step) in scenario.steps.enumerated() {
            let label = "\(index + 1) \(Self.describe(step))"
            do {
                try await context.perform(step)
                DevOutput.line("    ✓ \(label)")
            } catch {
                DevOutput.line("    ✗ \(label): \(error)")
                failures.append("\(scenario.file) step \(index + 1) (\(Self.describe(step)))")
                break
            }
        }
        return failures
    }

    func setSetting(_ id: String, _ value: JSONValue, server: ScenarioServer) async throws {
        let body: [String: Any] = ["setting": ["id": id, "value": try JSONSerialization.jsonObject(with: JSONEncoder().encode(value), options: .fragmentsAllowed)]]
        _ = try await server.admin.post("/api/apps/\(manifest.id)/settings/\(id)", json: body)
    }

    /// `send /hello world in #general as alice` style labels.
    static func describe(_ step: JSONValue) -> String {
        let actor = step["as"]?.stringValue.map { " as \($0)" } ?? ""
        if let send = step["send"] { return "send \"\(send["text"]?.stringValue ?? "")\" in #\(send["room"]?.stringValue ?? "")\(actor)" }
        if let command = step["command"] {
            return "/\(command["command"]?.stringValue ?? "") \(command["params"]?.stringValue ?? "")".trimmingCharacters(in: .whitespaces)
                + " in #\(command["room"]?.stringValue ?? "")\(actor)"
        }
        if let endpoint = step["endpoint"] {
            return "\(endpoint["method"]?.stringValue?.uppercased() ?? "GET") endpoint \(endpoint["path"]?.stringValue ?? "")"
        }
        if let interact = step["interact"] {
            let target = interact["button"]?.stringValue.map { "\"\($0)\"" } ?? interact["actionId"]?.stringValue ?? interact["viewId"]?.stringValue
                ?? interact["view"]?.stringValue.map { "\($0) view" } ?? ""
            return "\(interact["type"]?.stringValue ?? "interaction") \(target)\(actor)"
        }
        if let advance = step["advance"] { return "advance the clock by \(StepContext.text(advance))" }
        if step["settings"] != nil { return "change settings" }
        if let wait = step["wait"] { return "wait \(StepContext.text(wait)) ms" }
        return "step"
    }
}
