public import ChatCore
import Foundation
import GRDB

extension EmbeddedStore {
    public func insertToken(_ token: AccessToken) async throws {
        let doc = try Codec.encode(token)
        try await write { db in
            try Self.run(db, "INSERT INTO tokens (digest, user_id, kind, name, expires_at, doc) VALUES (?, ?, ?, ?, ?, ?)", [token.digest, token.userId, token.kind.rawValue, token.name, token.expiresAt.map(Codec.millis), doc])
        }
    }

    public func token(digest: String) async throws -> AccessToken? {
        try await read { db in
            try Data.fetchOne(Self.statement(db, "SELECT doc FROM tokens WHERE digest = ?"), arguments: [digest])
                .map { try Codec.decode(AccessToken.self, from: $0) }
        }
    }

    public func deleteToken(digest: String) async throws {
        try await write { db in try Self.run(db, "DELETE FROM tokens WHERE digest = ?", [digest]) }
    }

    public func deleteTokens(userId: String, except keep: String?) async throws {
        try await write { db in try Self.run(db, "DELETE FROM tokens WHERE user_id = ? AND digest IS NOT ?", [userId, keep]) }
    }

    public func tokens(userId: String) async throws -> [AccessToken] {
        try await read { db in
            try Data.fetchAll(Self.statement(db, "SELECT doc FROM tokens WHERE user_id = ?"), arguments: [userId])
                .map { try Codec.decode(AccessToken.self, from: $0) }
        }
    }
}
