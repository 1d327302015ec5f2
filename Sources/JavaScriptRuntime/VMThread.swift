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
    /// A descriptor whose readability is a job too (a worker's socket), and the eventfd that wakes `ppoll` when a
    /// job or an earlier timer arrives while the thread waits on it.
    private var watched: (fd: Int32, onReadable: () -> Void, wake: Int32)?
    private var polling = false

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
        wakeLocked()
    }

    /// Signals the sleeping thread (the condition, or the eventfd while it polls a watched descriptor).
    private func wakeLocked() {
        condition.signal()
        if polling, let watched {
            var one: UInt64 = 1
            _ = write(watched.wake, &one, 8)
        }
    }

    /// Runs `onReadable` as a job whenever `fd` is readable: the thread waits on the descriptor and its queue at
    /// once, so what arrives on `fd` is handled without another thread waking this one.
    func watch(_ fd: Int32, onReadable: @escaping () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        let wake = airlock_wake_fd()
        guard wake >= 0 else { return }
        watched = (fd, onReadable, wake)
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
        if let sleepingUntil, deadline < sleepingUntil { wakeLocked() }
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
        wakeLocked()
        condition.unlock()
    }

    /// Waits (lock released) until the watched descriptor is readable, the eventfd is signalled or `deadline`
    /// passes; answers the descriptor's job when it is readable.
    private func wait(on watched: (fd: Int32, onReadable: () -> Void, wake: Int32), until deadline: UInt64?) -> (() -> Void)? {
        sleepingUntil = deadline ?? .max
        polling = true
        condition.unlock()
        let nanoseconds = deadline.map { $0 > Self.now() ? Int64($0 - Self.now()) : 0 } ?? -1
        var readable: Int32 = 0
        let ready = airlock_wait_two(watched.fd, watched.wake, nanoseconds, &readable)
        condition.lock()
        polling = false
        sleepingUntil = nil
        return ready > 0 && readable != 0 ? watched.onReadable : nil
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
                } else if let watched {
                    job = wait(on: watched, until: timers.first?.deadline)
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
