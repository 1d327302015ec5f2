public import AppsHost
public import ChatCore
public import ChatServer
import Foundation
public import Hummingbird

/// Rocket.Chat's slash command routes over the apps' commands: `GET /api/v1/commands.list`,
/// `POST /api/v1/commands.run`, `GET|POST /api/v1/commands.preview`.
public struct CommandsController: Sendable {
    let commands: AppCommands
    let services: ChatServices
    let maxBodySize: Int

    public init(commands: AppCommands, services: ChatServices, maxBodySize: Int = 1 << 20) {
        self.commands = commands
        self.services = services
        self.maxBodySize = maxBodySize
    }

    public func register(on router: Router<AirlockRequestContext>) {
        let api = router.group("api/v1").add(middleware: AuthMiddleware(auth: services.auth))
        api.get("commands.list") { request, _ in
            let all = commands.list()
            let page = try request.page(settings: services.context.settings, defaultAscending: true)
            let items = Array(all.dropFirst(page.offset).prefix(page.count))
            return try JSONResponse.success(PagedList(key: "commands", items: items, offset: page.offset, total: all.count))
        }
        api.post("commands.run") { request, context in
            let caller = try context.caller()
            let body = try await request.json(RunRequest.self, limit: maxBodySize)
            try await commands.run(
                body.command, params: body.params ?? "", roomId: body.roomId, threadId: body.tmid, triggerId: body.triggerId, by: caller)
            return JSONResponse.success()
        }
        api.get("commands.preview") { request, context in
            let caller = try context.caller()
            let preview = try await commands.preview(
                try request.requiredQuery("command"), params: request.query("params") ?? "", roomId: try request.requiredQuery("roomId"),
                by: caller)
            return try JSONResponse.success(Named(key: "preview", value: preview))
        }
        api.post("commands.preview") { request, context in
            let caller = try context.caller()
            let body = try await request.json(PreviewRequest.self, limit: maxBodySize)
            try await commands.executePreviewItem(
                body.command, params: body.params ?? "", roomId: body.roomId, item: body.previewItem, threadId: body.tmid,
                triggerId: body.triggerId, by: caller)
            return JSONResponse.success()
        }
    }

    struct PreviewRequest: Decodable {
        let command: String
        let params: String?
        let roomId: String
        let previewItem: JSONValue
        let tmid: String?
        let triggerId: String?
    }

    struct RunRequest: Decodable {
        let command: String
        let params: String?
        let roomId: String
        let tmid: String?
        let triggerId: String?
    }
}
