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
        let spans = try ZipLayoutCheck.validate(data)
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw AppPackageError(.invalidArchive, "The package is not a readable zip file")
        }
        var entries: [(path: String, span: ZipLayoutCheck.Span)] = []
        var seen = Set<String>()
        for (index, entry) in archive.enumerated() {
            guard index < limits.maxEntries else {
                throw AppPackageError(.invalidArchive, "The package has more than \(limits.maxEntries) entries")
            }
            guard index < spans.count else { throw AppPackageError(.invalidArchive, "The package's central directory is damaged") }
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
            entries.append((path, spans[index]))
        }

        var total = 0
        var contents: [String: Data] = [:]
        for (path, span) in entries {
            contents[path] = try inflate(data[span.data.lowerBound + data.startIndex..<span.data.upperBound + data.startIndex], span, path, &total)
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
        guard let icon = contents[Self.normalized(manifest.iconFile)] else {
            throw AppPackageError(.invalidManifest, "The icon \"\(manifest.iconFile)\" named by app.json \"iconFile\" is not in the package")
        }
        let digest = PackageSignature.digest(of: contents)
        let signature = try contents[PackageSignature.fileName].map { try PackageSignature.parse($0, digest: digest) }
        return AppPackage(
            manifest: manifest, files: files, translations: translations, icon: icon,
            packagedBy: contents[".packagedby"], inflatedBytes: total, digest: digest, signature: signature)
    }

    /// One entry's bytes, through ZIPFoundation's inflater fed from exactly the entry's data (its own `extract`
    /// would read on past the entry until a deflate stream that never ends does). The inflated bytes are counted
    /// against the limits as they arrive; size and CRC must match the central directory.
    private func inflate(_ compressed: Data, _ span: ZipLayoutCheck.Span, _ path: String, _ total: inout Int) throws -> Data {
        let mismatch = AppPackageError(.invalidArchive, "\"\(path)\" cannot be read: its data does not match its header")
        var bytes = Data()
        var inflated = total
        let consume: Consumer = { [limits] chunk in
            bytes.append(chunk)
            inflated += chunk.count
            if inflated > limits.maxTotalBytes {
                throw AppPackageError(.invalidArchive, "The package inflates to more than \(limits.maxTotalBytes) bytes")
            }
            if bytes.count > 1 << 20, bytes.count / max(1, compressed.count) > limits.maxCompressionRatio {
                throw AppPackageError(.invalidArchive, "\"\(path)\" compresses suspiciously well (a zip bomb?)")
            }
        }
        let checksum: CRC32
        do {
            if span.deflated {
                checksum = try Data.decompress(
                    size: Int64(compressed.count), bufferSize: 64 << 10, skipCRC32: false,
                    provider: { position, size in
                        let start = compressed.startIndex + Int(position)
                        guard start < compressed.endIndex else { throw mismatch }
                        return compressed[start..<min(compressed.endIndex, start + size)]
                    }, consumer: consume)
            } else {
                try consume(compressed)
                checksum = compressed.crc32(checksum: 0)
            }
        } catch let error as AppPackageError {
            throw error
        } catch {
            throw mismatch
        }
        guard checksum == span.checksum, bytes.count == span.uncompressedSize else { throw mismatch }
        total = inflated
        return bytes
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
