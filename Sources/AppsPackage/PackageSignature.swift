import AirlockCrypto
public import Foundation

/// `.airlock-signature.json` at a package's root: an Ed25519 signature over the package's canonical digest.
///
/// The digest is the SHA-256 of the sorted lines `path NUL sha256-hex LF`, one per file entry except the signature
/// file itself (paths as normalised by the reader, sorted by their UTF-8 bytes). Directory entries, timestamps,
/// compression and entry order do not count, so re-zipping the same files keeps a signature valid and changing
/// any byte of any file breaks it. The file carries the raw public key, so a tampered package is told apart from
/// one signed by a key the server does not know.
public struct PackageSignature: Codable, Sendable, Hashable {
    public static let fileName = ".airlock-signature.json"
    public static let algorithmName = "ed25519"

    /// Always `ed25519`.
    public var algorithm: String
    /// ``Ed25519/keyId(_:)`` of `publicKey`.
    public var keyId: String
    /// The raw 32-byte public key, base64.
    public var publicKey: String
    /// The 64-byte signature of the digest, base64.
    public var signature: String
    /// The digest signed, hex (informational: the reader recomputes it).
    public var digest: String
    /// Who signed, as the signer named themselves (the server shows the trust store's name instead).
    public var signer: String?

    /// The canonical digest of a package's files (every entry but the signature file).
    public static func digest(of contents: [String: Data]) -> [UInt8] {
        var list: [UInt8] = []
        for path in contents.keys.filter({ $0 != fileName }).sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            list += Array(path.utf8) + [0] + Array(Encoding.hex(Crypto.hash(.sha256, contents[path]!)).utf8) + [0x0A]
        }
        return Crypto.hash(.sha256, list)
    }

    /// Signs `digest` with `key`.
    public static func make(digest: [UInt8], key: Ed25519.KeyPair, signer: String?) throws -> PackageSignature {
        PackageSignature(
            algorithm: algorithmName, keyId: Ed25519.keyId(key.publicKey), publicKey: Data(key.publicKey).base64EncodedString(),
            signature: Data(try key.sign(digest)).base64EncodedString(), digest: Encoding.hex(digest), signer: signer)
    }

    /// Reads a signature file and checks it against the package's `digest` with the key it carries; any mismatch
    /// is a tampered or broken package.
    public static func parse(_ data: Data, digest: [UInt8]) throws -> PackageSignature {
        guard let parsed = try? JSONDecoder().decode(PackageSignature.self, from: data) else {
            throw AppPackageError(.invalidSignature, "\(fileName) is not a valid signature file")
        }
        guard parsed.algorithm == algorithmName else {
            throw AppPackageError(.invalidSignature, "\(fileName) uses algorithm \"\(parsed.algorithm)\"; only ed25519 is supported")
        }
        guard let key = parsed.publicKeyBytes, let signature = Data(base64Encoded: parsed.signature), key.count == 32,
            Ed25519.keyId(key) == parsed.keyId
        else {
            throw AppPackageError(.invalidSignature, "\(fileName) has a malformed key or signature")
        }
        guard Ed25519.verify(signature: Array(signature), message: digest, publicKey: key) else {
            throw AppPackageError(
                .invalidSignature,
                "The package's contents do not match its signature (key \(parsed.keyId)): a file was changed after signing. Sign it again or get an untampered copy.")
        }
        return parsed
    }

    /// The raw public key, when `publicKey` is valid base64.
    public var publicKeyBytes: [UInt8]? {
        Data(base64Encoded: publicKey).map(Array.init)
    }
}
