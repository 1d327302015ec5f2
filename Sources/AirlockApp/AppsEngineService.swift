import AppsEngine
import ServiceLifecycle

/// Runs the apps' log writer and job scheduler for the life of the server; on graceful shutdown it stops every app
/// VM and writes the last log lines. (Apps are started by ``AirlockServer/build(_:logger:metricsRegistry:)``, before the server listens.)
struct AppsEngineService: Service {
    let manager: AppManager

    func run() async throws {
        await cancelWhenGracefulShutdown {
            async let logs: Void = manager.logs.run()
            async let jobs: Void = manager.scheduler.run()
            _ = await (logs, jobs)
        }
        await manager.shutdown()
    }
}
