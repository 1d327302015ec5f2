#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its network-order bytes (4 or 16), with the classification DESIGN §3 blocks.
///
/// Classification works on bytes, never on text: `127.1`, `2130706433`, `0x7f.1` and `[::ffff:127.0.0.1]` are all
/// spellings of loopback that a string check would miss; the resolver turns each into the same bytes.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// A literal in canonical form only (`inet_pton`): `1.2.3.4` or an IPv6 text, brackets allowed.
    public init?(_ text: String) {
        var literal = Substring(text)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, String(literal), &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, String(literal), &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    public var isV4: Bool { bytes.count == 4 }

    /// The IPv4 address an IPv6 one carries where the stack would reach it over IPv4 (mapped `::ffff:a.b.c.d`,
    /// compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`), so its embedded address is what gets judged.
    public var embeddedV4: IPAddress? {
        guard !isV4 else { return nil }
        let b = bytes
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return IPAddress(bytes: Array(b[12..<16])) }
        if b[0..<12].allSatisfy({ $0 == 0 }) && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1) {
            return IPAddress(bytes: Array(b[12..<16]))
        }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..<12].allSatisfy({ $0 == 0 }) {
            return IPAddress(bytes: Array(b[12..<16]))
        }
        if b[0] == 0x20 && b[1] == 0x02 { return IPAddress(bytes: Array(b[2..<6])) }
        return nil
    }

    /// Why an app may not reach this address without an allow-list entry, or nil for a public address.
    public var restriction: String? {
        if let embedded = embeddedV4 { return embedded.restriction.map { "\($0) (IPv4 inside IPv6)" } }
        let b = bytes
        if isV4 {
            switch (b[0], b[1]) {
            case (0, _): return "unspecified address"
            case (10, _), (172, 16...31), (192, 168): return "private address"
            case (100, 64...127): return "shared (carrier-grade NAT) address"
            case (127, _): return "loopback address"
            case (169, 254): return "link-local address"
            case (192, 0) where b[2] == 0: return "IETF protocol address"
            case (198, 18...19): return "benchmarking address"
            case (224...239, _): return "multicast address"
            case (240...255, _): return "reserved address"
            default: return nil
            }
        }
        if b.allSatisfy({ $0 == 0 }) { return "unspecified address" }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return "loopback address" }
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return "link-local address" }
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return "site-local address" }
        if b[0] & 0xfe == 0xfc { return "unique-local address" }
        if b[0] == 0xff { return "multicast address" }
        return nil
    }

    /// Whether the first `prefix` bits equal `network`'s (same family only).
    public func isInside(_ network: IPAddress, prefix: Int) -> Bool {
        guard network.bytes.count == bytes.count else { return false }
        var remaining = prefix
        for index in bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if bytes[index] & mask != network.bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        let family = isV4 ? AF_INET : AF_INET6
        let converted = copy.withUnsafeMutableBytes { raw in inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count)) != nil }
        guard converted else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
