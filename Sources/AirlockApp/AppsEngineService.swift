import AppsHost
import ServiceLifecycle

/// Runs the apps' log writer, job scheduler and memory watch for the life of the server; on graceful shutdown it
/// stops every app VM and writes the last log lines. (Apps are started by ``AirlockServer/build(_:logger:metricsRegistry:)``, before the server listens.)
struct AppsEngineService: Service {
    let manager: AppManager
    let memoryPollInterval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            async let logs: Void = manager.logs.run()
            async let jobs: Void = manager.scheduler.run()
            async let memory: Void = manager.watchMemory(every: memoryPollInterval)
            _ = await (logs, jobs, memory)
        }
        await manager.shutdown()
    }
}
