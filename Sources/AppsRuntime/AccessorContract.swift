public import AirlockJSON
import Foundation
import JavaScriptRuntime

/// The accessor contract: every accessor's name, the permission it needs and its arguments' shapes, kept once in
/// `AppsSDK/runtime/accessors.json`. The app side (`bridge.js`) reads the same file, the host takes permissions and
/// argument checks from it, and a test fails when either side names an accessor the other does not have.
public struct AccessorContract: Sendable {
    public struct Entry: Sendable, Decodable {
        /// The permission the app must hold (nil: none).
        public let permission: String?
        /// One shape per argument: `string`, `object`, `boolean`, `string[]` or `any`; a trailing `?` allows null.
        public let args: [String]

        /// Refuses arguments that do not fit the shapes (too many, or of the wrong kind), before the accessor runs.
        public func check(_ arguments: [JSONValue], accessor: String) throws {
            guard arguments.count <= args.count else {
                throw HostError.type("\(accessor) takes at most \(args.count) arguments, got \(arguments.count)")
            }
            for (index, shape) in args.enumerated() {
                let value = index < arguments.count ? arguments[index] : .null
                guard Self.fits(value, shape) else {
                    throw HostError.type("\(accessor): argument \(index + 1) must be \(shape.hasSuffix("?") ? "null or " : "")\(shape.trimmingCharacters(in: ["?"]))")
                }
            }
        }

        private static func fits(_ value: JSONValue, _ shape: String) -> Bool {
            if shape.hasSuffix("?"), value == .null { return true }
            switch shape.trimmingCharacters(in: ["?"]) {
            case "any": return true
            case "string": return value.stringValue != nil
            case "object": return value.objectValue != nil
            case "boolean": if case .bool = value { return true } else { return false }
            case "string[]": return value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false
            default: return false
            }
        }
    }

    public let entries: [String: Entry]

    /// The contract embedded with the SDK (a build-time copy of the JSON file).
    public static let shared: AccessorContract = {
        guard let text = EmbeddedAppsSDK.files["runtime/accessors.json"],
            let entries = try? JSONDecoder().decode([String: Entry].self, from: Data(text.utf8))
        else { preconditionFailure("AppsSDK/runtime/accessors.json is missing or malformed") }
        return AccessorContract(entries: entries)
    }()
}
