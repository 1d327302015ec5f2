import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fan-out benchmark: one message posted over REST, delivered over DDP to N subscribed connections.
///
///     airlock-realtime-bench <base-url> <admin-user> <admin-password> <server-pid> [connections] [rounds]
///
/// Prints delivery latency percentiles (REST post start → frame received, per connection) and the server's RSS
/// per idle connection. Raises RLIMIT_NOFILE for itself; the script raises it for the server.
@main
struct RealtimeBenchmark {
    static func main() async throws {
        let args = CommandLine.arguments
        guard args.count >= 5 else {
            print("usage: airlock-realtime-bench <base-url> <admin-user> <admin-password> <server-pid> [connections] [rounds]")
            return
        }
        let base = args[1], pid = args[4]
        let connections = args.count > 5 ? Int(args[5]) ?? 1000 : 1000
        let rounds = args.count > 6 ? Int(args[6]) ?? 20 : 20
        raiseFileLimit()

        let login = try await post(base, "/api/v1/login", ["user": args[2], "password": args[3]], auth: nil)
        guard let data = login["data"] as? [String: Any], let uid = data["userId"] as? String, let token = data["authToken"] as? String
        else { throw BenchError("login failed: \(login)") }
        let auth = (uid, token)
        let channel = try await post(base, "/api/v1/channels.create", ["name": "fanout-\(UUID().uuidString.prefix(8))"], auth: auth)
        guard let rid = (channel["channel"] as? [String: Any])?["_id"] as? String else { throw BenchError("channels.create failed") }

        let rssBefore = rss(pid: pid)
        let state = BenchState()
        let wsURL = base.replacingOccurrences(of: "http://", with: "ws://") + "/websocket"
        var tasks: [Task<Void, Never>] = []
        for index in 0..<connections {
            tasks.append(Task { await connect(url: wsURL, token: token, rid: rid, index: index, state: state) })
            if index % 100 == 99 { try await Task.sleep(for: .milliseconds(20)) }
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while state.ready.withLock({ $0 }) < connections {
            guard ContinuousClock.now < deadline else { throw BenchError("only \(state.ready.withLock { $0 }) of \(connections) subscribed") }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(1))
        let rssIdle = rss(pid: pid)

        var latencies: [Double] = []
        for round in 0..<rounds {
            let text = "round-\(round)"
            state.expect(text: text, count: connections)
            let start = DispatchTime.now().uptimeNanoseconds
            state.started.withLock { $0[text] = start }
            _ = try await post(base, "/api/v1/chat.postMessage", ["roomId": rid, "text": text], auth: auth)
            let roundDeadline = ContinuousClock.now + .seconds(30)
            while !state.complete(text: text) {
                guard ContinuousClock.now < roundDeadline else { throw BenchError("round \(round): not all deliveries arrived") }
                try await Task.sleep(for: .milliseconds(2))
            }
            latencies += state.latencies(text: text)
            try await Task.sleep(for: .milliseconds(100))
        }
        for task in tasks { task.cancel() }

        latencies.sort()
        func p(_ q: Double) -> String { String(format: "%.1f ms", latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))]) }
        print("fan-out to \(connections) connections, \(rounds) messages (\(latencies.count) deliveries)")
        print("BENCH delivery latency p50 \(p(0.5))  p90 \(p(0.9))  p99 \(p(0.99))  max \(p(1.0))")
        let perConnection = Double(rssIdle - rssBefore) / Double(connections) / 1024
        print(String(format: "BENCH server RSS: %.1f MiB before, %.1f MiB with %d idle connections: %.1f KiB per connection",
                     Double(rssBefore) / 1_048_576, Double(rssIdle) / 1_048_576, connections, perConnection))
    }

    static func connect(url: String, token: String, rid: String, index: Int, state: BenchState) async {
        _ = try? await WebSocketClient.connect(url: url, logger: Logger(label: "bench")) { inbound, outbound, _ in
            try await outbound.write(.text(#"{"msg":"connect","version":"1","support":["1"]}"#))
            try await outbound.write(.text(#"{"msg":"method","method":"login","id":"l","params":[{"resume":"\#(token)"}]}"#))
            try await outbound.write(.text(#"{"msg":"sub","id":"s","name":"stream-room-messages","params":["\#(rid)",false]}"#))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                let now = DispatchTime.now().uptimeNanoseconds
                if text.contains(#""msg":"ready""#) { state.ready.withLock { $0 += 1 } }
                if text.contains(#""msg":"ping""#) { try await outbound.write(.text(#"{"msg":"pong"}"#)) }
                if text.contains(#""collection":"stream-room-messages""#), let range = text.range(of: #""msg":"round-"#) {
                    let rest = text[range.upperBound...]
                    let number = rest.prefix { $0.isNumber }
                    state.received(text: "round-\(number)", at: now)
                }
            }
        }
    }

    static func post(_ base: String, _ path: String, _ body: [String: String], auth: (String, String)?) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let (uid, token) = auth {
            request.setValue(uid, forHTTPHeaderField: "X-User-Id")
            request.setValue(token, forHTTPHeaderField: "X-Auth-Token")
        }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    static func rss(pid: String) -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
        return (statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func raiseFileLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// Delivery bookkeeping shared by the connection tasks.
final class BenchState: Sendable {
    let ready = Mutex(0)
    let started = Mutex<[String: UInt64]>([:])
    private let deliveries = Mutex<[String: [Double]]>([:])
    private let expected = Mutex<[String: Int]>([:])

    func expect(text: String, count: Int) { expected.withLock { $0[text] = count } }

    func received(text: String, at time: UInt64) {
        guard let start = started.withLock({ $0[text] }) else { return }
        deliveries.withLock { $0[text, default: []].append(Double(time - start) / 1e6) }
    }

    func complete(text: String) -> Bool {
        let count = deliveries.withLock { $0[text]?.count ?? 0 }
        return count >= expected.withLock { $0[text] ?? .max }
    }

    func latencies(text: String) -> [Double] { deliveries.withLock { $0[text] ?? [] } }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
