import AppsEngine
import ServiceLifecycle

/// Runs the apps' log writer for the life of the server; on graceful shutdown it stops every app VM and writes the
/// last log lines. (Apps are started by ``AirlockServer/build(_:logger:metricsRegistry:)``, before the server listens.)
struct AppsEngineService: Service {
    let manager: AppManager

    func run() async throws {
        await cancelWhenGracefulShutdown { await manager.logs.run() }
        await manager.shutdown()
    }
}
