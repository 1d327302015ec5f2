/// Where lines about an app go (its log): the host, the log sink, a test's recorder.
public protocol AppLog: Sendable {
    /// An `ILogger` line (levels `debug`, `info`, `success`, `warn`, `error`) from `method` (lifecycle/hook name).
    func log(appId: String, level: String, method: String, message: String)
}
