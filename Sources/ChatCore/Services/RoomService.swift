import AirlockCrypto
import Foundation

/// Rooms and memberships: create, look up, list, join, leave, invite, kick, delete, direct rooms, subscriptions.
public struct RoomService: Sendable {
    /// How a request names a room.
    public enum Reference: Sendable, Hashable {
        case id(String)
        case name(String)
    }

    let context: ChatContext

    public init(context: ChatContext) {
        self.context = context
    }

    // MARK: Create

    /// `channels.create` / `groups.create`.
    /// `customFields` come from apps (`IModifyCreator.startRoom`); apps' pre-create extenders and builders may add
    /// custom fields and members.
    public func create(
        type: RoomType, name: String, members: [String], readOnly: Bool, customFields: [String: JSONValue]? = nil, by creator: User
    ) async throws -> Room {
        precondition(type != .direct, "direct rooms are created with createDirect")
        try context.policy.require(creator, type == .channel ? .createChannel : .createGroup)
        guard Validation.isValidName(name) else {
            throw ChatError(.refused, code: "error-invalid-room-name", message: "\(name) is not a valid room name")
        }
        if let customFields { try Validation.storable(.object(customFields), field: "customFields") }
        var others: [User] = []
        for username in Set(members) where username != creator.username {
            guard let user = try await context.store.user(username: username) else {
                throw ChatError.invalidUser("Invalid user: \(username)")
            }
            others.append(user)
        }
        others.sort { $0.username < $1.username }
        let now = context.clock.now()
        var room = Room(
            id: RandomID.make(), type: type, name: name, creator: UserRef(id: creator.id, username: creator.username),
            createdAt: now, usersCount: others.count + 1, readOnly: readOnly, customFields: customFields)
        switch await context.hooks.preRoomCreated(room, creator: creator, members: others) {
        case .refuse(let code, let message): throw ChatError(.refused, code: code, message: message)
        case .proceed(let modified):
            // Members an app added (`IRoomExtender.addMember`, `addMemberToBeAddedByUsername`) arrive as usernames.
            let known = Set(others.map(\.username) + [creator.username])
            for username in Set(modified.usernames).subtracting(known).sorted() {
                guard let user = try await context.store.user(username: username) else { throw ChatError.invalidUser("Invalid user: \(username)") }
                others.append(user)
            }
            room = Self.revalidated(modified, original: room)
            room.usersCount = others.count + 1
            if let customFields = room.customFields { try Validation.storable(.object(customFields), field: "customFields") }
        }
        return try await store(room, creator: creator, others: others, now: now)
    }

    /// Stores a new room with its creator as owner and `others` as members, and announces it.
    func store(_ room: Room, creator: User, others: [User], now: Date) async throws -> Room {
        let subscriptions = [Self.subscription(room: room, user: creator, roles: ["owner"], now: now)]
            + others.map { Self.subscription(room: room, user: $0, roles: [], now: now) }
        do {
            try await context.store.createRoom(room, subscriptions: subscriptions)
        } catch let error as StoreError where error.code == .duplicate(key: "room.name") {
            throw ChatError(.refused, code: "error-duplicate-channel-name", message: "A channel with name '\(room.name ?? "")' exists")
        }
        context.events.publish(.roomChanged(room))
        for subscription in subscriptions { context.events.publish(.subscriptionChanged(subscription)) }
        context.hooks.postRoomCreated(room, creator: creator)
        return room
    }

    /// `dm.create` / `im.create` and an app's `startRoom` of type `d`: the direct room between the creator and
    /// `usernames`, created on first use. A user needs `create-d`; an app acts under its own `room.write`. A new room
    /// between two people gets Rocket.Chat's id, their two user ids sorted and concatenated (apps rely on it); older
    /// rooms keep theirs, and the look-up by members finds both.
    public func createDirect(with usernames: [String], by actor: ChatActor) async throws -> Room {
        let creator = actor.user
        if actor.checksChatPermissions { try context.policy.require(creator, .createDirect) }
        var users: [String: User] = [creator.id: creator]
        for username in usernames where !username.isEmpty {
            guard let user = try await context.store.user(username: username) else {
                throw ChatError.invalidUser("Invalid user: \(username)")
            }
            users[user.id] = user
        }
        guard !usernames.isEmpty else { throw ChatError.invalidParams("Body param \"username\" or \"usernames\" is required") }
        let members = users.values.sorted { $0.username < $1.username }
        let ids = members.map(\.id).sorted()
        if let existing = try await context.store.directRoom(userIds: ids) {
            if var subscription = try await context.store.subscription(roomId: existing.id, userId: creator.id), !subscription.open {
                subscription.open = true
                subscription.updatedAt = context.clock.now()
                try await context.store.updateSubscription(subscription)
                context.events.publish(.subscriptionChanged(subscription))
            }
            return existing
        }
        let now = context.clock.now()
        var room = Room(
            id: ids.count == 2 ? ids.joined() : RandomID.make(), type: .direct, name: nil, creator: UserRef(id: creator.id, username: creator.username),
            createdAt: now, usersCount: members.count, usernames: members.map(\.username), userIds: ids)
        switch await context.hooks.preRoomCreated(room, creator: creator, members: members.filter { $0.id != creator.id }) {
        case .refuse(let code, let message): throw ChatError(.refused, code: code, message: message)
        case .proceed(let modified): room = Self.revalidated(modified, original: room)
        }
        let subscriptions = members.map { member in
            let others = members.filter { $0.id != member.id }
            let peers = others.isEmpty ? [member] : others
            return Subscription(
                id: RandomID.make(), roomId: room.id, user: UserRef(id: member.id, username: member.username),
                name: peers.map(\.username).joined(separator: ", "), displayName: peers.map(\.name).joined(separator: ", "),
                roomType: .direct, open: member.id == creator.id, createdAt: now)
        }
        do {
            try await context.store.createRoom(room, subscriptions: subscriptions)
        } catch let error as StoreError where error.code == .duplicate(key: "room.direct") || error.code == .duplicate(key: "room.id") {
            // Another request created the same direct room concurrently (same members, or the same id): answer that one.
            if let existing = try await context.store.directRoom(userIds: ids) { return existing }
            throw error
        }
        context.events.publish(.roomChanged(room))
        for subscription in subscriptions { context.events.publish(.subscriptionChanged(subscription)) }
        context.hooks.postRoomCreated(room, creator: creator)
        return room
    }

    // MARK: Look up

    /// Finds a room of one of `types` that `user` may read, or `error-room-not-found`.
    public func readable(_ reference: Reference, types: Set<RoomType>, by user: User) async throws -> Room {
        let room = try await find(reference, types: types)
        guard try await canRead(room, user: user) else {
            // Private rooms are not revealed to non-members.
            if room.type == .channel { throw ChatError.notAllowed() }
            throw ChatError.roomNotFound()
        }
        return room
    }

    /// Finds a room of one of `types`, regardless of access.
    public func find(_ reference: Reference, types: Set<RoomType>) async throws -> Room {
        let room: Room?
        switch reference {
        case .id(let id): room = id.isEmpty ? nil : try await context.store.room(id: id)
        case .name(let name): room = name.isEmpty ? nil : try await context.store.room(name: name)
        }
        guard let room, types.contains(room.type) else { throw ChatError.roomNotFound() }
        return room
    }

    /// Public channels are readable with `view-c-room`; groups and direct rooms only by members.
    public func canRead(_ room: Room, user: User) async throws -> Bool {
        if room.type == .channel, context.policy.allows(user, .viewPublicRoom) { return true }
        return try await context.store.subscription(roomId: room.id, userId: user.id) != nil
    }

    /// `channels.list`: every public channel.
    public func listChannels(page: PageRequest, by user: User) async throws -> Page<Room> {
        try context.policy.require(user, .viewPublicRoom)
        return try await context.store.rooms(type: .channel, page: page)
    }

    /// `rooms.adminRooms`: rooms of every kind (or of `types`), whether or not the caller is a member; needs
    /// `view-room-administration`.
    public func listForAdministration(
        types: Set<RoomType>, matching search: String?, page: PageRequest, by user: User
    ) async throws -> Page<Room> {
        try context.policy.require(user, .viewRoomAdministration)
        return try await context.store.rooms(types: types.isEmpty ? Set(RoomType.allCases) : types, matching: search, page: page)
    }

    /// Rooms of `type` the user is a member of (`channels.list.joined`, `groups.list`, `dm.list`), sorted by name.
    public func listJoined(type: RoomType, page: PageRequest, by user: User) async throws -> Page<Room> {
        let subscriptions = try await context.store.subscriptions(userId: user.id, updatedSince: nil)
            .filter { $0.roomType == type && (type != .direct || $0.open) }
            .sorted { ($0.name, $0.roomId) < ($1.name, $1.roomId) }
        let ordered = page.ascending ? subscriptions : subscriptions.reversed()
        let slice = Array(ordered.dropFirst(page.offset).prefix(page.count))
        let rooms = try await context.store.rooms(ids: slice.map(\.roomId))
        let byId = Dictionary(rooms.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return Page(items: slice.compactMap { byId[$0.roomId] }, total: subscriptions.count)
    }

    /// `rooms.get`: rooms the user belongs to, optionally only those updated after `since`.
    public func roomsOf(_ user: User, updatedSince since: Date?) async throws -> [Room] {
        let subscriptions = try await context.store.subscriptions(userId: user.id, updatedSince: nil)
        let rooms = try await context.store.rooms(ids: subscriptions.map(\.roomId))
        guard let since else { return rooms }
        return rooms.filter { $0.updatedAt > since }
    }

    /// Members of a room the user can read, sorted by username.
    public func members(of room: Room, page: PageRequest) async throws -> Page<Subscription> {
        try await context.store.subscriptions(roomId: room.id, page: page)
    }

    // MARK: Membership

    /// `channels.join`: public channels only.
    public func join(_ room: Room, user: User) async throws -> Room {
        guard room.type == .channel else { throw ChatError.notAllowed() }
        guard context.policy.allows(user, .viewPublicRoom) else { throw ChatError.notAllowed() }
        if try await context.store.subscription(roomId: room.id, userId: user.id) != nil { return room }
        return try await addMember(user, to: room, inviter: nil, systemType: "uj")
    }

    /// `channels.invite` / `groups.invite`.
    public func invite(userId: String, to room: Room, by inviter: User) async throws -> Room {
        guard room.type != .direct else { throw ChatError.notAllowed() }
        guard try await mayAddMembers(to: room, by: inviter) else { throw ChatError.unauthorized() }
        guard let user = try await context.store.user(id: userId) else { throw ChatError.invalidUser() }
        if try await context.store.subscription(roomId: room.id, userId: user.id) != nil { return room }
        return try await addMember(user, to: room, inviter: inviter, systemType: "au")
    }

    /// Members may add others with `add-user-to-joined-room`; anyone with `add-user-to-any-c-room` /
    /// `add-user-to-any-p-room`.
    private func mayAddMembers(to room: Room, by inviter: User) async throws -> Bool {
        let inviterSubscription = try await context.store.subscription(roomId: room.id, userId: inviter.id)
        return (inviterSubscription != nil
            && context.policy.allows(inviter, .addUserToJoinedRoom, roomRoles: inviterSubscription?.roles ?? []))
            || context.policy.allows(inviter, room.type == .channel ? .addUserToAnyPublicRoom : .addUserToAnyPrivateRoom)
    }

    /// A room's presentation (read-only, default, topic, description, custom fields) and members to add, as an app's
    /// `IModifyUpdater.room` / `IModifyExtender.extendRoom` change them. A user needs `edit-room` (room owners and
    /// moderators hold it) and, to add members, what an invite needs; an app its own `room.write`. Added members get
    /// the system message, hooks and events of an invite.
    public func update(_ changed: Room, addingUsernames: [String], by actor: ChatActor) async throws -> Room {
        guard var room = try await context.store.room(id: changed.id) else { throw ChatError.roomNotFound() }
        if case .user(let user) = actor {
            let roles = try await context.store.subscription(roomId: room.id, userId: user.id)?.roles ?? []
            try context.policy.require(user, .editRoom, roomRoles: roles)
            if !addingUsernames.isEmpty, try await !mayAddMembers(to: room, by: user) { throw ChatError.unauthorized() }
        }
        if let customFields = changed.customFields { try Validation.storable(.object(customFields), field: "customFields") }
        // Every member to add is looked up first, so an unknown name changes nothing.
        var joining: [User] = []
        for username in addingUsernames where room.type != .direct {
            guard let user = try await context.store.user(username: username) else { throw ChatError.invalidUser("Invalid user: \(username)") }
            joining.append(user)
        }
        room.readOnly = changed.readOnly
        room.isDefault = changed.isDefault
        room.topic = changed.topic
        room.description = changed.description
        room.customFields = changed.customFields
        room.updatedAt = context.clock.now()
        try await context.store.updateRoom(room)
        context.events.publish(.roomChanged(room))
        for user in joining {
            if try await context.store.subscription(roomId: room.id, userId: user.id) != nil { continue }
            room = try await addMember(user, to: room, inviter: actor.user, systemType: "au")
        }
        return room
    }

    /// `channels.leave` / `groups.leave`: the last owner of a room with other members cannot leave.
    public func leave(_ room: Room, user: User) async throws -> Room {
        guard room.type != .direct else { throw ChatError.notAllowed() }
        guard let subscription = try await context.store.subscription(roomId: room.id, userId: user.id) else {
            throw ChatError(.refused, code: "error-user-not-in-room", message: "You are not in this room")
        }
        try context.policy.require(user, room.type == .channel ? .leavePublicRoom : .leavePrivateRoom)
        if subscription.roles.contains("owner"), room.usersCount > 1 {
            let members = try await context.store.subscriptions(roomId: room.id, page: PageRequest(offset: 0, count: .max))
            if !members.items.contains(where: { $0.user.id != user.id && $0.roles.contains("owner") }) {
                throw ChatError(
                    .refused, code: "error-you-are-last-owner",
                    message: "You are the last owner. Please set new owner before leaving the room.")
            }
        }
        return try await removeMember(subscription, from: room, remover: nil, systemType: "ul")
    }

    /// `channels.kick` / `groups.kick` and an app's `IModifyDeleter.removeUsersFromRoom`: a user needs `remove-user`
    /// (room owners and moderators hold it), an app its own `room.write`.
    public func kick(userId: String, from room: Room, by actor: ChatActor) async throws -> Room {
        guard room.type != .direct else { throw ChatError.notAllowed() }
        let remover = actor.user
        if actor.checksChatPermissions {
            let removerRoles = try await context.store.subscription(roomId: room.id, userId: remover.id)?.roles ?? []
            try context.policy.require(remover, .removeUser, roomRoles: removerRoles)
        }
        guard let subscription = try await context.store.subscription(roomId: room.id, userId: userId) else {
            throw ChatError(.refused, code: "error-user-not-in-room", message: "User is not in this room")
        }
        return try await removeMember(subscription, from: room, remover: remover, systemType: "ru")
    }

    /// `channels.delete` / `groups.delete` and an app's `IModifyDeleter.deleteRoom`: a user needs `delete-c` /
    /// `delete-p` (room owners hold them), an app its own `room.write`; direct rooms are not deleted. Pre-delete hooks
    /// may refuse either way.
    public func delete(_ room: Room, by actor: ChatActor) async throws {
        guard room.type != .direct else { throw ChatError.notAllowed() }
        if case .user(let deleter) = actor {
            let roles = try await context.store.subscription(roomId: room.id, userId: deleter.id)?.roles ?? []
            try context.policy.require(deleter, room.type == .channel ? .deletePublicRoom : .deletePrivateRoom, roomRoles: roles)
        }
        if case .refuse(let code, let message) = await context.hooks.preRoomDeleted(room, deleter: actor.user) {
            throw ChatError(.refused, code: code, message: message)
        }
        let members = try await context.store.subscriptions(roomId: room.id, page: PageRequest(offset: 0, count: .max))
        try await context.store.deleteRoom(id: room.id)
        context.events.publish(.roomDeleted(roomId: room.id))
        for subscription in members.items { context.events.publish(.subscriptionRemoved(subscription)) }
        await context.events.settle()
        context.hooks.postRoomDeleted(room, deleter: actor.user)
    }

    // MARK: Subscriptions

    /// `subscriptions.get`.
    public func subscriptions(of user: User, updatedSince since: Date?) async throws -> [Subscription] {
        try await context.store.subscriptions(userId: user.id, updatedSince: since)
    }

    /// `subscriptions.getOne`.
    public func subscription(roomId: String, user: User) async throws -> Subscription? {
        try await context.store.subscription(roomId: roomId, userId: user.id)
    }

    /// `subscriptions.read`.
    public func markRead(roomId: String, user: User) async throws {
        guard try await context.store.subscription(roomId: roomId, userId: user.id) != nil else {
            throw ChatError(.refused, code: "error-invalid-subscription", message: "Invalid subscription")
        }
        try await context.store.markRead(roomId: roomId, userId: user.id, at: context.clock.now())
        if let updated = try await context.store.subscription(roomId: roomId, userId: user.id) {
            context.events.publish(.subscriptionChanged(updated))
        }
    }

    /// `dm.open` / `dm.close`: shows or hides a direct room in the user's list.
    public func setOpen(_ open: Bool, room: Room, user: User) async throws {
        guard var subscription = try await context.store.subscription(roomId: room.id, userId: user.id) else {
            throw ChatError.roomNotFound()
        }
        guard subscription.open != open else { return }
        subscription.open = open
        subscription.updatedAt = context.clock.now()
        try await context.store.updateSubscription(subscription)
        context.events.publish(.subscriptionChanged(subscription))
    }

    // MARK: Helpers

    func addMember(_ user: User, to room: Room, inviter: User?, systemType: String) async throws -> Room {
        if case .refuse(let code, let message) = await context.hooks.preUserJoiningRoom(room, user: user, inviter: inviter) {
            throw ChatError(.refused, code: code, message: message)
        }
        let now = context.clock.now()
        let subscription = Self.subscription(room: room, user: user, roles: [], now: now)
        do {
            try await context.store.addSubscription(subscription)
        } catch let error as StoreError where error.code == .duplicate(key: "subscription") {
            return room
        }
        try await postSystemMessage(systemType, about: user, in: room, by: inviter ?? user)
        let updated = try await context.store.room(id: room.id) ?? room
        context.events.publish(.subscriptionChanged(subscription))
        context.events.publish(.roomChanged(updated))
        context.hooks.postUserJoinedRoom(updated, user: user, inviter: inviter)
        return updated
    }

    private func removeMember(_ subscription: Subscription, from room: Room, remover: User?, systemType: String) async throws -> Room {
        guard let user = try await context.store.user(id: subscription.user.id) else { throw ChatError.invalidUser() }
        if case .refuse(let code, let message) = await context.hooks.preUserLeavingRoom(room, user: user, remover: remover) {
            throw ChatError(.refused, code: code, message: message)
        }
        try await context.store.removeSubscription(roomId: room.id, userId: user.id)
        // Published before anything else happens in the room: from here on, no delivery reaches the removed member.
        await context.events.publishAndSettle(.subscriptionRemoved(subscription))
        try await postSystemMessage(systemType, about: user, in: room, by: remover ?? user)
        let updated = try await context.store.room(id: room.id) ?? room
        context.events.publish(.roomChanged(updated))
        context.hooks.postUserLeftRoom(updated, user: user, remover: remover)
        return updated
    }

    /// Membership system messages (`uj`, `ul`, `au`, `ru`): the text is the affected username, as in Rocket.Chat.
    func postSystemMessage(_ type: String, about user: User, in room: Room, by actor: User, text: String? = nil, discussionId: String? = nil) async throws {
        var message = Message(
            id: RandomID.make(), roomId: room.id, text: text ?? user.username, sender: actor.ref, createdAt: context.clock.now(),
            systemType: type)
        message.discussionId = discussionId
        try await context.store.insertMessage(message)
        context.events.publish(.messageCreated(message, room))
        context.hooks.postSystemMessageSent(message, room: room, sender: actor)
    }

    static func subscription(room: Room, user: User, roles: [String], now: Date) -> Subscription {
        Subscription(
            id: RandomID.make(), roomId: room.id, user: UserRef(id: user.id, username: user.username),
            name: room.name ?? user.username, displayName: room.displayName ?? room.name ?? user.name, roomType: room.type, roles: roles,
            createdAt: now)
    }

    /// A pre-hook may change a room's presentation but not its identity, type or membership.
    static func revalidated(_ modified: Room, original: Room) -> Room {
        var room = modified
        room.id = original.id
        room.type = original.type
        room.name = original.name
        room.creator = original.creator
        room.usernames = original.usernames
        room.userIds = original.userIds
        room.usersCount = original.usersCount
        room.parentRoomId = original.parentRoomId
        room.createdAt = original.createdAt
        return room
    }
}
