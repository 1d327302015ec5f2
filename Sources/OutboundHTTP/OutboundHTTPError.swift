/// Why an outbound request was refused or failed; `description` is what the app's catch block sees.
public enum OutboundHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case invalidAllowListEntry(String)
    case unresolvable(host: String, reason: String)
    case refused(host: String, address: String, reason: String)
    case tooManyRedirects(Int)
    case responseTooLarge(limit: Int)
    case timedOut(milliseconds: Int)
    case transport(String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "Invalid URL \"\(url)\": only absolute http and https URLs can be requested"
        case .invalidAllowListEntry(let entry): "Invalid outbound allow-list entry \"\(entry)\""
        case .unresolvable(let host, let reason): "Cannot resolve \"\(host)\": \(reason)"
        case .refused(let host, let address, let reason):
            "Request to \"\(host)\" refused: it resolves to \(address), a \(reason) (ask the admin to add it to the outbound allow-list)"
        case .tooManyRedirects(let limit): "Too many redirects (more than \(limit))"
        case .responseTooLarge(let limit): "The response is larger than the \(limit) bytes allowed"
        case .timedOut(let milliseconds): "The request timed out after \(milliseconds) ms"
        case .transport(let message): "The request failed: \(message)"
        }
    }
}
