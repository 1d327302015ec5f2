/// What sends apps' outbound requests: ``OutboundHTTPClient`` on a server; `airlock dev test` puts a scenario's
/// recorded fakes in its place, so an app's HTTP calls are answered and checked without a network.
public protocol OutboundHTTPTransport: Sendable {
    /// The caps the host applies around each request (response bytes reserved per app).
    var policy: OutboundHTTPPolicy { get }
    func send(_ request: OutboundRequest) async throws(OutboundHTTPError) -> OutboundResponse
}

extension OutboundHTTPClient: OutboundHTTPTransport {}
