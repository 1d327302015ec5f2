import AirlockNetwork
import Foundation

/// The admin's list of destinations apps may reach although they resolve to restricted addresses (DESIGN §3).
///
/// Entries: a host name (`intranet.example`, matched against the URL's host, case-insensitively), an address
/// (`10.0.0.5`, `[fd00::1]`) or a CIDR range (`10.0.0.0/8`, `fd00::/8`), each optionally with a port
/// (`127.0.0.1:8080`, `[::1]:8080`, `intranet.example:443`; a range takes no port). A name entry trusts whatever
/// the name resolves to; an address entry lets through only that address, however the URL spells it.
public struct OutboundAllowList: Sendable, Hashable {
    enum Target: Sendable, Hashable {
        case name(String)
        case range(AddressRange)
    }

    struct Entry: Sendable, Hashable {
        let target: Target
        let port: Int?
    }

    let entries: [Entry]

    public static let empty = OutboundAllowList(entries: [])

    init(entries: [Entry]) {
        self.entries = entries
    }

    /// Parses entries; a malformed one is an error naming it, so a typo never silently allows or blocks.
    public init(parsing items: [String]) throws(OutboundHTTPError) {
        var entries: [Entry] = []
        for raw in items {
            let item = raw.trimmingCharacters(in: .whitespaces)
            guard !item.isEmpty else { continue }
            guard let entry = Self.entry(item) else { throw .invalidAllowListEntry(item) }
            entries.append(entry)
        }
        self.entries = entries
    }

    /// Whether a request to `host:port` may reach `address`.
    func allows(host: String, port: Int, address: IPAddress) -> Bool {
        let lowered = host.lowercased()
        return entries.contains { entry in
            if let entryPort = entry.port, entryPort != port { return false }
            switch entry.target {
            case .name(let name): return name == lowered
            case .range(let range): return range.contains(address)
            }
        }
    }

    private static func entry(_ item: String) -> Entry? {
        if item.contains("/") { return AddressRange(parsing: item).map { Entry(target: .range($0), port: nil) } }
        if let range = AddressRange(parsing: item) { return Entry(target: .range(range), port: nil) }
        var host = Substring(item)
        var port: Int?
        if item.hasPrefix("["), let close = item.firstIndex(of: "]") {
            host = item[...close]
            let rest = item[item.index(after: close)...]
            guard rest.hasPrefix(":"), let number = Int(rest.dropFirst()) else { return nil }
            port = number
        } else if let colon = item.lastIndex(of: ":") {
            guard let number = Int(item[item.index(after: colon)...]) else { return nil }
            host = item[..<colon]
            port = number
        }
        if let port, !(1...65535).contains(port) { return nil }
        if let range = AddressRange(parsing: String(host)) { return Entry(target: .range(range), port: port) }
        let name = host.lowercased()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) else { return nil }
        return Entry(target: .name(name), port: port)
    }
}
