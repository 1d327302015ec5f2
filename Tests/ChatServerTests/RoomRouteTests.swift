import ChatCore
import HTTPTypes
import HummingbirdTesting
import Testing

/// Rooms, memberships, paging and subscriptions through the REST routes.
@Suite struct RoomRouteTests {
    @Test func paginationEchoesOffsetCapsCountAndEndsEmpty() async throws {
        try await TestServer.run { api, admin in
            for i in 0..<5 { _ = try await api.post("/api/v1/channels.create", ["name": .string("room-\(i)")], auth: admin) }
            let first = try await api.get("/api/v1/channels.list?offset=1&count=2", auth: admin)
            #expect(first["count"]?.int == 2)
            #expect(first["offset"]?.int == 1)
            #expect(first["total"]?.int == 5)
            #expect(first["channels"]?.array?.compactMap { $0["name"]?.stringValue } == ["room-1", "room-2"])
            let past = try await api.get("/api/v1/channels.list?offset=50", auth: admin)
            #expect(past["channels"]?.array?.isEmpty == true)
            #expect(past["count"]?.int == 0)
            let capped = try await api.get("/api/v1/channels.list?count=1000", auth: admin)
            #expect(capped.status == 200)
            let sorted = try await api.get("/api/v1/channels.list?sort=%7B%22name%22%3A-1%7D&count=1", auth: admin)
            #expect(sorted["channels"]?.array?.first?["name"] == "room-4")
            let badSort = try await api.get("/api/v1/channels.list?sort=nope", auth: admin)
            #expect(badSort["errorType"] == "error-invalid-params")
            let badOffset = try await api.get("/api/v1/channels.list?offset=-3", auth: admin)
            #expect(badOffset["errorType"] == "error-invalid-params")
        }
    }

    @Test func joinLeaveInviteKick() async throws {
        try await TestServer.run { api, admin in
            let (bobId, bob) = try await api.makeUser("bob", admin: admin)
            let (carolId, carol) = try await api.makeUser("carol", admin: admin)
            let channel = try await api.post("/api/v1/channels.create", ["name": "club"], auth: admin)
            let rid = try #require(channel["channel"]?["_id"])
            let joined = try await api.post("/api/v1/channels.join", ["roomId": rid], auth: bob)
            #expect(joined["channel"]?["usersCount"]?.int == 2)
            // A plain member may not invite or kick.
            let invite = try await api.post("/api/v1/channels.invite", ["roomId": rid, "userId": .string(carolId)], auth: bob)
            #expect(invite.status == 403)
            let kick = try await api.post("/api/v1/channels.kick", ["roomId": rid, "userId": .string(bobId)], auth: carol)
            #expect(kick.status == 403)
            let invited = try await api.post("/api/v1/channels.invite", ["roomId": rid, "userId": .string(carolId)], auth: admin)
            #expect(invited["channel"]?["usersCount"]?.int == 3)
            let kicked = try await api.post("/api/v1/channels.kick", ["roomId": rid, "userId": .string(bobId)], auth: admin)
            #expect(kicked["channel"]?["usersCount"]?.int == 2)
            let left = try await api.post("/api/v1/channels.leave", ["roomId": rid], auth: carol)
            #expect(left["channel"]?["usersCount"]?.int == 1)
            // The last owner cannot leave while others remain.
            _ = try await api.post("/api/v1/channels.join", ["roomId": rid], auth: bob)
            let ownerLeaves = try await api.post("/api/v1/channels.leave", ["roomId": rid], auth: admin)
            #expect(ownerLeaves["errorType"] == "error-you-are-last-owner")
            // Membership system messages are in the history.
            let history = try await api.get("/api/v1/channels.history?roomId=\(rid.stringValue!)", auth: admin)
            let types = history["messages"]?.array?.compactMap { $0["t"]?.stringValue } ?? []
            #expect(Set(types) == ["uj", "au", "ru", "ul"])
        }
    }

    @Test func deleteRoomNeedsOwnership() async throws {
        try await TestServer.run { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let group = try await api.post("/api/v1/groups.create", ["name": "team", "members": ["bob"]], auth: admin)
            let rid = try #require(group["group"]?["_id"])
            let refused = try await api.post("/api/v1/groups.delete", ["roomId": rid], auth: bob)
            #expect(refused.status == 403)
            let deleted = try await api.post("/api/v1/groups.delete", ["roomId": rid], auth: admin)
            #expect(deleted.status == 200)
            let gone = try await api.get("/api/v1/groups.info?roomId=\(rid.stringValue!)", auth: admin)
            #expect(gone["errorType"] == "error-room-not-found")
            let subscriptions = try await api.get("/api/v1/subscriptions.get", auth: bob)
            #expect(subscriptions["update"]?.array?.isEmpty == true)
        }
    }

    @Test func directRoomsAreSharedAndPrivate() async throws {
        try await TestServer.run { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let (_, carol) = try await api.makeUser("carol", admin: admin)
            let dm = try await api.post("/api/v1/dm.create", ["username": "bob"], auth: admin)
            let rid = try #require(dm["room"]?["_id"])
            #expect(dm["room"]?["rid"] == rid)
            let again = try await api.post("/api/v1/im.create", ["username": "admin"], auth: bob)
            #expect(again["room"]?["_id"] == rid)
            _ = try await api.post("/api/v1/chat.postMessage", ["channel": "@bob", "text": "hi bob"], auth: admin)
            let history = try await api.get("/api/v1/im.history?roomId=\(rid.stringValue!)", auth: bob)
            #expect(history["messages"]?.array?.first?["msg"] == "hi bob")
            let byName = try await api.get("/api/v1/dm.messages?username=admin", auth: bob)
            #expect(byName["total"]?.int == 1)
            let snoop = try await api.get("/api/v1/dm.history?roomId=\(rid.stringValue!)", auth: carol)
            #expect(snoop["errorType"] == "error-room-not-found")
            let members = try await api.get("/api/v1/dm.members?roomId=\(rid.stringValue!)", auth: bob)
            #expect(members["members"]?.array?.count == 2)
            let closed = try await api.post("/api/v1/dm.close", ["roomId": rid], auth: bob)
            #expect(closed.status == 200)
            let list = try await api.get("/api/v1/dm.list", auth: bob)
            #expect(list["ims"]?.array?.isEmpty == true)
            let unknownUser = try await api.post("/api/v1/dm.create", ["username": "nobody"], auth: bob)
            #expect(unknownUser["errorType"] == "error-invalid-user")
        }
    }

    @Test func unreadCountsAndRead() async throws {
        try await TestServer.run { api, admin in
            let (_, bob) = try await api.makeUser("bob", admin: admin)
            let channel = try await api.post("/api/v1/channels.create", ["name": "news", "members": ["bob"]], auth: admin)
            let rid = try #require(channel["channel"]?["_id"]?.stringValue)
            for _ in 0..<3 { _ = try await api.post("/api/v1/chat.postMessage", ["roomId": .string(rid), "text": "x"], auth: admin) }
            let sub = try await api.get("/api/v1/subscriptions.getOne?roomId=\(rid)", auth: bob)
            #expect(sub["subscription"]?["unread"]?.int == 3)
            #expect(sub["subscription"]?["alert"] == .bool(true))
            let own = try await api.get("/api/v1/subscriptions.getOne?roomId=\(rid)", auth: admin)
            #expect(own["subscription"]?["unread"]?.int == 0)
            #expect(own["subscription"]?["roles"]?.array == ["owner"])
            _ = try await api.post("/api/v1/subscriptions.read", ["rid": .string(rid)], auth: bob)
            let after = try await api.get("/api/v1/subscriptions.getOne?roomId=\(rid)", auth: bob)
            #expect(after["subscription"]?["unread"]?.int == 0)
            let none = try await api.get("/api/v1/subscriptions.getOne?roomId=unknown", auth: bob)
            #expect(none["subscription"] == .null)
        }
    }
}
