import CMongoC
import Foundation

/// One pooled client for the duration of a ``MongoClientPool/run(_:)`` job: the operations the stores need, each
/// optionally inside a transaction's session. Not to be kept beyond the job.
public struct MongoConnection {
    let client: OpaquePointer
    public let database: String

    /// What an update or replace matched and changed.
    public struct UpdateResult: Sendable {
        public var matched: Int
        public var modified: Int
        public var upserted: Int
    }

    /// An index to create at start-up.
    public struct Index: Sendable {
        public var name: String
        public var keys: BSONDocument
        public var unique: Bool
        public var partialFilter: BSONDocument?
        /// A TTL index: documents go this long after the date in its (single) key.
        public var expireAfterSeconds: Int?

        public init(name: String, keys: BSONDocument, unique: Bool = false, partialFilter: BSONDocument? = nil, expireAfterSeconds: Int? = nil) {
            self.name = name
            self.keys = keys
            self.unique = unique
            self.partialFilter = partialFilter
            self.expireAfterSeconds = expireAfterSeconds
        }
    }

    // MARK: Writes

    public func insertOne(_ collection: String, _ document: BSONDocument, session: MongoSession? = nil) throws {
        try write(collection, session: session) { pointer, options, reply, error in
            document.withPointer { mongoc_collection_insert_one(pointer, $0, options, reply, &error) }
        }
    }

    public func insertMany(_ collection: String, _ documents: [BSONDocument], session: MongoSession? = nil) throws {
        guard !documents.isEmpty else { return }
        try write(collection, session: session) { pointer, options, reply, error in
            withExtendedLifetime(documents) {
                var pointers: [OpaquePointer?] = documents.map(\.pointer)
                return pointers.withUnsafeMutableBufferPointer { buffer in
                    mongoc_collection_insert_many(pointer, buffer.baseAddress, buffer.count, options, reply, &error)
                }
            }
        }
    }

    @discardableResult
    public func updateOne(
        _ collection: String, _ filter: BSONDocument, _ update: BSONDocument, upsert: Bool = false, session: MongoSession? = nil
    ) throws -> UpdateResult {
        try updateResult(collection, upsert: upsert, session: session) { pointer, options, reply, error in
            withExtendedLifetime((filter, update)) { mongoc_collection_update_one(pointer, filter.pointer, update.pointer, options, reply, &error) }
        }
    }

    @discardableResult
    public func updateMany(
        _ collection: String, _ filter: BSONDocument, _ update: BSONDocument, session: MongoSession? = nil
    ) throws -> UpdateResult {
        try updateResult(collection, upsert: false, session: session) { pointer, options, reply, error in
            withExtendedLifetime((filter, update)) { mongoc_collection_update_many(pointer, filter.pointer, update.pointer, options, reply, &error) }
        }
    }

    @discardableResult
    public func replaceOne(
        _ collection: String, _ filter: BSONDocument, _ replacement: BSONDocument, session: MongoSession? = nil
    ) throws -> UpdateResult {
        try updateResult(collection, upsert: false, session: session) { pointer, options, reply, error in
            withExtendedLifetime((filter, replacement)) {
                mongoc_collection_replace_one(pointer, filter.pointer, replacement.pointer, options, reply, &error)
            }
        }
    }

    /// Answers how many documents went.
    @discardableResult
    public func deleteMany(_ collection: String, _ filter: BSONDocument, session: MongoSession? = nil) throws -> Int {
        try write(collection, session: session) { pointer, options, reply, error in
            filter.withPointer { mongoc_collection_delete_many(pointer, $0, options, reply, &error) }
        }.int("deletedCount") ?? 0
    }

    @discardableResult
    public func deleteOne(_ collection: String, _ filter: BSONDocument, session: MongoSession? = nil) throws -> Int {
        try write(collection, session: session) { pointer, options, reply, error in
            filter.withPointer { mongoc_collection_delete_one(pointer, $0, options, reply, &error) }
        }.int("deletedCount") ?? 0
    }

    // MARK: Reads

    public func find(
        _ collection: String, _ filter: BSONDocument, sort: BSONDocument? = nil, skip: Int = 0, limit: Int = 0,
        projection: BSONDocument? = nil, session: MongoSession? = nil
    ) throws -> [BSONDocument] {
        let options = BSONDocument()
        if let sort { options.append("sort", .document(sort)) }
        if skip > 0 { options.append("skip", .int(skip)) }
        if limit > 0 { options.append("limit", .int(limit)) }
        if let projection { options.append("projection", .document(projection)) }
        try session?.append(to: options)
        return try withCollection(collection) { pointer in
            guard let cursor = withExtendedLifetime((filter, options), { mongoc_collection_find_with_opts(pointer, filter.pointer, options.pointer, nil) })
            else { throw MongoError(message: "find on \(collection) failed to start") }
            defer { mongoc_cursor_destroy(cursor) }
            var documents: [BSONDocument] = []
            var current: OpaquePointer?
            while mongoc_cursor_next(cursor, &current) {
                if let current { documents.append(BSONDocument(copying: current)) }
            }
            var error = bson_error_t()
            var reply: OpaquePointer?
            if mongoc_cursor_error_document(cursor, &error, &reply) { throw MongoError(error, reply: reply) }
            return documents
        }
    }

    public func findOne(
        _ collection: String, _ filter: BSONDocument, projection: BSONDocument? = nil, session: MongoSession? = nil
    ) throws -> BSONDocument? {
        try find(collection, filter, limit: 1, projection: projection, session: session).first
    }

    public func count(_ collection: String, _ filter: BSONDocument, session: MongoSession? = nil) throws -> Int {
        let options = BSONDocument()
        try session?.append(to: options)
        return try withCollection(collection) { pointer in
            try withReply { reply in
                var error = bson_error_t()
                let count = withExtendedLifetime((filter, options)) {
                    mongoc_collection_count_documents(pointer, filter.pointer, options.pointer, nil, reply, &error)
                }
                guard count >= 0 else { throw MongoError(error, reply: reply) }
                return Int(count)
            }
        }
    }

    // MARK: Database

    /// A database command; answers the server's reply.
    @discardableResult
    public func command(_ command: BSONDocument) throws -> BSONDocument {
        try withReply { reply in
            var error = bson_error_t()
            let ok = command.withPointer { mongoc_client_command_simple(client, database, $0, nil, reply, &error) }
            guard ok else { throw MongoError(error, reply: reply) }
            return BSONDocument(copying: reply)
        }
    }

    public func collectionNames() throws -> [String] {
        guard let handle = mongoc_client_get_database(client, database) else { return [] }
        defer { mongoc_database_destroy(handle) }
        var error = bson_error_t()
        guard let names = mongoc_database_get_collection_names_with_opts(handle, nil, &error) else { throw MongoError(error) }
        defer { bson_strfreev(names) }
        var result: [String] = []
        var index = 0
        while let name = names[index] {
            result.append(String(cString: name))
            index += 1
        }
        return result
    }

    /// `createIndexes` (libmongoc 1.23 has no helper for it); existing identical indexes are kept.
    public func createIndexes(_ collection: String, _ indexes: [Index]) throws {
        let specs: [BSONValue] = indexes.map { index in
            let spec: BSONDocument = ["key": .document(index.keys), "name": .string(index.name)]
            if index.unique { spec.append("unique", true) }
            if let filter = index.partialFilter { spec.append("partialFilterExpression", .document(filter)) }
            if let seconds = index.expireAfterSeconds { spec.append("expireAfterSeconds", .int(seconds)) }
            return .document(spec)
        }
        try command(["createIndexes": .string(collection), "indexes": .array(specs)])
    }

    public func dropDatabase() throws {
        try command(["dropDatabase": 1])
    }

    /// Runs `body` in a transaction, retrying the whole transaction on transient errors (write conflicts) for up to
    /// `patience`, as the MongoDB drivers' `withTransaction` does (theirs: 120 s). Several nodes writing one room
    /// conflict often under load; a fixed small number of attempts gave up while the others were still committing.
    public func withTransaction<T>(patience: Duration = .seconds(10), _ body: (MongoSession) throws -> T) throws -> T {
        var error = bson_error_t()
        guard let session = mongoc_client_start_session(client, nil, &error) else { throw MongoError(error) }
        defer { mongoc_client_session_destroy(session) }
        let deadline = ContinuousClock.now + patience
        var attempt = 0
        while true {
            attempt += 1
            guard mongoc_client_session_start_transaction(session, nil, &error) else { throw MongoError(error) }
            do {
                let result = try body(MongoSession(pointer: session))
                try withReply { reply in
                    guard mongoc_client_session_commit_transaction(session, reply, &error) else { throw MongoError(error, reply: reply) }
                }
                return result
            } catch let failure as MongoError where failure.isTransient && ContinuousClock.now < deadline {
                _ = mongoc_client_session_abort_transaction(session, nil)
                // Back off exponentially (capped at 50 ms), randomly, so conflicting writers spread out.
                let ceiling = min(50_000, 250 << min(attempt, 10))
                usleep(UInt32.random(in: UInt32(ceiling / 2)...UInt32(ceiling)))
            } catch {
                _ = mongoc_client_session_abort_transaction(session, nil)
                throw error
            }
        }
    }

    // MARK: Plumbing

    func withCollection<T>(_ name: String, _ body: (OpaquePointer) throws -> T) throws -> T {
        guard let collection = mongoc_client_get_collection(client, database, name) else {
            throw MongoError(message: "no collection \(name)")
        }
        defer { mongoc_collection_destroy(collection) }
        return try body(collection)
    }

    /// A write with options carrying the session; answers the reply.
    @discardableResult
    func write(
        _ collection: String, session: MongoSession?, upsert: Bool = false,
        _ body: (OpaquePointer, OpaquePointer, OpaquePointer, inout bson_error_t) -> Bool
    ) throws -> BSONDocument {
        let options = BSONDocument()
        if upsert { options.append("upsert", true) }
        try session?.append(to: options)
        return try withCollection(collection) { pointer in
            try withReply { reply in
                var error = bson_error_t()
                let ok = options.withPointer { body(pointer, $0, reply, &error) }
                guard ok else { throw MongoError(error, reply: reply) }
                return BSONDocument(copying: reply)
            }
        }
    }

    func updateResult(
        _ collection: String, upsert: Bool, session: MongoSession?,
        _ body: (OpaquePointer, OpaquePointer, OpaquePointer, inout bson_error_t) -> Bool
    ) throws -> UpdateResult {
        let reply = try write(collection, session: session, upsert: upsert, body)
        return UpdateResult(matched: reply.int("matchedCount") ?? 0, modified: reply.int("modifiedCount") ?? 0, upserted: reply.int("upsertedCount") ?? 0)
    }
}

/// A reply out-parameter: libmongoc initialises it (even on failure) and it must be destroyed. `bson_t` is 128-byte
/// aligned, which Swift cannot express, hence the raw allocation.
func withReply<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128)
    let reply = OpaquePointer(raw)
    bson_init(reply)
    defer {
        bson_destroy(reply)
        raw.deallocate()
    }
    return try body(reply)
}
