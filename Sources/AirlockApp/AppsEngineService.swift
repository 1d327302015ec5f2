import AppsHost
import Integrations
import MongoStore
import ServiceLifecycle

/// Runs the apps' log writer, job scheduler and memory watch for the life of the server; on graceful shutdown it
/// gives running jobs `jobsGrace` to finish (later ones are handed back to the other nodes), stops every app VM (the integration scripts' sandbox too), writes the last log lines, and the last call stats and
/// events for the other nodes. (Apps are started by ``AirlockServer/build(_:logger:metricsRegistry:)``, before the server listens.)
struct AppsEngineService: Service {
    let manager: AppManager
    let memoryPollInterval: Duration
    let integrationScripts: IntegrationScripts
    let relay: MongoEventRelay?
    let jobsGrace: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            async let logs: Void = manager.logs.run()
            async let jobs: Void = manager.scheduler.run()
            async let memory: Void = manager.watchMemory(every: memoryPollInterval)
            async let stats: Void = manager.stats.run()
            _ = await (logs, jobs, memory, stats)
        }
        await manager.scheduler.stop(waiting: jobsGrace)
        await integrationScripts.close()
        await manager.shutdown()
        await manager.scheduler.idle(within: .seconds(5))
        await manager.stats.publish()
        await relay?.stop()
    }
}
