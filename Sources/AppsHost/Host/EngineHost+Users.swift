import AirlockCrypto
import AppsRuntime
import ChatCore
import Foundation
import JavaScriptRuntime

extension EngineHost {
    /// `IUserUpdater` (status, status message, bio, custom fields, deactivation), `IModifyCreator.startBotUser` and
    /// `IModifyDeleter.deleteUsers`, all under `user.write`, acting as the app. An app's users carry its id
    /// (`appId`), and an app deletes only its own.
    static func userAccessors(chat: ChatReach) -> [String: Accessor] {
        let services = chat.services
        let store = services.context.store
        @Sendable func bot(_ appId: String) async throws -> User {
            guard let bot = try await chat.bot(of: appId) else { throw HostError(name: "Error", message: "The app has no bot user") }
            return bot
        }
        return [
            "modify.updater.user": Accessor { appId, arguments in
                let changes = arguments[safe: 1]
                let change = UserService.Changes(
                    status: changes?["status"]?.stringValue, statusText: changes?["statusText"]?.stringValue, bio: changes?["bio"]?.stringValue,
                    customFields: changes?["customFields"]?.objectValue)
                _ = try await services.users.update(userId: arguments.first?.stringValue ?? "", changes: change, by: .app(id: appId, user: try await bot(appId)))
                return true
            },
            "modify.updater.user.deactivate": Accessor { appId, arguments in
                _ = try await services.users.update(
                    userId: arguments.first?.stringValue ?? "", changes: UserService.Changes(active: false), by: .app(id: appId, user: try await bot(appId)))
                return true
            },
            "modify.creator.botUser": Accessor { appId, arguments in
                let data = arguments.first ?? .null
                guard let username = data["username"]?.stringValue, Validation.isValidName(username) else {
                    throw HostError(name: "Error", message: "A bot user needs a valid username (setUsername)")
                }
                let emails = (data["emails"]?.arrayValue ?? []).compactMap { $0["address"]?.stringValue }.map { Email(address: $0.lowercased(), verified: true) }
                var user = User(
                    id: RandomID.make(), username: username, name: data["name"]?.stringValue ?? username, emails: emails, roles: ["bot"],
                    type: .bot, createdAt: services.context.clock.now())
                user.appId = appId
                try await services.users.insert(user)
                return .string(user.id)
            },
            "modify.deleter.deleteUsers": Accessor { appId, arguments in
                let type = arguments[safe: 1]?.stringValue
                var offset = 0
                var doomed: [String] = []
                while true {
                    let page = try await store.users(page: PageRequest(offset: offset, count: 500))
                    doomed += page.items.filter { $0.appId == appId && (type == nil || $0.type.rawValue == type) }.map(\.id)
                    offset += page.items.count
                    if page.items.isEmpty || offset >= page.total { break }
                }
                let actor = ChatActor.app(id: appId, user: try await bot(appId))
                for id in doomed { try await services.users.delete(userId: id, by: actor) }
                return true
            },
        ]
    }
}
