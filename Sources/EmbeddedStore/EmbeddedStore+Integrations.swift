public import ChatCore
import Foundation
import GRDB

extension EmbeddedStore {
    public func insertIntegration(_ integration: Integration) async throws {
        let doc = try Codec.encode(integration)
        try await write { db in
            try Self.run(
                db, "INSERT INTO integrations (id, kind, enabled, created_at, doc) VALUES (?, ?, ?, ?, ?)",
                [integration.id, integration.kind.rawValue, integration.enabled, Codec.millis(integration.createdAt), doc])
        }
    }

    public func updateIntegration(_ integration: Integration) async throws {
        let doc = try Codec.encode(integration)
        try await write { db in
            try Self.run(db, "UPDATE integrations SET enabled = ?, doc = ? WHERE id = ?", [integration.enabled, doc, integration.id])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no integration \(integration.id)") }
        }
    }

    public func deleteIntegration(id: String) async throws -> Bool {
        try await write { db in
            try Self.run(db, "DELETE FROM integrations WHERE id = ?", [id])
            return db.changesCount > 0
        }
    }

    public func integration(id: String) async throws -> Integration? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT doc FROM integrations WHERE id = ?", arguments: [id]).map { try Codec.decode(Integration.self, from: $0) }
        }
    }

    public func integrations(page: PageRequest) async throws -> Page<Integration> {
        try await read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM integrations") ?? 0
            let items = try Data.fetchAll(
                db, sql: "SELECT doc FROM integrations ORDER BY created_at, id LIMIT ? OFFSET ?", arguments: [page.count, page.offset]
            ).map { try Codec.decode(Integration.self, from: $0) }
            return Page(items: items, total: total)
        }
    }

    public func enabledIntegrations(kind: Integration.Kind) async throws -> [Integration] {
        try await read { db in
            try Data.fetchAll(db, sql: "SELECT doc FROM integrations WHERE kind = ? AND enabled = 1 ORDER BY created_at, id", arguments: [kind.rawValue])
                .map { try Codec.decode(Integration.self, from: $0) }
        }
    }
}
