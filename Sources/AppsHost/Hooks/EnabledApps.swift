import AppsRuntime
import AppsPackage
import ChatCore
import Synchronization

/// The enabled apps in enable order, as the hook dispatcher needs them: read on every event without touching the
/// manager's actor, written by the manager when an app is enabled or stops.
public final class EnabledApps: Sendable {
    /// One enabled app.
    struct Target: Sendable {
        let appId: String
        let instance: AppInstance
        /// Event interfaces (`IPostMessageSent`, ...).
        let implemented: Set<String>
        /// Methods the main class defines (for the optional `check*` handlers).
        let methods: Set<String>
        let botUsername: String
        /// Slash commands the app provides (lower-cased name → what `provideSlashCommand` described); the app may
        /// change or disable them while it runs (`IConfigurationModify.slashCommands`).
        var commands: [String: JSONValue]
        /// Commands the app disabled: neither listed nor run.
        var disabledCommands: Set<String> = []
        /// HTTP endpoints (`IApi` registrations) and the secret of the app's private endpoint URLs.
        let apis: [JSONValue]
        let privateHash: String
        /// `essentials` of the manifest: events refused when this app fails on them.
        let essentials: Set<String>
        /// Ids of the scheduler processors the app registered.
        let processors: Set<String>
        /// UIKit action buttons (`ui.registerButton`).
        let buttons: [JSONValue]
    }

    private let targets = Mutex<[Target]>([])
    /// Installed apps that are not enabled, by the essential interfaces they list (their events are refused).
    private let lockedEssentials = Mutex<[String: (name: String, interfaces: Set<String>)]>([:])
    private let removalObservers = Mutex<[@Sendable (String) -> Void]>([])

    public init() {}

    func add(
        _ instance: AppInstance, commands: [String: JSONValue] = [:], apis: [JSONValue] = [], privateHash: String = "",
        processors: [JSONValue] = [], buttons: [JSONValue] = []
    ) {
        let target = Target(
            appId: instance.manifest.id, instance: instance, implemented: Set(instance.implemented),
            methods: Set(instance.constructed.methods), botUsername: instance.manifest.botUsername, commands: commands,
            apis: apis, privateHash: privateHash, essentials: Set(instance.manifest.essentials ?? []),
            processors: Set(processors.compactMap { $0["id"]?.stringValue }), buttons: buttons)
        targets.withLock { targets in
            targets.removeAll { $0.appId == target.appId }
            targets.append(target)
        }
    }

    func remove(appId: String) {
        targets.withLock { $0.removeAll { $0.appId == appId } }
        for observer in removalObservers.withLock({ $0 }) { observer(appId) }
    }

    /// Called with the app's id whenever an app stops being enabled (the dispatcher ends its event queue).
    func onRemove(_ observer: @escaping @Sendable (String) -> Void) {
        removalObservers.withLock { $0.append(observer) }
    }

    func snapshot() -> [Target] {
        targets.withLock { $0 }
    }

    /// Records whether an installed app with `essentials` is enabled (its essential events flow) or not (they are
    /// refused for everyone).
    func setEssentials(_ interfaces: [String], appId: String, name: String, enabled: Bool) {
        lockedEssentials.withLock { locked in
            locked[appId] = enabled || interfaces.isEmpty ? nil : (name, Set(interfaces))
        }
    }

    /// The name of an installed, not enabled app that lists one of `interfaces` as essential.
    func lockingApp(_ interfaces: Set<String>) -> String? {
        lockedEssentials.withLock { locked in locked.values.first { !$0.interfaces.isDisjoint(with: interfaces) }?.name }
    }

    /// The enabled app with this id.
    func target(appId: String) -> Target? {
        targets.withLock { $0.first { $0.appId == appId } }
    }

    /// The enabled app providing slash command `name` (lower-cased), unless the app disabled it.
    func commandOwner(_ name: String) -> Target? {
        targets.withLock { $0.first { $0.commands[name] != nil && !$0.disabledCommands.contains(name) } }
    }

    /// What `ISlashCommandsModify` does to a command of the app's own (`false` when the app provides no such
    /// command): disable or enable it, or replace its description (its name stays).
    enum CommandChange: Sendable {
        case disable, enable
        case replace(JSONValue)
    }

    func change(command name: String, of appId: String, _ change: CommandChange) -> Bool {
        targets.withLock { targets in
            guard let index = targets.firstIndex(where: { $0.appId == appId }), targets[index].commands[name] != nil else { return false }
            switch change {
            case .disable: targets[index].disabledCommands.insert(name)
            case .enable: targets[index].disabledCommands.remove(name)
            case .replace(let described): targets[index].commands[name] = described
            }
            return true
        }
    }
}
