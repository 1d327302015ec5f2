import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One end of the server–worker socketpair: whole frames written under a lock (from any thread), frames read by one
/// reader thread with a buffer (one `read` usually brings several small frames).
final class FrameSocket: Sendable {
    /// A frame longer than the reader accepts: the peer is broken or hostile, and the connection is dropped.
    struct Oversized: Error, CustomStringConvertible {
        let bytes: Int
        let limit: Int
        var description: String { "a frame of \(bytes) bytes (limit \(limit))" }
    }

    let fd: Int32
    private let writeLock = Mutex(())
    private let buffer = Mutex<(bytes: [UInt8], start: Int, chunk: [UInt8])>(([], 0, [UInt8](repeating: 0, count: 64 << 10)))
    /// Set (under the write lock) once the descriptor is released, so no write reaches a reused descriptor number.
    private let released = Atomic<Bool>(false)

    init(fd: Int32) {
        self.fd = fd
    }

    /// Writes a frame; false when the peer is gone.
    @discardableResult
    func send(_ frame: WorkerFrame) -> Bool {
        let bytes = frame.encoded
        return writeLock.withLock { _ in
            guard !released.load(ordering: .relaxed) else { return false }
            return bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if written < 0 {
                        if errno == EINTR { continue }
                        // A non-blocking socket (the worker's) with a full buffer: wait until it drains.
                        if errno == EAGAIN || errno == EWOULDBLOCK {
                            var writable = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                            _ = poll(&writable, 1, -1)
                            continue
                        }
                        return false
                    }
                    offset += written
                }
                return true
            }
        }
    }

    /// The next frame, blocking; nil at the end of the stream. Only one thread reads. `limit` is read when a frame's
    /// length arrives (it may change while the reader waits).
    func receive(limit: @autoclosure () -> Int) throws -> WorkerFrame? {
        try buffer.withLock { state in
            while true {
                if let frame = try Self.next(&state, limit: limit()) { return frame }
                switch Self.fill(&state, fd: fd) {
                case .data, .wouldBlock: continue
                case .end: return nil
                }
            }
        }
    }

    /// The frames that have arrived, without blocking (the descriptor is non-blocking); nil at the end of the stream.
    func receiveAvailable(limit: Int) throws -> [WorkerFrame]? {
        try buffer.withLock { state in
            var frames: [WorkerFrame] = []
            while true {
                while let frame = try Self.next(&state, limit: limit) { frames.append(frame) }
                switch Self.fill(&state, fd: fd) {
                case .data: continue
                case .wouldBlock: return frames
                case .end: return frames.isEmpty ? nil : frames
                }
            }
        }
    }

    /// Makes reads return at once when nothing has arrived (for a reader that polls).
    func setNonBlocking() {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    private typealias Buffer = (bytes: [UInt8], start: Int, chunk: [UInt8])

    /// A whole frame from the buffer, if one is there.
    private static func next(_ state: inout Buffer, limit: Int) throws -> WorkerFrame? {
        while state.bytes.count - state.start >= 4 {
            let available = state.bytes.count - state.start
            let length = Int(WorkerFrame.read(UInt32.self, from: state.bytes, at: state.start))
            guard length >= 9, length <= limit else { throw Oversized(bytes: length, limit: limit) }
            guard available >= 4 + length else { return nil }
            let base = state.start + 4
            let kindByte = state.bytes[base]
            let id = WorkerFrame.read(UInt64.self, from: state.bytes, at: base + 1)
            let payload = Array(state.bytes[(base + 9)..<(base + length)])
            state.start += 4 + length
            if let kind = WorkerFrame.Kind(rawValue: kindByte) { return WorkerFrame(kind, id: id, payload: payload) }
        }
        return nil
    }

    private enum Fill { case data, wouldBlock, end }

    /// One `read` into the buffer (compacted first).
    private static func fill(_ state: inout Buffer, fd: Int32) -> Fill {
        if state.start > 0 {
            state.bytes.removeFirst(state.start)
            state.start = 0
        }
        while true {
            let count = state.chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                state.bytes.append(contentsOf: state.chunk[0..<count])
                return .data
            }
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return .wouldBlock }
            return .end
        }
    }

    /// Shuts the connection down both ways: a reader blocked in `read` wakes with the end of the stream, writes fail.
    func shutDown() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Closes the descriptor; called once by the reader when it is done (closing under a blocked reader could hand
    /// it a reused descriptor number).
    func release() {
        writeLock.withLock { _ in
            guard !released.exchange(true, ordering: .relaxed) else { return }
            Glibc.close(fd)
        }
    }

    /// A connected pair (close-on-exec both), for the server and the worker it spawns.
    static func pair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        return (fds[0], fds[1])
    }
}
