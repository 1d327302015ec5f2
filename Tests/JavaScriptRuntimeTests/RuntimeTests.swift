import AirlockJSON
import Foundation
import Synchronization
import Testing

@testable import JavaScriptRuntime

/// Collects log lines and unhandled rejections of a VM.
final class Sink: Sendable {
    let lines = Mutex<[String]>([])
    let rejections = Mutex<[JavaScriptError]>([])

    func configuration(name: String = "test") -> JavaScriptVM.Configuration {
        var configuration = JavaScriptVM.Configuration()
        configuration.name = name
        configuration.log = { [self] level, message in lines.withLock { $0.append("\(level.rawValue): \(message)") } }
        configuration.onUnhandledRejection = { [self] error in rejections.withLock { $0.append(error) } }
        return configuration
    }
}

/// A VM with `files` as its package; `main.js` is required first when present.
func makeVM(_ files: [String: String] = [:], sink: Sink = Sink()) async throws -> JavaScriptVM {
    let vm = try await JavaScriptVM(configuration: sink.configuration())
    try await vm.setFiles(files)
    if files["main.js"] != nil { _ = try await vm.require("main.js") }
    return vm
}

let tight = CallBudget(cpu: 0.05, wall: 10)

@Suite(.timeLimit(.minutes(1))) struct RuntimeTests {
    @Test func evaluatesAndAnswersJSON() async throws {
        let vm = try await makeVM()
        #expect(try await vm.evaluate("1 + 2") == "3")
        #expect(try await vm.evaluate("({a: [1, 'x', null], b: true})") == #"{"a":[1,"x",null],"b":true}"#)
        #expect(try await vm.evaluate("undefined") == nil)
        #expect(try await vm.evaluate("Promise.resolve(41).then(x => x + 1)") == "42")
        _ = try await vm.evaluate("globalThis.twice = (o) => ({ text: o.text + o.text })")
        #expect(try await vm.call("twice", arguments: [#"{"text":"ab"}"#]) == #"{"text":"abab"}"#)
        await #expect(throws: HostError.self) { _ = try await vm.call("noSuchFunction") }
    }

    @Test func infiniteLoopIsTerminatedAndVMStaysUsable() async throws {
        let vm = try await makeVM()
        let start = ContinuousClock.now
        await #expect {
            _ = try await vm.evaluate("while (true) {}", budget: tight)
        } throws: { ($0 as? JavaScriptError)?.kind == .terminated }
        let elapsed = ContinuousClock.now - start
        print("while(true){} terminated after \(elapsed) with a 50 ms CPU budget")
        #expect(elapsed < .seconds(5))
        // Neither catch nor finally runs.
        await #expect(throws: JavaScriptError.self) {
            _ = try await vm.evaluate(
                "try { while (true) {} } catch (e) { 'caught' } finally { globalThis.ranFinally = true }", budget: tight)
        }
        #expect(try await vm.evaluate("typeof ranFinally") == #""undefined""#)
        #expect(try await vm.evaluate("[1, 2, 3].reduce((a, b) => a + b)") == "6")
    }

    @Test func terminationPropagatesThroughHostFunctions() async throws {
        let vm = try await makeVM([
            "main.js": """
            globalThis.spin = () => { while (true) {} };
            globalThis.viaHost = () => { require('airlock:host').callBack(); return 'host swallowed it'; };
            """
        ])
        // A host function that calls back into JavaScript, as accessors will.
        try await vm.run { state in
            let callback = state.makeFunction { state, _, _ in try state.call(state.function(at: "spin")!, []) }
            state.setProperty(state.hostObject!, "callBack", callback)
        }
        await #expect {
            _ = try await vm.call("viaHost", budget: tight)
        } throws: { ($0 as? JavaScriptError)?.kind == .terminated }
        #expect(try await vm.evaluate("'still alive'") == #""still alive""#)
    }

    @Test func interleavedCallsBothComplete() async throws {
        let vm = try await makeVM([
            "main.js": """
            const host = require('airlock:host');
            globalThis.slow = async () => 'slow:' + await host.wait();
            globalThis.fast = async (x) => 'fast:' + x;
            """
        ])
        let gate = AsyncGate()
        try await vm.registerAsyncHostFunction("wait") { _ in
            await gate.wait()
            return .string("released")
        }
        async let slow = vm.call("slow")
        // The slow call is parked at its await; the VM serves other calls meanwhile.
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await vm.call("fast", arguments: ["1"]) == #""fast:1""#)
        await gate.open()
        #expect(try await slow == #""slow:released""#)
    }

    @Test func asyncHostRoundTripAndErrors() async throws {
        let vm = try await makeVM([
            "main.js": """
            const host = require('airlock:host');
            globalThis.lookup = async (id) => { const user = await host.fetchUser(id); return user.name + '/' + typeof user.n; };
            globalThis.failing = async () => { try { await host.fetchUser('bad'); } catch (e) { return e.name + ':' + e.message; } };
            """
        ])
        try await vm.registerAsyncHostFunction("fetchUser") { arguments in
            guard try arguments.string(0) != "bad" else { throw HostError(name: "PermissionDeniedError", message: "nope") }
            return .json(#"{"name":"Alice","n":1}"#)
        }
        #expect(try await vm.call("lookup", arguments: [#""u1""#]) == #""Alice/number""#)
        #expect(try await vm.call("failing") == #""PermissionDeniedError:nope""#)
    }

    @Test func deadlineFailsACallWhoseHostPromiseNeverSettles() async throws {
        let stuck = Mutex(0)
        var configuration = Sink().configuration()
        configuration.onStuck = { _ in stuck.withLock { $0 += 1 } }
        let vm = try await JavaScriptVM(configuration: configuration)
        try await vm.setFiles(["main.js": "globalThis.forever = () => require('airlock:host').never();"])
        _ = try await vm.require("main.js")
        try await vm.registerAsyncHostFunction("never") { _ in
            try await Task.sleep(for: .seconds(3600))
            return .undefined
        }
        // A wall budget of a second: the job that enters the call must not itself run past it, which a 200 ms budget
        // allowed on a loaded CI machine (reported stuck once).
        await #expect {
            _ = try await vm.call("forever", budget: CallBudget(cpu: 1, wall: 1))
        } throws: { ($0 as? JavaScriptError)?.kind == .timedOut }
        // The thread was idle (awaiting), so this is a timeout, not a stuck VM; the VM still answers.
        #expect(stuck.withLock { $0 } == 0)
        #expect(try await vm.evaluate("2 * 21") == "42")
    }

    @Test func busyThreadPastTheDeadlineIsReportedStuck() async throws {
        let stuck = Mutex<[Double]>([])
        var configuration = Sink().configuration()
        configuration.onStuck = { seconds in stuck.withLock { $0.append(seconds) } }
        let vm = try await JavaScriptVM(configuration: configuration)
        // Busy for 600 ms of CPU (finite, so nothing spins for ever) against a 200 ms wall deadline.
        _ = try await vm.evaluate("globalThis.busy = () => { const end = Date.now() + 600; while (Date.now() < end) {} return 'done'; }")
        await #expect {
            _ = try await vm.call("busy", budget: CallBudget(cpu: 5, wall: 0.2))
        } throws: { ($0 as? JavaScriptError)?.kind == .timedOut }
        // Once the thread is free again the VM answers; by then the watchdog has seen one job run past the budget.
        #expect(try await vm.evaluate("'free'") == #""free""#)
        let reported = stuck.withLock { $0 }
        #expect(reported.count == 1 && reported[0] >= 0.2)
    }

    @Test func timersFireInOrderAndCanBeCleared() async throws {
        let vm = try await makeVM([
            "main.js": """
            globalThis.order = [];
            setTimeout(() => order.push('c'), 30);
            setTimeout(() => order.push('a'), 0);
            setTimeout((x) => order.push(x), 10, 'b');
            const cancelled = setTimeout(() => order.push('never'), 5);
            clearTimeout(cancelled);
            let n = 0;
            const interval = setInterval(() => { order.push('i' + (++n)); if (n === 2) clearInterval(interval); }, 40);
            queueMicrotask(() => order.push('micro'));
            """
        ])
        // Poll rather than sleep a fixed time: CI machines are slow and shared.
        for _ in 0..<500 where try await vm.evaluate("order.length") != "6" {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await vm.evaluate("order.join(',')") == #""micro,a,b,c,i1,i2""#)
    }

    @Test func timerCountIsBounded() async throws {
        var configuration = Sink().configuration()
        configuration.maxTimers = 5
        let vm = try await JavaScriptVM(configuration: configuration)
        let result = try await vm.evaluate(
            "let error = ''; try { for (let i = 0; i < 10; i++) setTimeout(() => {}, 10000); } catch (e) { error = e.name + ': ' + e.message } error")
        #expect(result?.contains("RangeError: too many timers") == true)
    }

    @Test func moduleCyclesSeePartialExportsLikeNode() async throws {
        let vm = try await makeVM([
            "a.js": "exports.early = 'a-early'; const b = require('./b'); exports.fromB = b.seenA; exports.late = 'a-late';",
            "b.js": "const a = require('./a.js'); exports.seenA = a.early + '/' + String(a.late);",
            "lib/index.js": "module.exports = { where: __filename, dir: __dirname, json: require('../data.json').x };",
            "data.json": #"{"x": 7}"#,
            "main.js": "globalThis.result = require('./a'); globalThis.lib = require('./lib');",
        ])
        #expect(try await vm.evaluate("result") == #"{"early":"a-early","fromB":"a-early/undefined","late":"a-late"}"#)
        #expect(try await vm.evaluate("lib") == #"{"where":"/lib/index.js","dir":"/lib","json":7}"#)
    }

    @Test func missingAndForbiddenModulesFailClearly() async throws {
        let vm = try await makeVM([
            "main.js": """
            const tryRequire = (m) => { try { require(m); return 'loaded'; } catch (e) { return e.message; } };
            globalThis.results = ['fs', 'node:child_process', 'net', './nope', 'left-pad'].map(tryRequire);
            """
        ])
        let results = try #require(try await vm.evaluate("results"))
        #expect(results.contains("Module 'fs' is not available in Airlock (apps use IHttp/IPersistence)"))
        #expect(results.contains("Module 'child_process' is not available in Airlock"))
        #expect(results.contains("Cannot find module './nope' from 'main.js'"))
        #expect(results.contains("Cannot find module 'left-pad' from 'main.js'"))
    }

    @Test func registeredModulesResolveLikeAnNpmPackage() async throws {
        let vm = try await JavaScriptVM()
        try await vm.registerModules([
            "@rocket.chat/apps-engine/definition/App.js": "exports.App = class App { hello() { return require('./metadata').V; } };",
            "@rocket.chat/apps-engine/definition/metadata/index.js": "exports.V = 'v1';",
        ])
        try await vm.setFiles(["main.js": "const { App } = require('@rocket.chat/apps-engine/definition/App'); globalThis.v = new App().hello() + require('@rocket.chat/apps-engine/definition/metadata').V;"])
        _ = try await vm.require("main.js")
        #expect(try await vm.evaluate("v") == #""v1v1""#)
    }

    @Test func entryPointsBelongToTheFirstRegistrant() async throws {
        let vm = try await makeVM([
            "main.js": """
            const host = require('airlock:host');
            globalThis.first = host.register('dispatch', async (x) => 'trusted:' + x);
            globalThis.second = host.register('dispatch', () => 'evil');
            """
        ])
        #expect(try await vm.evaluate("[first, second]") == "[true,false]")
        #expect(try await vm.callEntry("dispatch", arguments: ["1"]) == #""trusted:1""#)
        await #expect(throws: HostError.self) { _ = try await vm.callEntry("missing") }
    }

    /// Values crossing without JSON text keep JSON's semantics, both ways.
    @Test func entryPointValuesFollowJSONSemantics() async throws {
        let vm = try await makeVM([
            "main.js": """
            const host = require('airlock:host');
            host.register('echo', (value) => {
              if (value.mode === 'cycle') { const a = {}; a.self = a; return a; }
              if (value.mode === 'getter') return { get boom() { throw new TypeError('no'); } };
              if (value.mode === 'huge') return { items: new Array(2 ** 32 - 1) };
              if (value.mode === 'many-items') return new Array(1100000).fill(0);
              class Shape { constructor() { this.kept = 1; } method() {} }
              return {
                got: value, proto: Object.getPrototypeOf(value.nested) === Object.prototype, isArray: Array.isArray(value.list),
                date: new Date(Date.UTC(2026, 10, 24, 12, 0, 0)), skipped: undefined, fn() {}, nan: NaN, inf: -Infinity,
                holes: [1, , undefined, () => 1], instance: new Shape(), unicode: 'é😀\\u0000x', big: 2 ** 53,
              };
            });
            """
        ])
        _ = try await vm.require("main.js")
        let input: JSONValue = ["nested": ["a": [1, "two", JSONValue.null, true]], "list": [], "text": "héllo"]
        let answer = try #require(try await vm.callEntry("echo", value: input))
        #expect(answer["got"] == input)
        #expect(answer["proto"] == true && answer["isArray"] == true)
        #expect(answer["date"] == "2026-11-24T12:00:00.000Z")
        #expect(answer.objectValue?.keys.contains("skipped") == false && answer.objectValue?.keys.contains("fn") == false)
        #expect(answer["nan"] == .null && answer["inf"] == .null)
        #expect(answer["holes"] == JSONValue.array([1, .null, .null, .null]))
        #expect(answer["instance"] == ["kept": 1])
        #expect(answer["unicode"] == "é😀\u{0}x")
        #expect(answer["big"] == JSONValue.number(9_007_199_254_740_992))
        await #expect { _ = try await vm.callEntry("echo", value: ["mode": "cycle"]) } throws: { error in
            (error as? JavaScriptError)?.message == "Cyclic or too deeply nested value"
        }
        // Sizes the app chose are checked before the host allocates for them (this used to reserve 68 GB).
        for mode in ["huge", "many-items"] {
            await #expect { _ = try await vm.callEntry("echo", value: ["mode": .string(mode)]) } throws: { error in
                guard let error = error as? JavaScriptError else { return false }
                return error.name == "RangeError" && error.message.hasPrefix("The value is too large to leave the app")
            }
        }
        await #expect { _ = try await vm.callEntry("echo", value: ["mode": "getter"]) } throws: { error in
            (error as? JavaScriptError)?.message.contains("no") == true
        }
    }

    /// Async value functions: a value in, a value (or `undefined`) out, errors as rejections.
    @Test func asyncValueFunctionsTakeAndAnswerValues() async throws {
        let vm = try await makeVM([
            "main.js": """
            const host = require('airlock:host');
            globalThis.found = async () => { const v = await host.lookup({ name: 'x', args: [1, undefined, new Date(0)] }); return v.name + ' ' + JSON.stringify(v.args); };
            globalThis.missing = async () => (await host.lookup({ name: 'missing' })) === undefined;
            globalThis.refused = () => host.lookup(42).then(() => 'resolved', (e) => e.name + ': ' + e.message);
            """
        ])
        try await vm.registerAsyncValueFunction("lookup") { request in
            guard let name = request["name"]?.stringValue else { throw HostError.type("no name") }
            return name == "missing" ? nil : ["name": .string(name), "args": request["args"] ?? .null]
        }
        #expect(try await vm.call("found") == #""x [1,null,\"1970-01-01T00:00:00.000Z\"]""#)
        #expect(try await vm.call("missing") == "true")
        #expect(try await vm.call("refused") == #""TypeError: no name""#)
    }

    @Test func evalFunctionAndWebAssemblyAreUnavailable() async throws {
        let vm = try await makeVM()
        for source in [
            "eval('1')", "(0, eval)('1')", "new Function('return 1')()", "(function(){}).constructor('return 1')()",
            "(async function(){}).constructor('return 1')", "(function*(){}).constructor('yield 1')",
        ] {
            await #expect(throws: JavaScriptError.self, "\(source)") { _ = try await vm.evaluate(source) }
        }
        #expect(try await vm.evaluate("typeof WebAssembly") == #""undefined""#)
        #expect(try await vm.evaluate("typeof SharedArrayBuffer") == #""undefined""#)
        #expect(try await vm.evaluate("typeof FinalizationRegistry") == #""undefined""#)
        // Built-in prototypes stay writable for polyfills, and that does not break the runtime's own code.
        _ = try await vm.evaluate("Array.prototype.push = function () { throw new Error('patched') }; JSON.parse = () => ({})")
        try await vm.setFiles(["x.js": "module.exports = 5"])
        #expect(try await vm.require("x.js") == "[]")
    }

    @Test func consoleGoesToTheLogSink() async throws {
        let sink = Sink()
        _ = try await makeVM(["main.js": "console.log('hello %s', 'world', {a: 1}); console.error(new Error('bad').message); console.warn('n=%d', 42)"], sink: sink)
        let lines = sink.lines.withLock { $0 }
        #expect(lines == ["info: hello world { a: 1 }", "error: bad", "warn: n=42"])
    }

    @Test func unhandledRejectionsAreReported() async throws {
        let sink = Sink()
        let vm = try await makeVM(sink: sink)
        _ = try await vm.evaluate("Promise.reject(new TypeError('nobody catches me')); 1")
        try await Task.sleep(for: .milliseconds(20))
        let rejections = sink.rejections.withLock { $0 }
        #expect(rejections.map(\.message) == ["nobody catches me"])
        #expect(rejections.first?.name == "TypeError")
    }

    @Test func thrownErrorsKeepStacksWithAppFileNames() async throws {
        let vm = try await makeVM([
            "main.js": "const helper = require('./lib/helper');\nglobalThis.run = () => helper.explode();",
            "lib/helper.js": "exports.explode = function explode() {\n  null.boom();\n};",
        ])
        await #expect {
            _ = try await vm.call("run")
        } throws: { error in
            guard let error = error as? JavaScriptError else { return false }
            return error.kind == .thrown && error.name == "TypeError" && error.stack.contains("explode@lib/helper.js:2")
                && error.stack.contains("main.js:2")
        }
        await #expect {
            try await vm.setFiles(["bad.js": "let x = ;"])
            _ = try await vm.require("bad.js")
        } throws: { ($0 as? JavaScriptError)?.name == "SyntaxError" }
    }

    @Test func megabyteStringsRoundTrip() async throws {
        let vm = try await makeVM()
        _ = try await vm.evaluate("globalThis.echo = (s) => s + '!'")
        let big = String(repeating: "ü€x", count: 350_000)
        let json = try #require(try await vm.call("echo", arguments: [String(decoding: try JSONEncoder().encode(big), as: UTF8.self)]))
        #expect(try JSONDecoder().decode(String.self, from: Data(json.utf8)) == big + "!")
    }
}

/// A one-shot gate for interleaving tests.
actor AsyncGate {
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var opened = false

    func wait() async {
        if opened { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        opened = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}
