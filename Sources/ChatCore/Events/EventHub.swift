import Synchronization

/// In-process publish/subscribe for chat events.
///
/// Listeners run synchronously inside `publish`, in the publisher's task, before the publishing service answers its
/// caller. That is what makes revocations safe: when a kick, a deactivation or a logout has been acknowledged, every
/// listener (the realtime hub) has already applied it, so no later delivery can reach a session that lost access, and
/// no event is ever dropped. Listeners must therefore be fast and must not block (the hub only queues frames).
///
/// With several nodes, events also arrive from the cluster (another node published them; see the `Cluster` module).
/// A listener says which it wants: the realtime layer wants both, what acts once per cluster (outgoing webhooks,
/// the relay to other nodes) only this node's own, what mirrors another node's change (caches, apps) only the
/// cluster's.
public final class EventHub: Sendable {
    public typealias Listener = @Sendable (ChatEvent) -> Void

    /// Where an event was published.
    public enum Origin: Sendable {
        /// By this node's services.
        case local
        /// By another node, relayed through the shared store.
        case cluster
    }

    private let listeners = Mutex<[(id: Int, origins: Set<Origin>, listener: Listener)]>([])
    private let nextId = Atomic<Int>(0)
    private let settlers = Mutex<[@Sendable () async -> Void]>([])

    public init() {}

    /// Delivers `event` to every current listener of its origin, in registration order.
    public func publish(_ event: ChatEvent, origin: Origin = .local) {
        let targets = listeners.withLock { $0 }
        for target in targets where target.origins.contains(origin) { target.listener(event) }
    }

    /// Registers `listener` for the events of `origins` (every event by default) published from now on; the answer
    /// removes it again.
    @discardableResult
    public func listen(from origins: Set<Origin> = [.local, .cluster], _ listener: @escaping Listener) -> Registration {
        let id = nextId.add(1, ordering: .relaxed).newValue
        listeners.withLock { $0.append((id, origins, listener)) }
        return Registration { [weak self] in self?.listeners.withLock { $0.removeAll { $0.id == id } } }
    }

    /// Publishes a revocation (a logout, a removed member, a deactivated account) and returns once it has reached
    /// the other nodes' relay as well (``onSettle(_:)``): a message stored after the caller answers is then ordered
    /// after the revocation on every node, so a removed member never receives it.
    public func publishAndSettle(_ event: ChatEvent) async {
        publish(event)
        await settle()
    }

    /// Returns once everything published so far has left this node (see ``publishAndSettle(_:)``).
    public func settle() async {
        for settle in settlers.withLock({ $0 }) { await settle() }
    }

    /// `settle` returns once everything published so far has left this node (the cluster relay's write).
    public func onSettle(_ settle: @escaping @Sendable () async -> Void) {
        settlers.withLock { $0.append(settle) }
    }

    /// Removes a listener when `cancel()` is called.
    public struct Registration: Sendable {
        let remove: @Sendable () -> Void

        public func cancel() { remove() }
    }
}
