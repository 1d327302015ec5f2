public import ChatCore
import Synchronization

/// The chat core as the host side of the bridge reaches it. Bound after construction because the chat services take
/// the hook dispatcher, which takes the manager, which takes the host.
public final class ChatAccess: Sendable {
    private let state = Mutex<(services: ChatServices?, dispatcher: AppHookDispatcher?)>((nil, nil))
    private let jobs = Mutex<AppScheduler?>(nil)

    public init() {}

    public func bind(services: ChatServices, dispatcher: AppHookDispatcher) {
        state.withLock { $0 = (services, dispatcher) }
    }

    func bind(scheduler: AppScheduler) {
        jobs.withLock { $0 = scheduler }
    }

    var scheduler: AppScheduler? { jobs.withLock { $0 } }
    var services: ChatServices? { state.withLock { $0.services } }
    var dispatcher: AppHookDispatcher? { state.withLock { $0.dispatcher } }
}
