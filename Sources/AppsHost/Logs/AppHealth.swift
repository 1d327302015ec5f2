import Metrics
import Synchronization

/// Watches for apps that must be stopped: a VM reported stuck, or 3 timeouts in a row of one handler (DESIGN §2;
/// counted per handler so a cheap `check…` succeeding in between does not hide an `execute…` that always times
/// out). Plain exceptions never count. The manager is told and moves the app to `error_disabled`; a stuck in-process thread cannot be
/// reclaimed, so it is left behind and counted (`airlock_apps_stuck_vms_total`) until the server restarts.
final class AppHealth: Sendable {
    static let timeoutsInARow = 3

    private let timeouts = Mutex<[String: Int]>([:])
    private let observer = Mutex<(@Sendable (_ appId: String, _ reason: String) -> Void)?>(nil)
    private let stuckVMs = Counter(label: "airlock_apps_stuck_vms_total")

    /// Who stops failing apps (the manager).
    func onFailure(_ body: @escaping @Sendable (_ appId: String, _ reason: String) -> Void) {
        observer.withLock { $0 = body }
    }

    func succeeded(appId: String, method: String) {
        timeouts.withLock { $0["\(appId) \(method)"] = nil }
    }

    func timedOut(appId: String, method: String) {
        let key = "\(appId) \(method)"
        let count = timeouts.withLock { timeouts in
            timeouts[key, default: 0] += 1
            return timeouts[key] ?? 0
        }
        if count >= Self.timeoutsInARow {
            timeouts.withLock { $0[key] = nil }
            report(appId, "\(count) timeouts in a row in \(method)")
        }
    }

    func stuck(appId: String, seconds: Double) {
        stuckVMs.increment()
        report(appId, "the app's VM is stuck (one job has run for \(Int(seconds)) s)")
    }

    /// A timer callback ran past its CPU budget: timers repeat, so the app is stopped at once.
    func timerOverrun(appId: String) {
        report(appId, "a timer callback ran past its CPU budget")
    }

    /// Any other reason to stop the app (its worker kept failing).
    func report(_ appId: String, _ reason: String) {
        observer.withLock { $0 }?(appId, reason)
    }
}
