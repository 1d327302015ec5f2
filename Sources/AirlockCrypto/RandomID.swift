/// Rocket.Chat-style random identifiers and secrets.
public enum RandomID {
    /// Meteor's `Random.id()` alphabet (no look-alike characters), which Rocket.Chat uses for ids.
    static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// A 17-character id from the CSPRNG, as Rocket.Chat generates for users, rooms and messages.
    public static func make(length: Int = 17) -> String {
        // Rejection sampling keeps the distribution uniform over the 55-letter alphabet.
        let limit = UInt8(256 - 256 % alphabet.count)
        var out = [UInt8]()
        out.reserveCapacity(length)
        while out.count < length {
            for byte in Crypto.randomBytes(length * 2) where byte < limit && out.count < length {
                out.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A URL-safe secret token with `bytes` bytes of entropy (base64url without padding).
    public static func secret(bytes: Int = 32) -> String {
        base64URL(Crypto.randomBytes(bytes))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out = [UInt8]()
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
