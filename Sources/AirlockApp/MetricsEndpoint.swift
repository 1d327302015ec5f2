import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The Prometheus scrape endpoint, on its own listener bound to 127.0.0.1 so it is never exposed with the API.
enum MetricsEndpoint {
    static func application(registry: PrometheusCollectorRegistry, port: Int, logger: Logger) -> some Service {
        let router = Router()
        router.get("metrics") { _, _ in
            var buffer = [UInt8]()
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "Airlock-metrics"),
            logger: logger)
    }
}
