/// Why a package or manifest was refused. The message names the problem for the person uploading the app.
public struct AppPackageError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The zip itself: unreadable, too large, too many entries, a bomb, unsafe names, links.
        case invalidArchive = "invalid-archive"
        /// `app.json` missing, not JSON, or failing the schema.
        case invalidManifest = "invalid-manifest"
        /// `requiredApiVersion` not satisfied by the Apps-Engine API version Airlock implements.
        case unsupportedApiVersion = "unsupported-api-version"
        /// A permission name Airlock does not know.
        case unknownPermission = "unknown-permission"
        /// The main class file named by `classFile` is not in the package.
        case missingClassFile = "missing-class-file"
        /// The app's code throws while loading, or its main export is not an `App`.
        case invalidCode = "invalid-code"
        /// `.airlock-signature.json` is malformed, does not match the package's contents (tampered), names a key the
        /// server does not trust, or is missing where the server's policy requires one.
        case invalidSignature = "invalid-signature"
        /// The upload is over the size limit (HTTP 413).
        case tooLarge = "too-large"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code.rawValue)]" }
}
