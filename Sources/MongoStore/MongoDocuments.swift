import AppsStorage
import ChatCore
import Foundation
import MongoDriver

/// How each record is laid out in its collection (reads decode the same shapes).
enum MongoDocuments {
    static func user(_ user: User) throws -> BSONDocument {
        let document = try BSONDocument(encoding: user)
            .append("_id", .string(user.id))
            .append("usernameKey", .string(user.username.lowercased()))
        // Absent rather than empty: a unique index sees every empty array as the same (null) key.
        if !user.emails.isEmpty { document.append("emailKeys", .strings(user.emails.map { $0.address.lowercased() })) }
        return document
    }

    static func token(_ token: AccessToken) throws -> BSONDocument {
        try BSONDocument(encoding: token).append("_id", .string(token.digest))
    }

    static func room(_ room: Room) throws -> BSONDocument {
        let document = try BSONDocument(encoding: room).append("_id", .string(room.id))
        if let name = room.name { document.append("nameKey", .string(name.lowercased())) }
        if room.type == .direct { document.append("directKey", .string(directKey(room.userIds))) }
        return document
    }

    static func directKey(_ userIds: [String]) -> String {
        userIds.sorted().joined(separator: ",")
    }

    static func subscription(_ subscription: Subscription) throws -> BSONDocument {
        try BSONDocument(encoding: subscription)
            .append("_id", .string(subscription.id))
            .append("userId", .string(subscription.user.id))
            .append("usernameKey", .string(subscription.user.username.lowercased()))
    }

    /// `{_id, rid, ts, tmid, tcount, tlm, message}`: the record nested, so an edit replaces it without touching the
    /// thread counters the store maintains beside it.
    static func message(_ message: Message) throws -> BSONDocument {
        var record = message
        record.threadCount = nil
        record.threadLastMessageAt = nil
        let document: BSONDocument = [
            "_id": .string(message.id), "rid": .string(message.roomId), "ts": .date(message.createdAt),
            "message": .document(try BSONDocument(encoding: record)),
        ]
        if let threadId = message.threadId { document.append("tmid", .string(threadId)) }
        return document
    }

    static func decodeMessage(_ document: BSONDocument) throws -> Message {
        guard let nested = document.document("message") else { throw StoreError(.backend, "message document without a record") }
        var message = try nested.decode(Message.self)
        message.threadCount = document.int("tcount")
        message.threadLastMessageAt = document.date("tlm")
        return message
    }

    /// `{_id, installedAt, record, package}`: the package bytes beside the record, left out of ordinary reads.
    static func app(_ record: AppRecord, package: Data) throws -> BSONDocument {
        [
            "_id": .string(record.id), "installedAt": .date(record.createdAt), "record": .document(try BSONDocument(encoding: record)),
            "package": .binary(package),
        ]
    }

    static func decodeApp(_ document: BSONDocument) throws -> AppRecord {
        guard let nested = document.document("record") else { throw StoreError(.backend, "app document without a record") }
        return try nested.decode(AppRecord.self)
    }

    static func appLog(_ entry: AppLogEntry, sequence: Int64) throws -> BSONDocument {
        try BSONDocument(encoding: entry).append("seq", .int64(sequence)).append("verbosity", .int(entry.level.verbosity))
    }
}
