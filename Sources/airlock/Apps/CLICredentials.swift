import ArgumentParser
import Foundation

/// Where the CLI finds the server and credentials: flags first, then `AIRLOCK_*` environment variables, then the
/// config file (`~/.config/airlock/cli.json`: `{"url", "username", "password"}` or `{"url", "userId", "token"}`).
struct CLICredentials: ParsableArguments {
    static let defaultConfigPath = "~/.config/airlock/cli.json"

    @Option(help: "Server URL (env AIRLOCK_URL; default http://127.0.0.1:3000).") var url: String?
    @Option(name: .customLong("user"), help: "Username (env AIRLOCK_USER).") var username: String?
    @Option(help: "Password (env AIRLOCK_PASSWORD).") var password: String?
    @Option(name: .customLong("user-id"), help: "User id of a personal access token (env AIRLOCK_USER_ID).") var userId: String?
    @Option(help: "Personal access token (env AIRLOCK_TOKEN).") var token: String?
    @Option(help: "Config file (default \(defaultConfigPath)).") var config: String?

    /// Flags over environment over the config file.
    func resolved(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CLICredentials {
        let path = NSString(string: config ?? Self.defaultConfigPath).expandingTildeInPath
        var file: [String: String] = [:]
        if FileManager.default.fileExists(atPath: path) {
            guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] else {
                throw ValidationError("\(path) is not a JSON object")
            }
            file = object.compactMapValues { $0 as? String }
        } else if config != nil {
            throw ValidationError("No config file at \(path)")
        }
        var result = self
        result.url = url ?? environment["AIRLOCK_URL"] ?? file["url"] ?? "http://127.0.0.1:3000"
        result.username = username ?? environment["AIRLOCK_USER"] ?? file["username"]
        result.password = password ?? environment["AIRLOCK_PASSWORD"] ?? file["password"]
        result.userId = userId ?? environment["AIRLOCK_USER_ID"] ?? file["userId"]
        result.token = token ?? environment["AIRLOCK_TOKEN"] ?? file["token"]
        return result
    }

    func client() async throws -> AdminClient {
        try await AdminClient.connect(try resolved())
    }
}
