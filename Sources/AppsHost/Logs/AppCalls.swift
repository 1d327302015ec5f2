import AppsRuntime
import ChatCore
import Foundation
import JavaScriptRuntime

/// Runs calls into apps: times each for the per-method stats and writes failures, timeouts and slow calls to the
/// app's log. Shared by the manager (lifecycle) and the hook dispatcher (events), outside any actor, so calls into
/// different apps never queue behind each other.
struct AppCalls: Sendable {
    let log: any AppLog
    let stats: AppCallStats
    /// Calls slower than this are logged as warnings.
    let slowCall: Duration
    let health: AppHealth

    /// `logSuccess` writes a debug line for a call that went well (lifecycle calls; events would flood the log).
    nonisolated(nonsending) func run<T: Sendable>(
        _ appId: String, _ method: String, logSuccess: Bool = true, _ body: () async throws -> T
    ) async throws -> T {
        let clock = ContinuousClock()
        let start = clock.now
        func seconds() -> Double {
            let elapsed = (clock.now - start).components
            return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        }
        do {
            let result = try await body()
            let elapsed = seconds()
            stats.record(appId: appId, method: method, seconds: elapsed, outcome: .success)
            health.succeeded(appId: appId, method: method)
            // Formatted only when logged: `String(format:)` showed in server profiles at one call per event.
            var took: String { String(format: "%.2f ms", elapsed * 1000) }
            if clock.now - start > slowCall {
                log.log(appId: appId, level: "warning", method: method, message: "Slow call: \(method) took \(took)")
            } else if logSuccess {
                log.log(appId: appId, level: "debug", method: method, message: "\(method) completed in \(took)")
            }
            return result
        } catch let refusal as AppRefusal {
            // An app refusing an action is an answer, not a failure.
            stats.record(appId: appId, method: method, seconds: seconds(), outcome: .success)
            log.log(appId: appId, level: "info", method: method, message: "\(method) refused: \(refusal)")
            throw refusal
        } catch {
            let timedOut = (error as? JavaScriptError).map { [.timedOut, .terminated].contains($0.kind) } ?? false
            stats.record(appId: appId, method: method, seconds: seconds(), outcome: timedOut ? .timeout : .failure)
            log.log(appId: appId, level: "error", method: method, message: "\(method) failed: \(Self.reason(error))")
            if timedOut { health.timedOut(appId: appId, method: method) }
            throw error
        }
    }

    /// The reason of a failed app call in the app's own words (its error's name and message, a refusal, a timeout);
    /// host-side failures are not described (they are in the server log).
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as JavaScriptError: error.description
        case let refusal as AppRefusal: refusal.description
        case let error as HostError: "\(error.name): \(error.message)"
        default: "the server failed to run the call"
        }
    }

    /// What a caller (an HTTP client, a user running a command) is told when a call into an app failed; the one
    /// place app failures become chat errors. A refusal carries the app's message; anything else is `code` with the
    /// reason. The failure itself is already in the app's log and stats.
    static func callerError(_ error: any Error, code: String, action: String) -> ChatError {
        if let refusal = error as? AppRefusal { return ChatError(.refused, code: "error-app-prevented", message: refusal.message) }
        return ChatError(.refused, code: code, message: "\(action) failed: \((error as? JavaScriptError)?.message ?? reason(error))")
    }
}
