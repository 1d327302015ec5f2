public import ChatCore
import Foundation
public import Logging
import MongoDriver
import Synchronization

/// Carries chat events between Airlock nodes sharing one MongoDB: every event this node's services publish is
/// written to `airlock_events` (in publish order, batched, kept an hour by a TTL index), and every node watches that
/// collection with a change stream and publishes what the others wrote on its own hub (origin `.cluster`), so
/// realtime clients, session caches and apps on every node follow every node's changes.
///
/// One collection for every kind of event, documents and ephemera alike (typing, app views, notices): one stream,
/// one order. Events of one room keep their order (a node writes in publish order; the stream delivers in commit
/// order). A stream that fails is reopened after the last event read (its resume token) for as long as the failure
/// lasts, so a node that loses it misses nothing; if the server no longer knows that place, the node goes on from
/// now and resyncs (``ChatEvent/clusterEventsMissed``). Revocations wait for their write (``EventHub/settle()``).
public final class MongoEventRelay: Sendable {
    static let collection = "airlock_events"
    /// How long events stay: far longer than any stream outage a node resumes from.
    static let retentionSeconds = 3600
    /// Events waiting to be written past which the oldest are dropped (the store is unreachable).
    static let maxPending = 50_000

    /// This node's name, in every event it writes; its own events are not delivered back to it.
    public let node: String
    let pool: MongoClientPool
    let hub: EventHub
    let logger: Logger

    private enum Item: Sendable {
        case event(ChatEvent)
        case barrier(CheckedContinuation<Void, Never>)
    }

    private struct State {
        var pending: [Item] = []
        var writing = false
        var running = true
        var streaming = false
        var sequence = 0
    }

    private let state = Mutex(State())
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    private let writer = Mutex<Task<Void, Never>?>(nil)

    public init(store: MongoStore, hub: EventHub, node: String, logger: Logger) {
        self.pool = store.pool
        self.hub = hub
        self.node = node
        self.logger = logger
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Whether this node currently hears the other nodes (its change stream is open): `/health/ready` reports it.
    public var isStreaming: Bool { state.withLock { $0.streaming } }

    /// Opens the stream before anything else runs (so nothing published from now on is missed), then starts
    /// relaying this node's events.
    public func start() async throws {
        try await pool.run { connection in
            try connection.createIndexes(Self.collection, [.init(name: "at_ttl", keys: ["at": 1], expireAfterSeconds: Self.retentionSeconds)])
        }
        let first = try await pool.run { [pool] _ in try MongoChangeStream(pool: pool, collection: Self.collection) }
        state.withLock { $0.streaming = true }
        let thread = Thread { [self] in watch(first) }
        thread.name = "airlock-event-relay"
        thread.start()
        writer.withLock { $0 = Task { await self.write() } }
        hub.listen(from: [.local]) { [weak self] event in self?.enqueue(.event(event)) }
        hub.onSettle { [weak self] in await self?.settle() }
    }

    /// Returns once everything enqueued before the call is written (or given up while the relay stops).
    public func settle() async {
        await withCheckedContinuation { continuation in enqueue(.barrier(continuation)) }
    }

    /// Writes what is pending, then stops watching.
    public func stop() async {
        await settle()
        state.withLock { $0.running = false }
        wake.finish()
        await writer.withLock { $0 }?.value
    }

    private func enqueue(_ item: Item) {
        let accepted = state.withLock { state -> Bool in
            guard state.running else { return false }
            state.pending.append(item)
            if state.pending.count > Self.maxPending, let index = state.pending.firstIndex(where: { if case .event = $0 { true } else { false } }) {
                state.pending.remove(at: index)
            }
            return true
        }
        if accepted { wake.yield() } else if case .barrier(let continuation) = item { continuation.resume() }
    }

    // MARK: Writing

    /// Writes pending events in batches, in order; a failed write is retried (growing pauses) so order holds.
    private func write() async {
        for await _ in wakes {
            while true {
                let batch = state.withLock { state -> [Item] in
                    defer { state.pending.removeAll(keepingCapacity: true) }
                    return state.pending
                }
                if batch.isEmpty { break }
                var documents: [BSONDocument] = []
                for item in batch {
                    switch item {
                    case .event(let event):
                        if let document = document(for: event) { documents.append(document) }
                    case .barrier(let continuation):
                        await flush(&documents)
                        continuation.resume()
                    }
                }
                await flush(&documents)
            }
        }
        // Stopped: nothing more is written; whoever still waits is let go.
        for case .barrier(let continuation) in state.withLock({ $0.pending }) { continuation.resume() }
    }

    private func document(for event: ChatEvent) -> BSONDocument? {
        guard let relayed = RelayedEvent(event) else { return nil }
        let sequence = state.withLock { state -> Int in
            state.sequence += 1
            return state.sequence
        }
        do {
            let document = try BSONDocument(encoding: relayed)
            return ["_id": .string("\(node):\(sequence)"), "node": .string(node), "at": .date(Date()), "event": .document(document)]
        } catch {
            logger.error("event not relayed: cannot encode it", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func flush(_ documents: inout [BSONDocument]) async {
        guard !documents.isEmpty else { return }
        let batch = documents
        documents.removeAll()
        var attempt = 0
        while state.withLock({ $0.running }) || attempt == 0 {
            do {
                try await pool.run { try $0.insertMany(Self.collection, batch) }
                return
            } catch {
                attempt += 1
                if attempt == 1 || attempt % 20 == 0 {
                    logger.warning("cannot relay events to other nodes; retrying", metadata: ["events": "\(batch.count)", "error": "\(error)"])
                }
                try? await Task.sleep(for: .milliseconds(min(2000, 50 * attempt)))
            }
        }
    }

    // MARK: Watching

    /// The watch loop, on a thread of its own (the stream blocks while it waits for events).
    private func watch(_ first: MongoChangeStream) {
        var stream: MongoChangeStream? = first
        var token: BSONDocument?
        var failures = 0
        while state.withLock({ $0.running }) {
            do {
                if stream == nil {
                    stream = try MongoChangeStream(pool: pool, collection: Self.collection, resumeAfter: token)
                    state.withLock { $0.streaming = true }
                    if failures > 0 { logger.notice("event stream resumed", metadata: ["failures": "\(failures)"]) }
                    failures = 0
                }
                guard let change = try stream?.next() else { continue }
                token = stream?.resumeToken
                deliver(change)
            } catch {
                stream = nil
                state.withLock { $0.streaming = false }
                failures += 1
                if token != nil, (error as? MongoError)?.isResumePointLost == true {
                    // The server no longer has the stream's place (an outage longer than its history): go on from
                    // now, and have this node drop what it may have missed (sessions, sockets, apps' state).
                    logger.error("cannot resume the event stream; continuing from now and resyncing this node", metadata: ["error": "\(error)"])
                    token = nil
                    hub.publish(.clusterEventsMissed, origin: .cluster)
                    continue
                }
                // Anything else (the database unreachable, an election) is retried after the same token for as long
                // as it lasts: nothing is skipped.
                if failures == 1 || failures % 20 == 0 {
                    logger.warning("event stream lost; reopening after the last event read", metadata: ["error": "\(error)", "failures": "\(failures)"])
                }
                Thread.sleep(forTimeInterval: min(2, 0.1 * Double(failures)))
            }
        }
    }

    private func deliver(_ change: BSONDocument) {
        guard change.string("operationType") == "insert", let document = change.document("fullDocument"),
            document.string("node") != node, let body = document.document("event")
        else { return }
        do {
            guard let event = try body.decode(RelayedEvent.self).event else { return }
            hub.publish(event, origin: .cluster)
        } catch {
            logger.error("event from another node not understood", metadata: ["error": "\(error)"])
        }
    }
}
