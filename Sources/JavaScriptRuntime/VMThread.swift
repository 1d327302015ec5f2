internal import CJavaScriptCore
import Foundation

/// The one thread a VM's JavaScript runs on: a queue of jobs plus timers, so no JavaScript ever runs on the
/// cooperative pool or an event loop, and calls into one VM interleave only between jobs (at await points).
///
/// `@unchecked Sendable`: every mutable field is guarded by `condition`.
final class VMThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var jobHead = 0
    private var timers: [(deadline: UInt64, id: Int, job: () -> Void)] = []
    private var nextTimerId = 1
    private var stopped = false
    private var busySince: UInt64?
    /// When the sleeping thread will wake by itself (`.max`: only when signalled); nil while it is awake.
    private var sleepingUntil: UInt64?
    private var jobNumber = 0

    init(name: String, stackSize: Int = 4 << 20) {
        let thread = Thread { [unowned self] in
            // Foundation on Linux does not name the OS thread; without this every VM thread shows up in `top` and
            // `perf` under the name of the thread that created it (the 15-byte kernel limit applies).
            airlock_set_thread_name(name)
            self.loop()
        }
        thread.name = name
        // JSC's recursion limit follows the thread's stack size; 4 MiB gives ~25k frames.
        thread.stackSize = stackSize
        thread.start()
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Runs `job` on the thread after the jobs already queued.
    func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return }
        jobs.append(job)
        condition.signal()
    }

    /// Runs `job` after `delay` nanoseconds; returns an id for ``cancel(timer:)``.
    func schedule(after delay: UInt64, _ job: @escaping () -> Void) -> Int {
        condition.lock()
        defer { condition.unlock() }
        let id = nextTimerId
        nextTimerId += 1
        let deadline = Self.now() &+ delay
        let index = timers.firstIndex { $0.deadline > deadline } ?? timers.count
        timers.insert((deadline, id, job), at: index)
        // Wake the thread only if it would sleep past this deadline. Watchdogs are scheduled and cancelled on every
        // call; waking this thread each time cost a context switch per call on a 2-core machine.
        if let sleepingUntil, deadline < sleepingUntil { condition.signal() }
        return id
    }

    func cancel(timer id: Int) {
        condition.lock()
        timers.removeAll { $0.id == id }
        condition.unlock()
    }

    /// The running job's sequence number and how long it has run (ns), or nil when idle.
    func currentJob() -> (number: Int, running: UInt64)? {
        condition.lock()
        defer { condition.unlock() }
        return busySince.map { (jobNumber, Self.now() &- $0) }
    }

    /// Stops after the current job; queued jobs are dropped.
    func stop() {
        condition.lock()
        stopped = true
        jobs.removeAll()
        timers.removeAll()
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            var job: (() -> Void)?
            while job == nil {
                if stopped {
                    condition.unlock()
                    return
                }
                if jobHead < jobs.count {
                    job = jobs[jobHead]
                    jobHead += 1
                    if jobHead > 64, jobHead * 2 > jobs.count {
                        jobs.removeFirst(jobHead)
                        jobHead = 0
                    }
                } else if let first = timers.first, first.deadline <= Self.now() {
                    job = timers.removeFirst().job
                } else if let first = timers.first {
                    let wait = Double(first.deadline &- Self.now()) / 1e9
                    sleepingUntil = first.deadline
                    _ = condition.wait(until: Date(timeIntervalSinceNow: max(0, wait)))
                    sleepingUntil = nil
                } else {
                    sleepingUntil = .max
                    condition.wait()
                    sleepingUntil = nil
                }
            }
            busySince = Self.now()
            jobNumber &+= 1
            condition.unlock()
            job?()
            condition.lock()
            busySince = nil
            condition.unlock()
        }
    }
}
