import AppsStorage
import AppsRuntime
import AirlockCrypto
import ChatCore
import Foundation
import JavaScriptRuntime
import Synchronization

/// Runs apps' scheduled jobs: stored (they survive restarts), polled every `pollInterval`, run through the app's
/// registered processor — one job at a time per app, apps side by side, so one app's slow job never delays another
/// app's. A recurring job is rescheduled after each run, a one-time job removed; while the app is not enabled its
/// jobs are skipped (consumed as if run), as in Rocket.Chat. Uninstalling removes them. Each app's job count and
/// shortest interval are limited (``AppLimits``).
///
/// Several nodes poll the same jobs: each run is leased first (``AppJobStore/claimJob(id:owner:until:now:)``,
/// atomic), the lease renewed while the job runs and given back when it is rescheduled, so a tick runs on one node.
/// A node that dies mid-run leaves its lease to expire and the job, still due, runs once more elsewhere: at least
/// once. Ticks missed while no node could run them run once, late (the next run is counted from now).
public final class AppScheduler: Sendable {
    /// Who runs jobs here and how long a claim holds without renewal.
    public struct Lease: Sendable {
        public var owner: String
        public var duration: Duration

        public init(owner: String = "local", duration: Duration = .seconds(30)) {
            self.owner = owner
            self.duration = duration
        }
    }

    let store: any AppJobStore
    let apps: EnabledApps
    let calls: AppCalls
    let clock: ChatClock
    let quotas: AppQuotas
    /// The shortest pause between two looks at the due jobs (while one is due but held elsewhere, or running)...
    let pollInterval: Duration
    /// ...and the longest (without jobs due sooner). Jobs this node adds wake it at once; a job another node adds is
    /// run by that node, and seen here within this.
    let idleInterval: Duration
    let lease: Lease
    private struct State {
        /// Apps with a job running now.
        var running: Set<String> = []
        /// Set by ``stop(waiting:)``: no job starts any more.
        var stopping = false
        /// ``stop(waiting:)`` waiting for the running jobs.
        var idle: [CheckedContinuation<Void, Never>] = []
        /// The run loop's pause, ended early by ``wake()``.
        var sleeper: CheckedContinuation<Void, Never>?
        /// A wake-up that came while the loop was not paused: the next pause ends at once.
        var woken = false
    }

    private let state = Mutex(State())

    init(
        store: any AppJobStore, apps: EnabledApps, calls: AppCalls, clock: ChatClock, quotas: AppQuotas,
        pollInterval: Duration = .milliseconds(200), idleInterval: Duration = .seconds(2), lease: Lease = Lease()
    ) {
        self.idleInterval = idleInterval
        self.lease = lease
        self.store = store
        self.apps = apps
        self.calls = calls
        self.clock = clock
        self.quotas = quotas
        self.pollInterval = pollInterval
    }

    /// `scheduleOnce`: `job` is `{id: processorId, when, data}`; answers the job id.
    func scheduleOnce(appId: String, _ job: JSONValue) async throws -> String {
        let processor = try registered(appId, job)
        guard let when = ScheduleSpec.when(job["when"] ?? .null, now: clock.now()) else {
            throw HostError(name: "Error", message: "Invalid \"when\": a date or a human interval such as \"in 2 minutes\"")
        }
        return try await insert(appId, processor, at: when, interval: nil, data: job["data"])
    }

    /// `scheduleRecurring`: `job` is `{id: processorId, interval, skipImmediate, data}`; answers the job id.
    func scheduleRecurring(appId: String, _ job: JSONValue) async throws -> String {
        let processor = try registered(appId, job)
        let raw = job["interval"] ?? .null
        guard let interval = ScheduleSpec.interval(raw) else {
            throw HostError(name: "Error", message: "Invalid \"interval\": milliseconds, a human interval or a cron expression")
        }
        let now = clock.now()
        // The gap between two runs, measured on the schedule itself (cron, human intervals and milliseconds alike).
        let minimum = Double(quotas.limits(appId: appId).minJobIntervalMilliseconds)
        if let a = interval.next(after: now), let b = interval.next(after: a), b.timeIntervalSince(a) * 1000 < minimum {
            throw HostError(name: "Error", message: "A recurring job may run at most every \(Int(minimum)) ms")
        }
        let first = job["skipImmediate"] == .bool(true) ? (interval.next(after: now) ?? now) : now
        let text = raw.stringValue ?? raw.numberText
        return try await insert(appId, processor, at: first, interval: text, data: job["data"])
    }

    /// `cancelJob`: by job id, or every job of the processor with that id.
    func cancel(appId: String, _ jobId: String) async throws {
        if let job = try await store.jobs(appId: appId).first(where: { $0.id == jobId }) {
            _ = try await store.deleteJob(id: job.id)
        } else {
            _ = try await store.deleteJobs(appId: appId, processorId: jobId)
        }
    }

    func cancelAll(appId: String) async throws {
        _ = try await store.deleteJobs(appId: appId, processorId: nil)
    }

    /// The processors' `startupSetting`s when an app is enabled: a job is created unless one exists for the processor.
    func startup(appId: String, processors: [JSONValue]) async {
        guard let existing = try? await store.jobs(appId: appId) else { return }
        for processor in processors {
            guard let id = processor["id"]?.stringValue, let setting = processor["startupSetting"]?.objectValue,
                !existing.contains(where: { $0.processorId == id })
            else { continue }
            var job = setting
            job["id"] = .string(id)
            do {
                if setting["type"] == "recurring" {
                    _ = try await scheduleRecurring(appId: appId, .object(job))
                } else {
                    _ = try await scheduleOnce(appId: appId, .object(job))
                }
            } catch {
                calls.log.log(appId: appId, level: "error", method: "scheduler", message: "startupSetting of \(id) refused: \(error)")
            }
        }
    }

    /// Runs due jobs until cancelled, pausing until the next one is due (between `pollInterval` and `idleInterval`),
    /// not polling at a fixed rate: several idle nodes would query the store five times a second each.
    public func run() async {
        while !Task.isCancelled {
            await runDue()
            await pause(for: await untilNextJob())
        }
    }

    /// How long until the earliest job is due, within `pollInterval...idleInterval`.
    private func untilNextJob() async -> Duration {
        guard let next = try? await store.nextJobRunAt() else { return idleInterval }
        let milliseconds = Int(next.timeIntervalSince(clock.now()) * 1000)
        return max(pollInterval, min(idleInterval, .milliseconds(milliseconds)))
    }

    /// Sleeps `duration`, or less when ``wake()`` is called (or the task is cancelled).
    private func pause(for duration: Duration) async {
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: duration)) != nil else { return }
            self?.wake()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { sleeper in
                let now = state.withLock { state -> Bool in
                    guard !state.woken else {
                        state.woken = false
                        return true
                    }
                    state.sleeper = sleeper
                    return false
                }
                if now { sleeper.resume() }
            }
        } onCancel: {
            wake()
        }
        timer.cancel()
    }

    /// Ends the run loop's pause: a job was added here.
    private func wake() {
        let sleeper = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let sleeper = state.sleeper else {
                state.woken = true
                return nil
            }
            state.sleeper = nil
            return sleeper
        }
        sleeper?.resume()
    }

    /// Starts the due jobs of every app that has none running; an app's jobs run in order on one task. The task
    /// reads its app's due jobs again once it holds the app's slot: a list read before could still hold a one-time
    /// job that a task finishing meanwhile had just run and deleted (it ran twice under load).
    func runDue() async {
        guard !isStopping, let due = try? await store.dueJobs(at: clock.now(), limit: 200) else { return }
        for appId in Set(due.map(\.appId)) where state.withLock({ !$0.stopping && $0.running.insert(appId).inserted }) {
            Task {
                defer { finished(appId) }
                let jobs = (try? await store.dueJobs(at: clock.now(), limit: 200))?.filter { $0.appId == appId } ?? []
                for job in jobs where !Task.isCancelled && !isStopping { await run(job) }
            }
        }
    }

    /// Shutdown, before the apps stop: no job starts any more; the running ones get `waiting` to finish. One still
    /// running after that is cut short when its app stops, and handed back as it was (due, no lease), so another node
    /// runs it at once; ``idle(within:)`` then waits for those hand-backs.
    public func stop(waiting: Duration) async {
        state.withLock { $0.stopping = true }
        await idle(within: waiting)
    }

    /// Returns once no job is running (or `limit` has passed).
    public func idle(within limit: Duration) async {
        guard state.withLock({ !$0.running.isEmpty }) else { return }
        let timeout = Task {
            // Cancelled once the jobs are done: then nobody is woken (another caller may still be waiting).
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            for waiter in state.withLock({ state in defer { state.idle = [] }; return state.idle }) { waiter.resume() }
        }
        await withCheckedContinuation { waiter in
            if state.withLock({ state in
                guard !state.running.isEmpty else { return true }
                state.idle.append(waiter)
                return false
            }) { waiter.resume() }
        }
        timeout.cancel()
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    private func finished(_ appId: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running.remove(appId)
            guard state.running.isEmpty else { return [] }
            defer { state.idle = [] }
            return state.idle
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Runs the job if this node wins its lease (renewed meanwhile), then reschedules or removes it.
    private func run(_ job: AppJob) async {
        let seconds = Double(lease.duration.components.seconds) + Double(lease.duration.components.attoseconds) / 1e18
        guard (try? await store.claimJob(id: job.id, owner: lease.owner, until: clock.now().addingTimeInterval(seconds), now: clock.now())) == true
        else { return }
        let renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: lease.duration / 3)
                if Task.isCancelled { break }
                _ = try? await store.renewJobLease(id: job.id, owner: lease.owner, until: clock.now().addingTimeInterval(seconds))
            }
        }
        defer { renewal.cancel() }
        var completed = false
        if let target = apps.target(appId: job.appId) {
            var context: [String: JSONValue] = job.data?.objectValue ?? [:]
            context["jobId"] = .string(job.id)
            completed = (try? await calls.run(job.appId, "scheduler:\(job.processorId)", logSuccess: false) {
                try await target.instance.job(job.processorId, context: .object(context))
            }) != nil
        }
        if !completed, isStopping {
            // Cut short by this node's shutdown: handed back, due as before (a one-time job is not lost).
            _ = try? await store.rescheduleJob(id: job.id, nextRunAt: job.nextRunAt)
            return
        }
        if let text = job.interval, let interval = ScheduleSpec.interval(Double(text).map(JSONValue.number) ?? .string(text)),
            let next = interval.next(after: clock.now())
        {
            _ = try? await store.rescheduleJob(id: job.id, nextRunAt: next)
        } else {
            _ = try? await store.deleteJob(id: job.id)
        }
    }

    private func registered(_ appId: String, _ job: JSONValue) throws -> String {
        guard let processor = job["id"]?.stringValue, apps.target(appId: appId)?.processors.contains(processor) ?? true else {
            throw HostError(name: "Error", message: "No processor \"\(job["id"]?.stringValue ?? "")\" registered by the app")
        }
        return processor
    }

    private func insert(_ appId: String, _ processor: String, at date: Date, interval: String?, data: JSONValue?) async throws -> String {
        if let data {
            do { try Validation.storable(data, field: "The job's data") } catch let error as ChatError { throw HostError(name: "TypeError", message: error.message) }
        }
        try await quotas.checkJobs(appId: appId, adding: 1, store: store)
        let job = AppJob(id: RandomID.make(), appId: appId, processorId: processor, nextRunAt: date, interval: interval, data: data, createdAt: clock.now())
        try await store.insertJob(job)
        wake()
        return job.id
    }
}

extension JSONValue {
    /// A number as text (`"60000"`), for intervals given in milliseconds.
    var numberText: String? {
        if case .number(let n) = self { return n.rounded() == n ? String(Int64(n)) : String(n) }
        return nil
    }
}
