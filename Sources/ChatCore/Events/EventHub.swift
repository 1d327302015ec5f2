import Synchronization

/// In-process publish/subscribe for chat events.
///
/// Each subscriber gets its own bounded `AsyncStream`; a subscriber that falls behind loses the oldest events rather
/// than growing memory (the realtime layer disconnects such clients). Publishing never blocks and never suspends.
public final class EventHub: Sendable {
    private let subscribers = Mutex<[Int: AsyncStream<ChatEvent>.Continuation]>([:])
    private let nextId = Atomic<Int>(0)
    private let bufferSize: Int

    public init(bufferSize: Int = 1024) {
        self.bufferSize = bufferSize
    }

    /// Delivers `event` to every current subscriber.
    public func publish(_ event: ChatEvent) {
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets { continuation.yield(event) }
    }

    /// A stream of every event published from now on; it ends when the consumer stops iterating.
    public func subscribe() -> AsyncStream<ChatEvent> {
        let id = nextId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<ChatEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }
}
