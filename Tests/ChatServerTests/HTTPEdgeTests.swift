import AirlockApp
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

/// Malformed HTTP and WebSocket input at the edge, sent byte for byte the way a fuzzer or a hostile client would:
/// every malformed request head gets a 400 and a closed connection, slow and idle clients are cut off, one address
/// cannot hold every connection, and WebSocket protocol violations close with RFC 6455's codes.
@Suite(.timeLimit(.minutes(1))) struct HTTPEdgeTests {
    static let malformedHeads: [(String, String)] = [
        ("control character in a header", "GET /api/info HTTP/1.1\r\nHost: x\r\nX-A: a\u{01}b\r\n\r\n"),
        ("NUL in a header", "GET /api/info HTTP/1.1\r\nHost: x\r\nX-A: a\u{00}b\r\n\r\n"),
        ("DEL in a header", "GET /api/info HTTP/1.1\r\nHost: x\r\nX-A: a\u{7f}b\r\n\r\n"),
        ("header without a colon", "GET /api/info HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"),
        ("bad method", "G@T /api/info HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("bad version", "GET /api/info HTTP/9.Z\r\nHost: x\r\n\r\n"),
        ("bare LF line ends", "GET /api/info HTTP/1.1\nHost: x\n\n"),
        ("a 100 KB header", "GET /api/info HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n"),
        ("Content-Length and Transfer-Encoding", "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("negative Content-Length", "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
        ("bad chunk size", "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
        ("malformed second request", "GET /api/info HTTP/1.1\r\nHost: x\r\n\r\nG@T / HTTP/1.1\r\n\r\n"),
    ]

    static func configuration() throws -> AirlockConfiguration {
        var configuration = TestServer.configuration()
        try configuration.setLimit("http.headerTimeoutSeconds=1")
        try configuration.setLimit("http.idleTimeoutSeconds=1")
        return configuration
    }

    @Test func malformedRequestsGet400AndAClosedConnection() async throws {
        // Timeouts well past the test's own pace: under a loaded test run a 1 s header timeout could close a
        // connection before its malformed head was read, and this test is about the 400.
        var configuration = TestServer.configuration()
        try configuration.setLimit("http.headerTimeoutSeconds=20")
        try await TestServer.run(.live, configuration: configuration) { api, _ in
            let port = try #require(api.client.port)
            for (name, request) in Self.malformedHeads {
                let connection = try await RawConnection.open(port: port)
                // The server may answer and close before a long request is fully written.
                try? await connection.send(request)
                try await connection.waitUntilClosed()
                let answers = connection.text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
                #expect(answers.last == "400", "\(name): \(connection.text.prefix(200))")
            }
            // The server is still fine.
            let healthy = try await RawConnection.open(port: port)
            try await healthy.send("GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n")
            try await healthy.waitForBytes(12)
            #expect(healthy.text.hasPrefix("HTTP/1.1 200"))
            healthy.close()
        }
    }

    @Test func slowHeadersAndIdleConnectionsAreClosed() async throws {
        try await TestServer.run(.live, configuration: try Self.configuration()) { api, _ in
            let port = try #require(api.client.port)
            // On a loaded machine the client side can meet the server's close in a call it did not expect it in (a CI
            // run threw "I/O on closed channel" here): the scenario is about the server, so it runs once more.
            for attempt in 1...2 {
                do {
                    try await Self.slowAndIdle(port: port)
                    return
                } catch let error as ChannelError where error == .ioOnClosedChannel && attempt == 1 {
                    continue
                }
            }
        }
    }

    static func slowAndIdle(port: Int) async throws {
        // Headers that never end: closed after the header timeout (possibly before they were all written).
        let slow = try await RawConnection.open(port: port)
        _ = try await slow.sendUnlessClosed(Array("GET /api/info HTTP/1.1\r\nHost: x\r\n".utf8))
        try await slow.waitUntilClosed()
        #expect(slow.bytes.isEmpty)

        // A whole request is answered, then the idle connection is closed. (A loaded machine may take longer than the
        // 1 s timeout between connecting and writing: then the server closed first, and we try again.)
        let request = Array("GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        var idle = try await RawConnection.open(port: port)
        var attempts = 1
        while !(try await idle.sendUnlessClosed(request)), attempts < 3 {
            idle = try await RawConnection.open(port: port)
            attempts += 1
        }
        try await idle.waitUntilClosed()
        #expect(idle.text.hasPrefix("HTTP/1.1 200"))
    }

    @Test func oneAddressCannotHoldEveryConnection() async throws {
        var configuration = try Self.configuration()
        try configuration.setLimit("http.headerTimeoutSeconds=30")
        try configuration.setLimit("http.idleTimeoutSeconds=30")
        try configuration.setLimit("http.maxConnectionsPerAddress=3")
        try await TestServer.run(.live, configuration: configuration) { api, _ in
            let port = try #require(api.client.port)
            // The test client holds one connection; two more fit.
            #expect(try await api.get("/api/info", auth: nil).status == 200)
            let held = [try await RawConnection.open(port: port), try await RawConnection.open(port: port)]
            defer { held.forEach { $0.close() } }
            try await Task.sleep(for: .milliseconds(100))
            let refused = try await RawConnection.open(port: port)
            try await refused.waitUntilClosed()
            #expect(held.allSatisfy { $0.isOpen })
            held[0].close()
            try await held[0].waitUntilClosed()
            var admitted = false
            for _ in 0..<100 where !admitted {
                let next = try await RawConnection.open(port: port)
                // Until the server has seen the close, a new connection is still refused (closed at once).
                guard try await next.sendUnlessClosed(Array("GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) else { continue }
                try? await next.waitForBytes(12, timeout: .milliseconds(500))
                admitted = next.text.hasPrefix("HTTP/1.1 200")
                next.close()
            }
            #expect(admitted)
        }
    }

    // MARK: WebSocket frames

    /// Opens `/websocket` by hand and answers the connection once the 101 arrived.
    static func upgraded(port: Int) async throws -> RawConnection {
        let connection = try await RawConnection.open(port: port)
        try await connection.send(
            "GET /websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        let deadline = ContinuousClock.now + .seconds(10)
        while !connection.text.contains("\r\n\r\n") {
            guard ContinuousClock.now < deadline else { throw TestFailure("no upgrade answer: \(connection.text)") }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(connection.text.hasPrefix("HTTP/1.1 101"))
        return connection
    }

    /// One client frame; masked unless told otherwise.
    static func frame(opcode: UInt8, fin: Bool = true, payload: [UInt8], masked: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            bytes.append(maskBit | UInt8(payload.count))
        } else {
            bytes.append(maskBit | 126)
            bytes.append(UInt8(payload.count >> 8))
            bytes.append(UInt8(payload.count & 0xff))
        }
        guard masked else { return bytes + payload }
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        return bytes + key + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }

    /// The close code of the server's close frame (the last frame received after the 101).
    static func closeCode(_ connection: RawConnection) -> UInt16? {
        let all = connection.bytes
        guard let end = all.indices.dropLast(3).first(where: { all[$0] == 13 && all[$0 + 1] == 10 && all[$0 + 2] == 13 && all[$0 + 3] == 10 })
        else { return nil }
        var frames = Array(all[(end + 4)...])
        while frames.count >= 2 {
            let opcode = frames[0] & 0x0f
            var length = Int(frames[1] & 0x7f)
            var offset = 2
            if length == 126 {
                guard frames.count >= 4 else { return nil }
                length = Int(frames[2]) << 8 | Int(frames[3])
                offset = 4
            }
            guard frames.count >= offset + length else { return nil }
            if opcode == 0x8, length >= 2 { return UInt16(frames[offset]) << 8 | UInt16(frames[offset + 1]) }
            frames.removeFirst(offset + length)
        }
        return nil
    }

    @Test(arguments: [
        ("invalid UTF-8 in a text frame", [frame(opcode: 0x1, payload: [0x7b, 0xff, 0xfe, 0x7d])], UInt16(1007)),
        ("an unmasked client frame", [frame(opcode: 0x1, payload: Array(#"{"msg":"ping"}"#.utf8), masked: false)], UInt16(1002)),
        ("a continuation without a start", [frame(opcode: 0x0, payload: Array("abc".utf8))], UInt16(1002)),
        (
            "a fragmented message over the size limit",
            [frame(opcode: 0x1, fin: false, payload: Array(repeating: 0x61, count: 800)), frame(opcode: 0x0, payload: Array(repeating: 0x61, count: 800))],
            UInt16(1009)
        ),
    ])
    func webSocketViolationsCloseWithTheirCode(_ name: String, _ frames: [[UInt8]], _ expected: UInt16) async throws {
        var configuration = try Self.configuration()
        try configuration.setLimit("ws.maxFrameBytes=1024")
        try await TestServer.run(.live, configuration: configuration) { api, _ in
            let connection = try await Self.upgraded(port: try #require(api.client.port))
            // The server may close as soon as it has seen the violation, before later frames are written.
            for frame in frames where !(try await connection.sendUnlessClosed(frame)) { break }
            try await connection.waitUntilClosed()
            #expect(Self.closeCode(connection) == expected, "\(name): \(connection.bytes.suffix(16))")
        }
    }
}
