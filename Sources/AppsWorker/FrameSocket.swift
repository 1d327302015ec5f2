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
                let available = state.bytes.count - state.start
                if available >= 4 {
                    let length = Int(WorkerFrame.read(UInt32.self, from: state.bytes, at: state.start))
                    let limit = limit()
                    guard length >= 9, length <= limit else { throw Oversized(bytes: length, limit: limit) }
                    if available >= 4 + length {
                        let base = state.start + 4
                        let kindByte = state.bytes[base]
                        let id = WorkerFrame.read(UInt64.self, from: state.bytes, at: base + 1)
                        let payload = Array(state.bytes[(base + 9)..<(base + length)])
                        state.start += 4 + length
                        guard let kind = WorkerFrame.Kind(rawValue: kindByte) else { continue }
                        return WorkerFrame(kind, id: id, payload: payload)
                    }
                }
                // Compact, then read more.
                if state.start > 0 {
                    state.bytes.removeFirst(state.start)
                    state.start = 0
                }
                let count = state.chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return nil }
                state.bytes.append(contentsOf: state.chunk[0..<count])
            }
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
