import Foundation
import Synchronization

/// One spare worker kept ready — spawned, its VM and the SDK up — per binary and isolation, so that starting an
/// app's worker (an install, an enable, a restart after a crash) costs loading the app, not starting a process:
/// the `airlock` binary alone takes ~45 ms to start here. Taking the spare starts the next one in the background.
/// A spare that dies is simply replaced at the next take.
public final class WorkerPool: Sendable {
    public static let shared = WorkerPool()

    private struct Key: Hashable {
        let executable: String
        let isolation: WorkerOptions.Isolation
    }

    private let spares = Mutex<[Key: Task<WorkerProcess, any Error>]>([:])
    private let serial = Atomic<Int>(0)

    /// A ready worker for `options`: the spare if there is a live one, else a new process.
    func take(_ options: WorkerOptions) async throws -> WorkerProcess {
        let key = Key(executable: options.executable, isolation: options.isolation)
        let spare = spares.withLock { $0.removeValue(forKey: key) }
        if options.spare { replenish(key, options) }
        if let spare, let process = try? await spare.value, !process.hasExited { return process }
        return try await WorkerProcess.spawn(name: name(), options: options)
    }

    /// Starts the next spare a moment later, so that it does not compete for the CPU with the app being loaded
    /// into the one just taken (pinned to one vCPU, that doubled the start: 29 → 68 ms).
    private func replenish(_ key: Key, _ options: WorkerOptions) {
        let name = name()
        let task = Task {
            try await Task.sleep(for: .milliseconds(250))
            return try await WorkerProcess.spawn(name: name, options: options)
        }
        spares.withLock { spares in
            if spares[key] == nil { spares[key] = task } else { task.cancel() }
        }
    }

    private func name() -> String {
        "worker-\(serial.add(1, ordering: .relaxed).newValue)-\(getpid())"
    }
}
