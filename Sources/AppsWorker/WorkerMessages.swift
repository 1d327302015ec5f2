import AirlockJSON
import JavaScriptRuntime

/// The JSON bodies of the worker protocol's control frames (``WorkerFrame``), shared by both ends.
enum WorkerMessages {
    /// `hello`: what the server asks of a new worker (no app yet: a worker may wait as a spare).
    struct Hello: Codable, Sendable {
        var version: Int
    }

    /// `ready`: the worker's answer to `hello`, its VM and the SDK up.
    struct Ready: Codable, Sendable {
        var version: Int
        var pid: Int32
    }

    /// `load`: the package's files.
    struct Load: Codable, Sendable {
        var files: [String: String]
    }

    /// The answer to `load`: what the lockdown achieved.
    struct Loaded: Codable, Sendable {
        var isolation: [String: Bool]
    }

    /// A failed call as it crosses the socket.
    struct Failure: Codable, Sendable {
        /// `thrown`, `terminated`, `timedOut`, `unavailable` (``JavaScriptError/Kind``) or `host`.
        var kind: String
        var name: String
        var message: String
        var stack: String

        init(_ error: any Error) {
            switch error {
            case let error as JavaScriptError:
                kind = switch error.kind {
                case .thrown: "thrown"
                case .terminated: "terminated"
                case .timedOut: "timedOut"
                case .unavailable: "unavailable"
                }
                name = error.name
                message = error.message
                stack = error.stack
            case let error as HostError:
                kind = "thrown"
                name = error.name
                message = error.message
                stack = ""
            default:
                kind = "unavailable"
                name = "Error"
                message = "\(error)"
                stack = ""
            }
        }

        var error: JavaScriptError {
            let kind: JavaScriptError.Kind = switch self.kind {
            case "thrown": .thrown
            case "terminated": .terminated
            case "timedOut": .timedOut
            default: .unavailable
            }
            return JavaScriptError(kind: kind, name: name, message: message, stack: stack)
        }
    }

    /// `notice`: something the server must act on.
    struct Notice: Codable, Sendable {
        /// `stuck` (a job kept the VM thread past a call's whole wall budget) or `timerOverrun`.
        var kind: String
        var seconds: Double
    }

    /// `log`.
    struct LogLine: Codable, Sendable {
        var level: String
        var method: String
        var message: String
    }
}
