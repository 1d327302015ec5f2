import BenchmarkSupport
import ChatCore
import Dispatch
import Foundation
import MongoDriver

/// The MongoDB driver layer's own costs, without a server in the loop: mapping a 1 KB message record to BSON and
/// back, building a filter, popping/pushing a pooled client, and a job's hop onto the driver threads. With `--uri`,
/// also round trips to that server (SecantusDB here: a Python server, so these mostly measure it).
///
///     airlock-mongo-bench [iterations] [--uri mongodb://127.0.0.1:PORT/bench?directConnection=true]
@main
enum MongoDriverBenchmark {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var uri: String?
        if let index = arguments.firstIndex(of: "--uri"), index + 1 < arguments.count {
            uri = arguments[index + 1]
            arguments.removeSubrange(index...index + 1)
        }
        let iterations = arguments.first.flatMap(Int.init) ?? 20_000
        let message = Message(
            id: "m-bench-0001", roomId: "GENERAL", text: String(repeating: "a", count: 1000),
            sender: UserRef(id: "u-bench", username: "bench", name: "Bench"), createdAt: Date(timeIntervalSince1970: 1_700_000_000.123))
        print("iterations=\(iterations) record=Message(text 1000 B)")

        let encoded = try BSONDocument(encoding: message)
        Bench.report("encode record → BSON (typed, BSONRecordEncoder)", try measure(iterations) { _ = try BSONDocument(encoding: message) })
        Bench.report("decode BSON → record (typed, BSONRecordDecoder)", try measure(iterations) { _ = try encoded.decode(Message.self) })
        Bench.report("build filter {rid, ts: {$gt: date}}", try measure(iterations) {
            let filter: BSONDocument = ["rid": "GENERAL", "ts": ["$gt": .date(message.createdAt)]]
            _ = filter
        })

        var configuration = MongoClientPool.Configuration(uri: uri ?? "mongodb://127.0.0.1:1/bench")
        configuration.threads = 2
        let pool = try MongoClientPool(configuration)
        Bench.report("pool pop + push (no server contact)", try measure(iterations) { try pool.runBlocking { _ in } })
        var hops: [UInt64] = []
        for _ in 0..<min(iterations, 5_000) {
            let start = DispatchTime.now().uptimeNanoseconds
            try await pool.run { _ in }
            hops.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        Bench.report("job onto the driver threads and back (pool.run, empty body)", hops)

        guard uri != nil else { return }
        try await pool.connect(attempts: 1)
        let count = min(iterations, 2_000)
        let inserts = try pool.runBlocking { connection in
            try measure(count) {
                let document = try BSONDocument(encoding: message).append("_id", .string(UUID().uuidString))
                try connection.insertOne("bench", document)
            }
        }
        Bench.report("insertOne round trip (server in the loop)", inserts)
        let finds = try pool.runBlocking { connection in
            try measure(count) { _ = try connection.findOne("bench", ["roomId": "GENERAL"]) }
        }
        Bench.report("findOne round trip (server in the loop)", finds)
        try pool.runBlocking { try $0.dropDatabase() }
    }

    static func measure(_ iterations: Int, _ body: () throws -> Void) throws -> [UInt64] {
        var samples: [UInt64] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        return samples
    }

}
