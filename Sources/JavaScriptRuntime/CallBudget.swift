/// Limits of one call into a VM: CPU time of each JavaScript entry (JSC's execution time limit) and a wall-clock
/// deadline for the whole call, including time spent awaiting host promises.
public struct CallBudget: Sendable, Hashable {
    /// Seconds of thread CPU per outermost entry into JavaScript.
    public var cpu: Double
    /// Seconds until the call fails with ``JavaScriptError/Kind/timedOut``.
    public var wall: Double

    public init(cpu: Double, wall: Double) {
        self.cpu = cpu
        self.wall = wall
    }

    /// DESIGN §2 defaults for pre-hooks.
    public static let preHook = CallBudget(cpu: 0.25, wall: 2)
    /// DESIGN §2 defaults for post-hooks, endpoints, commands and jobs.
    public static let standard = CallBudget(cpu: 1, wall: 30)
}
