import Foundation

/// Validates `app.json` like the Apps-Engine schema, plus Airlock's rules: an invalid manifest is rejected with the
/// reason, never repaired (Rocket.Chat silently replaces a bad `id`; Airlock refuses it).
public enum ManifestValidator {
    public static func validate(json data: Data) throws -> AppManifest {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AppPackageError(.invalidManifest, "app.json is not a valid JSON object")
        }
        for field in ["id", "name", "nameSlug", "version", "description", "requiredApiVersion", "author", "classFile", "iconFile"]
        where object[field] == nil {
            throw AppPackageError(.invalidManifest, "app.json is missing the required field \"\(field)\"")
        }
        var manifest: AppManifest
        do {
            manifest = try JSONDecoder().decode(AppManifest.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            throw AppPackageError(.invalidManifest, "app.json is missing the required field \"\(path)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw AppPackageError(.invalidManifest, "app.json field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
        } catch {
            throw AppPackageError(.invalidManifest, "app.json does not match the manifest schema")
        }
        try validate(manifest)
        // One app, one id: `ABC…` and `abc…` must not become two installs.
        manifest.id = manifest.id.lowercased()
        return manifest
    }

    /// The manifest's text fields with the longest value each accepts, in characters.
    static func textFields(of m: AppManifest) -> [(field: String, value: String, max: Int)] {
        [
            ("id", m.id, 36), ("name", m.name, 100), ("nameSlug", m.nameSlug, 100), ("version", m.version, 64),
            ("description", m.description, 2000), ("requiredApiVersion", m.requiredApiVersion, 64), ("author.name", m.author.name, 200),
            ("author.support", m.author.support, 500), ("author.homepage", m.author.homepage ?? "", 500), ("classFile", m.classFile, 255),
            ("iconFile", m.iconFile, 255),
        ]
    }

    public static func validate(_ manifest: AppManifest) throws {
        for (field, value, max) in textFields(of: manifest) {
            guard value.count <= max else { throw AppPackageError(.invalidManifest, "app.json \"\(field)\" is longer than \(max) characters") }
            // Line breaks and tabs are fine in a description; control characters are never fine anywhere.
            let allowed: Set<Unicode.Scalar> = field == "description" ? ["\n", "\t"] : []
            guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) else {
                throw AppPackageError(.invalidManifest, "app.json \"\(field)\" contains control characters")
            }
        }
        guard let uuid = UUID(uuidString: manifest.id), uuid.uuidString.lowercased() == manifest.id.lowercased() else {
            throw AppPackageError(.invalidManifest, "app.json \"id\" must be a UUID, got \"\(manifest.id)\"")
        }
        guard !manifest.name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AppPackageError(.invalidManifest, "app.json \"name\" must not be empty")
        }
        guard manifest.nameSlug.count >= 3, manifest.nameSlug.allSatisfy({ ($0 >= "a" && $0 <= "z") || $0 == "-" }) else {
            throw AppPackageError(.invalidManifest, "app.json \"nameSlug\" must be at least 3 characters of a-z and \"-\"")
        }
        guard SemanticVersion(manifest.version) != nil else {
            throw AppPackageError(.invalidManifest, "app.json \"version\" must be a semantic version (major.minor.patch, optionally -pre.release and +build), got \"\(manifest.version)\"")
        }
        guard let satisfied = AppsEngineDefinition.apiVersion.satisfies(manifest.requiredApiVersion) else {
            throw AppPackageError(.invalidManifest, "app.json \"requiredApiVersion\" must be x.y.z, ^x.y.z or ~x.y.z")
        }
        guard satisfied else {
            throw AppPackageError(
                .unsupportedApiVersion,
                "App \"\(manifest.name)\" requires Apps-Engine API \(manifest.requiredApiVersion); Airlock implements \(AppsEngineDefinition.apiVersion)")
        }
        guard !manifest.author.name.isEmpty, !manifest.author.support.isEmpty else {
            throw AppPackageError(.invalidManifest, "app.json \"author\" needs \"name\" and \"support\"")
        }
        guard manifest.classFile.hasSuffix(".ts") || manifest.classFile.hasSuffix(".js"), !manifest.classFile.contains("..") else {
            throw AppPackageError(.invalidManifest, "app.json \"classFile\" must name a .ts or .js file in the package")
        }
        let iconExtension = (manifest.iconFile as NSString).pathExtension.lowercased()
        guard ["png", "jpg", "jpeg", "gif"].contains(iconExtension) else {
            throw AppPackageError(.invalidManifest, "app.json \"iconFile\" must be a png, jpg, jpeg or gif")
        }
        for name in (manifest.implements ?? []) + (manifest.essentials ?? []) where !AppsEngineDefinition.interfaces.contains(name) {
            throw AppPackageError(.invalidManifest, "app.json names an unknown interface \"\(name)\"")
        }
        var requested = Set<String>()
        for permission in manifest.permissions ?? [] {
            guard AppsEngineDefinition.permissions.contains(permission.name) else {
                throw AppPackageError(.unknownPermission, "Invalid permission \"\(permission.name.prefix(100))\" defined. Check your manifest file")
            }
            guard requested.insert(permission.name).inserted else {
                throw AppPackageError(.invalidManifest, "app.json requests the permission \"\(permission.name)\" twice")
            }
        }
    }
}
