import AirlockJSON
import AppFixtures
import AppsHost
import AppsRuntime
import Foundation
import JavaScriptRuntime
import Synchronization
import Testing

/// The coverage table in `AppsSDK/README.md` is generated from the code: the definition surface the SDK builds its
/// modules from, what a probe app finds on every accessor it is handed (`Tests/Fixtures/Apps/coverage-probe`), and the
/// events the host delivers. The test fails when the README says anything else;
/// `AIRLOCK_WRITE_COVERAGE=1 swift test --filter SDKCoverageTests` rewrites it.
@Suite struct SDKCoverageTests {
    static let readme = AppFixtures.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("AppsSDK/README.md")
    static let begin = "<!-- coverage:begin (generated: AIRLOCK_WRITE_COVERAGE=1 swift test --filter SDKCoverageTests) -->"
    static let end = "<!-- coverage:end -->"

    @Test func readmeCoverageTableMatchesTheCode() async throws {
        let table = try await Self.table()
        var readme = try String(contentsOf: Self.readme, encoding: .utf8)
        let current = readme.range(of: Self.begin).flatMap { start in
            readme.range(of: Self.end, range: start.upperBound..<readme.endIndex).map { start.upperBound..<$0.lowerBound }
        }
        if ProcessInfo.processInfo.environment["AIRLOCK_WRITE_COVERAGE"] == "1" {
            if let current { readme.replaceSubrange(current, with: "\n" + table) } else { readme += "\n\(Self.begin)\n\(table)\(Self.end)\n" }
            try readme.write(to: Self.readme, atomically: true, encoding: .utf8)
            return
        }
        let shown = current.map { String(readme[$0]).trimmingCharacters(in: .newlines) + "\n" }
        #expect(shown == table, "AppsSDK/README.md's coverage table is stale: AIRLOCK_WRITE_COVERAGE=1 swift test --filter SDKCoverageTests")
    }

    static func json(_ specifier: String) throws -> JSONValue {
        let text = specifier == "@airlock/definition-surface.json" ? AppInstance.definitionSurfaceText : AppInstance.sdkModules[specifier]
        return try JSONDecoder().decode(JSONValue.self, from: Data(try #require(text).utf8))
    }

    static func table() async throws -> String {
        var out = ""
        // Modules.
        let modules = try #require(try json("@airlock/definition-surface.json")["modules"]?.objectValue)
        var folders: [String: (paths: Int, values: Int)] = [:]
        for (path, exports) in modules {
            let folder = path.contains("/") ? String(path[..<path.firstIndex(of: "/")!]) : "(top level)"
            let defined = (exports.objectValue ?? [:]).values.filter { $0.objectValue != nil }.count
            folders[folder, default: (0, 0)].paths += 1
            folders[folder, default: (0, 0)].values += defined
        }
        out += "### Definition modules (Apps-Engine \(try json("@airlock/definition-surface.json")["appsEngine"]?.stringValue ?? "?"))\n\n"
        out += "Every module path loads; every runtime value is there with Rocket.Chat's kind and members "
        out += "(`SDKEmbeddingTests.definitionSurfaceMatchesTheRealPackage`).\n\n"
        out += "| Folder | Module paths | Runtime values defined |\n|---|---|---|\n"
        for folder in folders.keys.sorted() { out += "| `\(folder)` | \(folders[folder]!.paths) | \(folders[folder]!.values) |\n" }
        out += "| **all** | \(modules.count) | \(folders.values.map(\.values).reduce(0, +)) |\n\n"

        // Accessors, as the probe app finds them.
        let host = RecordingHost()
        let probe = try await AppInstance.load(try fixture("coverage-probe"), host: host)
        _ = try await probe.initialize()
        _ = try await probe.lifecycle(.onEnable)
        _ = try await probe.hook("executePostMessageSent", args: [["text": "probe", "room": ["id": "r"]]])
        await probe.close()
        let line = try #require(host.logs.withLock { $0 }.last { $0.hasPrefix("info executePostMessageSent: {") })
        let report = try JSONDecoder().decode([String: [String: String]].self, from: Data(line.dropFirst("info executePostMessageSent: ".count).utf8))
        let declared = try #require(try json("@airlock/accessor-interfaces.json")["interfaces"]?.objectValue)
        out += "### Accessors\n\n"
        out += "What an app finds on each accessor interface the Apps-Engine declares (a not-supported member answers a "
        out += "`NotSupportedError` the app can catch).\n\n"
        out += "| Interface | Supported | Not supported yet | Not supported by design | Missing |\n|---|---|---|---|---|\n"
        var counts = (supported: 0, yet: 0, design: 0, missing: 0)
        for name in report.keys.sorted() {
            let members = declared[name]?.arrayValue?.compactMap(\.stringValue) ?? []
            let status = report[name]!
            let supported = members.filter { status[$0] == "supported" }
            let yet = members.filter { status[$0] == "not supported yet" }
            let design = members.filter { status[$0]?.hasPrefix("not supported by design") == true }
            let missing = members.filter { status[$0] == "missing" }
            counts.supported += supported.count
            counts.yet += yet.count
            counts.design += design.count
            counts.missing += missing.count
            let reasons = Set(design.compactMap { status[$0]?.replacingOccurrences(of: "not supported by design ", with: "") }).sorted()
            out += "| `\(name)` | \(supported.joined(separator: ", ")) | \(yet.joined(separator: ", ")) | "
            out += "\(design.joined(separator: ", "))\(reasons.isEmpty ? "" : " " + reasons.joined(separator: " ")) | \(missing.joined(separator: ", ")) |\n"
        }
        out += "| **all** | \(counts.supported) | \(counts.yet) | \(counts.design) | \(counts.missing) |\n\n"
        let unreached = declared.keys.filter { report[$0] == nil }.sorted()
        out += "Not reached by the probe (builders, contexts and data shapes handed out by the members above): "
        out += unreached.map { "`\($0)`" }.joined(separator: ", ") + ".\n\n"

        // Events.
        let interfaces = try #require(modules["metadata/AppInterface"]?["AppInterface"]?["members"]?.objectValue).keys.sorted()
        out += "### Events\n\n| Event | Status |\n|---|---|\n"
        for name in interfaces {
            let status: String
            if AppHookDispatcher.delivered.contains(name) { status = "delivered" }
            else if name.contains("Livechat") { status = "not supported by design (livechat is out of scope): never fires" }
            else { status = "not supported yet (Airlock has no such feature): never fires" }
            out += "| `\(name)` | \(status) |\n"
        }
        return out
    }
}
