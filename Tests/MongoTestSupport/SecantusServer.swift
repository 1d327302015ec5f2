import Foundation

/// The MongoDB wire-protocol server the tests use (no `mongod` can be installed here): SecantusDB from the test
/// virtualenv (`scripts/python-env.sh`), started once per test process on 127.0.0.1 with an in-memory store and
/// killed by PID when the process exits. `AIRLOCK_TEST_MONGO_URI` (`mongodb://127.0.0.1:PORT`) points the tests at a
/// server started by the caller instead (scripts/test.sh does, so every test process shares one). Tests that cannot
/// reach a server fail; they never skip.
public actor SecantusServer {
    public static let shared = SecantusServer()

    private var base: String?

    /// A URI for a database of its own (`database` should be unique per test).
    public func uri(database: String) throws -> String {
        let base = try self.base ?? start()
        self.base = base
        return "\(base)/\(database)?directConnection=true"
    }

    /// A fresh database name.
    public static func databaseName(_ prefix: String = "t") -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    private func start() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let uri = environment["AIRLOCK_TEST_MONGO_URI"], !uri.isEmpty {
            return uri.hasSuffix("/") ? String(uri.dropLast()) : uri
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let binary = environment["AIRLOCK_SECANTUS"] ?? root.appendingPathComponent(".venv/bin/secantusd-py").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw SecantusError("SecantusDB is not installed at \(binary): run scripts/python-env.sh (or set AIRLOCK_TEST_MONGO_URI)")
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-secantus-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--host", "127.0.0.1", "--port", "0", "--storage-path", ":memory:"]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        startedPID = process.processIdentifier
        atexit { if startedPID > 0 { kill(startedPID, SIGKILL) } }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on 127\.0\.0\.1:\d+"#, options: .regularExpression) {
                let port = text[range].split(separator: ":").last.map(String.init) ?? ""
                return "mongodb://127.0.0.1:\(port)"
            }
            guard process.isRunning else { throw SecantusError("SecantusDB exited: \(text)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw SecantusError("SecantusDB did not start within 60 s")
    }
}

/// The server this process started, killed at exit (a C `atexit` handler cannot capture context).
nonisolated(unsafe) private var startedPID: pid_t = 0

public struct SecantusError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
