import AppsRuntime
import ChatCore
import Foundation
import JavaScriptRuntime

extension EngineHost {
    /// What an app changes about itself while it runs: its own settings (`IEnvironmentWrite.getSettings().updateValue`,
    /// no permission, through the same path as an admin's change, hooks included) and its own slash commands
    /// (`IConfigurationModify.slashCommands`: enable, disable, replace; `slashcommand`).
    static func configurationAccessors(foundation: AppsFoundation) -> [String: Accessor] {
        let registry = foundation.registry
        @Sendable func command(_ arguments: [JSONValue], _ appId: String, _ change: EnabledApps.CommandChange) throws -> JSONValue? {
            let name = (arguments.first?.stringValue ?? arguments.first?["command"]?.stringValue ?? "")
                .trimmingCharacters(in: .whitespaces).lowercased()
            guard registry.change(command: name, of: appId, change) else {
                throw HostError(name: "Error", message: "The app provides no command \"\(name)\"")
            }
            return nil
        }
        /// A setting the app does not have is left alone, as Rocket.Chat's SettingUpdater does.
        @Sendable func setting(_ appId: String, _ arguments: [JSONValue], _ change: AppSettingUpdater.Change) async throws -> JSONValue? {
            let id = arguments.first?.stringValue ?? ""
            guard foundation.grants.setting(id, appId: appId) != nil else { return nil }
            do {
                _ = try await foundation.settingUpdater.update(appId: appId, settingId: id, change: change, instance: registry.target(appId: appId)?.instance)
                return nil
            } catch let error as AppEngineError {
                throw HostError(name: "Error", message: error.message)
            }
        }
        return [
            "settings.updateValue": Accessor { appId, arguments in
                try await setting(appId, arguments, .value(arguments[safe: 1] ?? .null))
            },
            "settings.updateSelectOptions": Accessor { appId, arguments in
                try await setting(appId, arguments, .options(arguments[safe: 1] ?? .null))
            },
            "commands.disable": Accessor { appId, arguments in try command(arguments, appId, .disable) },
            "commands.enable": Accessor { appId, arguments in try command(arguments, appId, .enable) },
            "commands.modify": Accessor { appId, arguments in try command(arguments, appId, .replace(arguments.first ?? .null)) },
        ]
    }
}
