import AirlockNetwork
import Hummingbird
import HummingbirdTesting
@testable import OutboundHTTP
import Synchronization
import Testing

/// The address rules on their own: classification of every restricted range, allow-list entries, and resolution
/// tricks a text check would miss.
@Suite struct OutboundHTTPTests {
    @Test(arguments: [
        ("0.0.0.0", "unspecified address"), ("10.1.2.3", "private address"), ("172.16.0.1", "private address"),
        ("172.31.255.255", "private address"), ("192.168.1.1", "private address"), ("100.64.0.1", "shared (carrier-grade NAT) address"),
        ("127.0.0.1", "loopback address"), ("127.255.0.9", "loopback address"), ("169.254.169.254", "link-local address"),
        ("224.0.0.1", "multicast address"), ("255.255.255.255", "reserved address"), ("::", "unspecified address"),
        ("::1", "loopback address"), ("fe80::1", "link-local address"), ("fd00::1", "unique-local address"), ("fc00::1", "unique-local address"),
        ("ff02::1", "multicast address"), ("::ffff:127.0.0.1", "loopback address (IPv4 inside IPv6)"),
        ("::ffff:169.254.169.254", "link-local address (IPv4 inside IPv6)"), ("::127.0.0.1", "loopback address (IPv4 inside IPv6)"),
        ("64:ff9b::a00:1", "private address (IPv4 inside IPv6)"), ("2002:7f00:1::", "loopback address (IPv4 inside IPv6)"),
    ])
    func restrictedAddresses(_ text: String, _ reason: String) throws {
        #expect(try #require(IPAddress(text)).restriction == reason)
    }

    @Test(arguments: ["93.184.216.34", "8.8.8.8", "172.32.0.1", "192.169.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])
    func publicAddresses(_ text: String) throws {
        #expect(try #require(IPAddress(text)).restriction == nil)
    }

    @Test func allowListEntriesParseOrFailByName() throws {
        _ = try OutboundAllowList(parsing: ["intranet.example", "intranet.example:8443", "10.0.0.5", "[fd00::1]:80", "10.0.0.0/8", "fd00::/8", " "])
        for bad in ["10.0.0.0/33", "10.0.0.0/8:80", "host:99999", "bad host", "[::1", "http://x"] {
            #expect(throws: OutboundHTTPError.invalidAllowListEntry(bad)) { try OutboundAllowList(parsing: [bad]) }
        }
    }

    /// A client whose DNS answers from a table; nothing here opens a socket (every request is refused first).
    static func client(_ table: [String: [String]], allow: [String] = []) throws -> OutboundHTTPClient {
        let resolver = HostResolver { host in (table[host] ?? []).compactMap { IPAddress($0) } }
        return OutboundHTTPClient(policy: OutboundHTTPPolicy(allowList: try OutboundAllowList(parsing: allow)), resolver: resolver)
    }

    @Test func namesAreJudgedByEveryAddressTheyResolveTo() async throws {
        let client = try Self.client([
            "rebind.example": ["127.0.0.1"], "mixed.example": ["93.184.216.34", "10.0.0.1"], "metadata.example": ["169.254.169.254"],
            "intranet.example": ["10.0.0.7"], "db.example": ["10.0.0.8"], "svc.example": ["10.0.0.9"], "lab.example": ["10.0.1.20"],
        ], allow: ["intranet.example", "10.0.1.0/24", "10.0.0.9:5432"])
        for (url, address) in [
            ("http://rebind.example/", "127.0.0.1"), ("https://mixed.example/", "10.0.0.1"), ("http://metadata.example/latest", "169.254.169.254"),
            ("http://db.example/", "10.0.0.8"), ("http://svc.example/", "10.0.0.9"),
        ] {
            await #expect {
                _ = try await client.send(OutboundRequest(method: "GET", url: url))
            } throws: { error in
                guard case .refused(_, let refused, _) = error as? OutboundHTTPError else { return false }
                return refused == address
            }
        }
        // Allowed by name, by range, by address and port: the checked address is what the connection is pinned to.
        #expect(try await client.check(.init("http://intranet.example/")) == IPAddress("10.0.0.7"))
        #expect(try await client.check(.init("http://lab.example/")) == IPAddress("10.0.1.20"))
        #expect(try await client.check(.init("http://svc.example:5432/")) == IPAddress("10.0.0.9"))
        await #expect(throws: OutboundHTTPError.invalidURL("gopher://intranet.example/")) {
            _ = try await client.send(OutboundRequest(method: "GET", url: "gopher://intranet.example/"))
        }
    }

    /// Connections are reused per checked address, but every request is checked again: a name that starts resolving
    /// to a refused address is refused although a connection to its old address is open.
    @Test func everyRequestIsCheckedAgainWhileConnectionsAreReused() async throws {
        let router = Router()
        router.get("hello") { _, _ in "hi" }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { upstream in
            let port = try #require(upstream.port)
            let answer = Mutex("127.0.0.1")
            let resolver = HostResolver { _ in [IPAddress(answer.withLock { $0 })!] }
            let client = OutboundHTTPClient(
                policy: OutboundHTTPPolicy(allowList: try OutboundAllowList(parsing: ["127.0.0.1:\(port)"])), resolver: resolver)
            for _ in 0..<3 {
                let response = try await client.send(OutboundRequest(method: "GET", url: "http://svc.test:\(port)/hello"))
                #expect(response.statusCode == 200 && response.body == Array("hi".utf8))
            }
            answer.withLock { $0 = "127.0.0.2" }
            await #expect(throws: OutboundHTTPError.refused(host: "svc.test", address: "127.0.0.2", reason: "loopback address")) {
                _ = try await client.send(OutboundRequest(method: "GET", url: "http://svc.test:\(port)/hello"))
            }
        }
    }
}
