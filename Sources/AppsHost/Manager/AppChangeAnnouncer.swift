import Synchronization

/// Where the apps host says that an app changed (installed, updated, enabled or disabled, uninstalled, a setting,
/// its limits): with several nodes, the composition root connects it to the chat event hub, and the cluster relay
/// takes it to the other nodes, whose managers bring their copy in line (``AppManager/adopt(appId:change:)``).
public final class AppChangeAnnouncer: Sendable {
    private let sink = Mutex<(@Sendable (_ appId: String, _ change: String) -> Void)?>(nil)

    public init() {}

    /// Sends every announcement to `sink` from now on.
    public func connect(_ sink: @escaping @Sendable (_ appId: String, _ change: String) -> Void) {
        self.sink.withLock { $0 = sink }
    }

    func announce(_ appId: String, _ change: String) {
        sink.withLock { $0 }?(appId, change)
    }
}
