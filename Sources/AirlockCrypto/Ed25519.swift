internal import COpenSSL
import Foundation

/// Ed25519 signatures (OpenSSL's EVP interface), for signed app packages: `airlock dev keygen`/`sign` on the author's
/// side, the trust store's check on the server's. Keys travel as PEM (PKCS#8 private, SPKI public), so
/// `openssl genpkey -algorithm ed25519` keys work too; inside a signature file the public key is its raw 32 bytes.
public enum Ed25519 {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A private key (the 32-byte seed) with its public key.
    public struct KeyPair: Sendable {
        public let privateKey: [UInt8]
        public let publicKey: [UInt8]

        /// A new random key pair.
        public static func generate() throws -> KeyPair {
            try KeyPair(privateKey: Crypto.randomBytes(32))
        }

        /// The pair of a 32-byte seed.
        public init(privateKey: [UInt8]) throws {
            guard privateKey.count == 32 else { throw Failure(description: "An Ed25519 private key is 32 bytes, not \(privateKey.count)") }
            let key = try Ed25519.privateKey(privateKey)
            defer { EVP_PKEY_free(key) }
            self.privateKey = privateKey
            self.publicKey = try Ed25519.rawPublicKey(key)
        }

        /// Reads a PKCS#8 PEM private key (what `privatePEM` writes, or `openssl genpkey -algorithm ed25519`).
        public init(pem: String) throws {
            let key = try Ed25519.readPEM(pem, isPrivate: true)
            defer { EVP_PKEY_free(key) }
            var length = 32
            var seed = [UInt8](repeating: 0, count: 32)
            guard EVP_PKEY_get_raw_private_key(key, &seed, &length) == 1, length == 32 else {
                throw Failure(description: "The PEM key is not an Ed25519 private key")
            }
            try self.init(privateKey: seed)
        }

        public func privatePEM() throws -> String {
            let key = try Ed25519.privateKey(privateKey)
            defer { EVP_PKEY_free(key) }
            return try Ed25519.writePEM { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        }

        /// Signs `message` (Ed25519 signs the message itself; no separate hashing step).
        public func sign(_ message: [UInt8]) throws -> [UInt8] {
            let key = try Ed25519.privateKey(privateKey)
            defer { EVP_PKEY_free(key) }
            guard let context = EVP_MD_CTX_new() else { throw Failure(description: "Out of memory") }
            defer { EVP_MD_CTX_free(context) }
            var signature = [UInt8](repeating: 0, count: 64)
            var length = 64
            guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1,
                EVP_DigestSign(context, &signature, &length, message, message.count) == 1, length == 64
            else { throw Failure(description: "Ed25519 signing failed") }
            return signature
        }
    }

    /// Whether `signature` is `publicKey`'s signature of `message`.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64, publicKey.count == 32,
            let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, publicKey, 32)
        else { return false }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        return EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1
            && EVP_DigestVerify(context, signature, 64, message, message.count) == 1
    }

    /// The raw 32 bytes of an SPKI PEM public key (what `publicPEM` writes, or `openssl pkey -pubout`).
    public static func publicKey(pem: String) throws -> [UInt8] {
        let key = try readPEM(pem, isPrivate: false)
        defer { EVP_PKEY_free(key) }
        return try rawPublicKey(key)
    }

    public static func publicPEM(_ publicKey: [UInt8]) throws -> String {
        guard publicKey.count == 32, let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, publicKey, 32) else {
            throw Failure(description: "An Ed25519 public key is 32 bytes")
        }
        defer { EVP_PKEY_free(key) }
        return try writePEM { PEM_write_bio_PUBKEY($0, key) }
    }

    /// A short, stable name for a public key: the first 16 hex digits of its SHA-256.
    public static func keyId(_ publicKey: [UInt8]) -> String {
        String(Encoding.hex(Crypto.hash(.sha256, publicKey)).prefix(16))
    }

    private static func privateKey(_ seed: [UInt8]) throws -> OpaquePointer {
        guard let key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, seed.count) else {
            throw Failure(description: "Not a usable Ed25519 private key")
        }
        return key
    }

    private static func rawPublicKey(_ key: OpaquePointer) throws -> [UInt8] {
        var length = 32
        var raw = [UInt8](repeating: 0, count: 32)
        guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1, length == 32 else {
            throw Failure(description: "The key is not an Ed25519 key")
        }
        return raw
    }

    private static func readPEM(_ pem: String, isPrivate: Bool) throws -> OpaquePointer {
        let bytes = Array(pem.utf8)
        guard let bio = BIO_new_mem_buf(bytes, Int32(bytes.count)) else { throw Failure(description: "Out of memory") }
        defer { BIO_free(bio) }
        let key = isPrivate ? PEM_read_bio_PrivateKey(bio, nil, nil, nil) : PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        ERR_clear_error()
        guard let key, EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else {
            if let key { EVP_PKEY_free(key) }
            throw Failure(description: isPrivate ? "Not an Ed25519 private key in PEM (PKCS#8)" : "Not an Ed25519 public key in PEM")
        }
        return key
    }

    private static func writePEM(_ write: (OpaquePointer) -> Int32) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw Failure(description: "Out of memory") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw Failure(description: "Could not write the PEM key") }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard let pointer, length > 0 else { throw Failure(description: "Could not write the PEM key") }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
