import CMongoC
import Foundation
import NIOPosix

/// A libmongoc client pool with its own threads: every driver call runs on one of them (never on an event loop or
/// the cooperative pool), with a client popped for the duration of the job. The pool holds one more client than
/// there are threads, so popping never blocks a thread while it waits for another pooled resource.
public final class MongoClientPool: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// `mongodb://host:port/database?options`; the database defaults to `airlock`.
        public var uri: String
        /// Threads running driver calls.
        public var threads: Int = 4
        /// How long one connection attempt may look for a server.
        public var serverSelectionTimeout: Duration = .seconds(3)

        public init(uri: String) {
            self.uri = uri
        }
    }

    /// `mongoc_init` runs once, before the first pool. libmongoc's own log lines (per-heartbeat DEBUG noise on
    /// stderr) are switched off: every failure that matters comes back as an error from the call that failed.
    private static let initialized: Void = {
        mongoc_init()
        mongoc_log_set_handler(nil, nil)
    }()

    public let databaseName: String
    public let uriDescription: String
    let uri: OpaquePointer
    let pool: OpaquePointer
    let threadPool: NIOThreadPool

    public init(_ configuration: Configuration) throws {
        _ = Self.initialized
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(configuration.uri, &error) else {
            throw MongoError(message: "invalid MongoDB URI: \(MongoError(error).message)")
        }
        let timeout = configuration.serverSelectionTimeout.components
        _ = mongoc_uri_set_option_as_int32(
            uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, Int32(timeout.seconds * 1000 + timeout.attoseconds / 1_000_000_000_000_000))
        let database = mongoc_uri_get_database(uri).map { String(cString: $0) } ?? ""
        guard let pool = mongoc_client_pool_new(uri) else {
            mongoc_uri_destroy(uri)
            throw MongoError(message: "cannot create a MongoDB client pool for \(configuration.uri)")
        }
        mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2)
        mongoc_client_pool_max_size(pool, UInt32(configuration.threads + 1))
        self.uri = uri
        self.pool = pool
        self.databaseName = database.isEmpty ? "airlock" : database
        // Never echo credentials into logs or errors.
        self.uriDescription = configuration.uri.replacingOccurrences(of: #"//[^@/]*@"#, with: "//***@", options: .regularExpression)
        threadPool = NIOThreadPool(numberOfThreads: max(1, configuration.threads))
        threadPool.start()
    }

    deinit {
        try? threadPool.syncShutdownGracefully()
        mongoc_client_pool_destroy(pool)
        mongoc_uri_destroy(uri)
    }

    /// Runs `body` on a driver thread with a pooled client.
    public func run<T: Sendable>(_ body: @escaping @Sendable (MongoConnection) throws -> T) async throws -> T {
        try await threadPool.runIfActive { [self] in
            guard let client = mongoc_client_pool_pop(pool) else { throw MongoError(message: "no MongoDB client available") }
            defer { mongoc_client_pool_push(pool, client) }
            return try body(MongoConnection(client: client, database: databaseName))
        }
    }

    /// Runs `body` with a pooled client on the calling thread, blocking it: for benchmarks and tools that measure
    /// the driver without the thread hop. Servers use ``run(_:)``.
    public func runBlocking<T>(_ body: (MongoConnection) throws -> T) throws -> T {
        guard let client = mongoc_client_pool_pop(pool) else { throw MongoError(message: "no MongoDB client available") }
        defer { mongoc_client_pool_push(pool, client) }
        return try body(MongoConnection(client: client, database: databaseName))
    }

    /// Pings the server until it answers, `attempts` times at most with a growing pause; the error names the server.
    public func connect(attempts: Int = 5, pause: Duration = .milliseconds(500)) async throws {
        var last: (any Error)?
        for attempt in 1...max(1, attempts) {
            do {
                _ = try await run { try $0.command(["ping": 1]) }
                return
            } catch {
                last = error
                if attempt < attempts { try await Task.sleep(for: pause * attempt) }
            }
        }
        throw MongoError(message: "cannot reach MongoDB at \(uriDescription) after \(attempts) attempts: \(last.map { "\($0)" } ?? "")")
    }
}
