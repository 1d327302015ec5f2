import Synchronization

/// In-process publish/subscribe for chat events.
///
/// Listeners run synchronously inside `publish`, in the publisher's task, before the publishing service answers its
/// caller. That is what makes revocations safe: when a kick, a deactivation or a logout has been acknowledged, every
/// listener (the realtime hub) has already applied it, so no later delivery can reach a session that lost access, and
/// no event is ever dropped. Listeners must therefore be fast and must not block (the hub only queues frames).
public final class EventHub: Sendable {
    public typealias Listener = @Sendable (ChatEvent) -> Void

    private let listeners = Mutex<[(id: Int, listener: Listener)]>([])
    private let nextId = Atomic<Int>(0)

    public init() {}

    /// Delivers `event` to every current listener, in registration order.
    public func publish(_ event: ChatEvent) {
        let targets = listeners.withLock { $0 }
        for target in targets { target.listener(event) }
    }

    /// Registers `listener` for every event published from now on; the answer removes it again.
    @discardableResult
    public func listen(_ listener: @escaping Listener) -> Registration {
        let id = nextId.add(1, ordering: .relaxed).newValue
        listeners.withLock { $0.append((id, listener)) }
        return Registration { [weak self] in self?.listeners.withLock { $0.removeAll { $0.id == id } } }
    }

    /// Removes a listener when `cancel()` is called.
    public struct Registration: Sendable {
        let remove: @Sendable () -> Void

        public func cancel() { remove() }
    }
}
