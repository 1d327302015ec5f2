public import ChatCore
public import AppsStorage
import Foundation
import GRDB
import NIOCore
import NIOPosix

/// The default store: one SQLite file in WAL mode, through GRDB.
///
/// Records are a JSON document plus the columns that are indexed or changed in place (counters, times), so hot-path
/// updates such as "one more unread message for every other member" are single SQL statements. Durability:
/// `synchronous=NORMAL` in WAL mode, so a committed transaction survives a process crash; after a power loss the
/// last transactions before the most recent checkpoint may be lost, never corrupted.
public final class EmbeddedStore: ChatStore, AppsStore {
    /// Storage options.
    public struct Configuration: Sendable {
        /// SQLite file path.
        public var path: String
        /// Readers allowed at once (WAL lets readers run beside the single writer).
        public var maximumReaderCount: Int = 4
        /// Threads that run SQLite calls. A small fixed pool: with GRDB's async API, Dispatch's per-connection queues
        /// spawned a dozen threads under load and half the CPU went to the kernel switching between them. Measured on
        /// 2 cores: 2,542 msg/s with Dispatch, 3,002 with 2 pool threads, 3,429 with 1. Default: half the cores.
        public var threads: Int = max(1, System.coreCount / 2)

        public init(path: String) {
            self.path = path
        }
    }

    let pool: DatabasePool
    let threadPool: NIOThreadPool
    let batcher: WriteBatcher

    /// Opens (creating if needed) the database and applies migrations.
    public init(configuration: Configuration) throws {
        var config = GRDB.Configuration()
        config.maximumReaderCount = configuration.maximumReaderCount
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            pool = try DatabasePool(path: configuration.path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(.backend, "cannot open embedded store at \(configuration.path): \(error)")
        }
        threadPool = NIOThreadPool(numberOfThreads: max(1, configuration.threads))
        threadPool.start()
        batcher = WriteBatcher(pool: pool, threads: threadPool)
    }

    deinit {
        threadPool.shutdownGracefully { _ in }
    }

    /// Runs a write transaction, mapping SQLite errors to `StoreError`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let pool = self.pool
        do {
            return try await threadPool.runIfActive { try pool.write(body) }
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    /// Runs a read, mapping SQLite errors to `StoreError`.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let pool = self.pool
        do {
            return try await threadPool.runIfActive { try pool.read(body) }
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    /// Unique-constraint failures name the violated column; map them to the key names of the store protocols.
    static func translate(_ error: DatabaseError) -> StoreError {
        guard error.resultCode == .SQLITE_CONSTRAINT else { return StoreError(.backend, "\(error)") }
        let message = error.message ?? ""
        let keys: [(String, String)] = [
            ("users.username_key", "username"), ("users.id", "user.id"), ("user_emails.address_key", "email"),
            ("tokens.user_id, tokens.name", "token.name"), ("tokens.digest", "token"),
            ("rooms.name_key", "room.name"), ("rooms.direct_key", "room.direct"), ("rooms.id", "room.id"),
            ("subscriptions.room_id, subscriptions.user_id", "subscription"), ("subscriptions.id", "subscription.id"),
            ("messages.id", "message.id"), ("apps.id", "app.id"), ("app_persistence.id", "persistence.id"),
            ("trusted_keys.id", "trustedKey.id"), ("integrations.id", "integration.id"),
        ]
        for (column, key) in keys where message.contains(column) {
            return StoreError(.duplicate(key: key), message)
        }
        return StoreError(.backend, "\(error)")
    }
}

extension EmbeddedStore {
    /// Executes fixed SQL through the connection's statement cache (parsing is a visible cost on the hot path).
    static func run(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// A prepared statement, from the connection's cache unless the SQL is built per call (`IN (?, ?, ...)` lists
    /// would flood the cache).
    static func statement(_ db: Database, _ sql: String, cached: Bool = true) throws -> Statement {
        cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
    }
}
