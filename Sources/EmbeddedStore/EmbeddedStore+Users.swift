public import ChatCore
import Foundation
import GRDB

extension EmbeddedStore {
    public func insertUser(_ user: User) async throws {
        let doc = try Codec.encode(user)
        try await write { db in
            try Self.run(db, "INSERT INTO users (id, username_key, doc) VALUES (?, ?, ?)", [user.id, user.username.lowercased(), doc])
            for email in user.emails {
                try Self.run(db, "INSERT INTO user_emails (address_key, user_id) VALUES (?, ?)", [email.address.lowercased(), user.id])
            }
        }
    }

    public func updateUser(_ user: User) async throws {
        let doc = try Codec.encode(user)
        try await write { db in
            try Self.run(db, "UPDATE users SET username_key = ?, doc = ? WHERE id = ?", [user.username.lowercased(), doc, user.id])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no user \(user.id)") }
            try Self.run(db, "DELETE FROM user_emails WHERE user_id = ?", [user.id])
            for email in user.emails {
                try Self.run(db, "INSERT INTO user_emails (address_key, user_id) VALUES (?, ?)", [email.address.lowercased(), user.id])
            }
        }
    }

    public func deleteUser(id: String) async throws {
        try await write { db in
            try Self.deleteUserRows(db, id: id)
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no user \(id)") }
        }
    }

    /// A user with their tokens, emails and memberships (room member counts adjusted); shared by user deletion and
    /// app uninstall (the bot user). `changesCount` afterwards tells whether the user row existed.
    static func deleteUserRows(_ db: Database, id: String) throws {
        try run(
            db, "UPDATE rooms SET users_count = users_count - 1 WHERE id IN (SELECT room_id FROM subscriptions WHERE user_id = ?)",
            [id])
        try run(db, "DELETE FROM subscriptions WHERE user_id = ?", [id])
        try run(db, "DELETE FROM tokens WHERE user_id = ?", [id])
        try run(db, "DELETE FROM user_emails WHERE user_id = ?", [id])
        try run(db, "DELETE FROM users WHERE id = ?", [id])
    }

    public func user(id: String) async throws -> User? {
        try await read { db in try Self.fetchUser(db, sql: "SELECT doc FROM users WHERE id = ?", id) }
    }

    public func user(username: String) async throws -> User? {
        try await read { db in
            try Self.fetchUser(db, sql: "SELECT doc FROM users WHERE username_key = ?", username.lowercased())
        }
    }

    public func user(email: String) async throws -> User? {
        try await read { db in
            try Self.fetchUser(
                db, sql: "SELECT u.doc FROM user_emails e JOIN users u ON u.id = e.user_id WHERE e.address_key = ?",
                email.lowercased())
        }
    }

    public func users(ids: [String]) async throws -> [User] {
        guard !ids.isEmpty else { return [] }
        return try await read { db in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            return try Data.fetchAll(db, sql: "SELECT doc FROM users WHERE id IN (\(marks))", arguments: StatementArguments(ids))
                .map { try Codec.decode(User.self, from: $0) }
        }
    }

    public func users(matching search: String?, page: PageRequest) async throws -> Page<User> {
        try await read { db in
            let order = page.ascending ? "ASC" : "DESC"
            var filter = ""
            var arguments = StatementArguments()
            if let term = search?.lowercased(), !term.isEmpty {
                filter = "WHERE instr(username_key, ?) > 0 OR instr(lower(json_extract(CAST(doc AS TEXT), '$.name')), ?) > 0"
                arguments = [term, term]
            }
            let items = try Data.fetchAll(
                db, sql: "SELECT doc FROM users \(filter) ORDER BY username_key \(order) LIMIT ? OFFSET ?",
                arguments: arguments + [Codec.limit(page.count), page.offset]
            ).map { try Codec.decode(User.self, from: $0) }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users \(filter)", arguments: arguments) ?? 0
            return Page(items: items, total: total)
        }
    }

    public func userCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") ?? 0 }
    }

    private static func fetchUser(_ db: Database, sql: String, _ key: String) throws -> User? {
        try Data.fetchOne(statement(db, sql), arguments: [key]).map { try Codec.decode(User.self, from: $0) }
    }
}
