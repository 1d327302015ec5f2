public import ChatCore
import Foundation
import GRDB

extension EmbeddedStore {
    public func createRoom(_ room: Room, subscriptions: [Subscription]) async throws {
        let doc = try Codec.encode(room)
        let subscriptionDocs = try subscriptions.map { ($0, try Codec.encode($0)) }
        try await write { db in
            try Self.run(db, """
                    INSERT INTO rooms (id, type, name_key, direct_key, msgs, users_count, last_message_at, updated_at, doc)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [
                    room.id, room.type.rawValue, room.name?.lowercased(), Self.directKey(room), room.messageCount,
                    subscriptions.count, room.lastMessageAt.map(Codec.millis), Codec.millis(room.updatedAt), doc,
                ])
            for (subscription, doc) in subscriptionDocs { try Self.insertSubscription(db, subscription, doc: doc) }
        }
    }

    public func updateRoom(_ room: Room) async throws {
        let doc = try Codec.encode(room)
        try await write { db in
            try Self.run(db, "UPDATE rooms SET name_key = ?, updated_at = ?, doc = ? WHERE id = ?", [room.name?.lowercased(), Codec.millis(room.updatedAt), doc, room.id])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no room \(room.id)") }
        }
    }

    public func deleteRoom(id: String) async throws {
        try await write { db in
            try Self.run(db, "DELETE FROM messages WHERE room_id = ?", [id])
            try Self.run(db, "DELETE FROM subscriptions WHERE room_id = ?", [id])
            try Self.run(db, "DELETE FROM rooms WHERE id = ?", [id])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no room \(id)") }
        }
    }

    public func room(id: String) async throws -> Room? {
        try await read { db in try Self.fetchRooms(db, where: "id = ?", [id]).first }
    }

    public func room(name: String) async throws -> Room? {
        try await read { db in try Self.fetchRooms(db, where: "name_key = ?", [name.lowercased()]).first }
    }

    public func directRoom(userIds: [String]) async throws -> Room? {
        let key = userIds.sorted().joined(separator: ",")
        return try await read { db in try Self.fetchRooms(db, where: "direct_key = ?", [key]).first }
    }

    public func rooms(ids: [String]) async throws -> [Room] {
        guard !ids.isEmpty else { return [] }
        return try await read { db in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            return try Self.fetchRooms(db, where: "id IN (\(marks))", StatementArguments(ids))
        }
    }

    public func rooms(type: RoomType, page: PageRequest) async throws -> Page<Room> {
        try await read { db in
            let order = page.ascending ? "ASC" : "DESC"
            let items = try Self.fetchRooms(
                db, where: "type = ? ORDER BY name_key \(order), id \(order) LIMIT ? OFFSET ?",
                [type.rawValue, Codec.limit(page.count), page.offset])
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rooms WHERE type = ?", arguments: [type.rawValue]) ?? 0
            return Page(items: items, total: total)
        }
    }

    static func directKey(_ room: Room) -> String? {
        room.type == .direct ? room.userIds.sorted().joined(separator: ",") : nil
    }

    /// Rooms with their in-place columns (counters, times) merged over the document.
    static func fetchRooms(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [Room] {
        try Row.fetchAll(
            statement(db, "SELECT doc, msgs, users_count, last_message_at, updated_at FROM rooms WHERE \(clause)"),
            arguments: arguments
        ).map { row in
            var room = try Codec.decode(Room.self, from: row["doc"])
            room.messageCount = row["msgs"]
            room.usersCount = row["users_count"]
            room.lastMessageAt = (row["last_message_at"] as Int64?).map(Codec.date)
            room.updatedAt = Codec.date(row["updated_at"])
            return room
        }
    }
}
