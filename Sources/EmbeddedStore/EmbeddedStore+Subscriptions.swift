public import ChatCore
import Foundation
import GRDB

extension EmbeddedStore {
    public func addSubscription(_ subscription: Subscription) async throws {
        try await write { db in
            try Self.insertSubscription(db, subscription)
            try Self.run(db, "UPDATE rooms SET users_count = users_count + 1, updated_at = ? WHERE id = ?", [Codec.millis(subscription.createdAt), subscription.roomId])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no room \(subscription.roomId)") }
        }
    }

    public func removeSubscription(roomId: String, userId: String) async throws {
        let now = Codec.millis(Date())
        try await write { db in
            try Self.run(db, "DELETE FROM subscriptions WHERE room_id = ? AND user_id = ?", [roomId, userId])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no subscription of \(userId) to \(roomId)") }
            try Self.run(db, "UPDATE rooms SET users_count = users_count - 1, updated_at = ? WHERE id = ?", [now, roomId])
        }
    }

    public func updateSubscription(_ subscription: Subscription) async throws {
        try await write { db in
            try Self.run(
                db,
                """
                UPDATE subscriptions SET name = ?, display_name = ?, open = ?, unread = ?, alert = ?, roles = ?,
                updated_at = ?, last_seen = ? WHERE id = ?
                """,
                [
                    subscription.name, subscription.displayName, subscription.open, subscription.unread,
                    subscription.alert, subscription.roles.joined(separator: ","), Codec.millis(subscription.updatedAt),
                    subscription.lastSeen.map(Codec.millis), subscription.id,
                ])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no subscription \(subscription.id)") }
        }
    }

    public func room(id: String, member userId: String) async throws -> (room: Room, subscription: Subscription?)? {
        try await read { db in
            guard let room = try Self.fetchRooms(db, where: "id = ?", [id]).first else { return nil }
            let subscription = try Self.fetchSubscriptions(db, where: "room_id = ? AND user_id = ?", [id, userId]).first
            return (room, subscription)
        }
    }

    public func subscription(roomId: String, userId: String) async throws -> Subscription? {
        try await read { db in try Self.fetchSubscriptions(db, where: "room_id = ? AND user_id = ?", [roomId, userId]).first }
    }

    public func subscriptions(userId: String, updatedSince: Date?) async throws -> [Subscription] {
        try await read { db in
            if let updatedSince {
                return try Self.fetchSubscriptions(
                    db, where: "user_id = ? AND updated_at > ? ORDER BY updated_at", [userId, Codec.millis(updatedSince)])
            }
            return try Self.fetchSubscriptions(db, where: "user_id = ? ORDER BY updated_at", [userId])
        }
    }

    public func subscriptions(roomId: String, page: PageRequest) async throws -> Page<Subscription> {
        try await read { db in
            let order = page.ascending ? "ASC" : "DESC"
            let items = try Self.fetchSubscriptions(
                db, where: "room_id = ? ORDER BY username_key \(order) LIMIT ? OFFSET ?",
                [roomId, Codec.limit(page.count), page.offset])
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subscriptions WHERE room_id = ?", arguments: [roomId]) ?? 0
            return Page(items: items, total: total)
        }
    }

    public func markRead(roomId: String, userId: String, at date: Date) async throws {
        try await write { db in
            try Self.run(db, """
                    UPDATE subscriptions SET unread = 0, alert = 0, last_seen = ?, updated_at = ?
                    WHERE room_id = ? AND user_id = ?
                    """, [Codec.millis(date), Codec.millis(date), roomId, userId])
        }
    }

    static let subscriptionColumns = """
        id, room_id, user_id, username, username_key, name, display_name, room_type, open, unread, alert, roles,
        created_at, updated_at, last_seen
        """

    static func insertSubscription(_ db: Database, _ subscription: Subscription) throws {
        try run(
            db, "INSERT INTO subscriptions (\(subscriptionColumns)) VALUES (\(marks(15)))",
            [
                subscription.id, subscription.roomId, subscription.user.id, subscription.user.username,
                subscription.user.username.lowercased(), subscription.name, subscription.displayName,
                subscription.roomType.rawValue, subscription.open, subscription.unread, subscription.alert,
                subscription.roles.joined(separator: ","), Codec.millis(subscription.createdAt),
                Codec.millis(subscription.updatedAt), subscription.lastSeen.map(Codec.millis),
            ])
    }

    static func fetchSubscriptions(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [Subscription] {
        try Row.fetchAll(statement(db, "SELECT \(subscriptionColumns) FROM subscriptions WHERE \(clause)"), arguments: arguments)
            .map { row in
                // Positional access in `subscriptionColumns` order (username_key, index 4, is not read back).
                Subscription(
                    id: row[0], roomId: row[1], user: UserRef(id: row[2], username: row[3]), name: row[5],
                    displayName: row[6], roomType: RoomType(rawValue: row[7]) ?? .channel, open: row[8], unread: row[9],
                    alert: row[10], roles: split(row[11]), createdAt: Codec.date(row[12]), updatedAt: Codec.date(row[13]),
                    lastSeen: (row[14] as Int64?).map(Codec.date))
            }
    }
}
