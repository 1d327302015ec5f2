import AppsRuntime
public import ChatCore
import Foundation
import JavaScriptRuntime

/// UIKit interactions (`POST /api/apps/ui.interaction/:appId`): block actions, view submits and closes, action
/// buttons, handed to the app's `IUIKitInteractionHandler`. The app's answer goes back to the caller and, when it
/// opens or updates a view or reports view errors, to the user's realtime stream (`<uid>/uiInteraction`).
public struct AppInteractions: Sendable {
    static let handlers = [
        "blockAction": "executeBlockActionHandler", "viewSubmit": "executeViewSubmitHandler",
        "viewClosed": "executeViewClosedHandler", "actionButton": "executeActionButtonHandler",
    ]

    /// Fields only the server may set: who acted, where, on what, for which app.
    static let serverOwned: Set<String> = ["user", "room", "message", "appId", "triggerId", "actionId", "container"]

    let apps: EnabledApps
    let calls: AppCalls
    let services: ChatServices

    public init(foundation: AppsFoundation, services: ChatServices) {
        self.apps = foundation.registry
        self.calls = foundation.calls
        self.services = services
    }

    /// Buttons of enabled apps (`GET /api/apps/actionButtons`).
    public func buttons() -> [JSONValue] {
        apps.snapshot().flatMap { target in
            target.buttons.map { button in
                var object = button.objectValue ?? [:]
                object["appId"] = .string(target.appId)
                return JSONValue.object(object)
            }
        }
    }

    /// Runs the interaction `payload` (Rocket.Chat's body) for `user`; answers the app's `IUIKitResponse`.
    public func handle(appId: String, payload: JSONValue, user: User) async throws -> JSONValue {
        guard let target = apps.target(appId: appId) else { throw ChatError(.notFound, code: "error-not-found", message: "No enabled app \(appId)") }
        guard let type = payload["type"]?.stringValue, let method = Self.handlers[type] else {
            throw ChatError.invalidParams("Unknown interaction type \"\(payload["type"]?.stringValue ?? "")\"")
        }
        guard target.methods.contains(method) else {
            throw ChatError.invalidParams("The app does not handle \(type) interactions")
        }
        let store = services.context.store
        // What the client chooses (Rocket.Chat takes these from the client): the action, the block, the value, the
        // view and its state, the context. Identity fields a client sends are dropped: the server's win, below.
        var data: [String: JSONValue] = ["triggerId": payload["triggerId"] ?? .string(UUID().uuidString)]
        for key in ["actionId", "container", "viewId"] { if let value = payload[key] { data[key] = value } }
        for (key, value) in payload["payload"]?.objectValue ?? [:] where !Self.serverOwned.contains(key) { data[key] = value }
        data["appId"] = .string(appId)
        data["user"] = AppsEngineShapes.user(user)
        if type == "actionButton" {
            // Apps-Engine's IUIKitActionButtonIncomingInteraction: where the button was pressed and the composer text.
            data["buttonContext"] = payload["payload"]?["context"]
            data["text"] = payload["payload"]?["message"]
            data["tmid"] = payload["tmid"]
            data.removeValue(forKey: "context")
        }
        if let roomId = payload["rid"]?.stringValue ?? payload["container"]?["id"]?.stringValue,
            let (room, subscription) = try await store.room(id: roomId, member: user.id)
        {
            guard subscription != nil else { throw ChatError.roomNotFound() }
            data["room"] = AppsEngineShapes.room(room)
            if let messageId = payload["mid"]?.stringValue, let message = try await store.message(id: messageId), message.roomId == room.id {
                data["message"] = AppsEngineShapes.message(message, room: room, sender: nil)
            }
        }
        let response: JSONValue
        do {
            response = try await calls.run(appId, method, logSuccess: false) { try await target.instance.uikit(method, data: .object(data)) }
        } catch {
            throw AppCalls.callerError(error, code: "error-app-interaction-failed", action: method)
        }
        if response["type"]?.stringValue != nil {
            services.context.events.publish(.uiInteraction(userId: user.id, response: response))
        }
        return response
    }
}
