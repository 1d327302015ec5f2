import ChatCore

/// A chat event as it travels between nodes in `airlock_events`: the case's name and its values, each in a field of
/// its own (the records in the shapes the stores keep them).
struct RelayedEvent: Codable, Sendable {
    var kind: String
    var message: Message?
    var room: Room?
    var subscription: Subscription?
    var user: User?
    var messageId: String?
    var roomId: String?
    var userId: String?
    var username: String?
    var activities: [String]?
    var response: JSONValue?
    var tokenDigest: String?
    var except: String?
    var appId: String?
    var change: String?

    init(kind: String) {
        self.kind = kind
    }

    /// Nil for the one event that stays on its node (``ChatEvent/clusterEventsMissed``).
    init?(_ event: ChatEvent) {
        switch event {
        case .messageCreated(let message, let room), .messageUpdated(let message, let room):
            self.init(kind: { if case .messageCreated = event { "messageCreated" } else { "messageUpdated" } }())
            self.message = message
            self.room = room
        case .messageDeleted(let messageId, let roomId):
            self.init(kind: "messageDeleted")
            self.messageId = messageId
            self.roomId = roomId
        case .roomChanged(let room):
            self.init(kind: "roomChanged")
            self.room = room
        case .roomDeleted(let roomId):
            self.init(kind: "roomDeleted")
            self.roomId = roomId
        case .subscriptionChanged(let subscription), .subscriptionRemoved(let subscription):
            self.init(kind: { if case .subscriptionChanged = event { "subscriptionChanged" } else { "subscriptionRemoved" } }())
            self.subscription = subscription
        case .userNotified(let userId, let message):
            self.init(kind: "userNotified")
            self.userId = userId
            self.message = message
        case .uiInteraction(let userId, let response):
            self.init(kind: "uiInteraction")
            self.userId = userId
            self.response = response
        case .userActivity(let roomId, let username, let activities):
            self.init(kind: "userActivity")
            self.roomId = roomId
            self.username = username
            self.activities = activities
        case .tokenRevoked(let userId, let digest):
            self.init(kind: "tokenRevoked")
            self.userId = userId
            self.tokenDigest = digest
        case .sessionsRevoked(let userId, let except):
            self.init(kind: "sessionsRevoked")
            self.userId = userId
            self.except = except
        case .userChanged(let user):
            self.init(kind: "userChanged")
            self.user = user
        case .appChanged(let appId, let change):
            self.init(kind: "appChanged")
            self.appId = appId
            self.change = change
        case .clusterEventsMissed:
            return nil
        }
    }

    /// The event again; nil when a field its case needs is missing (a newer node's kind, a damaged record).
    var event: ChatEvent? {
        switch kind {
        case "messageCreated": message.flatMap { m in room.map { .messageCreated(m, $0) } }
        case "messageUpdated": message.flatMap { m in room.map { .messageUpdated(m, $0) } }
        case "messageDeleted": messageId.flatMap { m in roomId.map { .messageDeleted(messageId: m, roomId: $0) } }
        case "roomChanged": room.map { .roomChanged($0) }
        case "roomDeleted": roomId.map { .roomDeleted(roomId: $0) }
        case "subscriptionChanged": subscription.map { .subscriptionChanged($0) }
        case "subscriptionRemoved": subscription.map { .subscriptionRemoved($0) }
        case "userNotified": userId.flatMap { u in message.map { .userNotified(userId: u, message: $0) } }
        case "uiInteraction": userId.flatMap { u in response.map { .uiInteraction(userId: u, response: $0) } }
        case "userActivity": roomId.flatMap { r in username.map { .userActivity(roomId: r, username: $0, activities: activities ?? []) } }
        case "tokenRevoked": userId.flatMap { u in tokenDigest.map { .tokenRevoked(userId: u, tokenDigest: $0) } }
        case "sessionsRevoked": userId.map { .sessionsRevoked(userId: $0, except: except) }
        case "userChanged": user.map { .userChanged($0) }
        case "appChanged": appId.flatMap { a in change.map { .appChanged(appId: a, change: $0) } }
        default: nil
        }
    }
}
