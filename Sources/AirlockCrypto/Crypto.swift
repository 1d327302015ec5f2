internal import COpenSSL

/// Cryptographic primitives Airlock needs, backed by the system OpenSSL 3.
///
/// This is the only module that imports `COpenSSL`; everything else (password hashing, token digests, ids,
/// later the JavaScript runtime's `crypto` globals and webhook HMACs) goes through these functions.
public enum Crypto {
    /// Hash algorithms exposed to callers.
    public enum Digest: Sendable {
        case sha1, sha256, sha512, md5

        fileprivate var evp: OpaquePointer? {
            switch self {
            case .sha1: EVP_sha1()
            case .sha256: EVP_sha256()
            case .sha512: EVP_sha512()
            case .md5: EVP_md5()
            }
        }
    }

    /// Cryptographically secure random bytes (OpenSSL's CSPRNG).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let rc = bytes.withUnsafeMutableBytes { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(rc == 1, "RAND_bytes failed: the CSPRNG is unusable")
        return bytes
    }

    /// One-shot message digest.
    public static func hash(_ algorithm: Digest, _ data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let bytes = Array(data)
        let rc = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                EVP_Digest(
                    input.baseAddress, input.count,
                    output.baseAddress!.assumingMemoryBound(to: UInt8.self), &length, algorithm.evp, nil)
            }
        }
        precondition(rc == 1, "EVP_Digest failed")
        return Array(out.prefix(Int(length)))
    }

    /// SHA-256 of a UTF-8 string.
    public static func sha256(_ string: String) -> [UInt8] {
        hash(.sha256, Array(string.utf8))
    }

    /// HMAC with the given digest.
    public static func hmac(_ algorithm: Digest, key: some Collection<UInt8>, data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let keyBytes = Array(key)
        let dataBytes = Array(data)
        let result = keyBytes.withUnsafeBytes { k in
            dataBytes.withUnsafeBytes { d in
                out.withUnsafeMutableBytes { o in
                    HMAC(
                        algorithm.evp, k.baseAddress, Int32(k.count),
                        d.baseAddress?.assumingMemoryBound(to: UInt8.self), d.count,
                        o.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
                }
            }
        }
        precondition(result != nil, "HMAC failed")
        return Array(out.prefix(Int(length)))
    }

    /// PBKDF2-HMAC-SHA256. Deliberately slow: callers run it off the event loops.
    public static func pbkdf2SHA256(password: some Collection<UInt8>, salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let pw = Array(password)
        let rc = pw.withUnsafeBytes { p in
            salt.withUnsafeBytes { s in
                out.withUnsafeMutableBytes { o in
                    PKCS5_PBKDF2_HMAC(
                        p.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(p.count),
                        s.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(s.count),
                        Int32(iterations), EVP_sha256(), Int32(length),
                        o.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        precondition(rc == 1, "PKCS5_PBKDF2_HMAC failed")
        return out
    }

    /// Compares two byte strings in time independent of where they differ.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
    }
}
