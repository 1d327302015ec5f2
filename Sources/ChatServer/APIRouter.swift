public import ChatCore
public import Hummingbird

/// Builds the Rocket.Chat-compatible REST router over the chat services.
public enum APIRouter {
    /// The router with every REST route; `configure` lets the composition root add middleware (metrics) first.
    public static func build(
        services: ChatServices, limits: APILimits = APILimits(), version: String,
        configure: (Router<AirlockRequestContext>) -> Void = { _ in }
    ) -> Router<AirlockRequestContext> {
        let router = Router(context: AirlockRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(resolver: limits.clientAddress))
        configure(router)
        router.add(middleware: ErrorMiddleware())
        let publicAPI = router.group("api/v1")
        let auth = AuthController(services: services, limits: limits, version: version)
        auth.registerPublic(on: router, api: publicAPI)

        let api = router.group("api/v1").add(middleware: AuthMiddleware(auth: services.auth))
        auth.registerAuthenticated(on: api)
        UsersController(services: services, limits: limits).register(on: api)
        RolesController(services: services, limits: limits).register(on: api)
        RoomsController(services: services, limits: limits, type: .channel).register(on: api)
        RoomsController(services: services, limits: limits, type: .privateGroup).register(on: api)
        DirectMessagesController(services: services, limits: limits).register(on: api)
        SubscriptionsController(services: services, limits: limits).register(on: api)
        DiscussionsController(services: services, limits: limits).register(on: api)
        MessagesController(services: services, limits: limits).register(on: api)
        return router
    }
}
