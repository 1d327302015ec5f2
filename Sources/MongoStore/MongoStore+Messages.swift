public import ChatCore
import Foundation
import MongoDriver

extension MongoStore {
    public func insertMessage(_ message: Message) async throws {
        let document = try MongoDocuments.message(message)
        let ts = BSONValue.date(message.createdAt)
        try await roomLocks.withLock(message.roomId) { try await self.transaction { connection, session in
            try connection.insertOne(Collection.messages, document, session: session)
            let room = try connection.updateOne(
                Collection.rooms, ["_id": .string(message.roomId)],
                ["$inc": ["messageCount": 1], "$set": ["lastMessageAt": ts, "updatedAt": ts]], session: session)
            guard room.matched > 0 else { throw StoreError(.notFound, "no room \(message.roomId)") }
            try connection.updateMany(
                Collection.subscriptions, ["roomId": .string(message.roomId), "userId": ["$ne": .string(message.sender.id)]],
                ["$inc": ["unread": 1], "$set": ["alert": true, "open": true, "updatedAt": ts]], session: session)
            if let threadId = message.threadId {
                try connection.updateOne(
                    Collection.messages, ["_id": .string(threadId)], ["$inc": ["tcount": 1], "$set": ["tlm": ts]], session: session)
            }
        } }
    }

    public func updateMessage(_ message: Message) async throws {
        let document = try MongoDocuments.message(message)
        guard let record = document.document("message") else { return }
        let update: BSONDocument = ["$set": ["message": .document(record)]]
        try await run { connection in
            guard try connection.updateOne(Collection.messages, ["_id": .string(message.id)], update).matched > 0 else {
                throw StoreError(.notFound, "no message \(message.id)")
            }
        }
    }

    public func setReaction(messageId: String, emoji: String, username: String, add: Bool, at date: Date) async throws -> Message? {
        // A transaction (retried on write conflicts): a concurrent reaction makes this one read again.
        try await transaction { connection, session in
            guard let found = try connection.findOne(Collection.messages, ["_id": .string(messageId)], session: session) else { return nil }
            let message = try MongoDocuments.decodeMessage(found)
            let changed = message.reacting(emoji, by: username, add: add, at: date)
            guard changed != message, let record = try MongoDocuments.message(changed).document("message") else { return message }
            try connection.updateOne(Collection.messages, ["_id": .string(messageId)], ["$set": ["message": .document(record)]], session: session)
            return changed
        }
    }

    public func deleteMessage(id: String) async throws {
        try await transaction { connection, session in
            guard let found = try connection.findOne(Collection.messages, ["_id": .string(id)], projection: ["rid": 1, "tmid": 1], session: session),
                let roomId = found.string("rid")
            else { throw StoreError(.notFound, "no message \(id)") }
            try connection.deleteOne(Collection.messages, ["_id": .string(id)], session: session)
            try connection.updateOne(
                Collection.rooms, ["_id": .string(roomId), "messageCount": ["$gt": 0]], ["$inc": ["messageCount": -1]], session: session)
            if let threadId = found.string("tmid") {
                try connection.updateOne(
                    Collection.messages, ["_id": .string(threadId), "tcount": ["$gt": 0]], ["$inc": ["tcount": -1]], session: session)
            }
        }
    }

    public func message(id: String) async throws -> Message? {
        try await run { connection in
            try connection.findOne(Collection.messages, ["_id": .string(id)]).map(MongoDocuments.decodeMessage)
        }
    }

    public func messages(roomId: String, page: PageRequest, oldest: Date?, latest: Date?, inclusive: Bool) async throws -> Page<Message> {
        let filter: BSONDocument = ["rid": .string(roomId)]
        let range = BSONDocument()
        if let oldest { range.append(inclusive ? "$gte" : "$gt", .date(oldest)) }
        if let latest { range.append(inclusive ? "$lte" : "$lt", .date(latest)) }
        if oldest != nil || latest != nil { filter.append("ts", .document(range)) }
        return try await listMessages(filter, page: page)
    }

    public func threadMessages(threadId: String, page: PageRequest) async throws -> Page<Message> {
        try await listMessages(["tmid": .string(threadId)], page: page)
    }

    private func listMessages(_ filter: BSONDocument, page: PageRequest) async throws -> Page<Message> {
        try await run { connection in
            let items = try Self.findPage(
                connection, Collection.messages, filter, sort: ["ts": Self.direction(page), "_id": Self.direction(page)], page: page)
            return Page(items: try items.map(MongoDocuments.decodeMessage), total: try connection.count(Collection.messages, filter))
        }
    }
}
