public import AppsPackage
public import Foundation
@preconcurrency import ZIPFoundation

/// `airlock dev package`: validates the project, computes `implements`, transpiles TypeScript (esbuild), writes
/// `dist/<nameSlug>_<version>.zip` and reads it back through the server's own package reader, so a package that
/// leaves here is one the server accepts.
public struct AppPackager: Sendable {
    /// What was written.
    public struct Result: Sendable {
        public let url: URL
        public let files: [String]
        public let bytes: Int
        public let implements: [String]
        public let package: AppPackage
    }

    let progress: @Sendable (String) -> Void
    let searchPath: String

    public init(progress: @escaping @Sendable (String) -> Void = { _ in }, searchPath: String? = nil) {
        self.progress = progress
        self.searchPath = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    }

    public func package(_ project: AppProject, to output: URL? = nil) throws -> Result {
        let manifest = project.manifest
        progress("manifest ok: \(manifest.name) \(manifest.version) (\(manifest.id))")
        var contents: [(String, Data)] = []
        var code: [String] = []
        if project.isTypeScript {
            let bundle = try transpile(project)
            contents.append((manifest.mainFile, Data(bundle.utf8)))
            code.append(bundle)
            for file in project.sourceFiles(extensions: ["ts"]) {
                code.append((try? String(contentsOf: project.directory.appendingPathComponent(file), encoding: .utf8)) ?? "")
            }
        } else {
            for file in project.sourceFiles(extensions: ["js"]) {
                let data = try read(project, file)
                contents.append((file, data))
                code.append(String(decoding: data, as: UTF8.self))
            }
            progress("JavaScript: \(contents.count) file\(contents.count == 1 ? "" : "s")")
        }
        for file in project.sourceFiles(extensions: ["json"]) where file.hasPrefix("i18n/") {
            contents.append((file, try read(project, file)))
        }
        contents.append((manifest.iconFile, try read(project, manifest.iconFile)))

        let implements = InterfaceScanner.implements(sources: code)
        progress("implements: \(implements.isEmpty ? "(no event handlers)" : implements.joined(separator: ", "))")
        var object = project.manifestObject.mapValues(\.value)
        object["implements"] = implements
        let manifestData = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        contents.insert(("app.json", manifestData), at: 0)
        let packagedBy = ["tool": "airlock dev", "version": Self.toolVersion, "when": ISO8601DateFormatter().string(from: Date())]
        contents.append((".packagedby", try JSONSerialization.data(withJSONObject: packagedBy, options: .sortedKeys)))

        let zip = try Self.zip(contents)
        let package: AppPackage
        do {
            package = try AppPackageReader().read(zip)
        } catch let error as AppPackageError {
            throw DevToolError("The package would be refused: \(error.message)", fix: "fix the app and package again")
        }
        let url = output ?? project.packageURL
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try zip.write(to: url, options: .atomic)
        return Result(url: url, files: contents.map(\.0), bytes: zip.count, implements: implements, package: package)
    }

    /// The version `.packagedby` names.
    public static let toolVersion = "0.1.0"

    /// A deflated zip of `entries`, in memory.
    static func zip(_ entries: [(String, Data)]) throws -> Data {
        let archive: Archive
        do {
            archive = try Archive(accessMode: .create)
        } catch {
            throw DevToolError("Could not create a zip archive: \(error)")
        }
        for (path, data) in entries {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        guard let data = archive.data else { throw DevToolError("Could not finish the zip archive") }
        return data
    }

    private func read(_ project: AppProject, _ file: String) throws -> Data {
        do {
            return try Data(contentsOf: project.directory.appendingPathComponent(file))
        } catch {
            throw DevToolError("Cannot read \(file): \(error.localizedDescription)")
        }
    }

    /// The class file bundled by esbuild into one CommonJS file, the Apps-Engine left to the server (rc-apps' shape).
    private func transpile(_ project: AppProject) throws -> String {
        guard let esbuild = Self.which("esbuild", in: searchPath) else {
            throw DevToolError(
                "\(project.manifest.classFile) is TypeScript and neither esbuild nor deno is on PATH",
                fix: "install esbuild (`apt-get install esbuild`), or write the app in JavaScript")
        }
        progress("transpiling \(project.manifest.classFile) with \(esbuild)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: esbuild)
        process.currentDirectoryURL = project.directory
        process.arguments = [
            project.manifest.classFile, "--bundle", "--platform=node", "--format=cjs", "--target=es2020",
            "--external:@rocket.chat/apps-engine/*", "--log-level=error",
        ]
        // Errors go to a file: reading two pipes from one thread can block on whichever fills first.
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-esbuild-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorData = (try? Data(contentsOf: errors)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw DevToolError("esbuild failed:\n\(String(decoding: errorData, as: UTF8.self))", fix: "fix the errors above")
        }
        progress("bundled \(project.manifest.mainFile): \(output.count / 1024) KB")
        return String(decoding: output, as: UTF8.self)
    }

    /// The first executable `name` on `path`.
    public static func which(_ name: String, in path: String) -> String? {
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
