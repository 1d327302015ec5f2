import AppsStorage
import AppsRuntime
public import ChatCore
import Foundation
public import Logging
import Synchronization

/// Collects app log lines and writes them to the store in batches, so an app that logs in a loop costs the server
/// one transaction per flush, not one per line.
///
/// Each app has a token bucket; lines over it are dropped and counted (shown with the app's stats). Values of the
/// app's password-type settings are masked in every line before it is kept. Retention trims by age and count.
public final class AppLogSink: AppLog {
    public struct Limits: Sendable {
        /// Sustained lines per second per app.
        public var linesPerSecond: Double = 50
        /// Lines an app may write at once before the rate applies.
        public var burst: Double = 500
        /// Longest kept line, in characters.
        public var maxLineLength = 8_192
        /// Lines waiting for a flush beyond which new lines are dropped (the store is not keeping up).
        public var maxBuffered = 20_000
        public var flushInterval: Duration = .milliseconds(250)
        /// Retention: lines older than this go...
        public var maxAge: TimeInterval = 30 * 86_400
        /// ...and each app keeps at most this many.
        public var keepPerApp = 10_000
        public var pruneInterval: Duration = .seconds(600)

        public init() {}
    }

    struct Bucket {
        var tokens: Double
        var updated: Date
    }

    struct State {
        var buffer: [AppLogEntry] = []
        var buckets: [String: Bucket] = [:]
        var dropped: [String: Int] = [:]
        var secrets: [String: [String]] = [:]
        /// The last batch write, so writes happen in order and a reader's flush waits for one already under way.
        var writing: Task<Void, Never>?
    }

    public static let mask = "******"

    let store: any AppLogStore
    let node: String?
    let limits: Limits
    let clock: ChatClock
    let logger: Logger
    private let state = Mutex(State())

    /// `node` is written in every line (several nodes share one log).
    public init(store: any AppLogStore, limits: Limits = Limits(), clock: ChatClock = ChatClock(), node: String? = nil, logger: Logger) {
        self.node = node
        self.store = store
        self.limits = limits
        self.clock = clock
        self.logger = logger
    }

    /// Queues a line (never blocks, never fails: logging must not break the app).
    public func log(appId: String, level: String, method: String, message: String) {
        write(appId: appId, level: AppLogEntry.Level(loggerMethod: level), method: method, message: message)
    }

    public func write(appId: String, level: AppLogEntry.Level, method: String, message: String) {
        let now = clock.now()
        state.withLock { state in
            var bucket = state.buckets[appId] ?? Bucket(tokens: limits.burst, updated: now)
            bucket.tokens = min(limits.burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * limits.linesPerSecond)
            bucket.updated = now
            guard bucket.tokens >= 1, state.buffer.count < limits.maxBuffered else {
                state.buckets[appId] = bucket
                state.dropped[appId, default: 0] += 1
                return
            }
            bucket.tokens -= 1
            state.buckets[appId] = bucket
            var text = message.count > limits.maxLineLength ? String(message.prefix(limits.maxLineLength)) + "…" : message
            for secret in state.secrets[appId] ?? [] {
                text = text.replacingOccurrences(of: secret, with: Self.mask)
            }
            state.buffer.append(AppLogEntry(appId: appId, level: level, method: method, message: text, createdAt: now, node: node))
        }
    }

    /// Values to mask in this app's lines (its password settings); empty strings are ignored.
    public func setSecrets(_ secrets: [String], appId: String) {
        state.withLock { $0.secrets[appId] = secrets.filter { !$0.isEmpty } }
    }

    /// Lines dropped by the rate limit since the app was loaded.
    public func dropped(appId: String) -> Int {
        state.withLock { $0.dropped[appId] ?? 0 }
    }

    /// Forgets an uninstalled app's counters and queued lines.
    public func forget(appId: String) {
        state.withLock { state in
            state.buffer.removeAll { $0.appId == appId }
            state.buckets[appId] = nil
            state.dropped[appId] = nil
            state.secrets[appId] = nil
        }
    }

    /// Writes the queued lines now (also called by readers, so a listing includes what was just logged).
    /// Returns once every line queued before the call is in the store: it waits for a write already under way (the
    /// periodic flush may have taken lines a moment before a reader asked).
    public func flush() async {
        let write = state.withLock { state -> Task<Void, Never> in
            let batch = state.buffer
            state.buffer.removeAll(keepingCapacity: true)
            let previous = state.writing
            let task = Task { [store, logger] in
                await previous?.value
                guard !batch.isEmpty else { return }
                do {
                    try await store.appendAppLogs(batch)
                } catch {
                    logger.error("app logs lost", metadata: ["count": "\(batch.count)", "error": "\(error)"])
                }
            }
            state.writing = task
            return task
        }
        await write.value
    }

    /// Deletes lines past the retention limits.
    public func prune() async {
        do {
            let removed = try await store.pruneAppLogs(before: clock.now().addingTimeInterval(-limits.maxAge), keepPerApp: limits.keepPerApp)
            if removed > 0 { logger.debug("app logs pruned", metadata: ["count": "\(removed)"]) }
        } catch {
            logger.error("app log pruning failed", metadata: ["error": "\(error)"])
        }
    }

    /// Flushes every `flushInterval` and prunes every `pruneInterval` until cancelled, then flushes once more.
    public func run() async {
        var sincePrune: Duration = .zero
        await prune()
        while !Task.isCancelled {
            try? await Task.sleep(for: limits.flushInterval)
            await flush()
            sincePrune += limits.flushInterval
            if sincePrune >= limits.pruneInterval {
                sincePrune = .zero
                await prune()
            }
        }
        await flush()
    }
}
