public import AppsStorage
import Foundation
import GRDB

extension EmbeddedStore {
    public func addTrustedKey(_ key: TrustedKey) async throws {
        let doc = try Codec.encode(key)
        try await write { db in
            try Self.run(db, "INSERT INTO trusted_keys (id, created_at, doc) VALUES (?, ?, ?)", [key.id, Codec.millis(key.createdAt), doc])
        }
    }

    public func trustedKeys() async throws -> [TrustedKey] {
        try await read { db in
            try Data.fetchAll(db, sql: "SELECT doc FROM trusted_keys ORDER BY created_at, id").map { try Codec.decode(TrustedKey.self, from: $0) }
        }
    }

    public func removeTrustedKey(id: String) async throws -> Bool {
        try await write { db in
            try Self.run(db, "DELETE FROM trusted_keys WHERE id = ?", [id])
            return db.changesCount > 0
        }
    }
}
