import AppsHost
import AppsStorage
import ChatCore
import ChatServer
import Synchronization

/// Tells this node's realtime clients what changed in the apps (Rocket.Chat's `stream-apps`), so they refresh their
/// slash commands and action buttons without reloading: on the node that made the change when it announces it, and
/// on every other node once that node's copy of the app is in line (a client that refetches then sees the new state).
/// Slash commands are compared with those last told, so an install, update, status change or uninstall tells which
/// commands came and went.
final class AppsStreamNotifier: Sendable {
    let hub: RealtimeHub
    let commands: AppCommands
    let apps: AppManager
    /// App id → the commands clients were last told of.
    private let told = Mutex<[String: Set<String>]>([:])

    init(hub: RealtimeHub, commands: AppCommands, apps: AppManager) {
        self.hub = hub
        self.commands = commands
        self.apps = apps
    }

    /// What the apps offer now is what clients know (at start-up, before anyone listens).
    func seed() {
        let current = Dictionary(grouping: commands.list(), by: \.appId).mapValues { Set($0.map(\.command)) }
        told.withLock { $0 = current }
    }

    /// `change` as ``ChatEvent/appChanged(appId:change:)`` names it. A settings change is not told: the event does
    /// not say which setting (Rocket.Chat's `app/settingUpdated` carries it).
    func changed(appId: String, change: String) async {
        let now = Set(commands.list().filter { $0.appId == appId }.map(\.command))
        let before = told.withLock { told in
            defer { told[appId] = now.isEmpty ? nil : now }
            return told[appId] ?? []
        }
        switch change {
        case "installed": hub.publishAppsEvent("app/added", .string(appId))
        case "updated": hub.publishAppsEvent("app/updated", .string(appId))
        case "uninstalled": hub.publishAppsEvent("app/removed", .string(appId))
        case "status":
            if let record = try? await apps.app(id: appId) {
                hub.publishAppsEvent("app/statusUpdate", ["appId": .string(appId), "status": .string(record.status)])
            }
        default: return
        }
        for name in now.subtracting(before).sorted() { hub.publishAppsEvent("command/added", .string(name)) }
        for name in before.subtracting(now).sorted() { hub.publishAppsEvent("command/removed", .string(name)) }
        hub.publishAppsEvent("actions/changed")
    }
}
