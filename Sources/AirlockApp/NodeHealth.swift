import ChatServer
import Foundation
import Hummingbird
import MongoStore
import Synchronization

/// What a load balancer asks a node: `/health/live` (the process answers: restart it otherwise) and
/// `/health/ready` (send it clients: it has started, is not draining, and — with several nodes — hears the others
/// through its event stream). Both answer JSON with the node's id; not ready is 503.
final class NodeHealth: Sendable {
    let node: String
    let relay: MongoEventRelay?
    let realtime: RealtimeHub
    private let state = Mutex((started: false, draining: false))

    init(node: String, relay: MongoEventRelay?, realtime: RealtimeHub) {
        self.node = node
        self.relay = relay
        self.realtime = realtime
    }

    func started() { state.withLock { $0.started = true } }
    func drain() { state.withLock { $0.draining = true } }

    struct Report: Encodable {
        let status: String
        let node: String
        let started: Bool
        let draining: Bool
        let eventStream: String
        let sockets: Int
    }

    func register(on router: Router<AirlockRequestContext>) {
        router.get("health/live") { _, _ in
            try JSONResponse.make(["status": "live", "node": self.node], status: .ok)
        }
        router.get("health/ready") { _, _ in
            let (started, draining) = self.state.withLock { ($0.started, $0.draining) }
            let streaming = self.relay?.isStreaming ?? true
            let ready = started && !draining && streaming
            let report = Report(
                status: ready ? "ready" : draining ? "draining" : "not ready", node: self.node, started: started, draining: draining,
                eventStream: self.relay == nil ? "single node" : streaming ? "open" : "lost", sockets: self.realtime.connectionCount)
            return try JSONResponse.make(report, status: ready ? .ok : .serviceUnavailable)
        }
    }
}
