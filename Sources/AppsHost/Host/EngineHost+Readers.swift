import AppsStorage
import ChatCore
import Foundation
import JavaScriptRuntime

extension EngineHost {
    /// `IRead`'s room, user, message, thread and role readers, answering the Apps-Engine's shapes; each needs its
    /// `*.read` permission.
    static func readerAccessors(chat: ChatReach) -> [String: Accessor] {
        let store = chat.services.context.store
        @Sendable func string(_ arguments: [JSONValue], _ index: Int = 0) -> String {
            arguments[safe: index]?.stringValue ?? ""
        }
        @Sendable func user(_ id: String?) async throws -> JSONValue? {
            guard let id, let user = try await store.user(id: id) else { return nil }
            return AppsEngineShapes.user(user)
        }
        @Sendable func message(_ id: String) async throws -> JSONValue? {
            guard let message = try await store.message(id: id), let room = try await store.room(id: message.roomId) else { return nil }
            return AppsEngineShapes.message(message, room: room, sender: try await store.user(id: message.sender.id))
        }
        /// A room's messages as `IRoomRead.getMessages` options ask (`limit` ≤ 100, `skip`, `sort.createdAt`), newer than
        /// `since` when given.
        @Sendable func messages(in room: Room, since: Date?, options: JSONValue?) async throws -> JSONValue {
            let limit = options?["limit"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? 100
            let skip = options?["skip"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? 0
            let ascending = options?["sort"]?["createdAt"] == "asc"
            let page = try await store.messages(
                roomId: room.id, page: PageRequest(offset: skip, count: min(max(limit, 0), 100), ascending: ascending), oldest: since,
                latest: nil, inclusive: false)
            return .array(page.items.map { AppsEngineShapes.message($0, room: room, sender: nil) })
        }
        /// The members holding a room role (`owner`, `moderator`, `leader`).
        @Sendable func members(_ roomId: String, holding role: String) async throws -> JSONValue {
            let members = try await store.subscriptions(roomId: roomId, page: PageRequest(offset: 0, count: 1_000))
            let ids = members.items.filter { $0.roles.contains(role) }.map(\.user.id)
            return .array(try await store.users(ids: ids).map(AppsEngineShapes.user))
        }
        return [
            "reader.room.getById": Accessor { _, arguments in
                try await store.room(id: string(arguments)).map(AppsEngineShapes.room)
            },
            "reader.room.getByName": Accessor { _, arguments in
                try await store.room(name: string(arguments)).map(AppsEngineShapes.room)
            },
            "reader.room.getCreatorUserById": Accessor { _, arguments in
                try await user(try await store.room(id: string(arguments))?.creator?.id)
            },
            "reader.room.getCreatorUserByName": Accessor { _, arguments in
                try await user(try await store.room(name: string(arguments))?.creator?.id)
            },
            "reader.room.getMembers": Accessor { _, arguments in
                let members = try await store.subscriptions(roomId: string(arguments), page: PageRequest(offset: 0, count: 1_000))
                return .array(try await store.users(ids: members.items.map(\.user.id)).map(AppsEngineShapes.user))
            },
            "reader.room.getMessages": Accessor { _, arguments in
                guard let room = try await store.room(id: string(arguments)) else { return .array([]) }
                return try await messages(in: room, since: nil, options: arguments[safe: 1])
            },
            // Room.getUsernames(): Rocket.Chat's internal bridge, which needs no permission.
            "internal.room.usernames": Accessor { _, arguments in
                let members = try await store.subscriptions(roomId: string(arguments), page: PageRequest(offset: 0, count: 1_000))
                return .array(members.items.map { .string($0.user.username) })
            },
            "reader.room.getModerators": Accessor { _, arguments in try await members(string(arguments), holding: "moderator") },
            "reader.room.getOwners": Accessor { _, arguments in try await members(string(arguments), holding: "owner") },
            "reader.room.getLeaders": Accessor { _, arguments in try await members(string(arguments), holding: "leader") },
            "reader.room.getUnreadByUser": Accessor { _, arguments in
                guard let room = try await store.room(id: string(arguments)),
                    let subscription = try await store.subscription(roomId: room.id, userId: string(arguments, 1))
                else { return .array([]) }
                return try await messages(in: room, since: subscription.lastSeen ?? subscription.createdAt, options: arguments[safe: 2])
            },
            "reader.room.getUserUnreadMessageCount": Accessor { _, arguments in
                guard let subscription = try await store.subscription(roomId: string(arguments), userId: string(arguments, 1)) else {
                    throw HostError(name: "Error", message: "The user is not a member of the room")
                }
                return .number(Double(subscription.unread))
            },
            "reader.role.getOneByIdOrName": Accessor { _, arguments in
                AppsEngineShapes.role(named: string(arguments))
            },
            "reader.role.getCustomRoles": Accessor { _, _ in .array([]) },
            "reader.room.getDirectByUsernames": Accessor { _, arguments in
                var ids: [String] = []
                for name in arguments.first?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    guard let found = try await store.user(username: name) else { return nil }
                    ids.append(found.id)
                }
                return try await store.directRoom(userIds: ids).map(AppsEngineShapes.room)
            },
            "reader.user.getById": Accessor { _, arguments in try await user(string(arguments)) },
            "reader.user.getByUsername": Accessor { _, arguments in
                try await store.user(username: string(arguments)).map(AppsEngineShapes.user)
            },
            "reader.user.getUserUnreadMessageCount": Accessor { _, arguments in
                .number(Double(try await store.subscriptions(userId: string(arguments), updatedSince: nil).reduce(0) { $0 + $1.unread }))
            },
            "reader.user.getUserRoomIds": Accessor { _, arguments in
                .array(try await store.subscriptions(userId: string(arguments), updatedSince: nil).map { .string($0.roomId) })
            },
            "reader.user.getAppUser": Accessor { appId, arguments in
                let target = arguments.first?.stringValue ?? appId
                return try await chat.bot(of: target).map(AppsEngineShapes.user)
            },
            "reader.message.getById": Accessor { _, arguments in try await message(string(arguments)) },
            "reader.message.getSenderUser": Accessor { _, arguments in
                try await user(try await store.message(id: string(arguments))?.sender.id)
            },
            "reader.message.getRoom": Accessor { _, arguments in
                guard let found = try await store.message(id: string(arguments)) else { return nil }
                return try await store.room(id: found.roomId).map(AppsEngineShapes.room)
            },
            "reader.thread.getThreadById": Accessor { _, arguments in
                guard let parent = try await store.message(id: string(arguments)), let room = try await store.room(id: parent.roomId) else {
                    return .array([])
                }
                let replies = try await store.threadMessages(threadId: parent.id, page: PageRequest(offset: 0, count: 100))
                return .array(([parent] + replies.items).map { AppsEngineShapes.message($0, room: room, sender: nil) })
            },
        ]
    }
}
