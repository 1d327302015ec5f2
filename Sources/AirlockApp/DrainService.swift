import ChatServer
import Logging
import ServiceLifecycle

/// A node's first step on SIGTERM, before the HTTP server stops: `/health/ready` turns 503 so the load balancer
/// stops sending it clients, `delay` later every realtime socket closes with 1001 "going away" and its clients
/// reconnect through the balancer to another node. (It runs in a service group around the application, so it is
/// shut down first; the application then stops the server, the apps and the event relay.)
struct DrainService: Service {
    let health: NodeHealth
    let realtime: RealtimeHub
    let delay: Duration
    let logger: Logger

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return
        }
        health.drain()
        logger.notice("draining: not ready; sockets close soon", metadata: ["sockets": "\(realtime.connectionCount)"])
        try? await Task.sleep(for: delay)
        let closed = realtime.closeAll(reason: "server shutting down")
        logger.notice("drained", metadata: ["sockets.closed": "\(closed)"])
    }
}
