import ChatCore
import NIOCore
import NIOPosix

/// Runs blocking work (the password KDF) on a thread pool, never on an event loop or the cooperative pool.
struct ThreadPoolRunner: BlockingRunner {
    let pool: NIOThreadPool

    /// The KDF's own pool, one thread per core, shared by every server in the process; nothing else runs on it,
    /// so neither apps' DNS lookups nor stores' blocking work queue behind a login flood (or it behind them).
    static let kdf: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }
}
