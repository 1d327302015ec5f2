/// Who makes a change, and under whose rules. A person (or a bot account) acts under the chat permissions of its
/// roles and room roles. An app acts through a user — its bot, or the sender it names on a message — under its own
/// Apps-Engine permission (`message.write`, `room.write`), which the apps host checked before calling, as Rocket.Chat's
/// app bridges do: for an app the services skip the chat permission and membership checks, and nothing else
/// (validation, hooks, events).
///
/// An integration (a webhook an admin configured) acts like an app: through the user it posts as, into the room its
/// admin chose, without that user's membership or impersonation checks.
public enum ChatActor: Sendable {
    case user(User)
    case app(id: String, user: User)
    case integration(id: String, user: User)

    /// The user the change is recorded under (sender, editor, deleter, inviter) and shown to hooks.
    public var user: User {
        switch self {
        case .user(let user): user
        case .app(_, let user): user
        case .integration(_, let user): user
        }
    }

    /// The integration acting, if one is.
    var integrationId: String? {
        if case .integration(let id, _) = self { return id }
        return nil
    }

    /// Whether the chat permission and membership checks apply.
    var checksChatPermissions: Bool {
        if case .user = self { return true }
        return false
    }
}
