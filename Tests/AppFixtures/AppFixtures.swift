import Foundation

/// Fixture apps for the tests: the directories under `Tests/Fixtures/Apps`, zipped the way a packager would.
public enum AppFixtures {
    /// `Tests/Fixtures/Apps`.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Apps")

    /// The files of fixture `name` by relative path, with `patch` applied (a nil value removes a file).
    public static func files(_ name: String, patch: [String: String?] = [:]) throws -> [String: Data] {
        let directory = root.appendingPathComponent(name)
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            files[String(url.path.dropFirst(directory.path.count + 1))] = try Data(contentsOf: url)
        }
        for (path, source) in patch { files[path] = source.map { Data($0.utf8) } }
        return files
    }

    /// Fixture `name` as a zip.
    public static func zip(_ name: String, patch: [String: String?] = [:]) throws -> Data {
        try zip(files: files(name, patch: patch))
    }

    /// Zips `files` (sorted by path, deflated).
    public static func zip(files: [String: Data]) throws -> Data {
        try Zip.make(items(files))
    }

    /// `files` as zip items, sorted by path.
    public static func items(_ files: [String: Data]) -> [Zip.Item] {
        files.sorted { $0.key < $1.key }.map { .file($0.key, $0.value) }
    }
}
