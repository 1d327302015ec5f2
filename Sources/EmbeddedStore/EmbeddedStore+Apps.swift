public import ChatCore
public import AppsStorage
public import Foundation
import GRDB

extension EmbeddedStore {
    public func installApp(_ record: AppRecord, package: Data, botUser: User?) async throws {
        let doc = try Codec.encode(record)
        let botDoc = try botUser.map { try Codec.encode($0) }
        try await write { db in
            if let botUser, let botDoc {
                try Self.run(
                    db, "INSERT INTO users (id, username_key, doc) VALUES (?, ?, ?)",
                    [botUser.id, botUser.username.lowercased(), botDoc])
            }
            try Self.run(
                db, "INSERT INTO apps (id, installed_at, doc, package) VALUES (?, ?, ?, ?)",
                [record.id, Codec.millis(record.createdAt), doc, package])
        }
    }

    public func replaceApp(_ record: AppRecord, package: Data) async throws {
        let doc = try Codec.encode(record)
        try await write { db in
            try Self.run(db, "UPDATE apps SET doc = ?, package = ? WHERE id = ?", [doc, package, record.id])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no app \(record.id)") }
        }
    }

    public func updateApp(_ record: AppRecord) async throws {
        let doc = try Codec.encode(record)
        try await write { db in
            try Self.run(db, "UPDATE apps SET doc = ? WHERE id = ?", [doc, record.id])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no app \(record.id)") }
        }
    }

    public func uninstallApp(id: String) async throws {
        try await write { db in
            guard let doc = try Data.fetchOne(db, sql: "SELECT doc FROM apps WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "no app \(id)")
            }
            let record = try Codec.decode(AppRecord.self, from: doc)
            if let bot = record.botUserId { try Self.deleteUserRows(db, id: bot) }
            try Self.run(db, "DELETE FROM app_logs WHERE app_id = ?", [id])
            try Self.run(db, "DELETE FROM app_persistence WHERE app_id = ?", [id])
            try Self.run(db, "DELETE FROM app_jobs WHERE app_id = ?", [id])
            try Self.run(db, "DELETE FROM apps WHERE id = ?", [id])
        }
    }

    public func app(id: String) async throws -> AppRecord? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT doc FROM apps WHERE id = ?", arguments: [id]).map { try Codec.decode(AppRecord.self, from: $0) }
        }
    }

    public func apps() async throws -> [AppRecord] {
        try await read { db in
            try Data.fetchAll(db, sql: "SELECT doc FROM apps ORDER BY installed_at, id").map { try Codec.decode(AppRecord.self, from: $0) }
        }
    }

    public func appPackage(id: String) async throws -> Data? {
        try await read { db in try Data.fetchOne(db, sql: "SELECT package FROM apps WHERE id = ?", arguments: [id]) }
    }
}
