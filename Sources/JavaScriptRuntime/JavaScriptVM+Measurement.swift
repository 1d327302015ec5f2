internal import CJavaScriptCore
import Foundation

extension JavaScriptVM {
    /// What ``measure(_:iterations:)`` times, on the VM thread with the CPU limit armed (no thread hop included).
    public enum Probe: Sendable {
        /// Swift → JS: parse `argument` JSON, call the function, stringify the result back to a Swift string.
        case callJSON(function: String, argument: String)
        /// JS → Swift: the function must call a host function `batch` times in a loop; one sample is the time per call.
        case hostCalls(function: String, batch: Int)
        /// Call an async function that awaits a host promise (watching its result in the same entry, as calls do),
        /// resolve the host promise from Swift in a second entry, and receive the result through the callback.
        case asyncRoundTrip(function: String)
    }

    /// Nanoseconds per operation for each iteration of `probe`.
    public func measure(_ probe: Probe, iterations: Int) async throws -> [UInt64] {
        let budget = configuration.defaultBudget
        return try await run { state in
            state.arm(cpu: budget.cpu)
            var samples: [UInt64] = []
            samples.reserveCapacity(iterations)
            switch probe {
            case .callJSON(let path, let argument):
                guard let function = state.function(at: path) else { throw HostError.type("\(path) is not a function") }
                for _ in 0..<iterations {
                    let start = VMThread.now()
                    guard let value = state.parse(argument) else { throw HostError(message: "argument is not JSON") }
                    let result = try state.call(function, [value])
                    _ = try state.json(result)
                    samples.append(VMThread.now() - start)
                }
            case .hostCalls(let path, let batch):
                guard let function = state.function(at: path) else { throw HostError.type("\(path) is not a function") }
                let count = JSValueMakeNumber(state.ctx, Double(batch))
                for _ in 0..<iterations {
                    let start = VMThread.now()
                    _ = try state.call(function, [count])
                    samples.append((VMThread.now() - start) / UInt64(max(1, batch)))
                }
            case .asyncRoundTrip(let path):
                guard let function = state.function(at: path) else { throw HostError.type("\(path) is not a function") }
                var pendingResolve: JSObjectRef?
                let hostPromise = state.makeFunction { state, _, _ in
                    let (promise, resolve, _) = try state.makeDeferredPromise()
                    pendingResolve = resolve
                    return promise
                }
                var settled = false
                for _ in 0..<iterations {
                    settled = false
                    let start = VMThread.now()
                    try state.watch(function, this: nil, [hostPromise], id: -1) { ok, _ in settled = ok }
                    if let resolve = pendingResolve {
                        _ = try state.call(resolve, [JSValueMakeNumber(state.ctx, 1)])
                        pendingResolve = nil
                    }
                    samples.append(VMThread.now() - start)
                    guard settled else { throw HostError(message: "async probe did not settle in one round") }
                }
            }
            return samples
        }
    }
}
