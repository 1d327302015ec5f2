import Foundation

/// Terminal output of the CLI: aligned tables for people, JSON for scripts.
enum Output {
    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            print(zip(row, widths).map { pad($0, $1) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }

    static func json(_ value: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        print(String(decoding: data, as: UTF8.self))
    }

    /// The `{app}` answer of install/update, as JSON or one line.
    static func app(_ reply: [String: Any], json: Bool) throws {
        let app = reply["app"] as? [String: Any] ?? [:]
        if json { return try Output.json(app) }
        let reason = (app["statusReason"] as? String).map { " (\($0))" } ?? ""
        print("\(app["name"] ?? "") \(app["version"] ?? "") [\(app["id"] ?? "")]: \(app["status"] ?? "")\(reason)")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func text(_ value: Any) -> String {
        if let string = value as? String { return string }
        if value is NSNull { return "" }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    static func list(_ commaSeparated: String?) -> [String]? {
        commaSeparated.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    static func query(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}
