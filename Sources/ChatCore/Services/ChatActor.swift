/// Who makes a change, and under whose rules. A person (or a bot account) acts under the chat permissions of its
/// roles and room roles. An app acts through its bot user under its own Apps-Engine permission (`message.write`,
/// `room.write`), which the apps host checked before calling, as Rocket.Chat's app bridges do: for an app the
/// services skip the chat permission and membership checks, and nothing else (validation, hooks, events).
public enum ChatActor: Sendable {
    case user(User)
    case app(id: String, bot: User)

    /// The user the change is recorded under (editor, deleter, inviter) and shown to hooks.
    public var user: User {
        switch self {
        case .user(let user): user
        case .app(_, let bot): bot
        }
    }
}
