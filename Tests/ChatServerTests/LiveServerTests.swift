import ChatCore
import HTTPTypes
import HummingbirdTesting
import Testing

/// The whole stack over real sockets: a server on 127.0.0.1, port 0.
@Suite struct LiveServerTests {
    @Test func infoLoginAndPostOverTCP() async throws {
        try await TestServer.run(.live) { api, admin in
            let info = try await api.get("/api/info", auth: nil)
            #expect(info["success"] == .bool(true))
            #expect(info["airlock"]?["version"] != nil)
            let channel = try await api.post("/api/v1/channels.create", ["name": "live"], auth: admin)
            let rid = try #require(channel["channel"]?["_id"])
            let posted = try await api.post("/api/v1/chat.postMessage", ["roomId": rid, "text": "over tcp"], auth: admin)
            #expect(posted["message"]?["msg"] == "over tcp")
        }
    }

    @Test func dataSurvivesRestart() async throws {
        let configuration = TestServer.configuration()
        try await TestServer.run(.live, configuration: configuration, keepData: true) { api, admin in
            let channel = try await api.post("/api/v1/channels.create", ["name": "durable"], auth: admin)
            let rid = try #require(channel["channel"]?["_id"])
            _ = try await api.post("/api/v1/chat.postMessage", ["roomId": rid, "text": "still here"], auth: admin)
        }
        // Same data directory, new process state: the admin is not re-created and the data is back.
        try await TestServer.run(.live, configuration: configuration) { api, admin in
            let history = try await api.get("/api/v1/channels.history?roomName=durable", auth: admin)
            #expect(history["messages"]?.array?.first?["msg"] == "still here")
            let users = try await api.get("/api/v1/users.list", auth: admin)
            #expect(users["total"]?.int == 1)
        }
    }
}
