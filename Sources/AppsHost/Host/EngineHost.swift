import AppsStorage
import AppsRuntime
public import ChatCore
import Foundation
import AirlockCrypto
import JavaScriptRuntime
public import OutboundHTTP
public import Logging

/// The host side of the bridge: every accessor an app calls is looked up here by name, its permission checked in
/// Swift against what the app was granted, and only then run. A denial throws ``PermissionDenied`` (the app sees a
/// catchable `PermissionDeniedError`) and writes an error line to the app's log.
public final class EngineHost: AppHost {
    /// What one accessor does; its name, permission and arguments are the contract's (``AccessorContract``).
    struct Accessor: Sendable {
        let run: @Sendable (_ appId: String, _ arguments: [JSONValue]) async throws -> JSONValue?

        init(_ run: @escaping @Sendable (_ appId: String, _ arguments: [JSONValue]) async throws -> JSONValue?) {
            self.run = run
        }
    }

    public let grants: AppGrants
    public let logs: AppLogSink
    public let quotas: AppQuotas
    let logger: Logger
    let accessors: [String: Accessor]

    /// `services` are the chat core's (the host acts through them as the app's bot); `serverSettings` answers the
    /// current registry; `environment` is the process environment apps may read from (filtered by Rocket.Chat's
    /// readability rule); `http` carries apps' outbound requests under the admin's policy.
    public init(
        foundation: AppsFoundation, services: ChatServices, serverSettings: @escaping @Sendable () -> [ServerSettingEntry],
        environment: [String: String] = ProcessInfo.processInfo.environment, http: any OutboundHTTPTransport = OutboundHTTPClient(),
        logger: Logger = Logger(label: "airlock.apps")
    ) {
        self.grants = foundation.grants
        self.logs = foundation.logs
        self.quotas = foundation.quotas
        self.logger = logger
        let chat = ChatReach(services: services, hooks: foundation.hooks, scheduler: foundation.scheduler, apps: foundation.store)
        self.accessors = Self.environmentAccessors(grants: foundation.grants, serverSettings: serverSettings, environment: environment)
            .merging(Self.modifyAccessors(chat: chat)) { first, _ in first }
            .merging(Self.persistenceAccessors(chat: chat, quotas: foundation.quotas)) { first, _ in first }
            .merging(Self.readerAccessors(chat: chat)) { first, _ in first }
            .merging(Self.notifierAccessors(chat: chat)) { first, _ in first }
            .merging(Self.changeAccessors(chat: chat)) { first, _ in first }
            .merging(Self.schedulerAccessors(chat: chat)) { first, _ in first }
            .merging(Self.httpAccessors(http: http, logs: foundation.logs, quotas: foundation.quotas)) { first, _ in first }
            .merging(Self.uiAccessors(chat: chat)) { first, _ in first }
            .merging(Self.configurationAccessors(foundation: foundation)) { first, _ in first }
            .merging(Self.userAccessors(chat: chat)) { first, _ in first }
    }

    /// What the accessors act on: the chat services, the dispatcher (depth of app-written messages), the
    /// scheduler and the apps' own store; all exist before the host.
    struct ChatReach: Sendable {
        let services: ChatServices
        let hooks: AppHookDispatcher
        let scheduler: AppScheduler
        let apps: any AppsStore

        /// The app's bot user (nil when it has none): the one place an app's identity in chat is looked up.
        func bot(of appId: String) async throws -> User? {
            guard let id = try await apps.app(id: appId)?.botUserId else { return nil }
            return try await services.context.store.user(id: id)
        }
    }

    /// The accessors this host implements (the contract's names, every one: a test holds them together).
    public var accessorNames: Set<String> { Set(accessors.keys) }

    public func log(appId: String, level: String, method: String, message: String) {
        logs.log(appId: appId, level: level, method: method, message: message)
    }

    /// Runs an accessor for an app. This is the one place where host errors become what the app sees: a missing
    /// permission is a `PermissionDeniedError`, the chat core's refusals (invalid room name, unknown user, ...) and
    /// the accessors' own errors keep their message, and anything else (a store or driver failure) reaches the app
    /// only as a generic error, its detail going to the server log.
    public func accessor(appId: String, name: String, arguments: [JSONValue]) async throws -> JSONValue? {
        guard let accessor = accessors[name], let contract = AccessorContract.shared.entries[name] else {
            throw HostError(name: "Error", message: "Unknown accessor \(name)")
        }
        try contract.check(arguments, accessor: name)
        if let permission = contract.permission, !grants.has(permission, appId: appId) {
            let denied = PermissionDenied(appId: appId, permission: permission, call: name)
            logs.write(appId: appId, level: .error, method: name, message: "PermissionDeniedError: \(denied.message)")
            throw denied.error
        }
        do {
            // The call this request belongs to may have timed out while the request waited: then nothing may happen.
            try Task.checkCancellation()
            return try await accessor.run(appId, arguments)
        } catch let error as HostError {
            throw error
        } catch let error as ChatError {
            throw HostError(name: "Error", message: error.message)
        } catch is CancellationError {
            throw BridgeProtocol.expiredCall
        } catch {
            logger.error("accessor failed", metadata: ["app.id": "\(appId)", "accessor": "\(name)", "error": "\(String(reflecting: error))"])
            throw HostError(name: "Error", message: "\(name) failed on the server; the server log has the details")
        }
    }

    /// `IModifyUpdater.message` / `finish` and `IModifyDeleter.deleteMessage` (`message.write`); `IModifyCreator`'s
    /// rooms, `IModifyUpdater.room`, `IModifyExtender.extendRoom` and `IModifyDeleter.deleteRoom` (`room.write`); all as
    /// the app's bot (a room's creator may be another user the app names).
    static func changeAccessors(chat: ChatReach) -> [String: Accessor] {
        @Sendable func context(_ appId: String) async throws -> (ChatServices, User) {
            guard let bot = try await chat.bot(of: appId) else { throw HostError(name: "Error", message: "The app has no bot user") }
            return (chat.services, bot)
        }
        /// The creator a room builder names (`setCreator`), or the app's bot.
        @Sendable func creator(of room: JSONValue, or bot: User) async throws -> User {
            guard let creatorId = room["creator"]?["id"]?.stringValue else { return bot }
            guard let user = try await chat.services.context.store.user(id: creatorId) else {
                throw HostError(name: "Error", message: "The room's creator does not exist")
            }
            return user
        }
        return [
            "modify.updater.message": Accessor { appId, arguments in
                let (services, _) = try await context(appId)
                let store = services.context.store
                guard let message = try await store.message(id: arguments.first?.stringValue ?? ""), let room = try await store.room(id: message.roomId)
                else { throw HostError(name: "Error", message: "The message does not exist") }
                return AppsEngineShapes.message(message, room: room, sender: nil)
            },
            "modify.updater.finish": Accessor { appId, arguments in
                let (services, bot) = try await context(appId)
                let edited = arguments.first ?? .null
                guard let id = edited["id"]?.stringValue, let current = try await services.context.store.message(id: id) else {
                    throw HostError(name: "Error", message: "The message does not exist")
                }
                let content = AppsEngineShapes.applyContent(of: edited, to: current)
                _ = try await services.messages.update(messageId: id, roomId: nil, edit: .content(content), by: .app(id: appId, user: bot))
                return nil
            },
            "modify.updater.room": Accessor { appId, arguments in
                let (services, _) = try await context(appId)
                guard let room = try await services.context.store.room(id: arguments.first?.stringValue ?? "") else {
                    throw HostError(name: "Error", message: "The room does not exist")
                }
                return AppsEngineShapes.room(room)
            },
            "modify.updater.room.finish": Accessor { appId, arguments in
                let (services, bot) = try await context(appId)
                let edited = arguments.first ?? .null
                guard let id = edited["id"]?.stringValue, let current = try await services.context.store.room(id: id) else {
                    throw HostError(name: "Error", message: "The room does not exist")
                }
                let changed = AppsEngineShapes.applyRoom(of: edited, to: current)
                let adding = changed.usernames.filter { !current.usernames.contains($0) }
                _ = try await services.rooms.update(changed, addingUsernames: adding, by: .app(id: appId, user: bot))
                return nil
            },
            "modify.creator.room": Accessor { appId, arguments in
                let (services, bot) = try await context(appId)
                let room = arguments.first ?? .null
                let creator = try await creator(of: room, or: bot)
                let members = room["usernames"]?.arrayValue?.compactMap(\.stringValue) ?? []
                // A direct room needs no name: it is the one between the creator and the members (Rocket.Chat's id).
                if room["type"]?.stringValue == RoomType.direct.rawValue {
                    let others = members.filter { $0 != creator.username }
                    return .string(try await services.rooms.createDirect(with: others.isEmpty ? [creator.username] : others, by: .app(id: appId, user: creator)).id)
                }
                guard let name = room["slugifiedName"]?.stringValue ?? room["displayName"]?.stringValue else {
                    throw HostError(name: "Error", message: "The room needs a slugifiedName")
                }
                let type: RoomType = room["type"]?.stringValue == RoomType.privateGroup.rawValue ? .privateGroup : .channel
                let created = try await services.rooms.create(
                    type: type, name: name, members: members, readOnly: room["isReadOnly"] == .bool(true),
                    customFields: room["customFields"]?.objectValue, by: creator)
                return .string(created.id)
            },
            // IModifyCreator.startDiscussion → finish: the app's bot (or the creator it names) starts the discussion.
            "modify.creator.discussion": Accessor { appId, arguments in
                let (services, bot) = try await context(appId)
                let room = arguments.first ?? .null
                let creator = try await creator(of: room, or: bot)
                guard let parent = room["parentRoom"]?["id"]?.stringValue else {
                    throw HostError(name: "Error", message: "The discussion needs a parent room (setParentRoom)")
                }
                let new = RoomService.NewDiscussion(
                    parentRoomId: parent, parentMessageId: room["parentMessage"]?["id"]?.stringValue,
                    title: room["displayName"]?.stringValue ?? "", members: room["usernames"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                let discussion = try await services.rooms.createDiscussion(new, by: .app(id: appId, user: creator))
                if let reply = room["reply"]?.stringValue, !reply.isEmpty {
                    _ = try await services.messages.send(MessageService.Draft(text: reply), roomId: discussion.id, by: .app(id: appId, user: creator))
                }
                return .string(discussion.id)
            },
            "modify.deleter.deleteRoom": Accessor { appId, arguments in
                let (services, bot) = try await context(appId)
                guard let room = try await services.context.store.room(id: arguments.first?.stringValue ?? "") else {
                    throw HostError(name: "Error", message: "The room does not exist")
                }
                try await services.rooms.delete(room, by: .app(id: appId, user: bot))
                return nil
            },
            "modify.deleter.removeUsersFromRoom": Accessor { appId, arguments in
                let (services, bot) = try await context(appId)
                let store = services.context.store
                guard var room = try await store.room(id: arguments.first?.stringValue ?? "") else {
                    throw HostError(name: "Error", message: "The room does not exist")
                }
                for username in arguments[safe: 1]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    guard let user = try await store.user(username: username) else { throw HostError(name: "Error", message: "Invalid user: \(username)") }
                    room = try await services.rooms.kick(userId: user.id, from: room, by: .app(id: appId, user: bot))
                }
                return nil
            },
            "modify.updater.reaction": Accessor { appId, arguments in
                let (services, _) = try await context(appId)
                guard let user = try await services.context.store.user(id: arguments[safe: 1]?.stringValue ?? "") else {
                    throw HostError(name: "Error", message: "The user does not exist")
                }
                try await services.messages.react(
                    messageId: arguments.first?.stringValue ?? "", emoji: arguments[safe: 2]?.stringValue ?? "",
                    shouldReact: arguments[safe: 3] == .bool(true), by: .app(id: appId, user: user))
                return nil
            },
            "modify.deleter.deleteMessage": Accessor { appId, arguments in
                let (services, bot) = try await context(appId)
                _ = try await services.messages.delete(messageId: arguments.first?["id"]?.stringValue ?? "", roomId: nil, by: .app(id: appId, user: bot))
                return nil
            },
        ]
    }

    /// `IModifyScheduler` (`scheduler`): jobs of the app's registered processors.
    static func schedulerAccessors(chat: ChatReach) -> [String: Accessor] {
        @Sendable func scheduler() -> AppScheduler { chat.scheduler }
        return [
            "scheduler.scheduleOnce": Accessor { appId, arguments in
                .string(try await scheduler().scheduleOnce(appId: appId, arguments.first ?? .null))
            },
            "scheduler.scheduleRecurring": Accessor { appId, arguments in
                .string(try await scheduler().scheduleRecurring(appId: appId, arguments.first ?? .null))
            },
            "scheduler.cancelJob": Accessor { appId, arguments in
                try await scheduler().cancel(appId: appId, arguments.first?.stringValue ?? "")
                return nil
            },
            "scheduler.cancelAllJobs": Accessor { appId, _ in
                try await scheduler().cancelAll(appId: appId)
                return nil
            },
        ]
    }

    /// `INotifier` (`message.write`): an ephemeral message for one user, or for every member of a room, pushed over the
    /// realtime API (`stream-notify-user` `<uid>/message`) and never stored. It comes from the app's bot.
    static func notifierAccessors(chat: ChatReach) -> [String: Accessor] {
        @Sendable func notify(_ appId: String, _ userIds: [String], _ content: JSONValue) async throws {
            let services = chat.services
            guard let roomId = content["room"]?["id"]?.stringValue else { throw HostError(name: "Error", message: "The message needs a room") }
            let sender = try await chat.bot(of: appId)?.ref ?? UserRef(id: appId, username: appId)
            let base = Message(id: RandomID.make(), roomId: roomId, text: content["text"]?.stringValue ?? "", sender: sender, createdAt: services.context.clock.now())
            let message = AppsEngineShapes.applyContent(of: content, to: base)
            for userId in userIds { services.context.events.publish(.userNotified(userId: userId, message: message)) }
        }
        return [
            "notifier.notifyUser": Accessor { appId, arguments in
                guard let userId = arguments.first?["id"]?.stringValue else { throw HostError(name: "Error", message: "notifyUser needs a user") }
                try await notify(appId, [userId], arguments[safe: 1] ?? .null)
                return nil
            },
            "notifier.notifyRoom": Accessor { appId, arguments in
                let services = chat.services
                guard let roomId = arguments.first?["id"]?.stringValue, let room = try await services.context.store.room(id: roomId)
                else { throw HostError(name: "Error", message: "notifyRoom needs an existing room") }
                var message = arguments[safe: 1] ?? .null
                if case .object(var object) = message, object["room"] == nil {
                    object["room"] = ["id": .string(roomId)]
                    message = .object(object)
                }
                try await notify(appId, room.userIds.isEmpty ? [] : room.userIds, message)
                return nil
            },
            "notifier.typing": Accessor { appId, arguments in
                let options = arguments.first ?? .null
                let services = chat.services
                guard let roomId = options["id"]?.stringValue, try await services.context.store.room(id: roomId) != nil
                else { throw HostError(name: "Error", message: "typing needs an existing room id") }
                var username = options["username"]?.stringValue
                if username == nil { username = try await chat.bot(of: appId)?.username }
                let typing = arguments[safe: 1] == .bool(true)
                services.context.events.publish(.userActivity(roomId: roomId, username: username ?? appId, activities: typing ? ["user-typing"] : []))
                return nil
            },
        ]
    }

    /// `IUIController` (`ui.interact`): a view to open or update, or view errors, pushed to one user's client as
    /// Rocket.Chat's `uiInteraction` payload (`{type, triggerId, appId, view}` / `{type: "errors", viewId, errors}`).
    static func uiAccessors(chat: ChatReach) -> [String: Accessor] {
        [
            "ui.notify": Accessor { appId, arguments in
                let services = chat.services
                guard let userId = arguments.first?["id"]?.stringValue, try await services.context.store.user(id: userId) != nil
                else { throw HostError(name: "Error", message: "The view needs an existing user") }
                guard var interaction = arguments[safe: 1]?.objectValue, interaction["type"]?.stringValue != nil else {
                    throw HostError(name: "TypeError", message: "Invalid interaction")
                }
                interaction["appId"] = .string(appId)
                if var view = interaction["view"]?.objectValue {
                    view["appId"] = .string(appId)
                    if view["id"]?.stringValue == nil { view["id"] = .string(UUID().uuidString) }
                    interaction["view"] = .object(view)
                }
                services.context.events.publish(.uiInteraction(userId: userId, response: .object(interaction)))
                return nil
            }
        ]
    }

    /// `IModify`: `getCreator().finish(messageBuilder)` posts as the message's sender, or as the app's bot user (which
    /// may post in any room, like Rocket.Chat's app users). Messages written from an event handler carry the
    /// handler's depth (see ``AppHookDispatcher``).
    static func modifyAccessors(chat: ChatReach) -> [String: Accessor] {
        [
            "modify.creator.finish": Accessor { appId, arguments in
                let services = chat.services
                let message = arguments.first ?? .null
                guard let roomId = message["room"]?["id"]?.stringValue else {
                    throw HostError(name: "Error", message: "The message needs a room")
                }
                let store = services.context.store
                let sender: User?
                if let senderId = message["sender"]?["id"]?.stringValue {
                    sender = try await store.user(id: senderId)
                } else {
                    sender = try await chat.bot(of: appId)
                }
                guard let sender else { throw HostError(name: "Error", message: "The message's sender does not exist") }
                let draft = AppsEngineShapes.draft(of: message)
                chat.hooks.recordAppMessage(draft.id ?? "", by: appId)
                return .string(try await services.messages.send(draft, roomId: roomId, by: .app(id: appId, user: sender)).id)
            }
        ]
    }

    /// `IPersistence` / `IPersistenceRead` (`persistence`): JSON objects scoped to the app, found by id or by all of a
    /// set of associations (`model:id` keys).
    static func persistenceAccessors(chat: ChatReach, quotas: AppQuotas) -> [String: Accessor] {
        let store = chat.apps
        /// The data as stored: an object whose keys the stores can keep as they are (DESIGN §4).
        @Sendable func object(_ value: JSONValue?) throws -> JSONValue {
            guard let value, value.objectValue != nil else { throw HostError(name: "TypeError", message: "Persisted data must be an object") }
            do {
                try Validation.storable(value, field: "Persisted data")
            } catch let error as ChatError {
                throw HostError(name: "TypeError", message: error.message)
            }
            return value
        }
        @Sendable func size(_ value: JSONValue?) -> Int {
            value.flatMap { try? JSONEncoder().encode($0).count } ?? 0
        }
        @Sendable func keys(_ value: JSONValue?) -> [String] {
            (value?.arrayValue ?? []).compactMap(\.stringValue)
        }
        return [
            "persistence.create": Accessor { appId, arguments in
                let record = AppPersistenceRecord(id: RandomID.make(), appId: appId, data: try object(arguments.first), associations: keys(arguments[safe: 1]))
                try await quotas.checkPersistence(appId: appId, addedRecords: 1, addedBytes: size(record.data), store: store)
                try await store.insertPersistence(record)
                return .string(record.id)
            },
            "persistence.update": Accessor { appId, arguments in
                let id = arguments.first?.stringValue ?? ""
                let data = try object(arguments[safe: 1])
                let existing = try await store.persistence(appId: appId, id: id)
                try await quotas.checkPersistence(
                    appId: appId, addedRecords: existing == nil ? 1 : 0, addedBytes: size(data) - size(existing?.data), store: store)
                if existing != nil, try await store.updatePersistence(appId: appId, id: id, data: data) { return .string(id) }
                guard arguments[safe: 2] == .bool(true), !id.isEmpty else {
                    throw HostError(name: "Error", message: "No persisted record with id \(id)")
                }
                try await store.insertPersistence(AppPersistenceRecord(id: id, appId: appId, data: data, associations: []))
                return .string(id)
            },
            "persistence.updateByAssociations": Accessor { appId, arguments in
                let associations = keys(arguments.first)
                let data = try object(arguments[safe: 1])
                let found = try await store.persistence(appId: appId, associations: associations)
                if found.isEmpty {
                    guard arguments[safe: 2] == .bool(true) else {
                        throw HostError(name: "Error", message: "No persisted record with these associations")
                    }
                    try await quotas.checkPersistence(appId: appId, addedRecords: 1, addedBytes: size(data), store: store)
                    let record = AppPersistenceRecord(id: RandomID.make(), appId: appId, data: data, associations: associations)
                    try await store.insertPersistence(record)
                    return .string(record.id)
                }
                let growth = found.reduce(0) { $0 + size(data) - size($1.data) }
                try await quotas.checkPersistence(appId: appId, addedRecords: 0, addedBytes: growth, store: store)
                for record in found { _ = try await store.updatePersistence(appId: appId, id: record.id, data: data) }
                return .string(found[0].id)
            },
            "persistence.remove": Accessor { appId, arguments in
                try await store.removePersistence(appId: appId, id: arguments.first?.stringValue ?? "")?.data
            },
            "persistence.removeByAssociations": Accessor { appId, arguments in
                let removed = try await store.removePersistence(appId: appId, associations: keys(arguments.first))
                return removed.isEmpty ? nil : .array(removed.map(\.data))
            },
            "persistence.read": Accessor { appId, arguments in
                try await store.persistence(appId: appId, id: arguments.first?.stringValue ?? "")?.data
            },
            "persistence.readByAssociations": Accessor { appId, arguments in
                .array(try await store.persistence(appId: appId, associations: keys(arguments.first)).map(\.data))
            },
        ]
    }

    /// `IEnvironmentRead`: app settings (no permission), server settings (`server-setting.read`, never secret ones),
    /// environment variables (`env.read`, Rocket.Chat's readable set).
    static func environmentAccessors(
        grants: AppGrants, serverSettings: @escaping @Sendable () -> [ServerSettingEntry], environment: [String: String]
    ) -> [String: Accessor] {
        @Sendable func readableSetting(_ id: String) -> ServerSettingEntry? {
            serverSettings().first { $0.id == id && !$0.secret }
        }
        @Sendable func shaped(_ entry: ServerSettingEntry) -> JSONValue {
            ["_id": .string(entry.id), "id": .string(entry.id), "type": .string(entry.type), "value": entry.value,
             "packageValue": entry.packageValue, "public": true, "secret": false]
        }
        @Sendable func readableVariable(_ name: String, appId: String) -> Bool {
            let prefix = "RC_APPS_" + appId.uppercased().replacingOccurrences(of: "-", with: "_")
            return ["NODE_ENV", "ROOT_URL", "INSTANCE_IP"].contains(name) || name.hasPrefix(prefix)
        }
        return [
            "settings.getById": Accessor { appId, arguments in
                guard let id = arguments.first?.stringValue, let setting = grants.setting(id, appId: appId) else { return nil }
                return setting
            },
            "settings.getValueById": Accessor { appId, arguments in
                guard let id = arguments.first?.stringValue, let setting = grants.setting(id, appId: appId) else {
                    throw HostError(name: "Error", message: "Setting \"\(arguments.first?.stringValue ?? "")\" does not exist.")
                }
                return AppSettings.effectiveValue(setting)
            },
            "serverSettings.getOneById": Accessor { _, arguments in
                readableSetting(arguments.first?.stringValue ?? "").map(shaped)
            },
            "serverSettings.getAll": Accessor { _, _ in
                .array(serverSettings().filter { !$0.secret }.map(shaped))
            },
            "serverSettings.getValueById": Accessor { _, arguments in
                let id = arguments.first?.stringValue ?? ""
                guard let entry = readableSetting(id) else {
                    throw HostError(name: "Error", message: "The setting \"\(id)\" is not readable.")
                }
                return entry.value == .null ? entry.packageValue : entry.value
            },
            "serverSettings.isReadableById": Accessor { _, arguments in
                .bool(readableSetting(arguments.first?.stringValue ?? "") != nil)
            },
            "environment.getValueByName": Accessor { appId, arguments in
                let name = arguments.first?.stringValue ?? ""
                guard readableVariable(name, appId: appId) else {
                    throw HostError(name: "Error", message: "The environmental variable \"\(name)\" is not readable.")
                }
                return environment[name].map(JSONValue.string)
            },
            "environment.isReadable": Accessor { appId, arguments in
                .bool(readableVariable(arguments.first?.stringValue ?? "", appId: appId))
            },
            "environment.isSet": Accessor { appId, arguments in
                let name = arguments.first?.stringValue ?? ""
                guard readableVariable(name, appId: appId) else {
                    throw HostError(name: "Error", message: "The environmental variable \"\(name)\" is not readable.")
                }
                return .bool(environment[name] != nil)
            },
        ]
    }
}

extension Array {
    /// The element at `index`, or nil past the end (accessor arguments are optional from the right).
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
