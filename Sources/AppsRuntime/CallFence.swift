import AirlockJSON
import Foundation
import JavaScriptRuntime
import Synchronization

/// Accessor requests by the engine request (call) they belong to, so that when a call times out — the engine has
/// given up on it, e.g. a pre-hook failed open — what it started is cancelled and whatever it asks for later is
/// refused: a handler that wakes up after its deadline cannot write any more.
final class CallFence: Sendable {
    private struct State {
        var running: [UInt64: [Int: Task<JSONValue?, any Error>]] = [:]
        var expired: Set<UInt64> = []
        /// Expired calls in order, so the set stays bounded.
        var expiredOrder: [UInt64] = []
        var nextTask = 0
    }

    static let remembered = 4096
    private let state = Mutex(State())

    /// Runs `body` for `call` (nil: a request from no engine call, e.g. a timer), unless that call expired.
    func run(call: UInt64?, _ body: @escaping @Sendable () async throws -> JSONValue?) async throws -> JSONValue? {
        guard let call else { return try await body() }
        let task = Task { [weak self] () async throws -> JSONValue? in
            if self?.isExpired(call) ?? false { throw BridgeProtocol.expiredCall }
            return try await body()
        }
        let id = state.withLock { state -> Int? in
            guard !state.expired.contains(call) else { return nil }
            state.nextTask += 1
            state.running[call, default: [:]][state.nextTask] = task
            return state.nextTask
        }
        guard let id else {
            task.cancel()
            throw BridgeProtocol.expiredCall
        }
        defer {
            state.withLock { state in
                state.running[call]?.removeValue(forKey: id)
                if state.running[call]?.isEmpty == true { state.running.removeValue(forKey: call) }
            }
        }
        return try await task.value
    }

    /// The engine gave up on `call`: cancel what it started, refuse what it asks for from now on.
    func expire(_ call: UInt64) {
        let tasks = state.withLock { state -> [Task<JSONValue?, any Error>] in
            if state.expired.insert(call).inserted {
                state.expiredOrder.append(call)
                if state.expiredOrder.count > Self.remembered { state.expired.remove(state.expiredOrder.removeFirst()) }
            }
            return Array((state.running.removeValue(forKey: call) ?? [:]).values)
        }
        for task in tasks { task.cancel() }
    }

    private func isExpired(_ call: UInt64) -> Bool { state.withLock { $0.expired.contains(call) } }

}
