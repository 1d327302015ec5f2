import Foundation

/// One message between the server and an app's worker process over their socketpair:
/// `[u32 length][u8 kind][u64 id][payload]`, little-endian, `length` counting kind, id and payload. The hot frames
/// (`call`, `reply`) carry the bridge envelope as JSON text that JavaScriptCore parses and writes natively; their
/// few numbers are binary. Control frames carry small JSON objects.
struct WorkerFrame: Sendable {
    enum Kind: UInt8, Sendable {
        // Server → worker.
        /// `{version}`: the handshake's first half.
        case hello = 1
        /// `{files}`: the package to load into the VM (once per process). Answered by `reply`.
        case load = 2
        /// `[f64 cpu][f64 wall]` + the envelope JSON; `id` is the envelope's. Answered by `reply`.
        case call = 3
        /// `[u8 status]` + the accessor's answer (JSON, empty for `undefined`) or `{name, message}`.
        case accessorReply = 4
        /// `[u8 full]`: measure the heap. Answered by `heapReply`.
        case heap = 5

        // Worker → server.
        /// `{version, pid}`: the handshake's second half.
        case ready = 20
        /// `[u8 status]` + the reply JSON, or `{kind, name, message, stack}` for a failure.
        case reply = 21
        /// `{name, args, call}`: an accessor call of the app's.
        case accessor = 22
        /// `{level, method, message}`.
        case log = 23
        /// `{kind, seconds}`: the VM is stuck, or a timer overran its budget.
        case notice = 24
        /// `[i64 bytes]`.
        case heapReply = 25
    }

    /// The protocol's version; both ends must speak the same one (the worker is the server's own binary, but an
    /// upgrade can replace that binary under a running server).
    static let version = 1
    static let headerBytes = 13

    var kind: Kind
    var id: UInt64
    var payload: [UInt8]

    init(_ kind: Kind, id: UInt64 = 0, payload: [UInt8] = []) {
        self.kind = kind
        self.id = id
        self.payload = payload
    }

    /// A frame with a status byte and text after it (`reply`, `accessorReply`).
    init(_ kind: Kind, id: UInt64, status: UInt8, text: String) {
        var payload: [UInt8] = [status]
        payload.append(contentsOf: text.utf8)
        self.init(kind, id: id, payload: payload)
    }

    /// A frame whose payload is a JSON object.
    init(_ kind: Kind, id: UInt64 = 0, json: some Encodable) throws {
        self.init(kind, id: id, payload: Array(try JSONEncoder().encode(json)))
    }

    /// The bytes on the wire.
    var encoded: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(4 + Self.headerBytes - 4 + payload.count)
        Self.append(UInt32(9 + payload.count), to: &bytes)
        bytes.append(kind.rawValue)
        Self.append(id, to: &bytes)
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// The payload decoded as JSON.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(payload))
    }

    /// The status byte of a `reply`/`accessorReply` and the text after it.
    var statusAndText: (status: UInt8, text: String) {
        guard let status = payload.first else { return (255, "") }
        return (status, String(decoding: payload[1...], as: UTF8.self))
    }

    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func read<T: FixedWidthInteger>(_ type: T.Type, from bytes: some Collection<UInt8>, at offset: Int) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { raw in
            for (index, byte) in bytes.dropFirst(offset).prefix(MemoryLayout<T>.size).enumerated() { raw[index] = byte }
        }
        return T(littleEndian: value)
    }

    /// Reply statuses.
    static let ok: UInt8 = 0
    static let failed: UInt8 = 1
}
