public import ChatCore
import Foundation
import GRDB

extension EmbeddedStore {
    public func insertMessage(_ message: Message) async throws {
        let doc = try Codec.encode(message)
        let ts = Codec.millis(message.createdAt)
        // Group-committed with concurrent inserts (see WriteBatcher); still atomic per message.
        try await batcher.submit { db in
            try Self.run(db, "INSERT INTO messages (id, room_id, ts, thread_id, doc) VALUES (?, ?, ?, ?, ?)", [message.id, message.roomId, ts, message.threadId, doc])
            try Self.run(db, "UPDATE rooms SET msgs = msgs + 1, last_message_at = ?, updated_at = ? WHERE id = ?", [ts, ts, message.roomId])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no room \(message.roomId)") }
            try Self.run(db, """
                    UPDATE subscriptions SET unread = unread + 1, alert = 1, open = 1, updated_at = ?
                    WHERE room_id = ? AND user_id != ?
                    """, [ts, message.roomId, message.sender.id])
            if let threadId = message.threadId {
                try Self.run(db, "UPDATE messages SET tcount = COALESCE(tcount, 0) + 1, tlm = ? WHERE id = ?", [ts, threadId])
            }
        }
    }

    public func updateMessage(_ message: Message) async throws {
        let doc = try Codec.encode(message)
        try await write { db in
            try Self.run(db, "UPDATE messages SET doc = ? WHERE id = ?", [doc, message.id])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no message \(message.id)") }
        }
    }

    public func setReaction(messageId: String, emoji: String, username: String, add: Bool, at date: Date) async throws -> Message? {
        // One write transaction: the read and the write cannot interleave with another reaction's.
        try await write { db in
            guard let message = try Self.fetchMessages(db, where: "id = ?", [messageId]).first else { return nil }
            let changed = message.reacting(emoji, by: username, add: add, at: date)
            guard changed != message else { return message }
            try Self.run(db, "UPDATE messages SET doc = ? WHERE id = ?", [try Codec.encode(changed), messageId])
            return changed
        }
    }

    public func deleteMessage(id: String) async throws {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT room_id, thread_id FROM messages WHERE id = ?", arguments: [id])
            else { throw StoreError(.notFound, "no message \(id)") }
            try Self.run(db, "DELETE FROM messages WHERE id = ?", [id])
            try Self.run(db, "UPDATE rooms SET msgs = MAX(msgs - 1, 0) WHERE id = ?", [row["room_id"] as String])
            if let threadId = row["thread_id"] as String? {
                try Self.run(db, "UPDATE messages SET tcount = MAX(tcount - 1, 0) WHERE id = ?", [threadId])
            }
        }
    }

    public func message(id: String) async throws -> Message? {
        try await read { db in try Self.fetchMessages(db, where: "id = ?", [id]).first }
    }

    public func messages(
        roomId: String, page: PageRequest, oldest: Date?, latest: Date?, inclusive: Bool
    ) async throws -> Page<Message> {
        try await read { db in
            var clause = "room_id = ?"
            var arguments: StatementArguments = [roomId]
            if let oldest {
                clause += inclusive ? " AND ts >= ?" : " AND ts > ?"
                _ = arguments.append(contentsOf: [Codec.millis(oldest)])
            }
            if let latest {
                clause += inclusive ? " AND ts <= ?" : " AND ts < ?"
                _ = arguments.append(contentsOf: [Codec.millis(latest)])
            }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE \(clause)", arguments: arguments) ?? 0
            let order = page.ascending ? "ASC" : "DESC"
            _ = arguments.append(contentsOf: [Codec.limit(page.count), page.offset])
            let items = try Self.fetchMessages(db, where: "\(clause) ORDER BY ts \(order), id \(order) LIMIT ? OFFSET ?", arguments)
            return Page(items: items, total: total)
        }
    }

    public func threadMessages(threadId: String, page: PageRequest) async throws -> Page<Message> {
        try await read { db in
            let order = page.ascending ? "ASC" : "DESC"
            let items = try Self.fetchMessages(
                db, where: "thread_id = ? ORDER BY ts \(order), id \(order) LIMIT ? OFFSET ?",
                [threadId, Codec.limit(page.count), page.offset])
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE thread_id = ?", arguments: [threadId]) ?? 0
            return Page(items: items, total: total)
        }
    }

    /// Messages with thread counters merged over the document.
    static func fetchMessages(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [Message] {
        try Row.fetchAll(statement(db, "SELECT doc, tcount, tlm FROM messages WHERE \(clause)"), arguments: arguments).map { row in
            var message = try Codec.decode(Message.self, from: row["doc"])
            message.threadCount = row["tcount"]
            message.threadLastMessageAt = (row["tlm"] as Int64?).map(Codec.date)
            return message
        }
    }
}
