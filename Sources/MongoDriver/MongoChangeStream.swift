import CMongoC
import Foundation

/// A change stream on one collection (`watch`), with a client of its own: it blocks in ``next()`` for up to
/// `maxAwait` on whichever thread reads it (one thread at a time, as libmongoc clients require), so it must not
/// hold a pooled client the stores need. Each event's resume token is kept, so a stream that fails can be reopened
/// where it stopped (``resumeToken``).
public final class MongoChangeStream: @unchecked Sendable {
    private let client: OpaquePointer
    private let collection: OpaquePointer
    private let stream: OpaquePointer

    /// Opens the stream on `collection` of `pool`'s database, after `resumeAfter` when given (else from now).
    public init(pool: MongoClientPool, collection name: String, resumeAfter: BSONDocument? = nil, maxAwait: Duration = .milliseconds(500)) throws {
        guard let client = mongoc_client_new_from_uri(pool.uri) else { throw MongoError(message: "cannot create a MongoDB client for a change stream") }
        mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2)
        guard let collection = mongoc_client_get_collection(client, pool.databaseName, name) else {
            mongoc_client_destroy(client)
            throw MongoError(message: "no collection \(name)")
        }
        let options: BSONDocument = ["maxAwaitTimeMS": .int(Int(maxAwait.components.seconds * 1000 + maxAwait.components.attoseconds / 1_000_000_000_000_000))]
        if let resumeAfter { options.append("resumeAfter", .document(resumeAfter)) }
        let pipeline: BSONDocument = ["pipeline": .array([])]
        let stream = withExtendedLifetime((pipeline, options)) { mongoc_collection_watch(collection, pipeline.pointer, options.pointer) }
        guard let stream else {
            mongoc_collection_destroy(collection)
            mongoc_client_destroy(client)
            throw MongoError(message: "watch on \(name) failed to start")
        }
        self.client = client
        self.collection = collection
        self.stream = stream
        // libmongoc reports a failed `aggregate` (no replica set, unknown collection…) on the stream, before any event.
        var error = bson_error_t()
        var reply: OpaquePointer?
        if mongoc_change_stream_error_document(stream, &error, &reply) {
            let failure = MongoError(error, reply: reply)
            close()
            throw failure
        }
    }

    deinit { close() }

    private let closed = NSLock()
    private var isClosed = false

    private func close() {
        closed.lock()
        defer { closed.unlock() }
        guard !isClosed else { return }
        isClosed = true
        mongoc_change_stream_destroy(stream)
        mongoc_collection_destroy(collection)
        mongoc_client_destroy(client)
    }

    /// The next change event, or nil when none came within `maxAwait`; throws when the stream failed (reopen it
    /// with ``resumeToken``).
    public func next() throws -> BSONDocument? {
        var current: OpaquePointer?
        if mongoc_change_stream_next(stream, &current), let current {
            return BSONDocument(copying: current)
        }
        var error = bson_error_t()
        var reply: OpaquePointer?
        if mongoc_change_stream_error_document(stream, &error, &reply) { throw MongoError(error, reply: reply) }
        return nil
    }

    /// Where the stream stands: the token of the last event read (or the server's post-batch token).
    public var resumeToken: BSONDocument? {
        mongoc_change_stream_get_resume_token(stream).map { BSONDocument(copying: $0) }
    }
}
