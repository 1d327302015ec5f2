import AppsRuntime
import AppsHost
import AppsPackage
import BenchmarkSupport
import ChatCore
import Dispatch
import EmbeddedStore
import Foundation
import Logging

/// Hook overhead: `preMessageSent` on the dispatcher with one enabled app whose `executePreMessageSentModify`
/// rewrites the text of a 1 KB message, serial, measured from the dispatcher call to the modified message back;
/// then the parts: the Swift side (shapes), the hop into the VM and back with a trivial handler, and the rest.
/// `worker` runs the app in its worker process (the `airlock` binary next to this one), as servers do by default.
///
///     airlock-hooks-bench [iterations] [in-process|worker]
@main
enum HooksBenchmark {
    static let main = """
        'use strict';
        const { App } = require('@rocket.chat/apps-engine/definition/App');
        class ModifyApp extends App {
          async executePreMessageSentModify(message, builder) { return builder.setText(message.text.replace('hello', 'HELLO')).getMessage(); }
          async checkNoop() { return true; }
        }
        exports.ModifyApp = ModifyApp;
        """
    static let manifest = """
        {"id":"5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e","name":"Modify","nameSlug":"modify","version":"1.0.0",
         "description":"hook benchmark","requiredApiVersion":"^1.40.0","author":{"name":"Airlock","support":"x"},
         "classFile":"ModifyApp.js","iconFile":"icon.png","implements":["IPreMessageSentModify"],"permissions":[]}
        """

    static func main() async throws {
        let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-hooks-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let store = try EmbeddedStore(configuration: .init(path: directory.appendingPathComponent("bench.sqlite").path))
        let worker = CommandLine.arguments.dropFirst(2).first == "worker"
        let (manager, _, dispatcher) = AppsFoundation.assemble(
            store: store, settings: ServerSettings(siteURL: "http://bench"), logger: logger, runtime: worker ? AppRuntimeSettings() : .inProcess)
        let zip = try Bench.zip([("app.json", manifest), ("ModifyApp.js", main)])
        _ = try await manager.install(zip)
        print("runtime=\(worker ? "worker" : "in-process")")

        let sender = User(id: "u1", username: "alice", name: "Alice", createdAt: Date())
        let room = Room(id: "r1", type: .channel, name: "general", creator: sender.ref, createdAt: Date())
        let text = "hello " + String(repeating: "x", count: 1018)
        let message = Message(id: "m1", roomId: room.id, text: text, sender: sender.ref, createdAt: Date())
        print("iterations=\(iterations) message_text_bytes=\(text.utf8.count) apps=1 (IPreMessageSentModify)")

        // Warm up the JIT and caches.
        for _ in 0..<min(iterations, 2_000) { _ = await dispatcher.preMessageSent(message, room: room, sender: sender) }
        var total: [UInt64] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            let decision = await dispatcher.preMessageSent(message, room: room, sender: sender)
            total.append(DispatchTime.now().uptimeNanoseconds - start)
            guard case .proceed(let modified) = decision, modified.text.hasPrefix("HELLO") else { fatalError("the app did not modify") }
        }
        Bench.report("dispatcher.preMessageSent → modified message (total)", total)

        // The Swift side of an event: the IMessage shape and the request envelope (the tree reaches the VM as values,
        // converted on the VM thread, which the hop below includes), and the answer applied to the message.
        var serialization: [UInt64] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            let shape = AppsEngineShapes.message(message, room: room, sender: sender)
            let envelope = BridgeProtocol.Envelope(id: 1, request: .hook(method: "executePreMessageSentModify", args: [shape])).json
            _ = AppsEngineShapes.applyContent(of: shape, to: message)
            withExtendedLifetime(envelope) {}
            serialization.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        Bench.report("  Swift side (IMessage shape + envelope tree + applying the answer)", serialization)

        // Counting the call in the app's stats (every call into an app does, in `AppCalls.run`); 100 calls per sample.
        var counting: [UInt64] = []
        for i in 0..<iterations / 100 {
            let start = DispatchTime.now().uptimeNanoseconds
            for j in 0..<100 { manager.stats.local.record(appId: "bench", method: "hook", seconds: Double(i * 100 + j) * 1e-7, outcome: .success) }
            counting.append((DispatchTime.now().uptimeNanoseconds - start) / 100)
        }
        Bench.report("  counting one call in the app's stats (every call into an app)", counting)

        // The hop into the VM thread and back, with a handler that does nothing (includes the envelope's conversion).
        let instance = try await AppInstance.load(try AppPackageReader().read(zip), host: RecordingHost())
        _ = try await instance.initialize()
        for _ in 0..<min(iterations, 2_000) { _ = try await instance.hook("checkNoop", args: []) }
        var hops: [UInt64] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try await instance.hook("checkNoop", args: [])
            hops.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        Bench.report("  hop into the VM and back (trivial handler, empty args)", hops)
        let median = { (samples: [UInt64]) in Double(samples.sorted()[samples.count / 2]) / 1e3 }
        print(String(format: "  rest (converting the message into and out of the VM, builder, handler; dispatcher): p50 ≈ %.2f µs", median(total) - median(serialization) - median(hops)))
        await instance.close()
        await manager.shutdown()
    }

    /// A host for the bare instance: no accessors, logs dropped.
    final class RecordingHost: AppHost {
        func log(appId: String, level: String, method: String, message: String) {}
        func accessor(appId: String, name: String, arguments: [JSONValue]) async throws -> JSONValue? { nil }
    }


}
