/// Runs slow synchronous work (the password KDF) off the event loops and the cooperative pool.
///
/// The composition root supplies a bounded thread pool; tests may run inline.
public protocol BlockingRunner: Sendable {
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T
}

/// Runs work inline on the calling task; for tests and tools only.
public struct InlineRunner: BlockingRunner {
    public init() {}

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T { try work() }
}
