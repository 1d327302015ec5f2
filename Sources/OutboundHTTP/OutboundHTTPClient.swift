import AirlockNetwork
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Apps' outbound HTTP (`IHttp`), with DESIGN §3's rules: the host is resolved here and every address it resolves to
/// must be public or allowed by the admin; the connection is then pinned to the checked address (AsyncHTTPClient's
/// `dnsOverride`, so TLS still verifies the certificate for the URL's name); redirects are followed here, hop by hop,
/// each hop checked like the first; the body is capped and the whole exchange has one deadline.
///
/// The pin is client configuration, so there is one `HTTPClient` per (host, checked address), kept while it is used
/// so keep-alive connections (and TLS sessions) are reused; a connection made for one checked address never serves
/// another. Every request still resolves and checks the host first: when its address changes, another client is used.
public final class OutboundHTTPClient: Sendable {
    public let policy: OutboundHTTPPolicy
    let resolver: HostResolver
    private let pool = Mutex<[PinnedKey: Pinned]>([:])

    /// Clients kept at most; past it, the least recently used idle one is shut down.
    static let maxClients = 64

    struct PinnedKey: Hashable {
        let host: String
        let address: IPAddress
    }

    struct Pinned {
        let client: HTTPClient
        var lastUse: UInt64
        var inFlight: Int
    }

    public init(policy: OutboundHTTPPolicy = OutboundHTTPPolicy(), resolver: HostResolver = .system) {
        self.policy = policy
        self.resolver = resolver
    }

    deinit {
        // AsyncHTTPClient requires an explicit shutdown; the callback form keeps each client alive until it is done.
        for pinned in pool.withLock({ $0.values }) { pinned.client.shutdown { _ in } }
    }

    public func send(_ request: OutboundRequest) async throws(OutboundHTTPError) -> OutboundResponse {
        let timeout = min(request.timeout ?? policy.defaultTimeout, policy.maxTimeout)
        let deadline = NIODeadline.now() + .milliseconds(Int64(timeout.milliseconds))
        var current = request
        for _ in 0...policy.maxRedirects {
            let target = try Target(current.url)
            let address = try await check(target)
            let response = try await fetch(current, target: target, pinnedTo: address, deadline: deadline, timeout: timeout)
            guard let next = Self.redirect(from: current, target: target, response: response) else { return response }
            current = next
        }
        throw .tooManyRedirects(policy.maxRedirects)
    }

    /// The URL's parts that decide where a connection goes.
    struct Target {
        let url: URL
        let host: String
        let port: Int
        let isHTTPS: Bool

        init(_ text: String) throws(OutboundHTTPError) {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                var host = url.host, !host.isEmpty
            else { throw .invalidURL(text) }
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self.url = url
            self.host = host
            self.isHTTPS = scheme == "https"
            self.port = url.port ?? (isHTTPS ? 443 : 80)
        }
    }

    /// Resolves the host and returns the address to pin, refusing if any resolved address is restricted and not allowed.
    func check(_ target: Target) async throws(OutboundHTTPError) -> IPAddress {
        let addresses: [IPAddress]
        do {
            addresses = try await resolver.resolve(target.host)
        } catch let error as OutboundHTTPError {
            throw error
        } catch {
            throw .unresolvable(host: target.host, reason: String(describing: error))
        }
        for address in addresses {
            if let reason = address.restriction, !policy.allowList.allows(host: target.host, port: target.port, address: address) {
                throw .refused(host: target.host, address: address.description, reason: reason)
            }
        }
        guard let first = addresses.first else { throw .unresolvable(host: target.host, reason: "no address") }
        return first
    }

    private func fetch(
        _ request: OutboundRequest, target: Target, pinnedTo address: IPAddress, deadline: NIODeadline, timeout: Duration
    ) async throws(OutboundHTTPError) -> OutboundResponse {
        let key = PinnedKey(host: target.host, address: address)
        let client = checkOut(key)
        defer { checkIn(key) }
        var outgoing = HTTPClientRequest(url: target.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let result: Result<OutboundResponse, OutboundHTTPError>
        let cap = min(request.maxResponseBytes ?? policy.maxResponseBytes, policy.maxResponseBytes)
        do {
            let response = try await client.execute(outgoing, deadline: deadline)
            let body = try await response.body.collect(upTo: cap)
            result = .success(
                OutboundResponse(
                    url: target.url.absoluteString, statusCode: Int(response.status.code),
                    headers: response.headers.map { (name: $0.name, value: $0.value) }, body: Array(buffer: body)))
        } catch is NIOTooManyBytesError {
            result = .failure(.responseTooLarge(limit: cap))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            result = .failure(.timedOut(milliseconds: timeout.milliseconds))
        } catch {
            result = .failure(.transport(String(describing: error)))
        }
        return try result.get()
    }

    /// The client pinned to `key` (created if needed), counted as in use until ``checkIn(_:)``.
    private func checkOut(_ key: PinnedKey) -> HTTPClient {
        let now = DispatchTime.now().uptimeNanoseconds
        var retired: HTTPClient?
        let client = pool.withLock { pool in
            if var pinned = pool[key] {
                pinned.lastUse = now
                pinned.inFlight += 1
                pool[key] = pinned
                return pinned.client
            }
            if pool.count >= Self.maxClients, let idle = pool.filter({ $0.value.inFlight == 0 }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
                retired = pool.removeValue(forKey: idle.key)?.client
            }
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)), proxy: nil, decompression: .disabled)
            configuration.dnsOverride = [key.host: key.address.description]
            let created = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            pool[key] = Pinned(client: created, lastUse: now, inFlight: 1)
            return created
        }
        retired?.shutdown { _ in }
        return client
    }

    private func checkIn(_ key: PinnedKey) {
        pool.withLock { pool in pool[key]?.inFlight -= 1 }
    }

    /// The next hop for a 301/302/303/307/308 with a `Location`, as browsers do it: 303 (and 301/302 after a POST)
    /// become a body-less GET; credentials are not carried to another origin.
    static func redirect(from request: OutboundRequest, target: Target, response: OutboundResponse) -> OutboundRequest? {
        guard [301, 302, 303, 307, 308].contains(response.statusCode),
            let location = response.headers.first(where: { $0.name.lowercased() == "location" })?.value,
            let next = URL(string: location, relativeTo: target.url)?.absoluteURL
        else { return nil }
        var hop = request
        hop.url = next.absoluteString
        let keepsMethod = response.statusCode == 307 || response.statusCode == 308
            || (response.statusCode != 303 && request.method != "POST") || request.method == "HEAD"
        if !keepsMethod {
            hop.method = "GET"
            hop.body = nil
            hop.headers.removeAll { ["content-type", "content-length"].contains($0.name.lowercased()) }
        }
        let sameOrigin = next.scheme == target.url.scheme && next.host == target.url.host && next.port == target.url.port
        if !sameOrigin { hop.headers.removeAll { ["authorization", "cookie"].contains($0.name.lowercased()) } }
        return hop
    }
}

extension Duration {
    var milliseconds: Int { Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000) }
}
