import AppsStorage
import AirlockApp
import AirlockCrypto
import AppFixtures
import AppsHost
import ChatCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
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

            // Realtime clients see the rewritten text: on the room stream for a REST send, and as the answer of a
            // DDP `sendMessage`.
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("admin", TestServer.adminPassword)
            ddp.send(["msg": "sub", "id": "room", "name": "stream-room-messages", "params": [.string(room), false]])
            _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == ["room"] }
            let modified = try await Self.send(api, "darn it", room: room, auth: admin)
            #expect(modified["message"]?["msg"] == "d**n it")
            let streamed = try await ddp.next(where: RealtimeTests.isChanged("stream-room-messages", room))
            #expect(streamed["fields"]?["args"]?.array?.first?["msg"] == "d**n it")
            let viaDDP = try await ddp.call("sendMessage", [["rid": .string(room), "msg": "darn DDP"]])
            #expect(viaDDP["result"]?["msg"] == "d**n DDP")
            let refusedViaDDP = try await ddp.call("sendMessage", [["rid": .string(room), "msg": "forbidden over DDP"]])
            #expect(refusedViaDDP["error"]?["error"] == "error-app-prevented-sending")

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
        try await TestServer.run(.live) { api, admin, server in
            let hooks = server.hooks
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "echoes"], auth: admin)["channel"]?["_id"]?.stringValue)

            #expect(try await Self.send(api, "!echo hello there", room: room, auth: admin).status == 200)
            let echoed = try await Self.history(api, room: room, auth: admin) { $0.contains("echo: hello there") }
            #expect(echoed.contains("echo: hello there"))
            let reply = try await api.get("/api/v1/channels.history?roomId=\(room)&count=1", auth: admin)["messages"]?.array?.first
            #expect(reply?["u"]?["username"] == "hooks.bot")

            // The updater and deleter act on people's messages as the app.
            #expect(try await Self.send(api, "!fix this text", room: room, auth: admin).status == 200)
            let fixed = try await Self.history(api, room: room, auth: admin) { $0.contains("this text (fixed by the app)") }
            #expect(fixed.contains("this text (fixed by the app)"))
            let tagged = try #require(try await Self.send(api, "!tag me", room: room, auth: admin)["message"]?["_id"]?.stringValue)
            var extended: JSONValue?
            for _ in 0..<100 {
                extended = try await api.get("/api/v1/chat.getMessage?msgId=\(tagged)", auth: admin)["message"]
                if extended?["attachments"] != nil { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(extended?["attachments"]?.array?.first?["text"] == "tag added later")
            #expect(extended?["customFields"]?["taggedBy"] == "hooks")
            #expect(try await Self.send(api, "!drop me", room: room, auth: admin).status == 200)
            let dropped = try await Self.history(api, room: room, auth: admin) { !$0.contains("!drop me") }
            #expect(!dropped.contains("!drop me"))

            // The app answers its own replies; the depth limit stops it after three levels, with an error logged.
            #expect(try await Self.send(api, "loop", room: room, auth: admin).status == 200)
            let looped = try await Self.history(api, room: room, auth: admin) { $0.filter { $0 == "loop again" }.count >= 3 }
            await hooks.idle()
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
            #expect(names == ["audit", "greet", "inspect", "remind", "ticker", "whisper"])
            #expect(listed["commands"]?.array?.last?["appId"] == .string(AppHooksTests.hooksId))

            let run = try await api.post("/api/v1/commands.run", ["command": "greet", "params": "nice  to meet you", "roomId": .string(room)], auth: bob)
            #expect(run.status == 200)
            let texts = try await AppHooksTests.history(api, room: room, auth: bob) { $0.contains("Hello, bob: nice to meet you") }
            #expect(texts.contains("Hello, bob: nice to meet you"))

            // notifyUser: an ephemeral message on the user's own realtime stream, never stored in the room.
            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("bob", "pw-bob")
            let bobId = try #require(try await api.get("/api/v1/users.info?username=bob", auth: admin)["user"]?["_id"]?.stringValue)
            ddp.send(["msg": "sub", "id": "w", "name": "stream-notify-user", "params": [.string("\(bobId)/message"), false]])
            _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == ["w"] }
            #expect(try await api.post("/api/v1/commands.run", ["command": "whisper", "roomId": .string(room)], auth: bob).status == 200)
            let whisper = try await ddp.next(where: RealtimeTests.isChanged("stream-notify-user", "\(bobId)/message"))
            #expect(whisper["fields"]?["args"]?.array?.first?["msg"] == "only for you")
            #expect(whisper["fields"]?["args"]?.array?.first?["u"]?["username"] == "hooks.bot")
            // The same command through DDP's `slashCommand` method.
            let viaDDP = try await ddp.call("slashCommand", [["cmd": "whisper", "params": "", "msg": ["rid": .string(room)]]])
            #expect(viaDDP["error"] == nil)
            _ = try await ddp.next(where: RealtimeTests.isChanged("stream-notify-user", "\(bobId)/message"))
            let unknown = try await ddp.call("slashCommand", [["cmd": "nope", "msg": ["rid": .string(room)]]])
            #expect(unknown["error"] != nil)

            // Previews: the previewer's items, then the picked one executed.
            let preview = try await api.get("/api/v1/commands.preview?command=greet&params=Hi%20There&roomId=\(room)", auth: bob)
            #expect(preview["preview"]?["items"]?.array?.compactMap { $0["value"]?.stringValue } == ["HI THERE", "hi there"])
            let picked = try await api.post(
                "/api/v1/commands.preview",
                ["command": "greet", "params": "Hi There", "roomId": .string(room), "previewItem": ["id": "loud", "type": "text", "value": "HI THERE"]],
                auth: bob)
            #expect(picked.status == 200)
            _ = try await AppHooksTests.history(api, room: room, auth: bob) { $0.contains("loud: HI THERE") }
            #expect(try await api.get("/api/v1/commands.preview?command=audit&roomId=\(room)", auth: admin).status == 400)

            // IRead's readers, and a reader the app was not granted (threads.read).
            #expect(try await api.post("/api/v1/commands.run", ["command": "inspect", "roomId": .string(room)], auth: bob).status == 200)
            let inspected = try await AppHooksTests.history(api, room: room, auth: bob) { $0.contains { $0.hasPrefix("room=") } }
            #expect(!inspected.contains("only for you"))
            #expect(inspected.contains("room=cmds/true me=bob bot=hooks.bot members=admin,bob last=loud: HI THERE thread=PermissionDeniedError"))

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

/// App HTTP endpoints: public and private URLs, raw body, params, query, headers, failures.
@Suite(.timeLimit(.minutes(2))) struct AppEndpointsTests {
    @Test func webhooksReachTheAppWithTheRawBody() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let id = AppHooksTests.hooksId
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "inbox"], auth: admin)["channel"]?["_id"]?.stringValue)

            // Byte-exact raw body: odd spacing and non-ASCII survive; the handler posts into the room.
            let raw = "{\"text\":  \"héllo from outside\" ,\n \"roomId\": \"\(room)\"}"
            var body = ByteBuffer(string: raw)
            let reply = try await api.send(.post, "/api/apps/public/\(id)/webhook/alerts?source=ci", body: body, contentType: "application/json", auth: nil)
            #expect(reply.status == 201)
            #expect(reply["rawContent"] == .string(raw))
            #expect(reply["rawSha256"] == .string(Encoding.hex(Crypto.sha256(raw))))
            #expect(reply["query"]?["source"] == "ci")
            #expect(reply["basePath"] == .string("/api/apps/public/\(id)"))
            let texts = try await AppHooksTests.history(api, room: room, auth: admin) { $0.contains("[alerts] héllo from outside") }
            #expect(texts.contains("[alerts] héllo from outside"))

            // Headers reach the app; a throwing handler is a 500 with its message, no stack.
            body = ByteBuffer(string: "{\"text\":\"signed\",\"roomId\":\"\(room)\"}")
            let signed = try await api.sendWithHeaders(
                .post, "/api/apps/public/\(id)/webhook/alerts", body: body, headers: ["Content-Type": "application/json", "X-Signature": "sha256=abc"])
            #expect(signed["signature"] == "sha256=abc")
            let broken = try await api.send(.get, "/api/apps/public/\(id)/webhook/alerts", body: nil, contentType: "text/plain", auth: nil)
            #expect(broken.status == 500)
            #expect(broken["error"]?.stringValue?.contains("GET is broken on purpose") == true)
            #expect(broken["error"]?.stringValue?.contains("at ") != true)

            // A body over the limit is refused before the app sees it.
            let huge = ByteBuffer(string: "{\"text\":\"" + String(repeating: "x", count: 200_000) + "\",\"roomId\":\"\(room)\"}")
            #expect(try await api.send(.post, "/api/apps/public/\(id)/webhook/alerts", body: huge, contentType: "application/json", auth: nil).status == 413)
            #expect(try await AppHooksTests.history(api, room: room, auth: admin) { _ in true }.contains { $0.hasPrefix("[alerts] xxx") } == false)

            // Unknown path, method not served, private endpoint on the public URL.
            #expect(try await api.send(.post, "/api/apps/public/\(id)/nothing", body: nil, contentType: "text/plain", auth: nil).status == 404)
            #expect(try await api.send(.put, "/api/apps/public/\(id)/webhook/x", body: nil, contentType: "text/plain", auth: nil).status == 405)
            #expect(try await api.send(.get, "/api/apps/public/\(id)/status", body: nil, contentType: "text/plain", auth: nil).status == 404)

            // Private: the hash from /apis works, a wrong one is 404; credentials, when sent, reach the app.
            let apis = try await api.get("/api/apps/\(id)/apis", auth: admin)["apis"]?.array ?? []
            let statusPath = try #require(apis.first { $0["path"] == "status" }?["computedPath"]?.stringValue)
            #expect(statusPath.hasPrefix("/api/apps/private/\(id)/"))
            let status = try await api.send(.get, statusPath, body: nil, contentType: "text/plain", auth: admin)
            #expect(status.status == 200 && status.json == "ok for admin")
            #expect(try await api.send(.get, statusPath, body: nil, contentType: "text/plain", auth: nil).json == "ok for anonymous")
            let wrong = statusPath.replacingOccurrences(of: "/status", with: "").dropLast(4) + "abcd/status"
            #expect(try await api.send(.get, String(wrong), body: nil, contentType: "text/plain", auth: nil).status == 404)

            // A disabled app's endpoints are gone.
            _ = try await api.post("/api/apps/\(id)/status", ["status": "manually_disabled"], auth: admin)
            #expect(try await api.send(.get, statusPath, body: nil, contentType: "text/plain", auth: nil).status == 404)
        }
    }
}

/// IPersistence through an app endpoint: create with associations, read, update (and upsert), remove.
@Suite(.timeLimit(.minutes(2))) struct AppPersistenceTests {
    @Test func appsKeepRecordsByIdAndAssociations() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            func notes(_ body: JSONValue) async throws -> Reply {
                try await api.call(.post, "/api/apps/public/\(AppHooksTests.hooksId)/notes", json: body, auth: nil)
            }
            let first = try #require(try await notes(["op": "create", "data": ["text": "first"]])["id"]?.stringValue)
            _ = try await notes(["op": "create", "room": "r2", "data": ["text": "elsewhere"]])
            #expect(try await notes(["op": "read", "id": .string(first)])["data"] == ["text": "first"])
            #expect(try await notes(["op": "byRoom"])["data"] == [["text": "first"]])
            #expect(try await notes(["op": "byRoomAndNotes", "room": "r2"])["data"] == [["text": "elsewhere"]])

            #expect(try await notes(["op": "update", "id": .string(first), "data": ["text": "edited"]])["id"] == .string(first))
            #expect(try await notes(["op": "read", "id": .string(first)])["data"] == ["text": "edited"])
            #expect(try await notes(["op": "update", "id": "missing", "data": ["text": "x"]]).status == 500)
            #expect(try await notes(["op": "update", "id": "made-by-upsert", "data": ["n": 1], "upsert": true])["id"] == "made-by-upsert")
            #expect(try await notes(["op": "read", "id": "made-by-upsert"])["data"] == ["n": 1])
            _ = try await notes(["op": "updateByRoom", "room": "r3", "data": ["text": "upserted by room"], "upsert": true])
            #expect(try await notes(["op": "byRoom", "room": "r3"])["data"] == [["text": "upserted by room"]])

            #expect(try await notes(["op": "remove", "id": .string(first)])["data"] == ["text": "edited"])
            #expect(try await notes(["op": "read", "id": .string(first)])["data"] == .null)
            #expect(try await notes(["op": "removeByRoom", "room": "r2"])["data"] == [["text": "elsewhere"]])
            #expect(try await notes(["op": "bad"])["error"] == "TypeError: Persisted data must be an object")
        }
    }
}

/// The other event families: edits, deletes, rooms and membership.
@Suite(.timeLimit(.minutes(2))) struct AppEventFamiliesTests {
    @Test func editsDeletesRoomsAndMembershipReachApps() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let (malloryId, _) = try await api.makeUser("mallory", admin: admin)

            let blocked = try await api.post("/api/v1/channels.create", ["name": "blocked-room"], auth: admin)
            #expect(blocked.status == 400 && blocked["errorType"] == "error-app-prevented")

            let lobby = try #require(try await api.post("/api/v1/channels.create", ["name": "welcome-lobby"], auth: admin)["channel"]?["_id"]?.stringValue)
            let texts = try await AppHooksTests.history(api, room: lobby, auth: admin) { $0.contains("welcome to #welcome-lobby") }
            #expect(texts.contains("welcome to #welcome-lobby"))

            let kept = try #require(try await AppHooksTests.send(api, "keep this one", room: lobby, auth: admin)["message"]?["_id"]?.stringValue)
            let deleting = try await api.post("/api/v1/chat.delete", ["roomId": .string(lobby), "msgId": .string(kept)], auth: admin)
            #expect(deleting.status == 400 && deleting["errorType"] == "error-app-prevented-deleting")

            let edited = try await api.post("/api/v1/chat.update", ["roomId": .string(lobby), "msgId": .string(kept), "text": "darn edit"], auth: admin)
            #expect(edited["message"]?["msg"] == "d**n edit")

            let invite = try await api.post("/api/v1/channels.invite", ["roomId": .string(lobby), "userId": .string(malloryId)], auth: admin)
            #expect(invite.status == 400 && invite["error"]?.stringValue?.contains("mallory is not welcome here") == true)
        }
    }

    /// An edit shows the app the message's author as `sender` and who edited it as `editor`.
    @Test func editsShowTheAuthorAndTheEditorApart() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "edits", "members": ["bob"]], auth: admin)["channel"]?["_id"]?.stringValue)
            let mid = try #require(try await AppHooksTests.send(api, "a typo", room: room, auth: bob)["message"]?["_id"]?.stringValue)
            let edited = try await api.post("/api/v1/chat.update", ["roomId": .string(room), "msgId": .string(mid), "text": "who?"], auth: admin)
            #expect(edited["message"]?["msg"] == "sender=bob editor=admin", "\(edited.json)")
        }
    }

    /// Refusals are recognised by class (`instanceof AppsEngineException`), not by an error's name.
    @Test func refusalsAreAppsEngineExceptionsByClass() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "refusals"], auth: admin)["channel"]?["_id"]?.stringValue)
            let own = try await AppHooksTests.send(api, "my own refusal", room: room, auth: admin)
            #expect(own.status == 400 && own["errorType"] == "error-app-prevented" && own["error"]?.stringValue?.hasPrefix("Not today") == true, "\(own.json)")
            // An Error that only calls itself AppsEngineException is a failure: the hook fails open.
            #expect(try await AppHooksTests.send(api, "a fake refusal", room: room, auth: admin).status == 200)
            let log = try await api.appLog(AppHooksTests.hooksId, auth: admin)
            #expect(log.contains { $0.contains("executePreMessageSentPrevent failed: AppsEngineException: only pretends") }, "\(log)")
        }
    }
}

/// Rooms: pre-create extend and modify handlers, and rooms an app creates, changes, extends and deletes.
@Suite(.timeLimit(.minutes(2))) struct AppRoomsTests {
    @Test func appsShapeAndManageRooms() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            _ = try await api.makeUser("buddy", admin: admin)
            func info(_ id: String) async throws -> Reply { try await api.get("/api/v1/channels.info?roomId=\(id)", auth: admin) }
            func members(_ id: String) async throws -> [String] {
                (try await api.get("/api/v1/channels.members?roomId=\(id)", auth: admin)["members"]?.array ?? []).compactMap { $0["username"]?.stringValue }.sorted()
            }

            // Extend: a custom field and a member; modify: read-only and a custom field. Both shown by the REST API.
            let team = try await api.post("/api/v1/channels.create", ["name": "team-red"], auth: admin)
            #expect(team.status == 200 && team["channel"]?["customFields"] == ["team": true])
            let teamId = try #require(team["channel"]?["_id"]?.stringValue)
            #expect(try await members(teamId) == ["admin", "buddy"])
            #expect(try await info(teamId)["channel"]?["usersCount"] == 2)
            let news = try await api.post("/api/v1/channels.create", ["name": "ro-news"], auth: admin)
            #expect(news["channel"]?["ro"] == true && news["channel"]?["customFields"] == ["modified": true])
            #expect(try await api.post("/api/v1/channels.create", ["name": "plain"], auth: admin)["channel"]?["customFields"] == nil)

            // IModify: the app creates a room (its bot is the owner), changes it, extends it, deletes it.
            func rooms(_ body: JSONValue) async throws -> Reply {
                try await api.call(.post, "/api/apps/public/\(AppHooksTests.hooksId)/rooms", json: body, auth: nil)
            }
            let made = try #require(try await rooms(["op": "create", "name": "app-made", "members": ["buddy"]])["id"]?.stringValue)
            let created = try await info(made)
            #expect(created["channel"]?["u"]?["username"] == "hooks.bot" && created["channel"]?["customFields"] == ["createdBy": "hooks"])
            #expect(try await members(made) == ["buddy", "hooks.bot"])
            #expect(try await rooms(["op": "update", "id": .string(made), "readOnly": true])["error"] == nil)
            #expect(try await info(made)["channel"]?["ro"] == true)
            #expect(try await info(made)["channel"]?["description"] == "changed by an app")
            #expect(try await rooms(["op": "extend", "id": .string(made), "field": "x", "value": "y", "member": "admin"])["error"] == nil)
            #expect(try await info(made)["channel"]?["customFields"] == ["createdBy": "hooks", "x": "y"])
            #expect(try await members(made) == ["admin", "buddy", "hooks.bot"])
            #expect(try await rooms(["op": "extend", "id": .string(made), "field": "x", "value": "z"])["error"] == "The room already contains a custom field by the key: x")
            // An unknown member refuses the whole change: the custom field is not stored either.
            #expect(try await rooms(["op": "extend", "id": .string(made), "field": "y", "value": "z", "member": "nobody"])["error"] == "Invalid user: nobody")
            #expect(try await info(made)["channel"]?["customFields"] == ["createdBy": "hooks", "x": "y"])
            #expect(try await rooms(["op": "create", "name": "bad name!"])["error"] == "bad name! is not a valid room name")
            #expect(try await rooms(["op": "create", "name": "ghosts", "members": ["nobody"]])["error"] == "Invalid user: nobody")
            // A direct room needs no name: Rocket.Chat's id (the two user ids, sorted), found again by its members.
            let direct = try #require(try await rooms(["op": "direct", "members": ["buddy"]])["id"]?.stringValue)
            let buddyId = try #require(try await api.get("/api/v1/users.info?username=buddy", auth: admin)["user"]?["_id"]?.stringValue)
            let botId = try #require(try await api.get("/api/v1/users.info?username=hooks.bot", auth: admin)["user"]?["_id"]?.stringValue)
            #expect(direct == [buddyId, botId].sorted().joined())
            #expect(try await rooms(["op": "direct", "members": ["buddy"]])["id"]?.stringValue == direct)
            // Readers of room roles, built-in roles and unread counts; raw fields an app hands over (_unmappedProperties_).
            let buddy = try #require(try await api.get("/api/v1/users.info?username=buddy", auth: admin)["user"]?["_id"]?.stringValue)
            _ = try await api.post("/api/v1/chat.postMessage", ["roomId": .string(made), "text": "unread by buddy"], auth: admin)
            let roles = try await rooms(["op": "roles", "id": .string(made), "userId": .string(buddy)])
            #expect(roles["owners"] == ["hooks.bot"] && roles["moderators"] == [] && roles["leaders"] == [], "\(roles)")
            #expect(roles["role"]?["scope"] == "Subscriptions" && roles["role"]?["id"] == "moderator" && roles["unknownRole"] == .null)
            // Unread for buddy: admin's join (a system message) and admin's text, newest first.
            #expect(roles["unread"] == 2 && roles["unreadTexts"] == ["unread by buddy", "admin"], "\(roles)")
            let unmapped = try #require(try await rooms(["op": "unmapped", "id": .string(made)])["id"]?.stringValue)
            let stored = try await api.get("/api/v1/chat.getMessage?msgId=\(unmapped)", auth: admin)["message"]
            #expect(stored?["msg"] == "mapped text" && stored?["alias"] == "raw alias" && stored?["customFields"] == ["raw": true], "\(String(describing: stored))")
            // IMessageUpdater reacts as the user the app names; IModifyDeleter removes members as the app.
            #expect(try await rooms(["op": "react", "field": .string(unmapped), "userId": .string(buddy), "value": ":tada:"])["error"] == nil)
            let reacted = try await api.get("/api/v1/chat.getMessage?msgId=\(unmapped)", auth: admin)["message"]
            #expect(reacted?["reactions"]?[":tada:"]?["usernames"] == ["buddy"], "\(String(describing: reacted))")
            #expect(try await rooms(["op": "remove", "id": .string(made), "members": ["buddy"]])["error"] == nil)
            #expect(try await members(made) == ["admin", "hooks.bot"])
            #expect(try await rooms(["op": "delete", "id": .string(made)])["error"] == nil)
            #expect(try await info(made).status == 400)
            #expect(try await rooms(["op": "delete", "id": .string(made)])["error"] != nil)
        }
    }
}

/// The failure policy: handlers that keep running out of budget get their app stopped; the chat goes on.
@Suite(.timeLimit(.minutes(2))) struct AppFailurePolicyTests {
    @Test func threeTimeoutsInARowDisableTheApp() async throws {
        try await TestServer.run(.live) { api, admin in
            let source = try #require(AppFixtures.files("hooks")["HooksApp.js"]).string.replacingOccurrences(
                of: "if (message.text.includes('forbidden')) return true;",
                with: "if (message.text.includes('spin')) { while (true) {} }\n    if (message.text.includes('forbidden')) return true;")
            _ = try await api.upload(zip: try AppFixtures.zip("hooks", patch: ["HooksApp.js": source]), auth: admin)
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "spinning"], auth: admin)["channel"]?["_id"]?.stringValue)
            for i in 1...3 {
                // Each send fails open after the pre-hook CPU budget (250 ms).
                #expect(try await AppHooksTests.send(api, "spin \(i)", room: room, auth: admin).status == 200)
            }
            var app: JSONValue?
            for _ in 0..<50 {
                app = try await api.get("/api/apps/\(AppHooksTests.hooksId)", auth: admin)["app"]
                if app?["status"] == "error_disabled" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(app?["status"] == "error_disabled")
            #expect(app?["statusReason"]?.stringValue?.contains("3 timeouts in a row") == true)
            #expect(app?["stats"]?["executePreMessageSentPrevent"]?["timeouts"] == 3)
            // Stopped: its hooks no longer run.
            #expect(try await AppHooksTests.send(api, "forbidden words now pass", room: room, auth: admin).status == 200)
            #expect(try await AppHooksTests.send(api, "darn", room: room, auth: admin)["message"]?["msg"] == "darn")
        }
    }
}

/// `essentials`: an app's essential events are refused while it is not enabled, and when it fails on them.
@Suite(.timeLimit(.minutes(2))) struct AppEssentialsTests {
    @Test func essentialEventsStopWithTheApp() async throws {
        try await TestServer.run(.live) { api, admin in
            let manifest = try #require(AppFixtures.files("hooks")["app.json"]).string.replacingOccurrences(
                of: "\"classFile\"", with: "\"essentials\": [\"IPreMessageSentModify\"],\n  \"classFile\"")
            let source = try #require(AppFixtures.files("hooks")["HooksApp.js"]).string.replacingOccurrences(
                of: "async executePreMessageSentModify(message, builder) {",
                with: "async executePreMessageSentModify(message, builder) {\n    if (message.text.includes('boom')) throw new Error('modify exploded');")
            _ = try await api.upload(zip: try AppFixtures.zip("hooks", patch: ["app.json": manifest, "HooksApp.js": source]), auth: admin)
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "essential"], auth: admin)["channel"]?["_id"]?.stringValue)

            #expect(try await AppHooksTests.send(api, "darn fine", room: room, auth: admin)["message"]?["msg"] == "d**n fine")
            // A failure of the essential app on its event refuses the event (instead of failing open).
            let failed = try await AppHooksTests.send(api, "boom", room: room, auth: admin)
            #expect(failed.status == 400 && failed["errorType"] == "error-app-essential-failed")

            // Disabled: nobody can send messages until it is back.
            _ = try await api.post("/api/apps/\(AppHooksTests.hooksId)/status", ["status": "manually_disabled"], auth: admin)
            let refused = try await AppHooksTests.send(api, "hello?", room: room, auth: admin)
            #expect(refused.status == 400 && refused["errorType"] == "error-app-essential-disabled")
            _ = try await api.post("/api/apps/\(AppHooksTests.hooksId)/status", ["status": "manually_enabled"], auth: admin)
            #expect(try await AppHooksTests.send(api, "hello again", room: room, auth: admin).status == 200)

            // Uninstalled: the lock goes with it.
            _ = try await api.call(.delete, "/api/apps/\(AppHooksTests.hooksId)", auth: admin)
            #expect(try await AppHooksTests.send(api, "free", room: room, auth: admin).status == 200)
        }
    }
}

/// The scheduler: one-time and recurring jobs of an app's processors, cancelled on request.
@Suite(.timeLimit(.minutes(2))) struct AppSchedulerTests {
    @Test func jobsFireAndStop() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "jobs"], auth: admin)["channel"]?["_id"]?.stringValue)
            #expect(try await api.post("/api/v1/commands.run", ["command": "remind", "params": "stretch", "roomId": .string(room)], auth: admin).status == 200)
            let bogus = try await api.post("/api/v1/commands.run", ["command": "ticker", "params": "bogus", "roomId": .string(room)], auth: admin)
            #expect(bogus.status == 400 && bogus["error"]?.stringValue?.contains("Invalid \"interval\"") == true)
            #expect(try await api.post("/api/v1/commands.run", ["command": "ticker", "params": "start", "roomId": .string(room)], auth: admin).status == 200)
            let fired = try await AppHooksTests.history(api, room: room, auth: admin) {
                $0.contains("once: stretch") && $0.filter { $0 == "tick" }.count >= 2
            }
            #expect(fired.contains("once: stretch"))
            #expect(fired.filter { $0 == "tick" }.count >= 2)
            #expect(try await api.post("/api/v1/commands.run", ["command": "ticker", "params": "stop", "roomId": .string(room)], auth: admin).status == 200)
            let stopped = try await AppHooksTests.history(api, room: room, auth: admin) { _ in true }.filter { $0 == "tick" }.count
            try await Task.sleep(for: .milliseconds(2_500))
            let later = try await AppHooksTests.history(api, room: room, auth: admin) { _ in true }
            #expect(later.filter { $0 == "tick" }.count <= stopped + 1)  // at most one run was already under way
            #expect(later.filter { $0 == "once: stretch" }.count == 1)
        }
    }

    @Test func pendingJobsSurviveARestart() async throws {
        let configuration = TestServer.configuration()
        defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
        let room = SendableBox<String>()
        try await TestServer.run(.live, configuration: configuration, keepData: true) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let id = try #require(try await api.post("/api/v1/channels.create", ["name": "later"], auth: admin)["channel"]?["_id"]?.stringValue)
            room.set(id)
            #expect(try await api.post("/api/v1/commands.run", ["command": "remind", "params": "after restart", "roomId": .string(id)], auth: admin).status == 200)
            // Due in a second: the server stops before it fires.
            #expect(try await AppHooksTests.history(api, room: id, auth: admin) { _ in true }.contains("once: after restart") == false)
        }
        try await TestServer.run(.live, configuration: configuration, keepData: true) { api, admin in
            let id = try #require(room.get())
            let texts = try await AppHooksTests.history(api, room: id, auth: admin) { $0.contains("once: after restart") }
            #expect(texts.filter { $0 == "once: after restart" }.count == 1)
        }
    }
}

/// A value handed from one test closure to the next.
final class SendableBox<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    func set(_ newValue: Value) { value.withLock { $0 = newValue } }
    func get() -> Value? { value.withLock { $0 } }
}

/// UIKit: block action → modal (answered and pushed over DDP), view submit with errors and with a value, buttons.
@Suite(.timeLimit(.minutes(2))) struct AppUIKitTests {
    @Test func blockActionsAndViewSubmitsRoundTrip() async throws {
        try await TestServer.run(.live) { api, admin in
            _ = try await api.upload(zip: try AppFixtures.zip("hooks"), auth: admin)
            let id = AppHooksTests.hooksId
            let room = try #require(try await api.post("/api/v1/channels.create", ["name": "forms"], auth: admin)["channel"]?["_id"]?.stringValue)

            let buttons = try await api.get("/api/apps/actionButtons", auth: admin)
            #expect(buttons.json.array?.first?["actionId"] == "open-form" && buttons.json.array?.first?["appId"] == .string(id))

            let ddp = DDPClient(port: try #require(api.client.port))
            defer { ddp.close() }
            _ = try await ddp.login("admin", TestServer.adminPassword)
            ddp.send(["msg": "sub", "id": "ui", "name": "stream-notify-user", "params": [.string("\(admin.userId)/uiInteraction"), false]])
            _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == ["ui"] }

            let opened = try await api.post(
                "/api/apps/ui.interaction/\(id)",
                ["type": "blockAction", "actionId": "open-form", "triggerId": "t1", "rid": .string(room), "payload": ["blockId": "b", "value": "x"],
                 "container": ["type": "message", "id": .string(room)]], auth: admin)
            #expect(opened.status == 200 && opened["type"] == "modal.open" && opened["view"]?["id"] == "form" && opened["triggerId"] == "t1")
            let pushed = try await ddp.next(where: RealtimeTests.isChanged("stream-notify-user", "\(admin.userId)/uiInteraction"))
            #expect(pushed["fields"]?["args"]?.array?.first?["type"] == "modal.open")

            // IUIController and INotifier.typing from a handler: typing starts and stops in the room, a contextual bar
            // built with BlockBuilder and view errors reach the user's stream.
            ddp.send(["msg": "sub", "id": "activity", "name": "stream-notify-room", "params": [.string("\(room)/user-activity"), false]])
            _ = try await ddp.next { $0["msg"] == "ready" && $0["subs"] == ["activity"] }
            let progress = try await api.post(
                "/api/apps/ui.interaction/\(id)", ["type": "blockAction", "actionId": "show-progress", "triggerId": "t9", "rid": .string(room)], auth: admin)
            #expect(progress["success"] == true)
            let typing = try await ddp.next(where: RealtimeTests.isChanged("stream-notify-room", "\(room)/user-activity"))
            #expect(typing["fields"]?["args"] == ["hooks.bot", ["user-typing"], [:]])
            let bar = try await ddp.next(where: RealtimeTests.isChanged("stream-notify-user", "\(admin.userId)/uiInteraction"))
            let barArgs = try #require(bar["fields"]?["args"]?.array?.first)
            #expect(barArgs["type"] == "contextual_bar.open" && barArgs["triggerId"] == "t9" && barArgs["appId"] == .string(id))
            #expect(barArgs["view"]?["type"] == "contextualBar" && barArgs["view"]?["id"]?.stringValue?.isEmpty == false)
            let section = try #require(barArgs["view"]?["blocks"]?.array?.first)
            #expect(section["type"] == "section" && section["appId"] == .string(id) && section["text"] == ["type": "mrkdwn", "text": "*Working*"])
            #expect(section["blockId"]?.stringValue?.isEmpty == false && section["accessory"]?["actionId"]?.stringValue?.isEmpty == false)
            let errors = try await ddp.next(where: RealtimeTests.isChanged("stream-notify-user", "\(admin.userId)/uiInteraction"))
            #expect(errors["fields"]?["args"]?.array?.first?["errors"] == ["answer": "Too late"])
            let stopped = try await ddp.next(where: RealtimeTests.isChanged("stream-notify-room", "\(room)/user-activity"))
            #expect(stopped["fields"]?["args"] == ["hooks.bot", [], [:]])
            // Bad targets are errors the handler catches (it logs them): no room to type in, no user to show a view to.
            let log = try await api.appLog(id, auth: admin)
            #expect(log.contains("executeBlockActionHandler: typing: typing needs an existing room id"))
            #expect(log.contains("executeBlockActionHandler: view: The view needs an existing user"))

            let missing = try await api.post(
                "/api/apps/ui.interaction/\(id)",
                ["type": "viewSubmit", "triggerId": "t2", "payload": ["view": ["id": "form", "roomId": .string(room), "state": ["answer": ["text": ""]]]]],
                auth: admin)
            #expect(missing["type"] == "errors" && missing["errors"]?["answer"] == "Required")

            let submitted = try await api.post(
                "/api/apps/ui.interaction/\(id)",
                ["type": "viewSubmit", "triggerId": "t3", "payload": ["view": ["id": "form", "roomId": .string(room), "state": ["answer": ["text": "blue"]]]]],
                auth: admin)
            #expect(submitted["success"] == true)
            let texts = try await AppHooksTests.history(api, room: room, auth: admin) { $0.contains("admin answered: blue") }
            #expect(texts.contains("admin answered: blue"))

            // An action button: the client's payload.context arrives as buttonContext, its message as text.
            let pressed = try await api.post(
                "/api/apps/ui.interaction/\(id)",
                ["type": "actionButton", "actionId": "open-form", "triggerId": "t4", "rid": .string(room),
                 "payload": ["context": "messageBoxAction", "message": "draft text"]], auth: admin)
            #expect(pressed["success"] == true)
            #expect(try await api.appLog(id, auth: admin).contains(#"executeActionButtonHandler: button open-form in messageBoxAction of forms with "draft text""#))

            // Unknown type, an app that is not there, no credentials.
            #expect(try await api.post("/api/apps/ui.interaction/\(id)", ["type": "dance"], auth: admin).status == 400)
            #expect(try await api.post("/api/apps/ui.interaction/nope", ["type": "blockAction"], auth: admin).status == 404)
            #expect(try await api.post("/api/apps/ui.interaction/\(id)", ["type": "blockAction"], auth: nil).status == 401)
        }
    }
}
