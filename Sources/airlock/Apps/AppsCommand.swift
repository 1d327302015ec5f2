import ArgumentParser
import Foundation

/// `airlock apps ...`: manage the apps of a running server through its admin API.
struct AppsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apps", abstract: "Manage the apps installed on an Airlock server.",
        subcommands: [
            List.self, Install.self, Update.self, Enable.self, Disable.self, Uninstall.self, Settings.self, Logs.self, TrustCommand.self,
        ])

    /// `POST /api/apps/:id/status`; prints the status the app ended in (`disabled` when `onEnable` refused).
    static func setStatus(_ status: String, id: String, server: CLICredentials) async throws {
        let reply = try await server.client().post("/api/apps/\(id)/status", json: ["status": status])
        print(reply["status"] ?? "")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List installed apps with their status, call stats and runtime (mode, worker pid, memory, restarts, last failure).")
        @OptionGroup var server: CLICredentials
        @Flag(help: "Print the server's JSON.") var json = false

        func run() async throws {
            let reply = try await server.client().get("/api/apps")
            if json { return try Output.json(reply["apps"] ?? []) }
            let apps = reply["apps"] as? [[String: Any]] ?? []
            let rows = apps.map { app -> [String] in
                let stats = (app["stats"] as? [String: [String: Any]] ?? [:]).values
                let calls = stats.reduce(0) { $0 + ($1["count"] as? Int ?? 0) }
                let failures = stats.reduce(0) { $0 + ($1["failures"] as? Int ?? 0) + ($1["timeouts"] as? Int ?? 0) }
                let p99 = stats.map { $0["p99Ms"] as? Double ?? 0 }.max() ?? 0
                let runtime = app["runtime"] as? [String: Any] ?? [:]
                let rss = (runtime["rssBytes"] as? Int).map { "\($0 >> 20) MiB" } ?? "-"
                return [
                    "\(app["id"] ?? "")", "\(app["name"] ?? "")", "\(app["version"] ?? "")", "\(app["status"] ?? "")",
                    "\(calls)", "\(failures)", String(format: "%.2f", p99), "\(runtime["mode"] ?? "")",
                    (runtime["pid"] as? Int).map(String.init) ?? "-", rss, "\(runtime["restarts"] ?? 0)",
                    "\(runtime["lastFailure"] as? String ?? "-")",
                ]
            }
            Output.table(
                ["ID", "NAME", "VERSION", "STATUS", "CALLS", "FAILED", "MAX P99 MS", "RUNTIME", "PID", "RSS", "RESTARTS", "LAST FAILURE"], rows)
        }
    }

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Install an app package (.zip) and enable it.")
        @OptionGroup var server: CLICredentials
        @Argument(help: "Path of the app package.") var package: String
        @Option(help: "Grant only these permissions (comma-separated; default: what the app declares).") var permissions: String?
        @Flag(help: "Print the server's JSON.") var json = false

        func run() async throws {
            let zip = try Data(contentsOf: URL(fileURLWithPath: package))
            let reply = try await server.client().upload("/api/apps", zip: zip, permissions: Output.list(permissions))
            try Output.app(reply, json: json)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace an installed app with a new package version.")
        @OptionGroup var server: CLICredentials
        @Argument(help: "App id.") var id: String
        @Argument(help: "Path of the app package.") var package: String
        @Option(help: "Grant only these permissions (comma-separated).") var permissions: String?
        @Flag(help: "Print the server's JSON.") var json = false

        func run() async throws {
            let zip = try Data(contentsOf: URL(fileURLWithPath: package))
            let reply = try await server.client().upload("/api/apps/\(id)", zip: zip, permissions: Output.list(permissions))
            try Output.app(reply, json: json)
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable an app.")
        @OptionGroup var server: CLICredentials
        @Argument(help: "App id.") var id: String

        func run() async throws {
            try await AppsCommand.setStatus("manually_enabled", id: id, server: server)
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an app.")
        @OptionGroup var server: CLICredentials
        @Argument(help: "App id.") var id: String

        func run() async throws {
            try await AppsCommand.setStatus("manually_disabled", id: id, server: server)
        }
    }

    struct Uninstall: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Uninstall an app and remove its data.")
        @OptionGroup var server: CLICredentials
        @Argument(help: "App id.") var id: String

        func run() async throws {
            _ = try await server.client().delete("/api/apps/\(id)")
            print("uninstalled \(id)")
        }
    }

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an app's settings, or change them with --set id=value (value as JSON, else as a string).")
        @OptionGroup var server: CLICredentials
        @Argument(help: "App id.") var id: String
        @Option(name: .customLong("set"), help: "id=value; repeatable.") var assignments: [String] = []
        @Flag(help: "Print the server's JSON.") var json = false

        func run() async throws {
            let client = try await server.client()
            for assignment in assignments {
                guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                    throw ValidationError("--set expects id=value, got \"\(assignment)\"")
                }
                let settingId = String(assignment[..<equals])
                let raw = String(assignment[assignment.index(after: equals)...])
                let value = (try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: .fragmentsAllowed)) ?? raw
                _ = try await client.post("/api/apps/\(id)/settings/\(settingId)", json: ["setting": ["id": settingId, "value": value]])
            }
            let settings = try await client.get("/api/apps/\(id)/settings")["settings"] as? [String: [String: Any]] ?? [:]
            if json { return try Output.json(settings) }
            let rows = settings.keys.sorted().map { key -> [String] in
                let setting = settings[key] ?? [:]
                let value = setting["value"] ?? setting["packageValue"] ?? NSNull()
                return [key, "\(setting["type"] ?? "")", Output.text(value), setting["required"] as? Bool == true ? "yes" : ""]
            }
            Output.table(["ID", "TYPE", "VALUE", "REQUIRED"], rows)
        }
    }

    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an app's log, oldest first; --follow keeps printing new lines.")
        @OptionGroup var server: CLICredentials
        @Argument(help: "App id.") var id: String
        @Option(help: "Lowest level shown: error, warning, info, log, success or debug.") var level: String?
        @Option(help: "Only lines from this method (onEnable, executePostMessageSent, ...).") var method: String?
        @Option(help: "Only lines at or after this ISO-8601 time.") var since: String?
        @Option(help: "How many of the newest lines to show first.") var count = 50
        @Flag(help: "Keep polling for new lines until interrupted.") var follow = false
        @Flag(help: "Print the server's JSON documents, one per line.") var json = false

        func run() async throws {
            let client = try await server.client()
            var filters = ""
            if let level { filters += "&level=\(Output.query(level))" }
            if let method { filters += "&method=\(Output.query(method))" }
            var cursor = Cursor(time: since ?? "1970-01-01T00:00:00.000Z")
            let since = since.map { "&since=\(Output.query($0))" } ?? ""
            let newest = try await client.get("/api/apps/\(id)/logs?count=\(count)\(filters)\(since)")["logs"] as? [[String: Any]] ?? []
            try show(newest.reversed(), cursor: &cursor)
            guard follow else { return }
            // Lines logged in the same millisecond as the newest shown one but not on the first page stay unshown.
            func page() async throws -> [[String: Any]] {
                let path = "/api/apps/\(id)/logs?count=100&sort=\(Output.query("{\"_createdAt\":1}"))\(filters)&since=\(Output.query(cursor.time))"
                return (try await client.get(path)["logs"] as? [[String: Any]] ?? []).filter { !cursor.seen.contains(Self.key($0)) }
            }
            for line in try await page() { cursor.advance(line) }
            while true {
                try await Task.sleep(for: .seconds(1))
                try show(try await page(), cursor: &cursor)
            }
        }

        /// The newest timestamp shown and the lines shown at exactly that time (`since` is inclusive).
        struct Cursor {
            var time: String
            var seen: Set<String> = []

            mutating func advance(_ line: [String: Any]) {
                let time = Logs.timestamp(line)
                if time > self.time { self.time = time; seen = [] }
                if time == self.time { seen.insert(Logs.key(line)) }
            }
        }

        func show(_ lines: [[String: Any]], cursor: inout Cursor) throws {
            for line in lines {
                cursor.advance(line)
                let entry = (line["entries"] as? [[String: Any]])?.first ?? [:]
                let text = (entry["args"] as? [Any] ?? []).map(Output.text).joined(separator: " ")
                let shown = json
                    ? Output.text(line)
                    : "\(Self.timestamp(line)) \(Output.pad(entry["severity"] as? String ?? "", 7)) \(line["method"] ?? ""): \(text)"
                // Unbuffered, so a pipe (`| grep`, a log file) sees each line as it comes with --follow.
                FileHandle.standardOutput.write(Data((shown + "\n").utf8))
            }
        }

        static func timestamp(_ line: [String: Any]) -> String {
            ((line["entries"] as? [[String: Any]])?.first?["timestamp"] as? String) ?? ""
        }

        static func key(_ line: [String: Any]) -> String {
            let entry = (line["entries"] as? [[String: Any]])?.first ?? [:]
            return "\(entry["timestamp"] ?? "")|\(line["method"] ?? "")|\(entry["args"] ?? "")"
        }
    }
}
