import Foundation

/// A validated app package, read entirely into memory (nothing from the zip is ever written to disk as-is).
public struct AppPackage: Sendable {
    public var manifest: AppManifest
    /// JavaScript and JSON files by normalized path (`main.js`, `lib/util.js`, ...), for the module loader.
    public var files: [String: String]
    /// `i18n/<lang>.json` contents by lower-cased language.
    public var translations: [String: Data]
    /// The icon named by `iconFile`, if present.
    public var icon: Data?
    /// `.packagedby` (rc-apps writes `{tool, version, when}`), if present.
    public var packagedBy: Data?
    /// Bytes actually inflated from the zip (what the limits were applied to).
    public var inflatedBytes: Int
    /// SHA-256 of the canonical list of the package's files (``PackageSignature/digest(of:)``): what a signature signs.
    public var digest: [UInt8]
    /// `.airlock-signature.json`, already checked against ``digest`` and the public key it carries; whether that
    /// key is trusted is the server's decision.
    public var signature: PackageSignature?

    public init(
        manifest: AppManifest, files: [String: String], translations: [String: Data] = [:], icon: Data? = nil,
        packagedBy: Data? = nil, inflatedBytes: Int = 0, digest: [UInt8] = [], signature: PackageSignature? = nil
    ) {
        self.manifest = manifest
        self.files = files
        self.translations = translations
        self.icon = icon
        self.packagedBy = packagedBy
        self.inflatedBytes = inflatedBytes
        self.digest = digest
        self.signature = signature
    }

    /// Source of the main class file.
    public var mainSource: String { files[manifest.mainFile] ?? "" }
}
