import AppsPackage
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
    }

    private let targets = Mutex<[Target]>([])

    public init() {}

    func add(_ instance: AppInstance) {
        let target = Target(
            appId: instance.manifest.id, instance: instance, implemented: Set(instance.implemented),
            methods: Set(instance.constructed.methods), botUsername: instance.manifest.botUsername)
        targets.withLock { targets in
            targets.removeAll { $0.appId == target.appId }
            targets.append(target)
        }
    }

    func remove(appId: String) {
        targets.withLock { $0.removeAll { $0.appId == appId } }
    }

    func snapshot() -> [Target] {
        targets.withLock { $0 }
    }

    /// Whether any enabled app implements `interface` (events nobody listens to cost nothing).
    func anyImplements(_ interface: String) -> Bool {
        targets.withLock { $0.contains { $0.implemented.contains(interface) } }
    }
}
