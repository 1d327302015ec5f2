import Foundation

/// Users and their credentials.
public protocol UserStore: Sendable {
    /// Inserts a user; throws `duplicate(key: "username")` or `duplicate(key: "email")`.
    func insertUser(_ user: User) async throws
    func updateUser(_ user: User) async throws
    /// Removes the user with their tokens and subscriptions, adjusting room member counts, atomically.
    func deleteUser(id: String) async throws
    func user(id: String) async throws -> User?
    /// Case-insensitive.
    func user(username: String) async throws -> User?
    /// Case-insensitive.
    func user(email: String) async throws -> User?
    func users(ids: [String]) async throws -> [User]
    /// Users sorted by username; with `search`, those whose username or name contains it (case-insensitive).
    func users(matching search: String?, page: PageRequest) async throws -> Page<User>
    func userCount() async throws -> Int
}

/// Login and personal access tokens, stored by digest.
public protocol TokenStore: Sendable {
    /// Throws `duplicate(key: "token.name")` when a personal token of that name exists for the user.
    func insertToken(_ token: AccessToken) async throws
    func token(digest: String) async throws -> AccessToken?
    func deleteToken(digest: String) async throws
    /// Deletes every token of the user but the one with digest `keep`.
    func deleteTokens(userId: String, except keep: String?) async throws
    /// Every token of the user (login and personal).
    func tokens(userId: String) async throws -> [AccessToken]
}

/// Rooms and memberships.
public protocol RoomStore: Sendable {
    /// Creates a room with its initial subscriptions atomically; throws `duplicate(key: "room.name")`.
    func createRoom(_ room: Room, subscriptions: [Subscription]) async throws
    func updateRoom(_ room: Room) async throws
    /// Removes the room with its subscriptions and messages atomically.
    func deleteRoom(id: String) async throws
    func room(id: String) async throws -> Room?
    /// Channel or group by name, case-insensitive.
    func room(name: String) async throws -> Room?
    /// The direct room between exactly these users, if any.
    func directRoom(userIds: [String]) async throws -> Room?
    func rooms(ids: [String]) async throws -> [Room]
    /// Rooms of these types sorted by name; with `search`, those whose name, display name or (direct rooms)
    /// member usernames contain it (case-insensitive).
    func rooms(types: Set<RoomType>, matching search: String?, page: PageRequest) async throws -> Page<Room>

    /// Adds a member and increments the room's member count atomically; throws `duplicate(key: "subscription")`.
    func addSubscription(_ subscription: Subscription) async throws
    /// Removes a member and decrements the room's member count atomically.
    func removeSubscription(roomId: String, userId: String) async throws
    func updateSubscription(_ subscription: Subscription) async throws
    func subscription(roomId: String, userId: String) async throws -> Subscription?
    /// A room and the user's subscription to it (nil when not a member) in one read: the message send path.
    func room(id: String, member userId: String) async throws -> (room: Room, subscription: Subscription?)?
    /// The user's subscriptions, optionally only those changed after `since`.
    func subscriptions(userId: String, updatedSince: Date?) async throws -> [Subscription]
    /// Members of a room sorted by username.
    func subscriptions(roomId: String, page: PageRequest) async throws -> Page<Subscription>
    /// Sets unread to 0 and alert to false, stamping `lastSeen`.
    func markRead(roomId: String, userId: String, at: Date) async throws
}

/// Messages.
public protocol MessageStore: Sendable {
    /// Stores a message and, atomically: bumps the room's message count and last-message time, increments unread
    /// and reopens the room for every other member, and updates the thread parent's reply count when `threadId` is set.
    /// Throws `duplicate(key: "message.id")` for a reused id.
    func insertMessage(_ message: Message) async throws
    func updateMessage(_ message: Message) async throws
    /// Deletes a message and decrements the room's message count atomically.
    /// Adds or removes `username`'s `emoji` reaction in one step, so concurrent reactions are never lost; answers
    /// the message after the change (nil when there is no such message).
    func setReaction(messageId: String, emoji: String, username: String, add: Bool, at date: Date) async throws -> Message?
    func deleteMessage(id: String) async throws
    func message(id: String) async throws -> Message?
    /// A room's messages, newest first unless `page.ascending`, optionally bounded by time.
    func messages(roomId: String, page: PageRequest, oldest: Date?, latest: Date?, inclusive: Bool) async throws -> Page<Message>
    /// Replies of a thread, oldest first.
    func threadMessages(threadId: String, page: PageRequest) async throws -> Page<Message>
}

/// Webhook integrations.
public protocol IntegrationStore: Sendable {
    /// Throws `duplicate(key: "integration.id")` for a reused id.
    func insertIntegration(_ integration: Integration) async throws
    /// Throws `notFound` when there is no such integration.
    func updateIntegration(_ integration: Integration) async throws
    /// Answers whether it existed.
    func deleteIntegration(id: String) async throws -> Bool
    func integration(id: String) async throws -> Integration?
    /// Every integration, oldest first.
    func integrations(page: PageRequest) async throws -> Page<Integration>
    /// The enabled integrations of one kind (what the outgoing dispatcher watches).
    func enabledIntegrations(kind: Integration.Kind) async throws -> [Integration]
}

/// Everything the chat core stores. Backends (embedded SQLite, MongoDB) implement the whole family.
public protocol ChatStore: UserStore, TokenStore, RoomStore, MessageStore, IntegrationStore {}

extension UserStore {
    /// All users sorted by username.
    public func users(page: PageRequest) async throws -> Page<User> {
        try await users(matching: nil, page: page)
    }
}

extension RoomStore {
    /// Rooms of one type sorted by name.
    public func rooms(type: RoomType, page: PageRequest) async throws -> Page<Room> {
        try await rooms(types: [type], matching: nil, page: page)
    }
}
