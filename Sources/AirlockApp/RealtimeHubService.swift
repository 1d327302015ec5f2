import ChatCore
import ChatServer
import ServiceLifecycle

/// Runs the realtime hub's event loop for the life of the server; it ends on graceful shutdown.
struct RealtimeHubService: Service {
    let hub: RealtimeHub
    let events: AsyncStream<ChatEvent>

    func run() async throws {
        await cancelWhenGracefulShutdown { await hub.run(events: events) }
    }
}
