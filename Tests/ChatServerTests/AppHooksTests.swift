import AppFixtures
import ChatCore
import Foundation
import HummingbirdTesting
import Testing

/// Message hooks end to end: a fixture app installed over REST on a live server, messages sent over REST.
@Suite(.timeLimit(.minutes(2))) struct AppHooksTests {
    static let hooksId = "7a4e2c1b-9d8f-4e6a-b3c5-1f2e3d4c5b6a"
    static let helloId = "6f1c6a55-2b3f-4a0e-9c49-1f0f6f3b9a10"

    /// Sends `text` to the room; answers the reply.
    static func send(_ api: TestAPI, _ text: String, room: String, auth: Auth) async throws -> Reply {
        try await api.post("/api/v1/chat.postMessage", ["roomId": .string(room), "text": .string(text)], auth: auth)
    }

    /// The room's message texts, oldest first, once `condition` holds (post hooks run asynchronously).
    static func history(
        _ api: TestAPI, room: String, auth: Auth, prefix: String = "channels", until condition: ([String]) -> Bool
    ) async throws -> [String] {
        var texts: [String] = []
        for _ in 0..<100 {
            let reply = try await api.get("/api/v1/\(prefix).history?roomId=\(room)&count=100", auth: auth)
            texts = (reply["messages"]?.array ?? []).compactMap { $0["msg"]?.stringValue }.reversed()
            if condition(texts) { return texts }
            try await Task.sleep(for: .milliseconds(50))
        }
        return texts
    }

    @Test func preHooksPreventExtendAndModifyMessages() async throws {
        try await TestServer.run(.live) { api, admin in
            #expect(try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)["app"]?["status"] == "manually_enabled")
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "hooked"], auth: admin)["channel"]?["_id"]?.stringValue)

            let prevented = try await Self.send(api, "this is forbidden", room: room, auth: admin)
            #expect(prevented.status == 400)
            #expect(prevented["errorType"] == "error-app-prevented-sending")

            let refused = try await Self.send(api, "that is not allowed", room: room, auth: admin)
            #expect(refused.status == 400)
            #expect(refused["error"]?.stringValue?.contains("You may not say that here") == true)

            // The optional check handler answering false skips the app's prevent handler.
            #expect(try await Self.send(api, "skip-checks: forbidden words pass", room: room, auth: admin).status == 200)

            let modified = try await Self.send(api, "darn it", room: room, auth: admin)
            #expect(modified["message"]?["msg"] == "d**n it")

            let extended = try await Self.send(api, "please attach something", room: room, auth: admin)
            #expect(extended["message"]?["attachments"]?.array?.first?["text"] == "added by the hooks app")

            // A handler that throws fails open: the message goes through, the failure is in the app's log and stats.
            #expect(try await Self.send(api, "crash the handler", room: room, auth: admin).status == 200)
            let errors = try await api.appLog(Self.hooksId, auth: admin, query: "&logLevel=0")
            #expect(errors.contains { $0.hasPrefix("executePreMessageSentPrevent: executePreMessageSentPrevent failed") && $0.contains("crashed") })
            let stats = try await api.get("/api/apps/\(Self.hooksId)", auth: admin)["app"]?["stats"]
            #expect(stats?["executePreMessageSentPrevent"]?["failures"] == 1)
            #expect((stats?["executePreMessageSentModify"]?["count"]?.int ?? 0) >= 4)

            // Stored as modified; refused messages were never stored.
            let texts = try await Self.history(api, room: room, auth: admin) { _ in true }
            #expect(texts.contains("d**n it") && !texts.contains { $0.contains("forbidden") && !$0.hasPrefix("skip-checks") })

            // Disabled: the hooks stop.
            _ = try await api.post("/api/apps/\(Self.hooksId)/status", ["status": "manually_disabled"], auth: admin)
            #expect(try await Self.send(api, "darn again", room: room, auth: admin)["message"]?["msg"] == "darn again")
            #expect(try await Self.send(api, "forbidden now allowed", room: room, auth: admin).status == 200)
        }
    }

    @Test func postHooksReplyAndTheDepthLimitEndsLoops() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "echoes"], auth: admin)["channel"]?["_id"]?.stringValue)

            #expect(try await Self.send(api, "!echo hello there", room: room, auth: admin).status == 200)
            let echoed = try await Self.history(api, room: room, auth: admin) { $0.contains("echo: hello there") }
            #expect(echoed.contains("echo: hello there"))
            let reply = try await api.get("/api/v1/channels.history?roomId=\(room)&count=1", auth: admin)["messages"]?.array?.first
            #expect(reply?["u"]?["username"] == "hooks.bot")

            // The app answers its own replies; the depth limit stops it after three levels, with an error logged.
            #expect(try await Self.send(api, "loop", room: room, auth: admin).status == 200)
            let looped = try await Self.history(api, room: room, auth: admin) { $0.filter { $0 == "loop again" }.count >= 3 }
            try await Task.sleep(for: .milliseconds(300))
            let settled = try await Self.history(api, room: room, auth: admin) { _ in true }
            #expect(looped.filter { $0 == "loop again" }.count == 3)
            #expect(settled.filter { $0 == "loop again" }.count == 3)
            let errors = try await api.appLog(Self.hooksId, auth: admin, query: "&logLevel=0")
            #expect(errors.contains { $0.contains("Hook depth limit") })
        }
    }

    @Test func directMessagesToTheAppBotReachIt() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let (_, alice) = try await api.makeUser("alice", admin: admin)
            let dm = try #require(try await api.post("/api/v1/im.create", ["username": "hooks.bot"], auth: alice)["room"]?["_id"]?.stringValue)
            #expect(try await Self.send(api, "hi bot", room: dm, auth: alice).status == 200)
            let texts = try await Self.history(api, room: dm, auth: alice, prefix: "im") { $0.contains("bot got: hi bot") }
            #expect(texts == ["hi bot", "bot got: hi bot"])
        }
    }
}

/// Slash commands provided by apps: listed, run with a context, permission-checked, gone with the app.
@Suite(.timeLimit(.minutes(2))) struct AppCommandsTests {
    @Test func commandsAreListedRunAndRemovedWithTheApp() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "cmds", "members": ["bob"]], auth: admin)["channel"]?["_id"]?.stringValue)

            let listed = try await api.get("/api/v1/commands.list", auth: bob)
            let names = listed["commands"]?.array?.compactMap { $0["command"]?.stringValue }
            #expect(names == ["audit", "greet"])
            #expect(listed["commands"]?.array?.last?["appId"] == .string(AppHooksTests.hooksId))

            let run = try await api.post("/api/v1/commands.run", ["command": "greet", "params": "nice  to meet you", "roomId": .string(room)], auth: bob)
            #expect(run.status == 200)
            let texts = try await AppHooksTests.history(api, room: room, auth: bob) { $0.contains("Hello, bob: nice to meet you") }
            #expect(texts.contains("Hello, bob: nice to meet you"))

            // The command's own permission, an unknown command, a room the caller is not in, a failing executor.
            #expect(try await api.post("/api/v1/commands.run", ["command": "audit", "roomId": .string(room)], auth: bob).status == 403)
            let failed = try await api.post("/api/v1/commands.run", ["command": "audit", "roomId": .string(room)], auth: admin)
            #expect(failed.status == 400 && failed["error"]?.stringValue?.contains("audit is not implemented") == true)
            #expect(try await api.post("/api/v1/commands.run", ["command": "nope", "roomId": .string(room)], auth: bob).status == 400)
            let other = try #require(try await api.post("/api/v1/channels.create", ["name": "closed"], auth: admin)["channel"]?["_id"]?.stringValue)
            #expect(try await api.post("/api/v1/commands.run", ["command": "greet", "roomId": .string(other)], auth: bob).status == 400)

            // A second app cannot take a name already provided; a disabled app's commands disappear.
            let hello = try await api.upload(
                zip: try AppFixtures.zip("hello", patch: ["HelloApp.js": try #require(AppFixtures.files("hello")["HelloApp.js"]).string
                    .replacingOccurrences(of: "command: \"hello\"", with: "command: \"greet\"")]), auth: admin)
            #expect(hello["app"]?["status"] == "manually_enabled")
            let log = try await api.appLog(AppHooksTests.helloId, auth: admin, query: "&logLevel=0")
            #expect(log.contains { $0.contains("The command /greet is already provided") })
            _ = try await api.post("/api/apps/\(AppHooksTests.hooksId)/status", ["status": "manually_disabled"], auth: admin)
            #expect(try await api.get("/api/v1/commands.list", auth: bob)["commands"] == [])
            #expect(try await api.post("/api/v1/commands.run", ["command": "greet", "roomId": .string(room)], auth: bob).status == 400)
        }
    }
}
