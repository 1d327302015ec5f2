/// A change the realtime layer pushes to connected clients.
public enum ChatEvent: Sendable {
    case messageCreated(Message, Room)
    case messageUpdated(Message, Room)
    case messageDeleted(messageId: String, roomId: String)
    case roomChanged(Room)
    case roomDeleted(roomId: String)
    case subscriptionChanged(Subscription)
    case subscriptionRemoved(Subscription)
    /// All sessions that used this token digest must end (logout).
    case tokenRevoked(userId: String, tokenDigest: String)
}
