public import ChatServer
import Foundation
public import Hummingbird
import NIOCore

/// Serves the web console from the binary: `/` (the web chat), `/admin` (the apps console) and their `/assets/*` (dependency-free
/// JavaScript modules and CSS, embedded at build time from `Assets/`). Pages carry a strict Content-Security-Policy:
/// scripts and styles only from this origin, no inline code, no framing; the console talks to the REST API with the
/// token it keeps, like Rocket.Chat's web client.
public struct WebConsoleController: Sendable {
    static let policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    public init() {}

    public func register(on router: Router<AirlockRequestContext>) {
        router.get("/") { _, _ in try Self.asset("chat.html") }
        router.get("admin") { _, _ in try Self.asset("admin.html") }
        router.get("assets/:file") { _, context in try Self.asset(try context.parameters.require("file")) }
    }

    static func asset(_ name: String) throws -> Response {
        guard let source = EmbeddedWebAssets.files[name] else { throw HTTPError(.notFound) }
        let type: String
        switch (name as NSString).pathExtension {
        case "html": type = "text/html; charset=utf-8"
        case "js": type = "text/javascript; charset=utf-8"
        case "css": type = "text/css; charset=utf-8"
        default: type = "application/octet-stream"
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: type, .contentSecurityPolicy: policy, .init("X-Content-Type-Options")!: "nosniff",
                .init("Referrer-Policy")!: "no-referrer", .cacheControl: "no-cache",
            ],
            body: .init(byteBuffer: ByteBuffer(string: source)))
    }
}
