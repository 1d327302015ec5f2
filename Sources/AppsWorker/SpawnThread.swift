import Foundation

/// The one thread workers are started from. A worker asks the kernel to kill it when its parent dies
/// (`PR_SET_PDEATHSIG`), and "parent" means the thread that forked it: started from a cooperative-pool thread, which
/// libdispatch ends after a while idle, a worker would be killed for nothing. This thread lives as long as the
/// server.
final class SpawnThread: @unchecked Sendable {
    static let shared = SpawnThread()

    /// Guards `jobs`.
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    private init() {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "worker-spawner"
        thread.stackSize = 256 << 10
        thread.start()
    }

    /// Runs `body` on the spawner thread and answers its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            condition.lock()
            jobs.append { continuation.resume(returning: body()) }
            condition.signal()
            condition.unlock()
        }
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
