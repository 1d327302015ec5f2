import AirlockCrypto
import Foundation

/// Sending, editing, deleting, reacting to and reading messages: the hot path of the server.
public struct MessageService: Sendable {
    /// What a client sends; the server fills in id (unless given), sender and times.
    public struct Draft: Sendable {
        public var id: String?
        public var text: String
        public var threadId: String?
        public var alias: String?
        public var emoji: String?
        public var avatar: String?
        public var attachments: [JSONValue]?
        public var blocks: [JSONValue]?
        public var customFields: [String: JSONValue]?

        public init(
            id: String? = nil, text: String, threadId: String? = nil, alias: String? = nil, emoji: String? = nil,
            avatar: String? = nil, attachments: [JSONValue]? = nil, blocks: [JSONValue]? = nil,
            customFields: [String: JSONValue]? = nil
        ) {
            self.id = id
            self.text = text
            self.threadId = threadId
            self.alias = alias
            self.emoji = emoji
            self.avatar = avatar
            self.attachments = attachments
            self.blocks = blocks
            self.customFields = customFields
        }
    }

    let context: ChatContext

    public init(context: ChatContext) {
        self.context = context
    }

    /// Sends a message: validate, authorize, pre-hooks, re-validate, store, publish, post-hooks. A user must be a
    /// member (a private room they cannot see answers exactly like one that does not exist), needs
    /// `message-impersonate` for an alias or avatar and `post-readonly` in a read-only room; an app posts as its bot
    /// or as the sender it names in any room, like Rocket.Chat's message bridge.
    public func send(_ draft: Draft, roomId: String, by actor: ChatActor) async throws -> Message {
        let sender = actor.user
        guard !roomId.isEmpty, let (room, subscription) = try await context.store.room(id: roomId, member: sender.id) else {
            throw ChatError.roomNotFound()
        }
        if actor.checksChatPermissions {
            guard subscription != nil else {
                if room.type != .channel { throw ChatError.roomNotFound() }
                throw ChatError(.refused, code: "error-not-allowed", message: "Not allowed")
            }
            if draft.alias != nil || draft.avatar != nil, !context.policy.allows(sender, .messageImpersonate) {
                throw ChatError.actionNotAllowed("Not enough permission to send as another name or picture (message-impersonate)")
            }
            if room.readOnly, !context.policy.allows(sender, .postReadOnly, roomRoles: subscription?.roles ?? []) {
                throw ChatError(.refused, code: "error-not-allowed", message: "You can't send messages because the room is readonly.")
            }
        }
        let id: String
        if let given = draft.id {
            guard Validation.isValidClientMessageId(given) else {
                throw ChatError.invalidParams("Invalid message id: use 1-64 characters of [A-Za-z0-9_-]")
            }
            id = given
        } else {
            id = RandomID.make()
        }
        try validateContent(text: draft.text, attachments: draft.attachments, blocks: draft.blocks, customFields: draft.customFields)
        if let threadId = draft.threadId {
            guard let parent = try await context.store.message(id: threadId), parent.roomId == room.id else {
                throw ChatError.invalidParams("Invalid thread message id")
            }
        }
        // App bots in a direct room are found before anything is stored, so no failure can follow a sent message.
        let bots = room.type == .direct ? try await appBots(in: room, except: sender) : []
        let now = context.clock.now()
        var message = Message(
            id: id, roomId: room.id, text: draft.text, sender: sender.ref, createdAt: now, threadId: draft.threadId,
            attachments: draft.attachments, blocks: draft.blocks, alias: draft.alias, emoji: draft.emoji,
            avatar: draft.avatar, customFields: draft.customFields)
        message.integrationId = actor.integrationId
        switch await context.hooks.preMessageSent(message, room: room, sender: sender) {
        case .refuse(let code, let reason): throw ChatError(.refused, code: code, message: reason)
        case .proceed(let modified):
            message = try revalidated(modified, original: message)
        }
        do {
            try await context.store.insertMessage(message)
        } catch let error as StoreError where error.code == .duplicate(key: "message.id") {
            throw ChatError.invalidParams("A message with id \(message.id) already exists")
        }
        context.events.publish(.messageCreated(message, room))
        context.hooks.postMessageSent(message, room: room, sender: sender)
        for bot in bots { context.hooks.postMessageSentToBot(message, room: room, sender: sender, bot: bot) }
        return message
    }

    /// A message's new content: the text alone (a client's `chat.update`), or the content an app rewrote (text,
    /// attachments, blocks, alias, emoji, avatar, custom fields); identity, room, sender, thread and times stay.
    public enum Edit: Sendable {
        case text(String)
        case content(Message)
    }

    /// `chat.update` and an app's `IModifyUpdater`. A user edits their own messages while editing is allowed (or
    /// with `edit-message`) and others' with `edit-other-user-message` (room owners and moderators hold it); an app
    /// under its own permission. Either way the edit is validated, seen by pre-update hooks (which may refuse or
    /// rewrite it), stored, published and seen by post-update hooks. `roomId`, when given, must be the message's.
    public func update(messageId: String, roomId: String?, edit: Edit, by actor: ChatActor) async throws -> Message {
        let (previous, room) = try await loadForChange(messageId: messageId, roomId: roomId, by: actor)
        if case .user(let editor) = actor {
            let roles = try await context.store.subscription(roomId: room.id, userId: editor.id)?.roles ?? []
            let allowed =
                previous.sender.id == editor.id
                ? context.settings.allowEditing || context.policy.allows(editor, .editMessage, roomRoles: roles)
                : context.policy.allows(editor, .editOtherUserMessage, roomRoles: roles)
            guard allowed, previous.systemType == nil else {
                throw ChatError.actionNotAllowed("Editing this message is not allowed")
            }
        }
        var message = previous
        switch edit {
        case .text(let text): message.text = text
        case .content(let content): message = content
        }
        let now = context.clock.now()
        message.reactions = previous.reactions
        message.editedAt = now
        message.editedBy = actor.user.ref
        message.updatedAt = now
        message = try revalidated(message, original: previous)
        switch await context.hooks.preMessageUpdated(message, previous: previous, room: room, editor: actor.user) {
        case .refuse(let code, let reason): throw ChatError(.refused, code: code, message: reason)
        case .proceed(let modified): message = try revalidated(modified, original: message)
        }
        try await context.store.updateMessage(message)
        context.events.publish(.messageUpdated(message, room))
        context.hooks.postMessageUpdated(message, room: room, editor: actor.user)
        return message
    }

    /// `chat.delete` and an app's `IModifyDeleter.deleteMessage`. A user deletes their own messages with
    /// `delete-own-message` while deleting is allowed, others' with `delete-message`; an app under its own
    /// permission. Pre-delete hooks may refuse either way.
    public func delete(messageId: String, roomId: String?, by actor: ChatActor) async throws -> Message {
        let (message, room) = try await loadForChange(messageId: messageId, roomId: roomId, by: actor)
        if case .user(let deleter) = actor {
            let roles = try await context.store.subscription(roomId: room.id, userId: deleter.id)?.roles ?? []
            let allowed =
                context.policy.allows(deleter, .deleteMessage, roomRoles: roles)
                || (message.sender.id == deleter.id && context.settings.allowDeleting
                    && context.policy.allows(deleter, .deleteOwnMessage, roomRoles: roles))
            guard allowed else { throw ChatError.actionNotAllowed("Deleting this message is not allowed") }
        }
        if case .refuse(let code, let reason) = await context.hooks.preMessageDeleted(message, room: room, deleter: actor.user) {
            throw ChatError(.refused, code: code, message: reason)
        }
        try await context.store.deleteMessage(id: message.id)
        context.events.publish(.messageDeleted(messageId: message.id, roomId: room.id))
        context.hooks.postMessageDeleted(message, room: room, deleter: actor.user)
        return message
    }

    /// `chat.getMessage`.
    public func get(messageId: String, by reader: User) async throws -> Message {
        guard let message = try await context.store.message(id: messageId),
            let room = try await context.store.room(id: message.roomId),
            try await RoomService(context: context).canRead(room, user: reader)
        else { throw ChatError(.refused, code: "error-invalid-message", message: "Message not found") }
        return message
    }

    /// `chat.react`: toggles unless `shouldReact` says which way.
    /// `chat.react` (a member reacts) and an app's `IMessageUpdater.addReaction`/`removeReaction` (an app reacts
    /// as the user it names, member or not, under its own `message.write`).
    public func react(messageId: String, emoji rawEmoji: String, shouldReact: Bool?, by actor: ChatActor) async throws {
        let user = actor.user
        guard let emoji = Validation.normalizedEmoji(rawEmoji) else { throw ChatError.invalidParams("Invalid emoji provided.") }
        guard let message = try await context.store.message(id: messageId),
            let room = try await context.store.room(id: message.roomId)
        else { throw ChatError(.refused, code: "error-not-allowed", message: "Not allowed") }
        if actor.checksChatPermissions, try await context.store.subscription(roomId: room.id, userId: user.id) == nil {
            throw ChatError.notAllowed()
        }
        let has = message.reactions[emoji]?.contains(user.username) ?? false
        let add = shouldReact ?? !has
        guard add != has else { return }
        // The store applies the change in one step: reactions of several users at once are all kept.
        guard let reacted = try await context.store.setReaction(
            messageId: message.id, emoji: emoji, username: user.username, add: add, at: context.clock.now())
        else { throw ChatError(.refused, code: "error-not-allowed", message: "Not allowed") }
        context.events.publish(.messageUpdated(reacted, room))
        context.hooks.postMessageReacted(reacted, reaction: emoji, added: add, user: user)
    }

    /// A room's history, newest first.
    public func history(of room: Room, page: PageRequest, oldest: Date?, latest: Date?, inclusive: Bool) async throws -> Page<Message> {
        try await context.store.messages(roomId: room.id, page: page, oldest: oldest, latest: latest, inclusive: inclusive)
    }

    /// `chat.getThreadMessages`.
    public func threadMessages(threadId: String, page: PageRequest, by reader: User) async throws -> Page<Message> {
        let parent = try await get(messageId: threadId, by: reader)
        return try await context.store.threadMessages(threadId: parent.id, page: page)
    }

    // MARK: Helpers

    /// The message and its room. A user must be a member of the room (or hold `edit-other-user-message`); an app
    /// reaches any room, like its bot posting.
    private func loadForChange(messageId: String, roomId: String?, by actor: ChatActor) async throws -> (Message, Room) {
        guard let message = try await context.store.message(id: messageId) else {
            throw ChatError(.refused, code: "error-invalid-message", message: "No message found with the id of \"\(messageId)\".")
        }
        if let roomId, message.roomId != roomId {
            throw ChatError.invalidParams("The room id provided does not match where the message is from.")
        }
        guard let room = try await context.store.room(id: message.roomId) else { throw ChatError.roomNotFound() }
        if case .user(let user) = actor {
            guard try await context.store.subscription(roomId: room.id, userId: user.id) != nil
                || context.policy.allows(user, .editOtherUserMessage)
            else { throw ChatError.actionNotAllowed("Not allowed") }
        }
        return (message, room)
    }

    private func validateContent(text: String, attachments: [JSONValue]?, blocks: [JSONValue]?, customFields: [String: JSONValue]?) throws {
        // As in Rocket.Chat, a message may be blocks or attachments alone; it must carry something.
        if text.isEmpty, attachments?.isEmpty ?? true, blocks?.isEmpty ?? true {
            throw ChatError.invalidParams("The message text must not be empty")
        }
        if text.count > context.settings.maxMessageSize {
            throw ChatError(.refused, code: "error-message-size-exceeded", message: "Message size exceeds the allowed limit")
        }
        if let attachments { try Validation.storable(.array(attachments), field: "attachments") }
        if let blocks { try Validation.storable(.array(blocks), field: "blocks") }
        if let customFields { try Validation.storable(.object(customFields), field: "customFields") }
    }

    /// A hook may rewrite content but not the message's identity, room, sender or time; the result is validated again.
    private func revalidated(_ modified: Message, original: Message) throws -> Message {
        var message = modified
        message.id = original.id
        message.roomId = original.roomId
        message.sender = original.sender
        message.createdAt = original.createdAt
        message.threadId = original.threadId
        message.systemType = original.systemType
        message.integrationId = original.integrationId
        try validateContent(text: message.text, attachments: message.attachments, blocks: message.blocks, customFields: message.customFields)
        return message
    }

    /// The app bots among a direct room's members. Bots are named `<nameSlug>.bot`; only members with such a name
    /// are looked up, so a direct message between people costs no extra read.
    private func appBots(in room: Room, except sender: User) async throws -> [User] {
        var bots: [User] = []
        for username in room.usernames where username != sender.username && username.hasSuffix(".bot") {
            if let bot = try await context.store.user(username: username), bot.type == .app { bots.append(bot) }
        }
        return bots
    }
}
