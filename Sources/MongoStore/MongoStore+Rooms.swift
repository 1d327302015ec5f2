public import ChatCore
import Foundation
import MongoDriver

extension MongoStore {
    public func createRoom(_ room: Room, subscriptions: [Subscription]) async throws {
        var stored = room
        stored.usersCount = subscriptions.count
        let document = try MongoDocuments.room(stored)
        let members = try subscriptions.map(MongoDocuments.subscription)
        try await transaction { connection, session in
            try connection.insertOne(Collection.rooms, document, session: session)
            try connection.insertMany(Collection.subscriptions, members, session: session)
        }
    }

    public func updateRoom(_ room: Room) async throws {
        // Counters (messageCount, usersCount, lastMessageAt) are owned by the store's atomic operations.
        let set: BSONDocument = [
            "updatedAt": .date(room.updatedAt), "readOnly": .bool(room.readOnly), "isDefault": .bool(room.isDefault),
        ]
        let unset = BSONDocument()
        for (field, value) in [("name", room.name), ("nameKey", room.name?.lowercased()), ("topic", room.topic), ("description", room.description)] {
            if let value { set.append(field, .string(value)) } else { unset.append(field, "") }
        }
        if let customFields = room.customFields {
            set.append("customFields", .document(BSONDocument(json: customFields)))
        } else {
            unset.append("customFields", "")
        }
        let update: BSONDocument = ["$set": .document(set), "$unset": .document(unset)]
        try await run { connection in
            guard try connection.updateOne(Collection.rooms, ["_id": .string(room.id)], update).matched > 0 else {
                throw StoreError(.notFound, "no room \(room.id)")
            }
        }
    }

    public func deleteRoom(id: String) async throws {
        try await transaction { connection, session in
            try connection.deleteMany(Collection.messages, ["rid": .string(id)], session: session)
            try connection.deleteMany(Collection.subscriptions, ["roomId": .string(id)], session: session)
            guard try connection.deleteOne(Collection.rooms, ["_id": .string(id)], session: session) > 0 else {
                throw StoreError(.notFound, "no room \(id)")
            }
        }
    }

    public func room(id: String) async throws -> Room? {
        try await findRoom(["_id": .string(id)])
    }

    public func room(name: String) async throws -> Room? {
        try await findRoom(["nameKey": .string(name.lowercased())])
    }

    public func directRoom(userIds: [String]) async throws -> Room? {
        try await findRoom(["directKey": .string(MongoDocuments.directKey(userIds))])
    }

    public func rooms(ids: [String]) async throws -> [Room] {
        guard !ids.isEmpty else { return [] }
        return try await run { connection in
            try connection.find(Collection.rooms, ["_id": ["$in": .strings(ids)]]).map { try $0.decode(Room.self) }
        }
    }

    public func rooms(types: Set<RoomType>, matching search: String?, page: PageRequest) async throws -> Page<Room> {
        let filter: BSONDocument = ["type": ["$in": .strings(types.map(\.rawValue).sorted())]]
        if let term = search, !term.isEmpty {
            let pattern = BSONValue.string(Self.literalPattern(term))
            let contains: BSONValue = ["$regex": pattern, "$options": "i"]
            filter.append("$or", [["nameKey": contains], ["displayName": contains], ["usernames": contains]])
        }
        return try await run { connection in
            let items = try Self.findPage(
                connection, Collection.rooms, filter, sort: ["nameKey": Self.direction(page), "_id": Self.direction(page)], page: page)
            return Page(items: try items.map { try $0.decode(Room.self) }, total: try connection.count(Collection.rooms, filter))
        }
    }

    private func findRoom(_ filter: BSONDocument) async throws -> Room? {
        try await run { try $0.findOne(Collection.rooms, filter)?.decode(Room.self) }
    }
}
