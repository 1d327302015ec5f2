/// The chat core's services, built once by the composition root and shared by every transport.
public struct ChatServices: Sendable {
    public let context: ChatContext
    public let auth: AuthService
    public let users: UserService
    public let rooms: RoomService
    public let messages: MessageService
    public let integrations: IntegrationService

    public init(
        context: ChatContext, hasher: PasswordHasher, throttle: LoginThrottle = LoginThrottle(),
        sessions: SessionCache = SessionCache()
    ) {
        self.context = context
        self.auth = AuthService(context: context, hasher: hasher, throttle: throttle, sessions: sessions)
        self.users = UserService(context: context, hasher: hasher, auth: auth)
        self.rooms = RoomService(context: context)
        self.messages = MessageService(context: context)
        self.integrations = IntegrationService(context: context)
    }
}
