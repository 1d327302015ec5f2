import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Sits after the HTTP decoder and the upgrade handler of one connection. It never unwraps what passes through
/// (HTTP parts before an upgrade, WebSocket frames after), so it can stay for the connection's whole life.
final class HTTPEdgeGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundOut = HTTPServerResponsePart

    private let limits: HTTPEdgeLimits
    private var headTimer: Scheduled<Void>?
    private var sawRequest = false

    init(limits: HTTPEdgeLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        headTimer = context.eventLoop.scheduleTask(in: TimeAmount(limits.headerTimeout)) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        headTimer?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        requestStarted()
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let upgrade = event as? HTTPServerUpgradeEvents, case .upgradeComplete = upgrade {
            requestStarted()
            // The WebSocket decoder is in place and buffered frames are about to be replayed: check every one.
            if let decoder = try? context.pipeline.syncOperations.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self) {
                try? context.pipeline.syncOperations.addHandler(WebSocketMaskCheck(), position: .after(decoder))
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if sawRequest {
            // Hummingbird answers 400 itself once a request has been read; make sure the connection then ends.
            let channel = context.channel
            context.eventLoop.scheduleTask(in: TimeAmount(limits.closeGrace)) { channel.close(promise: nil) }
            context.fireErrorCaught(error)
            return
        }
        // Nothing has been answered yet on this connection, so the response cannot interleave with another.
        headTimer?.cancel()
        let body = ByteBuffer(bytes: (try? JSONEncoder().encode(Refusal(error: "Malformed request: \(parseError)"))) ?? Data())
        var head = HTTPResponseHead(version: .http1_1, status: .badRequest)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        head.headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Rocket.Chat's refusal body.
    private struct Refusal: Encodable {
        var success = false
        let error: String
    }

    private func requestStarted() {
        guard !sawRequest else { return }
        sawRequest = true
        headTimer?.cancel()
        headTimer = nil
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
