public import ChatCore
import Foundation

/// App settings (`ISetting`) as stored in the app record: the definition the app provided, plus `value`,
/// `createdAt` and `updatedAt`. Typed validation follows `SettingType`; password values never leave in clear.
public enum AppSettings {
    /// Rocket.Chat's `SettingType` values.
    public static let types: Set<String> = ["boolean", "code", "color", "font", "int", "select", "string", "multiSelect", "password", "roomPick"]

    /// The settings after `extendConfiguration`: each provided definition, keeping the stored `value` and `createdAt`
    /// of a setting provided before (Apps-Engine semantics); settings no longer provided are dropped.
    static func merge(definitions: [JSONValue], stored: [String: JSONValue], now: String) -> [String: JSONValue] {
        var merged: [String: JSONValue] = [:]
        for definition in definitions {
            guard var object = definition.objectValue, let id = object["id"]?.stringValue else { continue }
            let previous = stored[id]?.objectValue
            object["createdAt"] = previous?["createdAt"] ?? .string(now)
            object["updatedAt"] = previous?["updatedAt"] ?? .string(now)
            if let value = previous?["value"] { object["value"] = value }
            merged[id] = .object(object)
        }
        return merged
    }

    /// `value`, else `packageValue` (what `getValueById` answers).
    public static func effectiveValue(_ setting: JSONValue) -> JSONValue {
        if let value = setting["value"], value != .null { return value }
        return setting["packageValue"] ?? .null
    }

    /// Checks `value` against the setting's type; answers the value to store. `required` is not enforced here: as in
    /// Rocket.Chat it guides the admin UI, and an admin may clear a required setting (the app then reads null).
    static func validate(_ value: JSONValue, for setting: JSONValue) throws -> JSONValue {
        let id = setting["id"]?.stringValue ?? "?"
        let type = setting["type"]?.stringValue ?? "string"
        func refuse(_ expected: String) -> AppEngineError {
            AppEngineError(.invalid, "Invalid value for setting \"\(id)\": expected \(expected)")
        }
        if value == .null { return .null }
        let choices = Set((setting["values"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue })
        switch type {
        case "boolean":
            guard case .bool = value else { throw refuse("a boolean") }
        case "int":
            guard case .number(let n) = value, n.isFinite, n == n.rounded() else { throw refuse("an integer") }
        case "select":
            guard let key = value.stringValue, choices.contains(key) else {
                throw refuse("one of \(choices.sorted().joined(separator: ", "))")
            }
        case "multiSelect":
            guard let keys = value.arrayValue?.map(\.stringValue), keys.allSatisfy({ $0.map(choices.contains) ?? false }) else {
                throw refuse("a list of \(choices.sorted().joined(separator: ", "))")
            }
        case "color":
            guard let text = value.stringValue, text.count <= 64 else { throw refuse("a colour") }
        default:
            guard value.stringValue != nil else { throw refuse("a string") }
        }
        return value
    }

    /// The setting with a password's `value` (and `packageValue`) replaced by a mask, for responses and logs.
    public static func masked(_ setting: JSONValue) -> JSONValue {
        guard setting["type"]?.stringValue == "password", var object = setting.objectValue else { return setting }
        for key in ["value", "packageValue"] where object[key]?.stringValue?.isEmpty == false {
            object[key] = .string(AppLogSink.mask)
        }
        return .object(object)
    }

    /// Current values of password settings (masked in the app's logs).
    static func secrets(_ settings: [String: JSONValue]) -> [String] {
        settings.values.filter { $0["type"]?.stringValue == "password" }.compactMap { effectiveValue($0).stringValue }
    }
}
