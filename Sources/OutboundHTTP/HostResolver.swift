#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import AirlockNetwork
import NIOPosix

/// Turns a URL's host into the addresses a connection could reach, so every one can be checked before any is used.
///
/// The system resolver (`getaddrinfo`) also accepts the numeric spellings `inet_aton` does (`127.1`, `2130706433`,
/// `0x7f000001`), which is exactly why names are never judged as text. Tests swap in a table to play DNS tricks
/// (a public-looking name that answers 127.0.0.1).
public struct HostResolver: Sendable {
    let resolve: @Sendable (_ host: String) async throws -> [IPAddress]

    public init(_ resolve: @escaping @Sendable (_ host: String) async throws -> [IPAddress]) {
        self.resolve = resolve
    }

    /// `getaddrinfo` on a pool of its own (it may wait on DNS for seconds): apps' lookups never queue behind, or
    /// in front of, other blocking work such as the password KDF.
    public static let system = HostResolver { host in
        try await lookupPool.runIfActive { try systemLookup(host) }
    }

    private static let lookupPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    static func systemLookup(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw OutboundHTTPError.unresolvable(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let sockaddr = info.pointee.ai_addr, let address = address(of: sockaddr, family: info.pointee.ai_family),
                !addresses.contains(address)
            {
                addresses.append(address)
            }
            cursor = info.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw OutboundHTTPError.unresolvable(host: host, reason: "no address") }
        return addresses
    }

    private static func address(of sockaddr: UnsafeMutablePointer<sockaddr>, family: Int32) -> IPAddress? {
        switch family {
        case AF_INET:
            return sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                var raw = pointer.pointee.sin_addr
                return IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) })
            }
        case AF_INET6:
            return sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                var raw = pointer.pointee.sin6_addr
                return IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) })
            }
        default:
            return nil
        }
    }
}
