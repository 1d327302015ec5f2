import AppsRuntime
import Metrics

/// Each app's runtime as `/metrics` gauges, labelled by app id: whether it runs in a worker, the worker's pid,
/// resident memory and CPU, and how often it restarted. Refreshed at every memory poll.
enum AppRuntimeMetrics {
    static func record(_ status: AppRuntimeStatus, appId: String) {
        let dimensions = [("app_id", appId)]
        Gauge(label: "airlock_app_worker", dimensions: dimensions).record(status.mode == "worker" ? 1 : 0)
        Gauge(label: "airlock_app_worker_pid", dimensions: dimensions).record(Int(status.pid ?? 0))
        Gauge(label: "airlock_app_worker_rss_bytes", dimensions: dimensions).record(status.rssBytes ?? 0)
        Gauge(label: "airlock_app_worker_cpu_seconds", dimensions: dimensions).record(status.cpuSeconds ?? 0)
        Gauge(label: "airlock_app_worker_restarts", dimensions: dimensions).record(status.restarts)
    }
}
