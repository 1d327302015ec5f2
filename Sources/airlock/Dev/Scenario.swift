import AirlockJSON
import Foundation
import Yams

/// One `airlock dev test` scenario file (YAML or JSON):
///
/// ```yaml
/// name: what it shows
/// users: [alice]              # besides `tester`, who acts when a step names nobody; every user joins every room
/// rooms: [general]            # public rooms (default: general)
/// settings: { token: abc }    # the app's settings before the first step
/// http:                       # fakes answering the app's outbound requests (first match; `*` ends a prefix)
///   - { method: POST, url: "https://api.example/v1/*", status: 200, body: { ok: true } }
/// steps:
///   - send: { room: general, text: hi }            # or command, endpoint, interact, advance, settings, wait
///     as: alice
///     expect: { messages: [{ room: general, from: app, textContains: hi }] }
/// ```
struct Scenario {
    let file: String
    let name: String
    let users: [String]
    let rooms: [String]
    let settings: [String: JSONValue]
    let fakes: [JSONValue]
    let steps: [JSONValue]

    init(file: URL) throws {
        self.file = file.lastPathComponent
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw ScenarioError("cannot read \(file.path)")
        }
        let root: JSONValue
        do {
            root = try Self.json(Yams.load(yaml: text) ?? [:])
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw ScenarioError("\(file.lastPathComponent) is not valid YAML/JSON: \(error)")
        }
        guard root.objectValue != nil else { throw ScenarioError("\(file.lastPathComponent): the top level must be a mapping") }
        name = root["name"]?.stringValue ?? file.deletingPathExtension().lastPathComponent
        users = (root["users"]?.arrayValue ?? []).compactMap(\.stringValue)
        rooms = root["rooms"]?.arrayValue?.compactMap(\.stringValue) ?? ["general"]
        settings = root["settings"]?.objectValue ?? [:]
        fakes = root["http"]?.arrayValue ?? []
        guard let steps = root["steps"]?.arrayValue, !steps.isEmpty else {
            throw ScenarioError("\(file.lastPathComponent): no steps (a list under \"steps\")")
        }
        self.steps = steps
    }

    /// Scenario files of a folder (`scenarios/*.yaml|yml|json`), or the files given.
    static func files(_ paths: [String], project: URL) throws -> [URL] {
        if !paths.isEmpty { return paths.map { URL(fileURLWithPath: $0) } }
        let folder = project.appendingPathComponent("scenarios")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let found = names.filter { ["yaml", "yml", "json"].contains(($0 as NSString).pathExtension) }.sorted().map { folder.appendingPathComponent($0) }
        guard !found.isEmpty else {
            throw ScenarioError("no scenarios in \(folder.path): add a .yaml file there (see `airlock dev new`), or name files")
        }
        return found
    }

    /// YAML's value (from Yams) as a JSON tree.
    static func json(_ value: Any) throws -> JSONValue {
        switch value {
        case is NSNull: return .null
        case let value as Bool: return .bool(value)
        case let value as Int: return .number(Double(value))
        case let value as Double: return .number(value)
        case let value as String: return .string(value)
        case let value as Date: return .string(ISO8601DateFormatter().string(from: value))
        case let value as [Any]: return .array(try value.map(json))
        case let value as [String: Any]: return .object(try value.mapValues(json))
        case let value as [AnyHashable: Any]:
            return .object(Dictionary(uniqueKeysWithValues: try value.map { ("\($0.key)", try json($0.value)) }))
        default: throw ScenarioError("unsupported YAML value \(value)")
        }
    }
}
