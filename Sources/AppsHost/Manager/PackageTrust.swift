public import AppsStorage
public import AppsPackage
import AirlockCrypto
public import ChatCore
public import Foundation

/// What a server does with app packages that carry no signature.
public enum UnsignedPackagePolicy: String, Sendable, CaseIterable {
    /// Install them without a word.
    case allow
    /// Install them, marked unsigned in the app's record and log (the default).
    case warn
    /// Refuse them.
    case deny
}

/// Decides whether a package may be installed from its signature, the trust store of publisher keys and the policy
/// for unsigned packages. A signature that does not match the package's contents was already refused by the
/// reader; here a signature by a key the store does not hold is refused unless unsigned packages are allowed
/// outright (a signature claims a publisher: one that cannot be checked is not shown as one).
public struct PackageTrust: Sendable {
    public let store: any TrustedKeyStore
    public let unsignedPolicy: UnsignedPackagePolicy
    let clock: ChatClock

    /// What the check concluded.
    public enum Verdict: Sendable, Equatable {
        case signed(AppSigner)
        /// No trusted signature, and the policy lets it in; `warning` is what to tell the admin, if anything.
        case unsigned(warning: String?)
    }

    public init(store: any TrustedKeyStore, unsignedPolicy: UnsignedPackagePolicy = .warn, clock: ChatClock = ChatClock()) {
        self.store = store
        self.unsignedPolicy = unsignedPolicy
        self.clock = clock
    }

    public func check(_ package: AppPackage) async throws -> Verdict {
        guard let signature = package.signature else {
            switch unsignedPolicy {
            case .allow: return .unsigned(warning: nil)
            case .warn: return .unsigned(warning: "The package is not signed; its publisher cannot be verified.")
            case .deny:
                throw AppPackageError(
                    .invalidSignature,
                    "This server installs only signed packages: sign it with `airlock dev sign --key <private key>` using a key its admin trusts (`airlock apps trust add`).")
            }
        }
        guard let key = try await store.trustedKeys().first(where: { $0.id == signature.keyId }) else {
            if unsignedPolicy == .allow { return .unsigned(warning: "Signed by key \(signature.keyId), which this server does not trust.") }
            throw AppPackageError(
                .invalidSignature,
                "The package is signed by key \(signature.keyId)\(signature.signer.map { " (\"\($0)\")" } ?? ""), which this server does not trust. An admin can add it with `airlock apps trust add`.")
        }
        // The reader checked the signature with the key the file carries; the trusted key must be that key.
        guard key.publicKey == signature.publicKey else {
            throw AppPackageError(.invalidSignature, "The package's signature names key \(key.id) but carries a different public key")
        }
        return .signed(AppSigner(keyId: key.id, name: key.name))
    }

    /// Trusts a key given as an SPKI PEM or as its raw 32 bytes in base64.
    @discardableResult
    public func add(publicKey text: String, name: String, by user: String?) async throws -> TrustedKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let raw: [UInt8]
        if trimmed.hasPrefix("-----BEGIN") {
            do { raw = try Ed25519.publicKey(pem: trimmed) } catch { throw AppEngineError(.invalid, "\(error)") }
        } else if let bytes = Data(base64Encoded: trimmed), bytes.count == 32 {
            raw = Array(bytes)
        } else {
            throw AppEngineError(.invalid, "\"publicKey\" must be an Ed25519 public key in PEM or its 32 bytes in base64")
        }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100, !name.contains(where: \.isNewline) else {
            throw AppEngineError(.invalid, "\"name\" must be 1 to 100 characters on one line")
        }
        let key = TrustedKey(
            id: Ed25519.keyId(raw), name: name, publicKey: Data(raw).base64EncodedString(), createdAt: clock.now(), createdBy: user)
        do {
            try await store.addTrustedKey(key)
        } catch let error as StoreError where error.code == .duplicate(key: "trustedKey.id") {
            throw AppEngineError(.invalid, "Key \(key.id) is already trusted")
        }
        return key
    }

    public func keys() async throws -> [TrustedKey] {
        try await store.trustedKeys()
    }

    public func remove(id: String) async throws {
        guard try await store.removeTrustedKey(id: id) else { throw AppEngineError(.notFound, "No trusted key \(id)") }
    }
}
