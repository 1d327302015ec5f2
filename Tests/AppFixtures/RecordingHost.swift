public import AirlockJSON
public import AppsPackage
public import AppsRuntime
import Foundation
public import Synchronization

/// A host that records logs and answers `settings.getValueById`, optionally denying it or failing the way a store
/// fails (an error that is not meant for the app).
public final class RecordingHost: AppHost {
    public let logs = Mutex<[String]>([])
    let deny: Bool
    let failInternally: Bool
    /// How long each accessor answer takes (to make calls interleave).
    let delay: Duration

    public struct InternalFailure: Error, CustomStringConvertible {
        public var description: String { "SQLITE_BUSY at /var/lib/airlock/secret-path.sqlite" }
    }

    public init(deny: Bool = false, failInternally: Bool = false, delay: Duration = .zero) {
        self.deny = deny
        self.failInternally = failInternally
        self.delay = delay
    }

    public func log(appId: String, level: String, method: String, message: String) {
        logs.withLock { $0.append("\(level) \(method): \(message)") }
    }

    public func accessor(appId: String, name: String, arguments: [JSONValue]) async throws -> JSONValue? {
        if delay > .zero { try await Task.sleep(for: delay) }
        if deny { throw PermissionDenied(appId: appId, permission: "server-setting.read", call: name).error }
        if failInternally { throw InternalFailure() }
        guard name == "settings.getValueById", arguments == ["greeting"] else { return nil }
        return "Hello from the host"
    }
}

/// Reads a fixture directory into a package (what the reader produces from a zip).
public func fixture(_ name: String, patch: [String: String] = [:]) throws -> AppPackage {
    let all = try AppFixtures.files(name, patch: patch)
    let manifest = try ManifestValidator.validate(json: all["app.json"] ?? Data())
    let scripts = all.filter { $0.key.hasSuffix(".js") }.mapValues { String(decoding: $0, as: UTF8.self) }
    return AppPackage(manifest: manifest, files: scripts)
}

