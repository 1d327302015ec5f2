import Foundation

/// `app.json` (`IAppInfo`), as validated by ``ManifestValidator``.
public struct AppManifest: Sendable, Hashable, Codable {
    public struct Author: Sendable, Hashable, Codable {
        public var name: String
        public var support: String
        public var homepage: String?
    }

    /// `{name, required?}`; the `domains`/`scopes`/`hiddenSettings` variants are kept in `extra`.
    public struct PermissionRequest: Sendable, Hashable, Codable {
        public var name: String
        public var required: Bool?
    }

    public var id: String
    public var name: String
    public var nameSlug: String
    public var version: String
    public var description: String
    public var requiredApiVersion: String
    public var author: Author
    public var classFile: String
    public var iconFile: String
    public var implements: [String]?
    public var essentials: [String]?
    public var permissions: [PermissionRequest]?

    /// The JavaScript file the main class is in: `classFile` with `.ts` mapped to `.js`, as rc-apps bundles it.
    public var mainFile: String {
        classFile.hasSuffix(".ts") ? String(classFile.dropLast(3)) + ".js" : classFile
    }

    /// The app's bot user.
    public var botUsername: String { "\(nameSlug).bot" }
}
