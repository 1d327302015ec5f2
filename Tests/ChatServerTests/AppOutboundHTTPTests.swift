import AirlockApp
import AppFixtures
import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OutboundHTTP
import Testing

/// `IHttp` end to end: a fixture app's endpoint makes requests to local services started here, under an allow-list
/// naming only one of them, so every refusal below is a request that would have succeeded without the address rules.
@Suite(.timeLimit(.minutes(2))) struct AppOutboundHTTPTests {
    static let networkId = "0b5d8e9a-3c4f-4a71-9e2d-6c8b7a5f4e31"

    /// A local service: `/echo` answers what it received, `/redirect?to=` redirects, `/big` is 100 KB, `/bytes` is
    /// binary, `/loop` redirects to itself, `/slow` answers after a second.
    static func upstream() -> some ApplicationProtocol {
        let router = Router()
        @Sendable func echo(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: JSONValue] = [:]
            // Names as HTTP/2 would carry them: lower case.
            for field in request.headers { headers[field.name.canonicalName] = .string(field.value) }
            let answer: JSONValue = [
                "method": .string(request.method.rawValue), "query": .string(request.uri.query ?? ""), "headers": .object(headers),
                "body": .string(String(buffer: body)),
            ]
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(answer))))
        }
        router.get("echo", use: echo)
        router.post("echo", use: echo)
        router.put("echo", use: echo)
        router.get("redirect") { request, _ in
            Response(status: .found, headers: [.location: request.uri.queryParameters["to"].map(String.init) ?? "/"])
        }
        router.get("loop") { _, _ in Response(status: .temporaryRedirect, headers: [.location: "/loop"]) }
        router.get("big") { _, _ in String(repeating: "x", count: 100_000) }
        router.get("bytes") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: [0, 255, 1, 128])))
        }
        router.get("slow") { _, _ in
            try await Task.sleep(for: .seconds(1))
            return "late"
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// Runs `test` with two local services (`allowed` is on the allow-list, `other` is not) and Airlock.
    static func withServices(permissions: [String]? = nil, _ test: @escaping @Sendable (_ fetch: Fetch, _ allowed: Int, _ other: Int, TestAPI, Auth) async throws -> Void)
        async throws
    {
        try await upstream().test(.live) { allowedClient in
            try await upstream().test(.live) { otherClient in
                let allowed = try #require(allowedClient.port)
                let other = try #require(otherClient.port)
                var configuration = TestServer.configuration()
                configuration.appsHTTP.allowList = try OutboundAllowList(parsing: ["127.0.0.1:\(allowed)"])
                configuration.appsHTTP.maxResponseBytes = 64 * 1024
                try await TestServer.run(.live, configuration: configuration) { api, admin in
                    let installed = try await api.upload(zip: try AppFixtures.zip("network"), permissions: permissions, auth: admin)
                    #expect(installed.status == 200, "\(installed.json)")
                    try await test(Fetch(api: api), allowed, other, api, admin)
                }
            }
        }
    }

    struct Fetch {
        let api: TestAPI
        func callAsFunction(_ url: String, method: String = "get", options: JSONValue = [:]) async throws -> Reply {
            try await api.call(
                .post, "/api/apps/public/\(AppOutboundHTTPTests.networkId)/fetch", json: ["method": .string(method), "url": .string(url), "options": options])
        }
    }

    @Test func appsReachAllowedServicesThroughTheAppsEnginePipeline() async throws {
        try await Self.withServices { fetch, allowed, _, _, _ in
            let base = "http://127.0.0.1:\(allowed)"
            // Defaults merged (the request wins), pre-request and pre-response handlers, params in the query, JSON parsed.
            let get = try await fetch("\(base)/echo", options: ["headers": ["X-Overridden": "request"], "params": ["q": "a b"]])
            #expect(get["ok"] == true && get["statusCode"] == 200)
            let seen = try #require(get["data"])
            #expect(seen["method"] == "GET")
            #expect(seen["headers"]?["x-default"] == "from-defaults")
            #expect(seen["headers"]?["x-overridden"] == "request")
            #expect(seen["headers"]?["x-pre-request"] == .string("\(base)/echo"))
            #expect(seen["query"] == "fromDefaults=1&q=a%20b")
            #expect(get["headers"]?["x-seen-by-app"] == "yes")
            #expect(get["headers"]?["content-type"] == "application/json")

            // `data` becomes a JSON body; `params` without a body become a form body; `content` is sent as is.
            let posted = try await fetch("\(base)/echo", method: "post", options: ["data": ["n": 1]])
            #expect(posted["data"]?["body"] == "{\"n\":1}")
            #expect(posted["data"]?["headers"]?["content-type"] == "application/json")
            let form = try await fetch("\(base)/echo", method: "put", options: ["params": ["a": "1", "b": "x&y"]])
            #expect(form["data"]?["body"] == "a=1&b=x%26y&fromDefaults=1")
            #expect(form["data"]?["headers"]?["content-type"] == "application/x-www-form-urlencoded")
            let raw = try await fetch("\(base)/echo", method: "post", options: ["content": "plain text", "auth": "user:secret"])
            #expect(raw["data"]?["body"] == "plain text")
            #expect(raw["data"]?["headers"]?["authorization"] == .string("Basic " + Data("user:secret".utf8).base64EncodedString()))

            // A redirect to an allowed place is followed, and the answer says where it ended.
            let hop = try await fetch("\(base)/redirect?to=/echo")
            #expect(hop["ok"] == true && hop["url"] == .string("\(base)/echo"))

            // `encoding: null` gives the app a Buffer.
            #expect(try await fetch("\(base)/bytes", options: ["encoding": .null])["content"]?["bytes"] == [0, 255, 1, 128])
        }
    }

    @Test func restrictedAddressesAreRefusedInsideTheApp() async throws {
        try await Self.withServices { fetch, allowed, other, api, admin in
            // Every spelling of a local address, on a port that is listening but not allowed.
            for host in ["localhost", "127.0.0.1", "127.1", "2130706433", "0x7f000001", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0"] {
                let reply = try await fetch("http://\(host):\(other)/echo")
                #expect(reply["ok"] == false, "\(host)")
                #expect(reply["name"] == "Error", "\(host)")
                #expect(reply["message"]?.stringValue?.contains("refused") == true, "\(host): \(reply.json)")
            }
            // Redirects are checked hop by hop: the allowed service may not bounce the app to a refused one.
            let bounced = try await fetch("http://127.0.0.1:\(allowed)/redirect?to=http://127.0.0.1:\(other)/echo")
            #expect(bounced["ok"] == false)
            #expect(bounced["message"]?.stringValue?.contains("\"127.0.0.1\" refused") == true)
            #expect(try await fetch("http://127.0.0.1:\(allowed)/loop")["message"] == "Too many redirects (more than 5)")

            // Limits: the response size cap, the app's timeout, URLs that are not http(s).
            #expect(try await fetch("http://127.0.0.1:\(allowed)/big")["message"] == "The response is larger than the 65536 bytes allowed")
            #expect(try await fetch("http://127.0.0.1:\(allowed)/slow", options: ["timeout": 300])["message"] == "The request timed out after 300 ms")
            #expect(try await fetch("file:///etc/passwd")["message"]?.stringValue?.hasPrefix("Invalid URL") == true)

            // The refusals are in the app's log for the admin.
            let log = try await api.appLog(Self.networkId, auth: admin)
            #expect(log.contains { $0.hasPrefix("http: GET http://127.1:\(other)/echo") && $0.contains("loopback address") })
        }
    }

    @Test func withoutNetworkingTheAppCatchesAPermissionError() async throws {
        try await Self.withServices(permissions: ["api"]) { fetch, allowed, _, _, _ in
            let reply = try await fetch("http://127.0.0.1:\(allowed)/echo")
            #expect(reply["ok"] == false)
            #expect(reply["name"] == "PermissionDeniedError")
        }
    }

    /// A malformed allow-list entry stops start-up naming it, rather than silently allowing or blocking.
    @Test func aMalformedAllowListEntryIsRefusedAtStartUp() throws {
        #expect(throws: OutboundHTTPError.invalidAllowListEntry("10.0.0.0/33")) {
            _ = try AirlockConfiguration.fromEnvironment(["AIRLOCK_APPS_HTTP_ALLOW": "127.0.0.1:8080, 10.0.0.0/33"])
        }
        let parsed = try AirlockConfiguration.fromEnvironment(["AIRLOCK_APPS_HTTP_ALLOW": "127.0.0.1:8080, intranet.example"])
        #expect(parsed.appsHTTP.allowList == (try OutboundAllowList(parsing: ["127.0.0.1:8080", "intranet.example"])))
    }
}
