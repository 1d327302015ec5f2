/// Request limits of the REST API.
public struct APILimits: Sendable {
    /// Largest JSON body accepted on ordinary routes (uploads have their own limit).
    public var maxBodySize: Int = 1 << 20
    /// How the client address behind a reverse proxy is found (`--trusted-proxy`).
    public var clientAddress = ClientAddressResolver()

    public init() {}
}
