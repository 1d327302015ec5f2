public import AirlockNetwork
import Foundation

/// Which address a request really comes from, for per-address limits (login throttle, connection caps).
///
/// Behind a reverse proxy every client shares the proxy's address, so the proxy's `X-Forwarded-For` is believed —
/// but only when the peer is one of the configured trusted proxies (`--trusted-proxy`); anyone else could write any
/// address into that header. The list is read from the right (the entry the nearest proxy appended) and the first
/// address that is not itself a trusted proxy is the client. A malformed entry stops the walk at the last good hop.
public struct ClientAddressResolver: Sendable {
    public var trustedProxies: [AddressRange]

    public init(trustedProxies: [AddressRange] = []) {
        self.trustedProxies = trustedProxies
    }

    /// `peer` is the socket's remote address; `forwardedFor` the values of every `X-Forwarded-For` header, in order.
    public func resolve(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, isTrusted(peer), !forwardedFor.isEmpty else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            guard let address = IPAddress(hop) else { break }
            client = address.description
            if !isTrusted(client) { break }
        }
        return client
    }

    private func isTrusted(_ text: String) -> Bool {
        guard let address = IPAddress(text) else { return false }
        return trustedProxies.contains { $0.contains(address) }
    }
}
