public import AirlockJSON
public import Foundation

/// An app runtime's state as admins see it: where it runs and, for a worker process, its pid, memory, CPU,
/// restarts, last failure and which isolation mechanisms hold it.
public struct AppRuntimeStatus: Sendable, Hashable {
    /// `worker` or `in-process`.
    public var mode: String
    public var pid: Int32?
    /// Resident memory of the worker process.
    public var rssBytes: Int?
    /// CPU the worker process has used (user + system).
    public var cpuSeconds: Double?
    public var restarts: Int = 0
    public var lastFailure: String?
    public var lastFailureAt: Date?
    public var lastRestartAt: Date?
    /// Mechanism → active (`seccomp`, `landlock`, `networkNamespace`, `cgroupMemory`, `cgroupPids`, `rlimits`,
    /// `unprivileged`).
    public var isolation: [String: Bool] = [:]

    public init(mode: String) {
        self.mode = mode
    }

    /// `{mode, pid, rssBytes, cpuSeconds, restarts, lastFailure, lastFailureAt, lastRestartAt, isolation}`.
    public var json: JSONValue {
        var fields: [String: JSONValue] = ["mode": .string(mode), "restarts": .number(Double(restarts))]
        fields["pid"] = pid.map { .number(Double($0)) } ?? .null
        fields["rssBytes"] = rssBytes.map { .number(Double($0)) } ?? .null
        fields["cpuSeconds"] = cpuSeconds.map { .number(($0 * 1000).rounded() / 1000) } ?? .null
        fields["lastFailure"] = lastFailure.map(JSONValue.string) ?? .null
        fields["lastFailureAt"] = lastFailureAt.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null
        fields["lastRestartAt"] = lastRestartAt.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null
        fields["isolation"] = .object(isolation.mapValues(JSONValue.bool))
        return .object(fields)
    }
}
