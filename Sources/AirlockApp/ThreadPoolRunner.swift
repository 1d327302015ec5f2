import ChatCore
import NIOPosix

/// Runs blocking work (the password KDF) on NIO's shared blocking pool: one thread per core, never an event loop.
struct ThreadPoolRunner: BlockingRunner {
    let pool: NIOThreadPool

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }
}
