public import Logging

/// What every service shares: the store, the hook port, the event hub, the permission policy, time and settings.
public struct ChatContext: Sendable {
    public var store: any ChatStore
    public var hooks: any HookPipeline
    public var events: EventHub
    public var policy: PermissionPolicy
    public var clock: ChatClock
    public var settings: ServerSettings
    public var logger: Logger

    public init(
        store: any ChatStore, hooks: any HookPipeline = NoopHookPipeline(), events: EventHub = EventHub(),
        policy: PermissionPolicy = PermissionPolicy(), clock: ChatClock = ChatClock(), settings: ServerSettings,
        logger: Logger = Logger(label: "airlock.chat")
    ) {
        self.store = store
        self.hooks = hooks
        self.events = events
        self.policy = policy
        self.clock = clock
        self.settings = settings
        self.logger = logger
    }
}
