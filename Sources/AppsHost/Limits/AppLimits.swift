public import ChatCore
public import JavaScriptRuntime

/// One app's resource limits: the per-app limits model (DESIGN §5) that admins read and change over
/// `GET|POST /api/apps/:id/limits`, stored with the app's record. Worker isolation, the web console and multi-node
/// extend this one model rather than adding their own.
public struct AppLimits: Sendable, Hashable {
    /// Records the app may keep through `IPersistence`.
    public var persistenceRecords = 10_000
    /// Bytes those records may take, as stored.
    public var persistenceBytes = 64 << 20
    /// Scheduled jobs (one-time and recurring) the app may have at once.
    public var scheduledJobs = 100
    /// Shortest interval of a recurring job.
    public var minJobIntervalMilliseconds = 1000
    /// Outbound HTTP requests (`IHttp`) in flight at once.
    public var outboundConcurrentRequests = 8
    /// Response bytes those requests may hold at once (each request's own cap is what is left of this).
    public var outboundResponseBytesInFlight = 32 << 20
    /// The app's JavaScript heap, polled; growing past it stops the app.
    public var heapBytes = 256 << 20
    /// CPU time of one JavaScript entry of a call (events after the fact, commands, endpoints, jobs, lifecycle).
    public var cpuMillisecondsPerCall = 1000
    /// Wall-clock deadline of such a call, awaited host calls included.
    public var wallMillisecondsPerCall = 30_000
    /// CPU time of a pre-event handler's entry (it holds up a user's action).
    public var preHookCpuMilliseconds = 250
    /// Wall-clock deadline of a pre-event handler.
    public var preHookWallMilliseconds = 2000
    /// Resident memory of the app's worker process (a cgroup's hard limit and the server's RSS watch).
    public var workerMemoryBytes = 512 << 20
    /// Largest frame the worker may send the server.
    public var bridgeFrameBytes = 16 << 20
    /// Log lines a minute kept from the app.
    public var logLinesPerMinute = 6000
    /// First restart delay after the worker failed (doubling per failure in a row, up to 5 s).
    public var restartBackoffMilliseconds = 50
    /// Worker failures within `failureWindowSeconds` after which the app goes to `error_disabled`.
    public var failuresBeforeStop = 5
    public var failureWindowSeconds = 600
    /// Where the app runs: in a worker process of its own (`worker`, the default) or in the server's process
    /// (`in-process`, for trusted apps and development).
    public var runtime: RuntimeMode = .worker

    /// Where an app's VM runs.
    public enum RuntimeMode: String, Sendable, Hashable, CaseIterable {
        case worker
        case inProcess = "in-process"
    }

    public init() {}

    /// The budgets of the app's calls.
    public var budgets: (preHook: CallBudget, standard: CallBudget) {
        (
            CallBudget(cpu: Double(preHookCpuMilliseconds) / 1000, wall: Double(preHookWallMilliseconds) / 1000),
            CallBudget(cpu: Double(cpuMillisecondsPerCall) / 1000, wall: Double(wallMillisecondsPerCall) / 1000)
        )
    }

    /// Each limit's name on the wire, its value and the range an admin may set.
    private static var fields: [(name: String, keyPath: WritableKeyPath<AppLimits, Int>, range: ClosedRange<Int>)] {[
        ("persistenceRecords", \.persistenceRecords, 0...10_000_000),
        ("persistenceBytes", \.persistenceBytes, 0...(64 << 30)),
        ("scheduledJobs", \.scheduledJobs, 0...100_000),
        ("minJobIntervalMilliseconds", \.minJobIntervalMilliseconds, 1000...86_400_000),
        ("outboundConcurrentRequests", \.outboundConcurrentRequests, 0...1000),
        ("outboundResponseBytesInFlight", \.outboundResponseBytesInFlight, 0...(1 << 30)),
        ("heapBytes", \.heapBytes, (8 << 20)...(16 << 30)),
        ("cpuMillisecondsPerCall", \.cpuMillisecondsPerCall, 1...600_000),
        ("wallMillisecondsPerCall", \.wallMillisecondsPerCall, 10...3_600_000),
        ("preHookCpuMilliseconds", \.preHookCpuMilliseconds, 1...60_000),
        ("preHookWallMilliseconds", \.preHookWallMilliseconds, 10...600_000),
        ("workerMemoryBytes", \.workerMemoryBytes, (16 << 20)...(64 << 30)),
        ("bridgeFrameBytes", \.bridgeFrameBytes, (64 << 10)...(1 << 30)),
        ("logLinesPerMinute", \.logLinesPerMinute, 1...10_000_000),
        ("restartBackoffMilliseconds", \.restartBackoffMilliseconds, 1...60_000),
        ("failuresBeforeStop", \.failuresBeforeStop, 1...1000),
        ("failureWindowSeconds", \.failureWindowSeconds, 1...86_400),
    ]}

    /// `{name: value}` for every limit, and `runtime`.
    public var json: JSONValue {
        var fields = Dictionary(uniqueKeysWithValues: Self.fields.map { ($0.name, JSONValue.number(Double(self[keyPath: $0.keyPath]))) })
        fields["runtime"] = .string(runtime.rawValue)
        return .object(fields)
    }

    /// The stored form (a record's `limits`) over `defaults` (the server's), unknown or out-of-range entries ignored.
    public init(stored: JSONValue?, defaults: AppLimits = AppLimits()) {
        self = defaults
        for field in Self.fields {
            if case .number(let n)? = stored?[field.name], let value = Int(exactly: n), field.range.contains(value) {
                self[keyPath: field.keyPath] = value
            }
        }
        if let mode = stored?["runtime"]?.stringValue.flatMap(RuntimeMode.init(rawValue:)) { runtime = mode }
    }

    /// These limits with an admin's changes applied; an unknown name, a non-integer or a value out of range is
    /// refused with the reason and changes nothing.
    public func applying(_ changes: JSONValue) throws -> AppLimits {
        guard let object = changes.objectValue else { throw ChatError.invalidParams("limits must be an object of name: integer") }
        var limits = self
        for (name, value) in object {
            if name == "runtime" {
                guard let mode = value.stringValue.flatMap(RuntimeMode.init(rawValue:)) else {
                    throw ChatError.invalidParams("\"runtime\" must be one of: \(RuntimeMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                limits.runtime = mode
                continue
            }
            guard let field = Self.fields.first(where: { $0.name == name }) else {
                throw ChatError.invalidParams("Unknown limit \"\(name)\"; known: \((Self.fields.map(\.name) + ["runtime"]).joined(separator: ", "))")
            }
            guard case .number(let n) = value, let integer = Int(exactly: n), field.range.contains(integer) else {
                throw ChatError.invalidParams("\"\(name)\" must be an integer in \(field.range.lowerBound)...\(field.range.upperBound)")
            }
            limits[keyPath: field.keyPath] = integer
        }
        return limits
    }
}
