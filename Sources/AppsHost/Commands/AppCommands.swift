import AppsRuntime
public import ChatCore
import Foundation
import JavaScriptRuntime

/// Slash commands provided by enabled apps (`commands.list`, `commands.run`): a disabled app's commands disappear with
/// it; running one needs membership of the room and the command's own `permission`, if it names one.
public struct AppCommands: Sendable {
    /// A command as `commands.list` shows it.
    public struct Info: Sendable, Encodable {
        public let command: String
        public let params: String
        public let description: String
        public let permission: String?
        public let providesPreview: Bool
        public let clientOnly = false
        public let appId: String
    }

    let apps: EnabledApps
    let calls: AppCalls
    let services: ChatServices

    public init(foundation: AppsFoundation, services: ChatServices) {
        self.apps = foundation.registry
        self.calls = foundation.calls
        self.services = services
    }

    public func list() -> [Info] {
        apps.snapshot().flatMap { target in
            target.commands.filter { !target.disabledCommands.contains($0.key) }.map { name, command in
                Info(
                    command: name, params: command["i18nParamsExample"]?.stringValue ?? "",
                    description: command["i18nDescription"]?.stringValue ?? "", permission: command["permission"]?.stringValue,
                    providesPreview: command["providesPreview"] == .bool(true), appId: target.appId)
            }
        }.sorted { $0.command < $1.command }
    }

    /// Runs the command's `executor` as `user` in `roomId` with the space-separated `params`.
    public func run(_ name: String, params: String, roomId: String, threadId: String?, triggerId: String?, by user: User) async throws {
        _ = try await call(name, "executor", params: params, roomId: roomId, threadId: threadId, triggerId: triggerId, item: nil, by: user)
    }

    /// The command's `previewer`: `{i18nTitle, items: [{id, type, value}]}`.
    public func preview(_ name: String, params: String, roomId: String, by user: User) async throws -> JSONValue {
        try await call(name, "previewer", params: params, roomId: roomId, threadId: nil, triggerId: nil, item: nil, by: user)
    }

    /// The command's `executePreviewItem` for the item the user picked.
    public func executePreviewItem(
        _ name: String, params: String, roomId: String, item: JSONValue, threadId: String?, triggerId: String?, by user: User
    ) async throws {
        _ = try await call(name, "executePreviewItem", params: params, roomId: roomId, threadId: threadId, triggerId: triggerId, item: item, by: user)
    }

    private func call(
        _ name: String, _ method: String, params: String, roomId: String, threadId: String?, triggerId: String?, item: JSONValue?,
        by user: User
    ) async throws -> JSONValue {
        let key = name.trimmingCharacters(in: CharacterSet(charactersIn: "/ ")).lowercased()
        guard let target = apps.commandOwner(key), let command = target.commands[key] else {
            throw ChatError.invalidParams("The command provided does not exist (or is disabled).")
        }
        if method != "executor" {
            guard command["providesPreview"] == .bool(true), (command["methods"]?.arrayValue ?? []).contains(.string(method)) else {
                throw ChatError.invalidParams("The command /\(key) provides no preview")
            }
        }
        guard let (room, subscription) = try await services.context.store.room(id: roomId, member: user.id), subscription != nil else {
            throw ChatError.roomNotFound()
        }
        if let permission = command["permission"]?.stringValue, !permission.isEmpty {
            try services.context.policy.require(user, Permission(rawValue: permission), roomRoles: subscription?.roles ?? [])
        }
        var context: [String: JSONValue] = [
            "sender": AppsEngineShapes.user(user), "room": AppsEngineShapes.room(room),
            "params": .array(params.split(whereSeparator: \.isWhitespace).map { .string(String($0)) }),
        ]
        if let threadId { context["threadId"] = .string(threadId) }
        if let triggerId { context["triggerId"] = .string(triggerId) }
        do {
            return try await calls.run(target.appId, "slashcommand:\(key):\(method)", logSuccess: false) {
                try await target.instance.command(key, method: method, context: .object(context), item: item)
            }
        } catch {
            throw AppCalls.callerError(error, code: "error-app-command-failed", action: "/\(key)")
        }
    }
}
