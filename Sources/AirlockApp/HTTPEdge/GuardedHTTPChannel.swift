import AirlockNetwork
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// The server's child channel: Hummingbird's HTTP/1 + WebSocket-upgrade channel with Airlock's edge rules around it.
///
/// - a per-address connection cap, checked when the connection is accepted;
/// - ``HTTPEdgeGuard`` in the pipeline: a deadline for the first request head, a 400 and a close for a malformed
///   request (Hummingbird's upgrade path otherwise waits forever for a head that never parses), a forced close when
///   a peer keeps a connection open after its malformed request was answered, and masking checks on WebSocket frames;
/// - a close once Hummingbird is done with the connection, whatever state it left it in.
struct GuardedHTTPChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let inner: HTTP1WebSocketUpgradeChannel
    let limits: HTTPEdgeLimits
    let trustedProxies: [AddressRange]
    let counter = ConnectionCounter()

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        if let address = channel.remoteAddress?.ipAddress, !isTrusted(address) {
            guard counter.admit(address, limit: limits.maxConnectionsPerAddress) else {
                logger.debug("connection refused: too many from one address", metadata: ["client.address": "\(address)"])
                channel.close(promise: nil)
                return channel.eventLoop.makeFailedFuture(ChannelError.inputClosed)
            }
            channel.closeFuture.whenComplete { [counter] _ in counter.release(address) }
        }
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try channel.pipeline.syncOperations.addHandler(HTTPEdgeGuard(limits: limits))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        // Refused and malformed requests end the upgrade negotiation with an error Hummingbird logs at error level;
        // they are the client's doing, so its messages for this connection stay quiet.
        var quiet = logger
        quiet.logLevel = .critical
        await inner.handle(value: value, logger: quiet)
        try? await value.channel.close()
    }

    private func isTrusted(_ text: String) -> Bool {
        guard let address = IPAddress(text) else { return false }
        return trustedProxies.contains { $0.contains(address) }
    }
}
