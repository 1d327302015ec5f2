public import ChatCore
import Foundation
import GRDB

extension EmbeddedStore {
    public func createRoom(_ room: Room, subscriptions: [Subscription]) async throws {
        try await write { db in
            var stored = room
            stored.usersCount = subscriptions.count
            try Self.run(db, "INSERT INTO rooms (\(Self.roomColumns)) VALUES (\(Self.marks(Self.roomColumnCount)))", try Self.arguments(stored))
            for subscription in subscriptions { try Self.insertSubscription(db, subscription) }
        }
    }

    public func updateRoom(_ room: Room) async throws {
        try await write { db in
            // Counters (msgs, users_count, last_message_at) are owned by the store's atomic operations.
            try Self.run(
                db,
                """
                UPDATE rooms SET name = ?, name_key = ?, updated_at = ?, read_only = ?, is_default = ?, topic = ?,
                description = ?, custom_fields = ? WHERE id = ?
                """,
                [
                    room.name, room.name?.lowercased(), Codec.millis(room.updatedAt), room.readOnly, room.isDefault,
                    room.topic, room.description, try Self.customFields(room), room.id,
                ])
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
            try Self.fetchRooms(db, where: "id IN (\(Self.marks(ids.count)))", StatementArguments(ids), cached: false)
        }
    }

    public func rooms(types: Set<RoomType>, matching search: String?, page: PageRequest) async throws -> Page<Room> {
        guard !types.isEmpty else { return Page(items: [], total: 0) }
        return try await read { db in
            let order = page.ascending ? "ASC" : "DESC"
            var filter = "type IN (\(Self.marks(types.count)))"
            var arguments = StatementArguments(types.map(\.rawValue).sorted())
            if let term = search?.lowercased(), !term.isEmpty {
                filter += " AND (instr(name_key, ?) > 0 OR instr(lower(fname), ?) > 0 OR instr(lower(usernames), ?) > 0)"
                arguments += [term, term, term]
            }
            let items = try Self.fetchRooms(
                db, where: "\(filter) ORDER BY name_key \(order), id \(order) LIMIT ? OFFSET ?",
                arguments + [Codec.limit(page.count), page.offset], cached: false)
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rooms WHERE \(filter)", arguments: arguments) ?? 0
            return Page(items: items, total: total)
        }
    }

    static let roomColumns = """
        id, type, name, name_key, direct_key, creator_id, creator_username, created_at, updated_at, msgs, users_count,
        read_only, is_default, topic, description, usernames, user_ids, last_message_at, custom_fields, prid, fname
        """
    static let roomColumnCount = 21

    static func marks(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    static func arguments(_ room: Room) throws -> StatementArguments {
        [
            room.id, room.type.rawValue, room.name, room.name?.lowercased(),
            room.type == .direct ? room.userIds.sorted().joined(separator: ",") : nil,
            room.creator?.id, room.creator?.username, Codec.millis(room.createdAt), Codec.millis(room.updatedAt),
            room.messageCount, room.usersCount, room.readOnly, room.isDefault, room.topic, room.description,
            room.usernames.joined(separator: ","), room.userIds.joined(separator: ","),
            room.lastMessageAt.map(Codec.millis), try customFields(room), room.parentRoomId, room.displayName,
        ]
    }

    /// `customFields` as a JSON document (nil when the room has none).
    static func customFields(_ room: Room) throws -> Data? {
        try room.customFields.map { try Codec.encode($0) }
    }

    static func fetchRooms(
        _ db: Database, where clause: String, _ arguments: StatementArguments, cached: Bool = true
    ) throws -> [Room] {
        // Positional access in `roomColumns` order: name lookups showed in profiles of the send path.
        let sql = "SELECT \(roomColumns) FROM rooms WHERE \(clause)"
        return try Row.fetchAll(statement(db, sql, cached: cached), arguments: arguments).map { row in
            let creatorId: String? = row[5]
            let creatorUsername: String? = row[6]
            return Room(
                id: row[0], type: RoomType(rawValue: row[1]) ?? .channel, name: row[2],
                creator: creatorId.flatMap { id in creatorUsername.map { UserRef(id: id, username: $0) } },
                createdAt: Codec.date(row[7]), updatedAt: Codec.date(row[8]), messageCount: row[9], usersCount: row[10],
                readOnly: row[11], isDefault: row[12], topic: row[13], description: row[14], usernames: split(row[15]),
                userIds: split(row[16]), lastMessageAt: (row[17] as Int64?).map(Codec.date),
                customFields: try (row[18] as Data?).map { try Codec.decode([String: JSONValue].self, from: $0) },
                parentRoomId: row[19], displayName: row[20])
        }
    }

    /// Comma-joined lists (usernames and ids never contain commas: both are validated `[0-9a-zA-Z-_.]`).
    static func split(_ value: String) -> [String] {
        value.isEmpty ? [] : value.split(separator: ",").map(String.init)
    }
}
