import Foundation
@preconcurrency import ZIPFoundation

/// Reads Apps-Engine zips safely: limits apply to the bytes actually inflated (counted while streaming, never the
/// sizes the zip declares), unsafe entry names and links are refused, and the manifest is validated.
public struct AppPackageReader: Sendable {
    public struct Limits: Sendable {
        /// Largest upload accepted (HTTP 413 above it).
        public var maxUploadBytes = 20 << 20
        /// Largest total of inflated bytes.
        public var maxTotalBytes = 100 << 20
        /// Most entries (files and directories).
        public var maxEntries = 2000
        /// Largest inflated/compressed ratio of one entry once it is past 1 MiB (zip bombs compress ~1000:1).
        public var maxCompressionRatio = 100

        public init() {}
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public func read(_ data: Data) throws -> AppPackage {
        guard data.count <= limits.maxUploadBytes else {
            throw AppPackageError(.tooLarge, "The package is \(data.count) bytes; the limit is \(limits.maxUploadBytes)")
        }
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw AppPackageError(.invalidArchive, "The package is not a readable zip file")
        }
        var entries: [(path: String, entry: Entry)] = []
        var seen = Set<String>()
        for entry in archive {
            guard entries.count < limits.maxEntries else {
                throw AppPackageError(.invalidArchive, "The package has more than \(limits.maxEntries) entries")
            }
            let path = try Self.safePath(entry.path)
            if entry.type == .symlink {
                throw AppPackageError(.invalidArchive, "The package contains a link entry \"\(entry.path)\"")
            }
            guard entry.type == .file else { continue }
            // Case and Unicode normalisation too: two names that collide on some file system are one name here.
            let key = path.precomposedStringWithCanonicalMapping.lowercased()
            guard seen.insert(key).inserted else {
                throw AppPackageError(.invalidArchive, "The package contains \"\(path)\" twice")
            }
            entries.append((path, entry))
        }

        var total = 0
        var contents: [String: Data] = [:]
        for (path, entry) in entries {
            var bytes = Data()
            let compressed = max(1, Int(entry.compressedSize))
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    bytes.append(chunk)
                    total += chunk.count
                    if total > limits.maxTotalBytes {
                        throw AppPackageError(.invalidArchive, "The package inflates to more than \(limits.maxTotalBytes) bytes")
                    }
                    if bytes.count > 1 << 20, bytes.count / compressed > limits.maxCompressionRatio {
                        throw AppPackageError(.invalidArchive, "\"\(path)\" compresses suspiciously well (a zip bomb?)")
                    }
                }
            } catch let error as AppPackageError {
                throw error
            } catch {
                throw AppPackageError(.invalidArchive, "\"\(path)\" cannot be read: its data does not match its header")
            }
            contents[path] = bytes
        }

        guard let manifestData = contents["app.json"] else {
            throw AppPackageError(.invalidManifest, "Invalid App package. No \"app.json\" file.")
        }
        let manifest = try ManifestValidator.validate(json: manifestData)
        var files: [String: String] = [:]
        var translations: [String: Data] = [:]
        for (path, data) in contents {
            if path.hasPrefix("i18n/"), path.hasSuffix(".json"), !path.dropFirst(5).contains("/") {
                translations[String(path.dropFirst(5).dropLast(5)).lowercased()] = data
            } else if (path.hasSuffix(".js") || path.hasSuffix(".json")) && !path.hasPrefix(".") && path != "app.json" {
                guard let text = String(data: data, encoding: .utf8) else {
                    throw AppPackageError(.invalidArchive, "\"\(path)\" is not UTF-8 text")
                }
                files[path] = text
            }
        }
        guard files[manifest.mainFile] != nil else {
            throw AppPackageError(
                .missingClassFile, "The class file \"\(manifest.mainFile)\" (from classFile \"\(manifest.classFile)\") is not in the package")
        }
        return AppPackage(
            manifest: manifest, files: files, translations: translations, icon: contents[Self.normalized(manifest.iconFile)],
            packagedBy: contents[".packagedby"], inflatedBytes: total)
    }

    /// The entry name as a relative path, or a refusal: absolute paths, `..`, backslashes, drive letters and NUL
    /// are never accepted (zip slip), even where they would be harmless here.
    static func safePath(_ name: String) throws -> String {
        if name.contains("\0") { throw AppPackageError(.invalidArchive, "An entry name contains NUL") }
        if name.contains("\\") { throw AppPackageError(.invalidArchive, "Entry \"\(name)\" uses backslashes") }
        if name.hasPrefix("/") { throw AppPackageError(.invalidArchive, "Entry \"\(name)\" has an absolute path") }
        if name.count >= 2, name.first!.isLetter, name.dropFirst().first == ":" {
            throw AppPackageError(.invalidArchive, "Entry \"\(name)\" starts with a drive letter")
        }
        let components = name.split(separator: "/", omittingEmptySubsequences: true)
        if components.contains("..") { throw AppPackageError(.invalidArchive, "Entry \"\(name)\" leaves the package (..)") }
        let path = components.filter { $0 != "." }.joined(separator: "/")
        guard !path.isEmpty else { throw AppPackageError(.invalidArchive, "An entry has an empty name") }
        return path
    }

    static func normalized(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }
}
