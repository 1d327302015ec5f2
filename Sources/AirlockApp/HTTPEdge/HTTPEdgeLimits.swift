/// Limits applied to every TCP connection before any request is routed (`--limit http.*`).
public struct HTTPEdgeLimits: Sendable {
    /// A new connection must deliver its first request head within this time (slow-header clients).
    public var headerTimeout: Duration = .seconds(30)
    /// A keep-alive connection between requests is closed after this long.
    public var idleTimeout: Duration = .seconds(120)
    /// Open connections from one peer address; trusted proxies are exempt (their clients are told apart by
    /// `X-Forwarded-For` further in).
    public var maxConnectionsPerAddress: Int = 256
    /// After a malformed request was answered 400, the peer gets this long to close before the server does.
    public var closeGrace: Duration = .seconds(2)

    public init() {}
}
