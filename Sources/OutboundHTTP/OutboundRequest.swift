/// One request as an app asked for it, after its pre-request handlers ran (the Apps-Engine pipeline runs in the VM).
public struct OutboundRequest: Sendable {
    /// Upper-case HTTP method.
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// The app's `timeout`, capped by the policy.
    public var timeout: Duration?
    /// The most response bytes this request may read (the app's share of its bytes in flight), capped by the policy.
    public var maxResponseBytes: Int?

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil, timeout: Duration? = nil,
        maxResponseBytes: Int? = nil
    ) {
        self.method = method.uppercased()
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }
}

/// The final response (after redirects).
public struct OutboundResponse: Sendable {
    /// The URL that answered (the last redirect hop's).
    public var url: String
    public var statusCode: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(url: String, statusCode: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.url = url
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
    }
}
