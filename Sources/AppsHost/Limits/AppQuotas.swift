import AppsStorage
public import ChatCore
import Foundation
import JavaScriptRuntime
import Synchronization

/// Every app's limits and the counters checked against them: persistence (counted by the store), scheduled jobs
/// (counted by the store), outbound requests and response bytes in flight, and the last heap size seen. Shared by
/// the accessors that enforce the limits and the admin API that shows them.
public final class AppQuotas: Sendable {
    private struct Outbound {
        var requests = 0
        var bytes = 0
    }

    private struct State {
        var limits: [String: AppLimits] = [:]
        var outbound: [String: Outbound] = [:]
        var heapBytes: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func limits(appId: String) -> AppLimits { state.withLock { $0.limits[appId] ?? AppLimits() } }

    func setLimits(_ limits: AppLimits, appId: String) { state.withLock { $0.limits[appId] = limits } }

    func forget(appId: String) {
        state.withLock { state in
            state.limits.removeValue(forKey: appId)
            state.outbound.removeValue(forKey: appId)
            state.heapBytes.removeValue(forKey: appId)
        }
    }

    static func exceeded(_ what: String) -> HostError {
        HostError(name: "Error", message: "The app's \(what) quota is used up")
    }

    // MARK: Persistence

    /// Refuses a write that would take the app past its record or byte limit (`addedRecords` new records, the data
    /// growing by `addedBytes`).
    func checkPersistence(appId: String, addedRecords: Int, addedBytes: Int, store: any AppPersistenceStore) async throws {
        let limits = limits(appId: appId)
        let usage = try await store.persistenceUsage(appId: appId)
        if addedRecords > 0, usage.records + addedRecords > limits.persistenceRecords {
            throw Self.exceeded("persistence (\(limits.persistenceRecords) records)")
        }
        if addedBytes > 0, usage.bytes + addedBytes > limits.persistenceBytes {
            throw Self.exceeded("persistence (\(limits.persistenceBytes) bytes)")
        }
    }

    // MARK: Scheduler

    func checkJobs(appId: String, adding count: Int, store: any AppJobStore) async throws {
        let limit = limits(appId: appId).scheduledJobs
        guard try await store.jobs(appId: appId).count + count <= limit else { throw Self.exceeded("scheduled jobs (\(limit))") }
    }

    // MARK: Outbound HTTP

    /// A place for one outbound request: answers the response bytes it may read (what is left of the app's bytes in
    /// flight, at most `cap`); refused when the app has its limit of requests in flight or no bytes left.
    func reserveOutbound(appId: String, cap: Int) throws -> Int {
        try state.withLock { state throws -> Int in
            let limits = state.limits[appId] ?? AppLimits()
            var outbound = state.outbound[appId] ?? Outbound()
            guard outbound.requests < limits.outboundConcurrentRequests else {
                throw HostError(name: "Error", message: "Too many concurrent requests: the app may have \(limits.outboundConcurrentRequests) in flight")
            }
            let bytes = min(cap, limits.outboundResponseBytesInFlight - outbound.bytes)
            guard bytes > 0 else { throw Self.exceeded("response bytes in flight (\(limits.outboundResponseBytesInFlight))") }
            outbound.requests += 1
            outbound.bytes += bytes
            state.outbound[appId] = outbound
            return bytes
        }
    }

    func releaseOutbound(appId: String, bytes: Int) {
        state.withLock { state in
            guard var outbound = state.outbound[appId] else { return }
            outbound.requests = max(0, outbound.requests - 1)
            outbound.bytes = max(0, outbound.bytes - bytes)
            state.outbound[appId] = outbound
        }
    }

    // MARK: Memory

    func recordHeap(_ bytes: Int, appId: String) { state.withLock { $0.heapBytes[appId] = bytes } }

    // MARK: Usage

    /// What the app uses now, next to its limits (`usage` in `GET /api/apps/:id`).
    public func usage(appId: String, store: any AppPersistenceStore & AppJobStore) async throws -> JSONValue {
        let persistence = try await store.persistenceUsage(appId: appId)
        let jobs = try await store.jobs(appId: appId).count
        let (outbound, heap) = state.withLock { ($0.outbound[appId] ?? Outbound(), $0.heapBytes[appId]) }
        return [
            "persistence": ["records": .number(Double(persistence.records)), "bytes": .number(Double(persistence.bytes))],
            "scheduledJobs": .number(Double(jobs)),
            "outbound": ["inFlight": .number(Double(outbound.requests)), "bytesReserved": .number(Double(outbound.bytes))],
            "heapBytes": heap.map { .number(Double($0)) } ?? .null,
        ]
    }
}
