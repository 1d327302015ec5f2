public import ChatCore
import Foundation
import MongoDriver

extension MongoStore {
    public func addSubscription(_ subscription: Subscription) async throws {
        let document = try MongoDocuments.subscription(subscription)
        try await transaction { connection, session in
            try connection.insertOne(Collection.subscriptions, document, session: session)
            let room = try connection.updateOne(
                Collection.rooms, ["_id": .string(subscription.roomId)],
                ["$inc": ["usersCount": 1], "$set": ["updatedAt": .date(subscription.createdAt)]], session: session)
            guard room.matched > 0 else { throw StoreError(.notFound, "no room \(subscription.roomId)") }
        }
    }

    public func removeSubscription(roomId: String, userId: String) async throws {
        let now = Date()
        try await transaction { connection, session in
            let removed = try connection.deleteOne(
                Collection.subscriptions, ["roomId": .string(roomId), "userId": .string(userId)], session: session)
            guard removed > 0 else { throw StoreError(.notFound, "no subscription of \(userId) to \(roomId)") }
            try connection.updateOne(
                Collection.rooms, ["_id": .string(roomId)], ["$inc": ["usersCount": -1], "$set": ["updatedAt": .date(now)]],
                session: session)
        }
    }

    public func updateSubscription(_ subscription: Subscription) async throws {
        let document = try MongoDocuments.subscription(subscription)
        try await run { connection in
            guard try connection.replaceOne(Collection.subscriptions, ["_id": .string(subscription.id)], document).matched > 0 else {
                throw StoreError(.notFound, "no subscription \(subscription.id)")
            }
        }
    }

    public func subscription(roomId: String, userId: String) async throws -> Subscription? {
        try await run { connection in
            try connection.findOne(Collection.subscriptions, ["roomId": .string(roomId), "userId": .string(userId)])?
                .decode(Subscription.self)
        }
    }

    public func room(id: String, member userId: String) async throws -> (room: Room, subscription: Subscription?)? {
        let found = try await run { connection -> RoomAndMembership? in
            guard let room = try connection.findOne(Collection.rooms, ["_id": .string(id)])?.decode(Room.self) else { return nil }
            let subscription = try connection.findOne(Collection.subscriptions, ["roomId": .string(id), "userId": .string(userId)])?
                .decode(Subscription.self)
            return RoomAndMembership(room: room, subscription: subscription)
        }
        return found.map { ($0.room, $0.subscription) }
    }

    public func subscriptions(userId: String, updatedSince: Date?) async throws -> [Subscription] {
        let filter: BSONDocument = ["userId": .string(userId)]
        if let updatedSince { filter.append("updatedAt", ["$gt": .date(updatedSince)]) }
        return try await run { connection in
            try connection.find(Collection.subscriptions, filter, sort: ["updatedAt": 1]).map { try $0.decode(Subscription.self) }
        }
    }

    public func subscriptions(roomId: String, page: PageRequest) async throws -> Page<Subscription> {
        let filter: BSONDocument = ["roomId": .string(roomId)]
        return try await run { connection in
            let items = try Self.findPage(connection, Collection.subscriptions, filter, sort: ["usernameKey": Self.direction(page)], page: page)
            return Page(items: try items.map { try $0.decode(Subscription.self) }, total: try connection.count(Collection.subscriptions, filter))
        }
    }

    public func markRead(roomId: String, userId: String, at date: Date) async throws {
        _ = try await run { connection in
            try connection.updateOne(
                Collection.subscriptions, ["roomId": .string(roomId), "userId": .string(userId)],
                ["$set": ["unread": 0, "alert": false, "lastSeen": .date(date), "updatedAt": .date(date)]])
        }
    }

    /// Sendable carrier for the tuple the protocol answers.
    struct RoomAndMembership: Sendable {
        let room: Room
        let subscription: Subscription?
    }
}
