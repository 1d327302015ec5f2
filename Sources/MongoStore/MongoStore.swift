public import ChatCore
public import AppsStorage
import Foundation
import Logging
import MongoDriver
import Synchronization

/// The production store: MongoDB through libmongoc (``MongoDriver``), for clusters of Airlock nodes.
///
/// Collections follow Rocket.Chat's names where one exists; documents are Airlock's own records plus the fields that
/// are queried case-insensitively (`usernameKey`, `nameKey`, ...) or changed in place by the store (room and thread
/// counters). Multi-record operations run in transactions (retried on write conflicts). The store refuses a database
/// that holds a Rocket.Chat installation.
public final class MongoStore: ChatStore, AppsStore {
    enum Collection {
        static let users = "users"
        static let tokens = "airlock_tokens"
        static let rooms = "rocketchat_room"
        static let subscriptions = "rocketchat_subscription"
        static let messages = "rocketchat_message"
        static let apps = "rocketchat_apps"
        static let appLogs = "rocketchat_apps_logs"
        static let persistence = "rocketchat_apps_persistence"
        static let jobs = "rocketchat_apps_scheduler"
        static let meta = "airlock_meta"
        static let trustedKeys = "airlock_trusted_keys"
        static let integrations = "rocketchat_integrations"
        static let loginAttempts = "airlock_login_attempts"
        static let appStats = "airlock_app_stats"
    }

    /// The store-protocol key a duplicate on each collection's `_id` means.
    static let idKeys = [
        Collection.users: "user.id", Collection.tokens: "token", Collection.rooms: "room.id",
        Collection.subscriptions: "subscription.id", Collection.messages: "message.id", Collection.apps: "app.id",
        Collection.persistence: "persistence.id", Collection.jobs: "job.id",
        Collection.trustedKeys: "trustedKey.id", Collection.integrations: "integration.id",
    ]

    let pool: MongoClientPool
    let logSequence = LogSequence()
    let roomLocks = KeyedLock()

    /// Connects (with bounded retries), checks the database is Airlock's, and creates the indexes.
    public static func open(uri: String, threads: Int = 4, connectAttempts: Int = 5, logger: Logger) async throws -> MongoStore {
        var configuration = MongoClientPool.Configuration(uri: uri)
        configuration.threads = threads
        let pool: MongoClientPool
        do {
            pool = try MongoClientPool(configuration)
            try await pool.connect(attempts: connectAttempts)
        } catch {
            throw StoreError(.backend, "\(error)")
        }
        let store = MongoStore(pool: pool)
        try await store.prepare()
        logger.notice("mongo store ready", metadata: ["db.name": "\(pool.databaseName)", "db.uri": "\(pool.uriDescription)"])
        return store
    }

    init(pool: MongoClientPool) {
        self.pool = pool
    }

    /// Refuses a Rocket.Chat database, marks the database as Airlock's and creates every index.
    func prepare() async throws {
        try await run { connection in
            let names = Set(try connection.collectionNames())
            if names.contains("rocketchat_settings") || names.contains("rocketchat_statistics") {
                throw StoreError(
                    .backend,
                    "database \"\(connection.database)\" holds a Rocket.Chat installation; Airlock uses its own document shapes and will not share it. Use another database name.")
            }
            try connection.updateOne(
                Collection.meta, ["_id": "store"], ["$setOnInsert": ["schema": 1, "createdBy": "airlock"]], upsert: true)
            for (collection, indexes) in Self.indexes {
                try connection.createIndexes(collection, indexes)
            }
        }
        try await migratePersistenceKeys()
    }

    static let indexes: [(String, [MongoConnection.Index])] = [
        (Collection.users, [
            .init(name: "username", keys: ["usernameKey": 1], unique: true),
            .init(name: "email", keys: ["emailKeys": 1], unique: true, partialFilter: ["emailKeys": ["$exists": true]]),
        ]),
        (Collection.tokens, [
            .init(name: "token.name", keys: ["userId": 1, "name": 1], unique: true, partialFilter: ["kind": "personal"]),
            .init(name: "tokens_user", keys: ["userId": 1]),
        ]),
        (Collection.rooms, [
            .init(name: "room.name", keys: ["nameKey": 1], unique: true, partialFilter: ["nameKey": ["$exists": true]]),
            .init(name: "room.direct", keys: ["directKey": 1], unique: true, partialFilter: ["directKey": ["$exists": true]]),
            .init(name: "rooms_type_name", keys: ["type": 1, "nameKey": 1]),
        ]),
        (Collection.subscriptions, [
            .init(name: "subscription", keys: ["roomId": 1, "userId": 1], unique: true),
            .init(name: "subscriptions_user_updated", keys: ["userId": 1, "updatedAt": 1]),
            .init(name: "subscriptions_room_username", keys: ["roomId": 1, "usernameKey": 1]),
        ]),
        (Collection.messages, [
            .init(name: "messages_room_ts", keys: ["rid": 1, "ts": 1]),
            .init(name: "messages_thread_ts", keys: ["tmid": 1, "ts": 1], partialFilter: ["tmid": ["$exists": true]]),
        ]),
        (Collection.apps, [.init(name: "apps_installed", keys: ["installedAt": 1])]),
        (Collection.integrations, [.init(name: "integrations_kind", keys: ["kind": 1, "enabled": 1])]),
        (Collection.loginAttempts, [.init(name: "login_attempts_ttl", keys: ["expiresAt": 1], expireAfterSeconds: 0)]),
        (Collection.appStats, [
            .init(name: "app_stats_ttl", keys: ["expiresAt": 1], expireAfterSeconds: 0),
            .init(name: "app_stats_app_minute", keys: ["appId": 1, "minute": 1]),
        ]),
        (Collection.jobs, [
            .init(name: "jobs_next", keys: ["nextRunAt": 1]), .init(name: "jobs_app", keys: ["appId": 1, "processorId": 1]),
        ]),
        (Collection.persistence, [.init(name: "persistence_app_associations", keys: ["appId": 1, "associations": 1])]),
        (Collection.appLogs, [
            .init(name: "app_logs_app_seq", keys: ["appId": 1, "seq": 1]),
            .init(name: "app_logs_created", keys: ["createdAt": 1]),
        ]),
    ]

    /// Runs driver work on the pool's threads, mapping driver errors to `StoreError`.
    func run<T: Sendable>(_ body: @escaping @Sendable (MongoConnection) throws -> T) async throws -> T {
        do {
            return try await pool.run(body)
        } catch let error as StoreError {
            throw error
        } catch let error as MongoError {
            throw Self.translate(error)
        } catch let error as DecodingError {
            throw StoreError(.backend, "unreadable document: \(error)")
        }
    }

    /// Runs driver work in a transaction.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (MongoConnection, MongoSession) throws -> T) async throws -> T {
        try await run { connection in try connection.withTransaction { session in try body(connection, session) } }
    }

    static func translate(_ error: MongoError) -> StoreError {
        guard error.isDuplicateKey else { return StoreError(.backend, "\(error)") }
        if let index = error.duplicateIndex, index != "_id_" {
            return StoreError(.duplicate(key: index), error.message)
        }
        for (collection, key) in idKeys where error.message.contains(".\(collection) ") || error.message.contains(".\(collection)\"") {
            return StoreError(.duplicate(key: key), error.message)
        }
        return StoreError(.duplicate(key: "id"), error.message)
    }

    /// One page of a sorted listing (a count of 0 is an empty page, not MongoDB's "no limit").
    static func findPage(
        _ connection: MongoConnection, _ collection: String, _ filter: BSONDocument, sort: BSONDocument, page: PageRequest
    ) throws -> [BSONDocument] {
        guard page.count > 0 else { return [] }
        return try connection.find(collection, filter, sort: sort, skip: page.offset, limit: page.count)
    }

    /// A `$regex` that matches `text` literally (every metacharacter escaped): user search terms are not patterns.
    static func literalPattern(_ text: String) -> String {
        var pattern = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern
    }

    static func direction(_ page: PageRequest) -> BSONValue {
        page.ascending ? 1 : -1
    }

    /// Drops the whole database (tests).
    public func dropDatabase() async throws {
        try await run { try $0.dropDatabase() }
    }
}

/// App log lines are ordered by a per-process sequence that also follows the clock (ordering across nodes is by
/// time to the millisecond).
final class LogSequence: Sendable {
    private let last = Mutex<Int64>(0)

    func next(at date: Date) -> Int64 {
        last.withLock { last in
            last = max(last + 1, Int64(date.timeIntervalSince1970 * 1000) << 12)
            return last
        }
    }
}
