public import AppsHost
import ChatCore
public import ChatServer
import Foundation
public import Hummingbird

/// UIKit: `POST /api/apps/ui.interaction/:appId` and `GET /api/apps/actionButtons` (any logged-in user).
public struct InteractionsController: Sendable {
    let interactions: AppInteractions
    let auth: AuthService
    let maxBodySize: Int

    public init(interactions: AppInteractions, auth: AuthService, maxBodySize: Int = 1 << 20) {
        self.interactions = interactions
        self.auth = auth
        self.maxBodySize = maxBodySize
    }

    public func register(on router: Router<AirlockRequestContext>) {
        let api = router.group("api/apps").add(middleware: AuthMiddleware(auth: auth))
        api.post("ui.interaction/:appId") { request, context in
            let caller = try context.caller()
            let payload = try await request.json(JSONValue.self, limit: maxBodySize)
            let response = try await interactions.handle(appId: try context.parameters.appId("appId"), payload: payload, user: caller)
            return try JSONResponse.make(response, status: .ok)
        }
        api.get("actionButtons") { _, _ in
            try JSONResponse.make(interactions.buttons(), status: .ok)
        }
    }
}
