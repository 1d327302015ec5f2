public import ChatCore
public import AppsStorage
import Foundation
import GRDB

extension EmbeddedStore {
    public func insertPersistence(_ record: AppPersistenceRecord) async throws {
        let doc = try Codec.encode(record)
        try await write { db in
            try Self.run(db, "INSERT INTO app_persistence (id, app_id, doc, size) VALUES (?, ?, ?, ?)", [record.id, record.appId, doc, doc.count])
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
            let updated = try Codec.encode(record)
            try Self.run(db, "UPDATE app_persistence SET doc = ?, size = ? WHERE app_id = ? AND id = ?", [updated, updated.count, appId, id])
            return true
        }
    }

    public func removePersistence(appId: String, id: String) async throws -> AppPersistenceRecord? {
        try await write { db in
            guard let doc = try Data.fetchOne(db, sql: "SELECT doc FROM app_persistence WHERE id = ? AND app_id = ?", arguments: [id, appId])
            else { return nil }
            try Self.run(db, "DELETE FROM app_persistence WHERE app_id = ? AND id = ?", [appId, id])
            return try Codec.decode(AppPersistenceRecord.self, from: doc)
        }
    }

    public func removePersistence(appId: String, associations: [String]) async throws -> [AppPersistenceRecord] {
        try await write { db in
            let records = try Self.fetchPersistence(db, appId: appId, associations: associations)
            for record in records { try Self.run(db, "DELETE FROM app_persistence WHERE app_id = ? AND id = ?", [appId, record.id]) }
            return records
        }
    }

    public func persistenceUsage(appId: String) async throws -> AppPersistenceUsage {
        try await read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM app_persistence WHERE app_id = ?", arguments: [appId])
            return AppPersistenceUsage(records: row?[0] ?? 0, bytes: row?[1] ?? 0)
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
