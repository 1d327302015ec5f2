public import AirlockJSON
public import JavaScriptRuntime

/// Where an app's VM runs — in this process (``InProcessRuntime``) or in a worker process (`AppsWorker`) — as
/// ``AppInstance`` drives it: bridge envelopes in, replies out. Both ends speak the same ``BridgeProtocol``; only the
/// transport differs.
public protocol AppRuntimeChannel: Sendable {
    /// Delivers one request and answers its reply (`{"id", "result"}` or `{"id", "refused"}`); throws
    /// ``JavaScriptError`` when the call failed, ran out of CPU or time, or the runtime went away.
    func send(_ envelope: BridgeProtocol.Envelope, budget: CallBudget) async throws -> JSONValue
    /// The app's live JavaScript heap after a young (or, with `full`, a full) collection.
    func heapSize(full: Bool) async throws -> Int
    /// What the runtime is and how it is doing, for admins (`GET /api/apps/:id`, `/metrics`).
    func status() -> AppRuntimeStatus
    /// Stops the runtime; calls still waiting fail.
    func close() async
}
