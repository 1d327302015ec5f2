import GRDB
import NIOPosix
import Synchronization

/// Group commit for the hot write path: inserts that arrive while a transaction is running are committed
/// together in the next one, each inside its own savepoint so one failure (a reused message id) refuses only that
/// insert. Fewer commits mean fewer WAL writes and fewer thread wake-ups under concurrent load; a lone insert still
/// commits at once.
final class WriteBatcher: Sendable {
    private struct Pending {
        let work: @Sendable (Database) throws -> Void
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct Queue {
        var pending: [Pending] = []
        var draining = false
    }

    private let queue = Mutex(Queue())
    private let pool: DatabasePool
    private let threads: NIOThreadPool
    private let maxBatch: Int

    init(pool: DatabasePool, threads: NIOThreadPool, maxBatch: Int = 64) {
        self.pool = pool
        self.threads = threads
        self.maxBatch = maxBatch
    }

    /// Runs `work` in a write transaction shared with concurrently submitted work.
    func submit(_ work: @escaping @Sendable (Database) throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = queue.withLock { queue -> Bool in
                queue.pending.append(Pending(work: work, continuation: continuation))
                guard !queue.draining else { return false }
                queue.draining = true
                return true
            }
            if start { threads.submit { [self] _ in drain() } }
        }
    }

    /// On a pool thread: commit batches until nothing is pending.
    private func drain() {
        while true {
            let batch = queue.withLock { queue -> [Pending] in
                guard !queue.pending.isEmpty else {
                    queue.draining = false
                    return []
                }
                let count = min(maxBatch, queue.pending.count)
                defer { queue.pending.removeFirst(count) }
                return Array(queue.pending.prefix(count))
            }
            guard !batch.isEmpty else { return }
            var results: [Result<Void, any Error>] = []
            do {
                try pool.write { db in
                    results = []
                    for item in batch {
                        do {
                            try db.inSavepoint {
                                try item.work(db)
                                return .commit
                            }
                            results.append(.success(()))
                        } catch let error as DatabaseError {
                            results.append(.failure(EmbeddedStore.translate(error)))
                        } catch {
                            results.append(.failure(error))
                        }
                    }
                }
            } catch {
                let failure = (error as? DatabaseError).map(EmbeddedStore.translate) ?? error
                results = Array(repeating: .failure(failure), count: batch.count)
            }
            for (item, result) in zip(batch, results) { item.continuation.resume(with: result) }
        }
    }
}
