/// The admin's limits on apps' outbound HTTP (DESIGN §3).
public struct OutboundHTTPPolicy: Sendable, Hashable {
    /// Destinations allowed although they resolve to loopback, private, link-local or other restricted addresses.
    public var allowList: OutboundAllowList
    /// Used when the app sets no `timeout` (Rocket.Chat's HTTP bridge default: 3 minutes); covers every redirect hop.
    public var defaultTimeout: Duration
    /// Longest `timeout` an app may ask for.
    public var maxTimeout: Duration
    /// Largest response body kept; a longer one fails the request rather than filling the app's memory.
    public var maxResponseBytes: Int
    /// Redirect hops followed, each re-checked like the first request.
    public var maxRedirects: Int

    public init(
        allowList: OutboundAllowList = .empty, defaultTimeout: Duration = .seconds(180), maxTimeout: Duration = .seconds(300),
        maxResponseBytes: Int = 10 << 20, maxRedirects: Int = 5
    ) {
        self.allowList = allowList
        self.defaultTimeout = defaultTimeout
        self.maxTimeout = maxTimeout
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
    }
}
