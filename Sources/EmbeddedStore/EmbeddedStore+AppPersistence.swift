public import ChatCore
import Foundation
import GRDB

extension EmbeddedStore {
    public func insertPersistence(_ record: AppPersistenceRecord) async throws {
        let doc = try Codec.encode(record)
        try await write { db in
            try Self.run(db, "INSERT INTO app_persistence (id, app_id, doc) VALUES (?, ?, ?)", [record.id, record.appId, doc])
            for key in Set(record.associations) {
                try Self.run(
                    db, "INSERT INTO app_persistence_associations (record_id, app_id, key) VALUES (?, ?, ?)", [record.id, record.appId, key])
            }
        }
    }

    public func persistence(appId: String, id: String) async throws -> AppPersistenceRecord? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT doc FROM app_persistence WHERE id = ? AND app_id = ?", arguments: [id, appId])
                .map { try Codec.decode(AppPersistenceRecord.self, from: $0) }
        }
    }

    public func persistence(appId: String, associations: [String]) async throws -> [AppPersistenceRecord] {
        try await read { db in try Self.fetchPersistence(db, appId: appId, associations: associations) }
    }

    public func updatePersistence(appId: String, id: String, data: JSONValue) async throws -> Bool {
        try await write { db in
            guard let doc = try Data.fetchOne(db, sql: "SELECT doc FROM app_persistence WHERE id = ? AND app_id = ?", arguments: [id, appId])
            else { return false }
            var record = try Codec.decode(AppPersistenceRecord.self, from: doc)
            record.data = data
            try Self.run(db, "UPDATE app_persistence SET doc = ? WHERE id = ?", [try Codec.encode(record), id])
            return true
        }
    }

    public func removePersistence(appId: String, id: String) async throws -> AppPersistenceRecord? {
        try await write { db in
            guard let doc = try Data.fetchOne(db, sql: "SELECT doc FROM app_persistence WHERE id = ? AND app_id = ?", arguments: [id, appId])
            else { return nil }
            try Self.run(db, "DELETE FROM app_persistence WHERE id = ?", [id])
            return try Codec.decode(AppPersistenceRecord.self, from: doc)
        }
    }

    public func removePersistence(appId: String, associations: [String]) async throws -> [AppPersistenceRecord] {
        try await write { db in
            let records = try Self.fetchPersistence(db, appId: appId, associations: associations)
            for record in records { try Self.run(db, "DELETE FROM app_persistence WHERE id = ?", [record.id]) }
            return records
        }
    }

    /// Records of the app holding every one of `associations`, oldest first.
    static func fetchPersistence(_ db: Database, appId: String, associations: [String]) throws -> [AppPersistenceRecord] {
        let keys = Array(Set(associations))
        guard !keys.isEmpty else { return [] }
        let sql = """
            SELECT p.doc FROM app_persistence p WHERE p.app_id = ? AND p.id IN (
                SELECT record_id FROM app_persistence_associations WHERE app_id = ? AND key IN (\(marks(keys.count)))
                GROUP BY record_id HAVING COUNT(*) = ?) ORDER BY p.rowid
            """
        let arguments = StatementArguments([appId, appId]) + StatementArguments(keys) + [keys.count]
        return try Data.fetchAll(statement(db, sql, cached: false), arguments: arguments).map {
            try Codec.decode(AppPersistenceRecord.self, from: $0)
        }
    }
}
