import BenchmarkSupport
import Foundation
import JavaScriptRuntime

/// JavaScript runtime benchmarks (issue: JavaScript runtime). Prints percentiles; no assertions.
///
///     airlock-js-bench calls [iterations]    # call / host-call / async round trip, on the VM thread and through the API
///     airlock-js-bench startup [count]       # new VM + hardening + globals + a 50 KB bundle
///     airlock-js-bench memory [count]        # RSS per idle VM (run in a fresh process)
@main
struct JSRuntimeBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let mode = arguments.first ?? "calls"
        let count = arguments.dropFirst().first.flatMap(Int.init)
        switch mode {
        case "calls": try await calls(iterations: count ?? 100_000)
        case "startup": try await startup(count: count ?? 200)
        case "memory": try await memory(count: count ?? 100)
        default: print("usage: airlock-js-bench calls|startup|memory [count]")
        }
    }

    /// A ~400-byte chat message, the shape hooks receive.
    static let message = """
        {"_id":"hJ3kP9qLmN2xY7zWa","rid":"GENERAL","msg":"Hello everyone, this is a message of about the size a chat \
        message usually has, with a little bit of text in it. It mentions nobody and links nowhere at all.","ts":{"$date":1732441931000},"u":{"_id":"aB3dE5fG7hJ9kL1mN",\
        "username":"alice","name":"Alice Liddell"},"_updatedAt":{"$date":1732441931000},"mentions":[],"channels":[],"groupable":false}
        """

    static let appSource = """
        globalThis.onMessage = (m) => { m.msg = m.msg.toUpperCase(); m.edited = true; return m; };
        const host = require('airlock:host');
        globalThis.hostLoop = (n) => { let s = 0; for (let i = 0; i < n; i++) s += host.noop(i); return s; };
        globalThis.asyncHook = async (fetch) => { const v = await fetch(); return v + 1; };
        """

    static func calls(iterations: Int) async throws {
        let vm = try await JavaScriptVM()
        try await vm.registerHostFunction("noop") { arguments in arguments[0] }
        try await vm.setFiles(["main.js": appSource])
        _ = try await vm.require("main.js")
        print("message JSON: \(message.utf8.count) bytes; \(iterations) iterations; CPU limit armed")

        _ = try await vm.measure(.callJSON(function: "onMessage", argument: message), iterations: min(iterations, 10_000))
        let rssBeforeDirect = Self.rss()
        Bench.report("(a) Swift->JS call, 400 B JSON in+out, on VM thread",
               try await vm.measure(.callJSON(function: "onMessage", argument: message), iterations: iterations))
        print("    RSS \(rssBeforeDirect >> 10) → \(Self.rss() >> 10) KiB over \(iterations) calls")
        var rssBefore = Self.rss()
        Bench.report("(a) JS->Swift host call (number in/out), on VM thread",
               try await vm.measure(.hostCalls(function: "hostLoop", batch: 100), iterations: max(1, iterations / 10)))
        print("    RSS \(rssBefore >> 10) → \(Self.rss() >> 10) KiB over \(max(1, iterations / 10) * 100) host calls")
        rssBefore = Self.rss()
        Bench.report("(a) async host round trip, on VM thread",
               try await vm.measure(.asyncRoundTrip(function: "asyncHook"), iterations: iterations))
        print("    RSS \(rssBefore >> 10) → \(Self.rss() >> 10) KiB over \(iterations) round trips")

        var samples: [UInt64] = []
        samples.reserveCapacity(iterations / 10)
        let rssBeforeAsync = Self.rss()
        for _ in 0..<max(1, iterations / 10) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try await vm.call("onMessage", arguments: [message], budget: .preHook)
            samples.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        Bench.report("(b) same call through the public async API from a Swift task", samples)
        print("    RSS \(rssBeforeAsync >> 10) → \(Self.rss() >> 10) KiB over \(samples.count) calls")
    }

    /// This process's resident memory, bytes (calls leaving memory behind show here, not in the JS heap).
    static func rss() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        return (Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }


    static func startup(count: Int) async throws {
        let bundle = Bench.bundle()
        print("bundle: \(bundle.utf8.count) bytes; \(count) VMs")
        var totals: [UInt64] = [], contexts: [UInt64] = [], runtimes: [UInt64] = [], loads: [UInt64] = []
        for _ in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            let vm = try await JavaScriptVM()
            let created = DispatchTime.now().uptimeNanoseconds
            try await vm.setFiles(["main.js": bundle])
            _ = try await vm.require("main.js")
            let end = DispatchTime.now().uptimeNanoseconds
            totals.append(end - start)
            contexts.append(vm.startup.context)
            runtimes.append(vm.startup.runtime)
            loads.append(end - created)
            await vm.close()
        }
        Bench.report("new VM + hardening + globals + 50 KB bundle (total)", totals)
        Bench.report("  context group + global context", contexts)
        Bench.report("  hardening + host functions + runtime script", runtimes)
        Bench.report("  setFiles + require(50 KB bundle)", loads)
    }

    static func memory(count: Int) async throws {
        let bundle = Bench.bundle()
        let before = residentBytes()
        var vms: [JavaScriptVM] = []
        for _ in 0..<count {
            let vm = try await JavaScriptVM()
            vms.append(vm)
        }
        for vm in vms { try await vm.collectGarbage() }
        let idle = residentBytes()
        for vm in vms {
            try await vm.setFiles(["main.js": bundle])
            _ = try await vm.require("main.js")
            try await vm.collectGarbage()
        }
        let loaded = residentBytes()
        let mib = { (bytes: Int) in String(format: "%.2f MiB", Double(bytes) / 1_048_576) }
        print("RSS before: \(mib(before)); \(count) idle VMs: \(mib(idle)); with the 50 KB bundle each: \(mib(loaded))")
        print("RSS per idle VM (after GC): \(mib((idle - before) / count)); per VM with the bundle: \(mib((loaded - before) / count))")
        withExtendedLifetime(vms) {}
    }

    static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

}
