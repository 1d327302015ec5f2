public import ChatCore
import AirlockCrypto
import Foundation

/// Chat records in the Apps-Engine's shapes (`IMessage`, `IRoom`, `IUser`), and app-written messages back.
/// Dates travel as ISO-8601 strings.
public enum AppsEngineShapes {
    public static func user(_ user: User) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(user.id), "username": .string(user.username), "name": .string(user.name),
            "emails": .array(user.emails.map { ["address": .string($0.address), "verified": .bool($0.verified)] }),
            "type": .string(user.type.rawValue), "isEnabled": .bool(user.active), "roles": .array(user.roles.map(JSONValue.string)),
            "status": .string(user.status ?? "online"), "statusConnection": "online", "utcOffset": 0,
            "createdAt": .string(WireDate.string(user.createdAt)), "updatedAt": .string(WireDate.string(user.updatedAt)),
        ]
        object.merge(optional(user)) { $1 }
        return .object(object)
    }

    /// IUser's optional fields, present only when set.
    private static func optional(_ user: User) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        if let text = user.statusText { fields["statusText"] = .string(text) }
        if let bio = user.bio { fields["bio"] = .string(bio) }
        if let customFields = user.customFields { fields["customFields"] = .object(customFields) }
        if let appId = user.appId { fields["appId"] = .string(appId) }
        return fields
    }

    /// Rocket.Chat's built-in roles as `IRole` (Airlock has no custom roles): global roles are scoped to users,
    /// room roles to subscriptions. Nil for an unknown id or name.
    static func role(named name: String) -> JSONValue? {
        let roles: [String: (scope: String, description: String)] = [
            "admin": ("Users", "Admin"), "user": ("Users", ""), "bot": ("Users", ""), "app": ("Users", ""), "guest": ("Users", ""),
            "owner": ("Subscriptions", "Owner"), "moderator": ("Subscriptions", "Moderator"), "leader": ("Subscriptions", "Leader"),
        ]
        guard let role = roles[name] else { return nil }
        return [
            "id": .string(name), "name": .string(name), "description": .string(role.description), "scope": .string(role.scope),
            "protected": true, "mandatory2fa": false,
        ]
    }

    /// A user known only by reference (a message's sender when the record is not at hand).
    static func user(_ ref: UserRef) -> JSONValue {
        ["id": .string(ref.id), "username": .string(ref.username), "name": ref.name.map(JSONValue.string) ?? .string(ref.username)]
    }

    public static func room(_ room: Room) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(room.id), "type": .string(room.type.rawValue), "usernames": .array(room.usernames.map(JSONValue.string)),
            "userIds": .array(room.userIds.map(JSONValue.string)), "isDefault": .bool(room.isDefault),
            "isReadOnly": .bool(room.readOnly), "displaySystemMessages": true, "messageCount": .number(Double(room.messageCount)),
            "createdAt": .string(WireDate.string(room.createdAt)), "updatedAt": .string(WireDate.string(room.updatedAt)),
        ]
        if let name = room.name {
            object["slugifiedName"] = .string(name)
            object["displayName"] = .string(room.displayName ?? name)
        }
        // A discussion's parent, as IRoom's `parentRoom` (the id is what apps follow).
        if let parent = room.parentRoomId { object["parentRoom"] = ["id": .string(parent)] }
        if let creator = room.creator { object["creator"] = user(creator) }
        if let description = room.description { object["description"] = .string(description) }
        if let customFields = room.customFields { object["customFields"] = .object(customFields) }
        return .object(object)
    }

    public static func message(_ message: Message, room: Room, sender: User?) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(message.id), "room": self.room(room), "sender": sender.map(user) ?? user(message.sender),
            "text": .string(message.text), "createdAt": .string(WireDate.string(message.createdAt)), "updatedAt": .string(WireDate.string(message.updatedAt)),
        ]
        if let threadId = message.threadId { object["threadId"] = .string(threadId) }
        if let attachments = message.attachments { object["attachments"] = .array(attachments) }
        if let blocks = message.blocks { object["blocks"] = .array(blocks) }
        if let alias = message.alias { object["alias"] = .string(alias) }
        if let emoji = message.emoji { object["emoji"] = .string(emoji) }
        if let avatar = message.avatar { object["avatarUrl"] = .string(avatar) }
        if let customFields = message.customFields { object["customFields"] = .object(customFields) }
        if let editedAt = message.editedAt { object["editedAt"] = .string(WireDate.string(editedAt)) }
        if let editor = message.editedBy { object["editor"] = user(editor) }
        // IMessage has no name for a system message's type: Rocket.Chat hands it over among the raw fields.
        if let type = message.systemType { object["_unmappedProperties_"] = ["t": .string(type)] }
        if !message.reactions.isEmpty {
            object["reactions"] = .object(message.reactions.mapValues { ["usernames": .array($0.map(JSONValue.string))] })
        }
        return .object(object)
    }

    /// The content an app may change in a message (text, attachments, blocks, alias, emoji, avatar, custom
    /// fields); identity, room, sender and times stay the host's.
    public static func applyContent(of app: JSONValue, to message: Message) -> Message {
        guard let object = app.objectValue else { return message }
        var result = message
        if let text = object["text"]?.stringValue { result.text = text }
        if let attachments = object["attachments"] { result.attachments = attachments.arrayValue }
        if let blocks = object["blocks"] { result.blocks = blocks.arrayValue }
        if let alias = object["alias"] { result.alias = alias.stringValue }
        if let emoji = object["emoji"] { result.emoji = emoji.stringValue }
        if let avatar = object["avatarUrl"] { result.avatar = avatar.stringValue }
        if let customFields = object["customFields"] { result.customFields = customFields.objectValue }
        // Rocket.Chat merges `_unmappedProperties_` (raw message fields the converter has no IMessage name for) over
        // the converted message; Airlock stores the raw fields it has a place for and drops the others.
        if let raw = object["_unmappedProperties_"]?.objectValue {
            if let text = raw["msg"]?.stringValue { result.text = text }
            if let alias = raw["alias"] { result.alias = alias.stringValue }
            if let emoji = raw["emoji"] { result.emoji = emoji.stringValue }
            if let avatar = raw["avatar"] { result.avatar = avatar.stringValue }
            if let attachments = raw["attachments"] { result.attachments = attachments.arrayValue }
            if let blocks = raw["blocks"] { result.blocks = blocks.arrayValue }
            if let fields = raw["customFields"]?.objectValue { result.customFields = (result.customFields ?? [:]).merging(fields) { $1 } }
        }
        return result
    }

    /// A new message an app wrote (`IModifyCreator.finish`), its content read exactly as ``applyContent(of:to:)``
    /// reads an edit; a fresh id, so the dispatcher can recognise the message when its events come back.
    static func draft(of app: JSONValue) -> MessageService.Draft {
        let blank = Message(id: "", roomId: "", text: "", sender: UserRef(id: "", username: ""), createdAt: Date(timeIntervalSince1970: 0))
        let content = applyContent(of: app, to: blank)
        return MessageService.Draft(
            id: RandomID.make(), text: content.text,
            threadId: app["threadId"]?.stringValue ?? app["_unmappedProperties_"]?["tmid"]?.stringValue, alias: content.alias, emoji: content.emoji,
            avatar: content.avatar, attachments: content.attachments, blocks: content.blocks, customFields: content.customFields)
    }

    /// What an app may change in a room (read-only, default, description, custom fields, and `usernames`, which the
    /// room service reads as members to add); identity, name, type and creator stay the host's.
    public static func applyRoom(of app: JSONValue, to room: Room) -> Room {
        guard let object = app.objectValue else { return room }
        var result = room
        if case .bool(let readOnly)? = object["isReadOnly"] { result.readOnly = readOnly }
        if case .bool(let isDefault)? = object["isDefault"] { result.isDefault = isDefault }
        if let description = object["description"] { result.description = description.stringValue }
        if let customFields = object["customFields"] { result.customFields = customFields.objectValue }
        if let usernames = object["usernames"]?.arrayValue { result.usernames = usernames.compactMap(\.stringValue) }
        return result
    }
}
