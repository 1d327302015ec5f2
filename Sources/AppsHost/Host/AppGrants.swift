import ChatCore
import Synchronization

/// What the host side of the bridge needs to know about each loaded app: the permissions it was granted and its
/// settings. The manager writes it; ``EngineHost`` reads it on every accessor call (no store round trip).
public final class AppGrants: Sendable {
    struct Entry {
        var permissions: Set<String>
        var settings: [String: JSONValue]
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    func set(appId: String, permissions: Set<String>, settings: [String: JSONValue]) {
        entries.withLock { $0[appId] = Entry(permissions: permissions, settings: settings) }
    }

    func setSettings(_ settings: [String: JSONValue], appId: String) {
        entries.withLock { $0[appId]?.settings = settings }
    }

    func remove(appId: String) {
        entries.withLock { $0[appId] = nil }
    }

    public func has(_ permission: String, appId: String) -> Bool {
        entries.withLock { $0[appId]?.permissions.contains(permission) ?? false }
    }

    func setting(_ id: String, appId: String) -> JSONValue? {
        entries.withLock { $0[appId]?.settings[id] }
    }
}
