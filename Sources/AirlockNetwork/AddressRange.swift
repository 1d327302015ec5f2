/// One address or a CIDR range (`10.0.0.5`, `[fd00::1]`, `10.0.0.0/8`, `fd00::/8`), as admins write them in
/// allow-lists and trusted-proxy lists. An IPv4 address carried in IPv6 (`::ffff:10.0.0.5`) matches IPv4 ranges.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefix: Int

    public init(network: IPAddress, prefix: Int) {
        self.network = network
        self.prefix = prefix
    }

    /// An address (the whole address is the range) or `address/prefix`; nil when malformed.
    public init?(parsing text: String) {
        if let slash = text.firstIndex(of: "/") {
            guard let network = IPAddress(String(text[..<slash])), let prefix = Int(text[text.index(after: slash)...]),
                prefix >= 0, prefix <= network.bytes.count * 8
            else { return nil }
            self.init(network: network, prefix: prefix)
        } else {
            guard let address = IPAddress(text) else { return nil }
            self.init(network: address, prefix: address.bytes.count * 8)
        }
    }

    public func contains(_ address: IPAddress) -> Bool {
        address.isInside(network, prefix: prefix) || (address.embeddedV4?.isInside(network, prefix: prefix) ?? false)
    }

    public var description: String { "\(network)/\(prefix)" }
}
