/// A change the realtime layer pushes to connected clients.
public enum ChatEvent: Sendable {
    case messageCreated(Message, Room)
    case messageUpdated(Message, Room)
    case messageDeleted(messageId: String, roomId: String)
    case roomChanged(Room)
    case roomDeleted(roomId: String)
    case subscriptionChanged(Subscription)
    case subscriptionRemoved(Subscription)
    /// An ephemeral message for one user only (an app's `notifyUser`): shown, never stored.
    case userNotified(userId: String, message: Message)
    /// An app's UIKit answer for one user (open or update a modal, view errors).
    case uiInteraction(userId: String, response: JSONValue)
    /// Activity shown in a room ("typing"); `activities` empty ends it.
    case userActivity(roomId: String, username: String, activities: [String])
    /// All sessions that used this token digest must end (logout, token removal).
    case tokenRevoked(userId: String, tokenDigest: String)
    /// Every session of the user ends except the one using `except` (password change, deactivation, deletion).
    case sessionsRevoked(userId: String, except: String?)
    /// The account changed (roles, username, active flag): open sessions re-authenticate with this version.
    case userChanged(User)
    /// An app was installed, updated, enabled, disabled or uninstalled, or one of its settings changed (`change`:
    /// `installed`, `updated`, `status`, `uninstalled`, `settings`): the other nodes bring their copy in line.
    case appChanged(appId: String, change: String)
    /// This node lost its place in the other nodes' events and goes on from now: whatever it keeps from them (cached
    /// sessions, open sockets' view of rooms, apps' state) may be stale and is rebuilt. Published by the event relay
    /// only, on its own node; never relayed.
    case clusterEventsMissed
}
