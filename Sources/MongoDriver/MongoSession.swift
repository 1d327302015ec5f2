import CMongoC

/// The session of a running transaction (see ``MongoConnection/withTransaction(patience:_:)``); operations given it
/// run inside the transaction.
public struct MongoSession {
    let pointer: OpaquePointer

    /// Adds the session id to an operation's options.
    func append(to options: BSONDocument) throws {
        var error = bson_error_t()
        let ok = options.withPointer { mongoc_client_session_append(pointer, $0, &error) }
        guard ok else { throw MongoError(error) }
    }
}
