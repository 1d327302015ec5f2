import AirlockJSON
import AppsPackage
import AppsRuntime
import AppsWorker
import BenchmarkSupport
import JavaScriptRuntime
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The worker-process runtime against its floors, all in one run (quote ratios, never absolute numbers from
/// different runs; anchors.md):
/// - a pipe ping-pong floor (this binary re-run as `--echo`: reads a 400-byte JSON line, writes it back) and a Node
///   child doing the JSON round trip Rocket.Chat's design does (parse, prefix the text, serialise);
/// - a hook round trip into an app in its worker (trivial handler; `executePreMessageSentModify` on a 400-byte
///   message) and the same in process;
/// - the worker's CPU per call, memory (RSS and PSS) of 10 idle workers side by side and its growth over the calls,
///   start to first answered call, and restart after a SIGKILL.
///
///     airlock-worker-bench [iterations] [airlock-binary]
@main
enum WorkerBenchmark {
    static let appSource = """
        'use strict';
        const { App } = require('@rocket.chat/apps-engine/definition/App');
        class ModifyApp extends App {
          async executePreMessageSentModify(message, builder) { return builder.setText('prefix ' + message.text).getMessage(); }
          async checkNoop() { return true; }
        }
        exports.ModifyApp = ModifyApp;
        """
    static let manifest = """
        {"id":"5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8f","name":"Modify","nameSlug":"modify","version":"1.0.0",
         "description":"worker benchmark","requiredApiVersion":"^1.40.0","author":{"name":"Airlock","support":"x"},
         "classFile":"ModifyApp.js","iconFile":"icon.png","implements":["IPreMessageSentModify"],"permissions":[]}
        """
    static let nodeChild = """
        const rl = require('readline').createInterface({ input: process.stdin });
        rl.on('line', (line) => { const m = JSON.parse(line); m.msg = 'prefix ' + m.msg; process.stdout.write(JSON.stringify(m) + '\\n'); });
        """

    static func main() async throws {
        if CommandLine.arguments.dropFirst().first == "--echo" { echo() }
        let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
        let executable = CommandLine.arguments.dropFirst(2).first ?? WorkerOptions.defaultExecutable() ?? "airlock"
        let affinity = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("Cpus_allowed_list") }.map(String.init) ?? "?"
        print("iterations=\(iterations) message_bytes=400 \(affinity.replacingOccurrences(of: "\t", with: " "))")

        let line = Self.messageLine()
        let floor = try childRoundTrips(arguments: [CommandLine.arguments[0], "--echo"], line: line, iterations: iterations)
        Bench.report("pipe ping-pong floor (echo child, 400-byte line)", floor)
        let node = try? childRoundTrips(arguments: ["/usr/bin/node", "-e", nodeChild], line: line, iterations: iterations)
        if let node { Bench.report("Node child: parse, prefix, serialise", node) } else { print("Node child: nodejs not installed") }

        let package = try AppPackageReader().read(try Bench.zip([("app.json", manifest), ("ModifyApp.js", appSource)]))
        var options = WorkerOptions(executable: executable)
        options.failuresBeforeStop = 1000
        let message: JSONValue = ["id": "m1", "text": .string(String(repeating: "x", count: 300)), "room": ["id": "r1"], "sender": ["id": "u1", "username": "alice"]]

        // Start to the first answered call (the app loaded and constructed, `initialize`, one hook): cold (a new
        // process: the binary, the VM, the SDK) and from the spare the pool keeps ready (given time to refill).
        for spare in [false, true] {
            var starts: [UInt64] = []
            var startOptions = options
            startOptions.spare = spare
            if spare { _ = try await Self.worker(package, startOptions).close() }
            for _ in 0..<10 {
                if spare { try await Task.sleep(for: .milliseconds(300)) }
                let start = DispatchTime.now().uptimeNanoseconds
                let instance = try await Self.worker(package, startOptions)
                _ = try await instance.hook("checkNoop", args: [])
                starts.append(DispatchTime.now().uptimeNanoseconds - start)
                await instance.close()
            }
            Bench.report("worker start → first answered call, \(spare ? "from the spare" : "cold (new process)")", starts)
        }

        let worker = try await Self.worker(package, options)
        let inProcess = try await AppInstance.load(package, host: NullHost())
        _ = try await inProcess.initialize()
        guard let runtime = worker.runtime as? WorkerRuntime, let pid = runtime.status().pid else { fatalError("no worker") }
        for (name, instance) in [("worker", worker), ("in-process", inProcess)] {
            for _ in 0..<min(iterations, 2000) { _ = try await instance.hook("checkNoop", args: []) }
            let rssBefore = runtime.status().rssBytes ?? 0
            let cpuBefore = runtime.status().cpuSeconds ?? 0
            let heapBefore = try await instance.heapSize(full: true)
            let ownRSSBefore = Self.ownRSS()
            var trivial: [UInt64] = []
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try await instance.hook("checkNoop", args: [])
                trivial.append(DispatchTime.now().uptimeNanoseconds - start)
            }
            Bench.report("\(name): hook round trip, trivial handler", trivial)
            var modify: [UInt64] = []
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                let answer = try await instance.hook("executePreMessageSentModify", args: [message])
                modify.append(DispatchTime.now().uptimeNanoseconds - start)
                guard answer["text"]?.stringValue?.hasPrefix("prefix ") == true else { fatalError("not modified: \(answer)") }
            }
            Bench.report("\(name): hook round trip, modify a 400-byte message", modify)
            if name == "in-process" {
                print(String(format: "in-process: this process's RSS %d → %d KiB over %d calls", ownRSSBefore >> 10, Self.ownRSS() >> 10, 2 * iterations))
            }
            if name == "worker" {
                let cpu = ((runtime.status().cpuSeconds ?? 0) - cpuBefore) / Double(2 * iterations) * 1e6
                let heapAfter = try await instance.heapSize(full: true)
                print(String(format: "worker CPU per call (both kinds): %.1f µs; RSS %d → %d KiB, JS heap %d → %d KiB over %d calls", cpu, rssBefore >> 10, (runtime.status().rssBytes ?? 0) >> 10, heapBefore >> 10, heapAfter >> 10, 2 * iterations))
                print(String(format: "ratio worker trivial p50 / pipe floor p50: %.2f×", median(trivial) / median(floor)))
                if let node { print(String(format: "ratio worker modify p50 / Node child p50: %.2f×", median(modify) / median(node))) }
            }
        }

        // The server side's own share of a worker call: the envelope to JSON (Foundation), the reply from JSON
        // (JavaScriptCore's through `JSONCodec`), and Foundation's coders both ways for comparison.
        for (name, args) in [("trivial", [JSONValue]()), ("modify", [message])] {
            let envelope = BridgeProtocol.Envelope(id: 7, request: .hook(method: "m", args: args)).json
            let reply = try JSONEncoder().encode(["id": 7, "result": ["value": args.first ?? true]] as JSONValue)
            var coding: [UInt64] = [], foundation: [UInt64] = []
            let replyText = String(decoding: reply, as: UTF8.self)
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                let text = try JSONEncoder().encode(envelope)
                let decoded = try JSONCodec.shared.decode(replyText)
                withExtendedLifetime((text, decoded)) {}
                coding.append(DispatchTime.now().uptimeNanoseconds - start)
                let before = DispatchTime.now().uptimeNanoseconds
                let bytes = try JSONEncoder().encode(envelope)
                let parsed = try JSONDecoder().decode(JSONValue.self, from: reply)
                withExtendedLifetime((bytes, parsed)) {}
                foundation.append(DispatchTime.now().uptimeNanoseconds - before)
            }
            Bench.report("  server-side JSON of a \(name) call (envelope out with JSONEncoder, reply in with JSONCodec)", coding)
            Bench.report("  ... the same with Foundation's JSONEncoder/JSONDecoder", foundation)
        }

        // Restart after SIGKILL: from the kill to the next answered call (backoff's first step included).
        var restarts: [UInt64] = []
        for _ in 0..<5 {
            guard let victim = runtime.status().pid else { break }
            let start = DispatchTime.now().uptimeNanoseconds
            kill(victim, SIGKILL)
            while true {
                if let pid = runtime.status().pid, pid != victim, (try? await worker.hook("checkNoop", args: [])) != nil { break }
                try await Task.sleep(for: .milliseconds(1))
            }
            restarts.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        Bench.report("restart after SIGKILL → next answered call (first backoff \(options.firstBackoff))", restarts)
        _ = pid

        // Ten idle workers side by side.
        var idle: [AppInstance] = []
        for _ in 0..<10 { idle.append(try await Self.worker(package, options)) }
        try await Task.sleep(for: .milliseconds(300))
        let pids = idle.compactMap { ($0.runtime as? WorkerRuntime)?.status().pid }
        let pss = pids.compactMap(Self.pss)
        let rss = idle.compactMap { ($0.runtime as? WorkerRuntime)?.status().rssBytes }
        print(String(format: "10 idle workers: PSS mean %.1f MiB, RSS mean %.1f MiB", Double(pss.reduce(0, +)) / Double(max(pss.count, 1)) / 1024, Double(rss.reduce(0, +)) / Double(max(rss.count, 1)) / 1048576))
        for instance in idle { await instance.close() }
        await worker.close()
        await inProcess.close()
    }

    static func worker(_ package: AppPackage, _ options: WorkerOptions) async throws -> AppInstance {
        let runtime = try await WorkerRuntime.start(package, host: NullHost(), options: options) { reason in print("gave up: \(reason)") }
        let instance = try await AppInstance.construct(package.manifest, in: runtime, privateHash: nil)
        _ = try await instance.initialize()
        return instance
    }

    static func median(_ samples: [UInt64]) -> Double { Double(samples.sorted()[samples.count / 2]) }

    /// This process's resident memory, bytes.
    static func ownRSS() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        return (Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// `Pss` of `/proc/<pid>/smaps_rollup`, KiB.
    static func pss(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Pss:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// A 400-byte JSON message line, like anchors.md's.
    static func messageLine() -> [UInt8] {
        var line = #"{"_id":"m1","rid":"r1","u":{"_id":"u1","username":"alice"},"msg":""#
        line += String(repeating: "x", count: 399 - line.utf8.count - 3) + "\"}"
        return Array(line.utf8) + [10]
    }

    /// Round trips of `line` through a child that answers one line per line, over its stdin/stdout pipes.
    static func childRoundTrips(arguments: [String], line: [UInt8], iterations: Int) throws -> [UInt64] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        let write = input.fileHandleForWriting.fileDescriptor, read = output.fileHandleForReading.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 4096)
        func roundTrip() {
            _ = line.withUnsafeBytes { Glibc.write(write, $0.baseAddress, $0.count) }
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) }
                if count <= 0 || buffer[count - 1] == 10 { break }
            }
        }
        for _ in 0..<min(iterations, 2000) { roundTrip() }
        var samples: [UInt64] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            roundTrip()
            samples.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        return samples
    }

    /// `--echo`: the floor's child; lines in, the same lines out.
    static func echo() -> Never {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if count <= 0 { exit(0) }
            _ = buffer.withUnsafeBytes { Glibc.write(1, $0.baseAddress, count) }
        }
    }

    /// No accessors, logs dropped.
    final class NullHost: AppHost {
        func log(appId: String, level: String, method: String, message: String) {}
        func accessor(appId: String, name: String, arguments: [JSONValue]) async throws -> JSONValue? { nil }
    }
}
