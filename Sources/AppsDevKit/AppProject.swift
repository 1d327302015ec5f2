public import AppsPackage
public import Foundation

/// An app's source folder: `app.json` at its root, the class file it names, the icon, `i18n/`. Read and
/// validated with the server's own manifest rules, so `package` refuses what an install would refuse.
public struct AppProject: Sendable {
    public let directory: URL
    /// `app.json` as the author wrote it (keys the validator does not model are kept in the package).
    public let manifestObject: [String: JSONAny]
    public let manifest: AppManifest

    /// Folders never packaged or watched.
    public static let ignoredFolders: Set<String> = ["node_modules", "dist", ".git", "test", "tests", "scenarios", ".vscode"]

    public init(directory: URL) throws {
        self.directory = directory.standardizedFileURL
        let url = directory.appendingPathComponent("app.json")
        guard let data = try? Data(contentsOf: url) else {
            throw DevToolError("No app.json in \(directory.path)", fix: "run the command in the app's folder, or create one with `airlock dev new NAME`")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DevToolError("app.json is not a JSON object", fix: "check its syntax (a trailing comma?)")
        }
        do {
            manifest = try ManifestValidator.validate(json: data)
        } catch let error as AppPackageError {
            throw DevToolError("app.json: \(error.message)", fix: "fix app.json; the server applies the same rules at install")
        }
        manifestObject = object.mapValues(JSONAny.init)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(manifest.classFile).path) else {
            throw DevToolError("The class file \"\(manifest.classFile)\" named by app.json is missing", fix: "create it or fix \"classFile\"")
        }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(manifest.iconFile).path) else {
            throw DevToolError("The icon \"\(manifest.iconFile)\" named by app.json is missing", fix: "add the image or fix \"iconFile\"")
        }
    }

    public var isTypeScript: Bool { manifest.classFile.hasSuffix(".ts") }

    /// `dist/<nameSlug>_<version>.zip`, where rc-apps writes it.
    public var packageURL: URL {
        directory.appendingPathComponent("dist").appendingPathComponent("\(manifest.nameSlug)_\(manifest.version).zip")
    }

    /// Source files below the project (relative paths, sorted), skipping ignored and hidden folders.
    public func sourceFiles(extensions: Set<String>) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isDirectoryKey]) else { return [] }
        var found: [String] = []
        for case let url as URL in enumerator {
            let name = url.lastPathComponent
            if (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
                if Self.ignoredFolders.contains(name) || name.hasPrefix(".") { enumerator.skipDescendants() }
                continue
            }
            guard extensions.contains(url.pathExtension), !name.hasPrefix("."), !name.hasSuffix(".d.ts") else { continue }
            found.append(relativePath(url))
        }
        return found.sorted()
    }

    func relativePath(_ url: URL) -> String {
        String(url.standardizedFileURL.path.dropFirst(directory.path.count + 1))
    }
}

/// A JSON value read with `JSONSerialization`, kept `Sendable` (app.json is re-encoded with the computed fields).
public struct JSONAny: @unchecked Sendable {
    public let value: Any

    public init(_ value: Any) {
        self.value = value
    }
}
