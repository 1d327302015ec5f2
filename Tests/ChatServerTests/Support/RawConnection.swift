import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP client for tests that must send bytes no HTTP or WebSocket client would: it records everything the
/// server sends and notices when the server closes.
final class RawConnection: Sendable {
    private let channel: any Channel
    private let received: Received

    final class Received: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let bytes = Mutex<[UInt8]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }
    }

    private init(channel: any Channel, received: Received) {
        self.channel = channel
        self.received = received
    }

    static func open(port: Int) async throws -> RawConnection {
        let received = Received()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) } }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, received: received)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    /// Sends, and answers false instead of throwing when the server had already closed the connection (what tests of
    /// the server's timeouts and limits expect it may do before everything was written, on a loaded machine).
    func sendUnlessClosed(_ bytes: [UInt8]) async throws -> Bool {
        do {
            try await send(bytes)
            return true
        } catch {
            // A write can fail as closed while the close is still on its way to `isActive` (seen in CI under load).
            if !channel.isActive || (error as? ChannelError) == .ioOnClosedChannel { return false }
            throw error
        }
    }

    /// Everything received so far.
    var bytes: [UInt8] { received.bytes.withLock { $0 } }
    var text: String { String(decoding: bytes, as: UTF8.self) }
    var isOpen: Bool { channel.isActive }

    /// Waits until the server closed the connection; throws when it is still open after `timeout`.
    func waitUntilClosed(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while channel.isActive {
            guard ContinuousClock.now < deadline else { throw TestFailure("the server kept the connection open for \(timeout); got \(text.prefix(300))") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until at least `count` bytes arrived.
    func waitForBytes(_ count: Int, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while bytes.count < count {
            guard ContinuousClock.now < deadline else { throw TestFailure("only \(bytes.count) bytes arrived: \(text.prefix(300))") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func close() { channel.close(promise: nil) }
}
