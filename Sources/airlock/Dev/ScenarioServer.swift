import AirlockApp
import AirlockCrypto
import AirlockJSON
import AppsHost
import ChatCore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// The Airlock `airlock dev test` runs a scenario against: a whole server in this process (embedded store in a
/// temporary folder, 127.0.0.1 on port 0, apps in worker processes as in production), with a clock the scenario
/// moves forward and the app's outbound HTTP answered by the scenario's fakes. Driven over its REST API, as
/// clients drive a real one. One per scenario, so scenarios do not see each other's data.
final class ScenarioServer: Sendable {
    /// A logged-in user of the test server.
    struct Session: Sendable {
        let username: String
        let client: AdminClient
    }

    /// What the server pushed to one user over the realtime API: an ephemeral message (`notifier.notifyUser`) or
    /// a UIKit view (`uiInteraction`), recorded from the chat core's event hub.
    struct Push: Sendable {
        enum Kind: String, Sendable { case notice, view }
        let kind: Kind
        let userId: String
        let content: JSONValue
    }

    let baseURL: URL
    let admin: AdminClient
    let http: FakeOutboundHTTP
    let clock: ScenarioClock
    private let pushed: PushLog
    private let registration: EventHub.Registration
    private let group: ServiceGroup
    private let running: Task<Void, any Error>
    private let directory: URL

    static let password = "scenario-password-1"

    /// Starts the server and waits until it listens.
    static func start(fakes: [JSONValue], inProcess: Bool, logLevel: Logger.Level) async throws -> ScenarioServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-dev-test-\(UUID().uuidString)")
        let clock = ScenarioClock()
        let http = try FakeOutboundHTTP(fakes: fakes)
        var configuration = AirlockConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.dataDirectory = directory.path
        configuration.adminUsername = "admin"
        configuration.adminPassword = password
        configuration.passwordIterations = 1000
        configuration.logLevel = logLevel
        configuration.clock = ChatClock(source: { clock.now() })
        configuration.appsHTTPTransport = http
        configuration.unsignedApps = .allow
        if inProcess { try configuration.setAppsRuntime("in-process") }
        var logger = Logger(label: "airlock.dev-test")
        logger.logLevel = logLevel
        let server = try await AirlockServer.build(configuration, logger: logger)
        let pushed = PushLog()
        let registration = server.services.context.events.listen { event in
            switch event {
            case .userNotified(let userId, let message):
                let content = (try? JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(message))) ?? .null
                pushed.append(Push(kind: .notice, userId: userId, content: content))
            case .uiInteraction(let userId, let response):
                pushed.append(Push(kind: .view, userId: userId, content: response))
            default:
                break
            }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.application { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let running = Task { try await group.run() }
        var port: Int?
        for await value in ports {
            port = value
            break
        }
        guard let port else { throw ScenarioError("the test server did not start") }
        let baseURL = URL(string: "http://127.0.0.1:\(port)")!
        let admin = try await AdminClient.login(baseURL, username: "admin", password: password)
        return ScenarioServer(
            baseURL: baseURL, admin: admin, http: http, clock: clock, pushed: pushed, registration: registration, group: group, running: running,
            directory: directory)
    }

    private init(
        baseURL: URL, admin: AdminClient, http: FakeOutboundHTTP, clock: ScenarioClock, pushed: PushLog, registration: EventHub.Registration,
        group: ServiceGroup, running: Task<Void, any Error>, directory: URL
    ) {
        self.baseURL = baseURL
        self.pushed = pushed
        self.registration = registration
        self.admin = admin
        self.http = http
        self.clock = clock
        self.group = group
        self.running = running
        self.directory = directory
    }

    /// Creates a user (a member of nothing yet) and logs them in.
    func createUser(_ username: String) async throws -> Session {
        _ = try await admin.post(
            "/api/v1/users.create",
            json: ["username": username, "name": username.capitalized, "email": "\(username)@example.test", "password": Self.password])
        return Session(username: username, client: try await AdminClient.login(baseURL, username: username, password: Self.password))
    }

    var pushes: [Push] { pushed.items.withLock { $0 } }

    /// Stops the server and removes its data.
    func stop() async {
        registration.cancel()
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The pushes recorded so far (written from the event hub's publishing threads).
final class PushLog: Sendable {
    let items = Mutex<[ScenarioServer.Push]>([])

    func append(_ push: ScenarioServer.Push) {
        items.withLock { $0.append(push) }
    }
}

/// The scenario's time: the real clock plus how far `advance` steps moved it.
final class ScenarioClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    func now() -> Date {
        Date().addingTimeInterval(offset.withLock { $0 })
    }

    func advance(by seconds: TimeInterval) {
        offset.withLock { $0 += seconds }
    }
}

/// A scenario that cannot run as written, or an expectation that did not hold.
struct ScenarioError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
