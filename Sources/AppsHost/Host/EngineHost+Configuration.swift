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
        return [
            "settings.updateValue": Accessor { appId, arguments in
                do {
                    _ = try await foundation.settingUpdater.update(
                        appId: appId, settingId: arguments.first?.stringValue ?? "", value: arguments[safe: 1] ?? .null,
                        instance: registry.target(appId: appId)?.instance)
                    return nil
                } catch let error as AppEngineError {
                    throw HostError(name: "Error", message: error.message)
                }
            },
            "commands.disable": Accessor { appId, arguments in try command(arguments, appId, .disable) },
            "commands.enable": Accessor { appId, arguments in try command(arguments, appId, .enable) },
            "commands.modify": Accessor { appId, arguments in try command(arguments, appId, .replace(arguments.first ?? .null)) },
        ]
    }
}
