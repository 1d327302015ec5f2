import AirlockJSON
import Foundation
import OutboundHTTP
import Synchronization

/// Apps' outbound HTTP in `airlock dev test`: answered by the scenario's `http` fakes (first match wins; a URL
/// ending in `*` is a prefix) and recorded for `expect.outbound`. A request no fake matches fails in the app with a
/// message naming it, as a network error would.
final class FakeOutboundHTTP: OutboundHTTPTransport {
    struct Fake {
        let method: String?
        let url: String
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]

        init(_ spec: JSONValue) throws {
            guard let url = spec["url"]?.stringValue else { throw ScenarioError("an http fake needs \"url\"") }
            self.url = url
            method = spec["method"]?.stringValue?.uppercased()
            if case .number(let status) = spec["status"] ?? .null { self.status = Int(status) } else { status = 200 }
            var headers = (spec["headers"]?.objectValue ?? [:]).compactMap { key, value in value.stringValue.map { (name: key, value: $0) } }
            switch spec["body"] {
            case .string(let text)?: body = Array(text.utf8)
            case nil, .null?: body = []
            case let value?:
                body = Array((try JSONEncoder().encode(value)))
                if !headers.contains(where: { $0.name.lowercased() == "content-type" }) { headers.append((name: "Content-Type", value: "application/json")) }
            }
            self.headers = headers
        }

        func matches(_ request: OutboundRequest) -> Bool {
            if let method, method != request.method { return false }
            return url.hasSuffix("*") ? request.url.hasPrefix(String(url.dropLast())) : request.url == url
        }
    }

    /// A request the app made, as recorded.
    struct Recorded: Sendable {
        let method: String
        let url: String
        let headers: [String: String]
        let body: String
    }

    let policy = OutboundHTTPPolicy()
    private let fakes: [Fake]
    private let recorded = Mutex<[Recorded]>([])

    init(fakes: [JSONValue]) throws {
        self.fakes = try fakes.map(Fake.init)
    }

    var requests: [Recorded] { recorded.withLock { $0 } }

    func send(_ request: OutboundRequest) async throws(OutboundHTTPError) -> OutboundResponse {
        let headers = Dictionary(request.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        recorded.withLock {
            $0.append(Recorded(method: request.method, url: request.url, headers: headers, body: String(decoding: request.body ?? [], as: UTF8.self)))
        }
        guard let fake = fakes.first(where: { $0.matches(request) }) else {
            throw .transport("no fake in the scenario's \"http\" list answers \(request.method) \(request.url)")
        }
        return OutboundResponse(url: request.url, statusCode: fake.status, headers: fake.headers, body: fake.body)
    }
}
