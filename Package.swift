// swift-tools-version:6.2
import PackageDescription

/// Settings shared by every Swift target (style guide rule 5).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")

let package = Package(
    name: "airlock",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "airlock", targets: ["airlock"]),
        .executable(name: "airlock-realtime-bench", targets: ["airlock-realtime-bench"]),
        .executable(name: "airlock-js-bench", targets: ["airlock-js-bench"]),
        .executable(name: "airlock-apps-bench", targets: ["airlock-apps-bench"]),
        .executable(name: "airlock-mongo-bench", targets: ["airlock-mongo-bench"]),
        .executable(name: "airlock-hooks-bench", targets: ["airlock-hooks-bench"]),
        .executable(name: "airlock-worker-bench", targets: ["airlock-worker-bench"]),
        .library(name: "AirlockApp", targets: ["AirlockApp"]),
        .library(name: "ChatCore", targets: ["ChatCore"]),
        .library(name: "JavaScriptRuntime", targets: ["JavaScriptRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
    ],
    targets: [
        // MARK: C shims (exactly one Swift module imports each)
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CMongoC", pkgConfig: "libmongoc-1.0", providers: [.apt(["libmongoc-dev"])]),
        .systemLibrary(
            name: "CJavaScriptCore", pkgConfig: "javascriptcoregtk-4.1", providers: [.apt(["libjavascriptcoregtk-4.1-dev"])]),

        // MARK: Crypto wrapper (passwords, token digests, ids)
        .target(name: "AirlockCrypto", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),

        // MARK: IP addresses and ranges (outbound allow-list, trusted proxies); no dependencies
        .target(name: "AirlockNetwork", swiftSettings: swiftSettings),

        // MARK: The JSON tree shared by the chat domain and the JavaScript runtime (no dependencies)
        .target(name: "AirlockJSON", swiftSettings: swiftSettings),

        // MARK: JavaScript kept in .js files, embedded at build time as raw string literals
        .executableTarget(name: "EmbedJavaScriptTool", swiftSettings: swiftSettings),
        .plugin(name: "EmbedJavaScript", capability: .buildTool(), dependencies: ["EmbedJavaScriptTool"]),

        // MARK: JavaScript runtime (the only module touching JSC pointers)
        .target(
            name: "JavaScriptRuntime", dependencies: ["CJavaScriptCore", "AirlockCrypto", "AirlockJSON"], exclude: ["JavaScript"],
            swiftSettings: swiftSettings, plugins: ["EmbedJavaScript"]),

        // MARK: App packages (zip + app.json), shared by the engine and the CLI; no JSC or HTTP
        .target(
            name: "AppsPackage", dependencies: ["AirlockCrypto", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings),

        // MARK: Developer tools (`airlock dev`): project validation, packaging, implements, signing, scaffolding
        .target(
            name: "AppsDevKit", dependencies: ["AppsPackage", "AirlockCrypto", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings, plugins: ["EmbedJavaScript"]),

        // MARK: Apps' outbound HTTP (the only module importing AsyncHTTPClient): address rules, pinning, redirects
        .target(
            name: "OutboundHTTP",
            dependencies: [
                "AirlockNetwork", .product(name: "AsyncHTTPClient", package: "async-http-client"), nioCore, .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),

        // MARK: Apps runtime: one app in its VM (AppInstance, the bridge protocol and accessor contract, the embedded
        // AppsSDK, the call fence). What a worker process holds: no chat core, no store, no HTTP.
        .target(
            name: "AppsRuntime", dependencies: ["AppsPackage", "JavaScriptRuntime", "AirlockJSON"], swiftSettings: swiftSettings,
            plugins: ["EmbedJavaScript"]),

        // MARK: Process sandbox primitives in C (spawn with a clean slate, seccomp filter, network namespace)
        .target(name: "CSandbox"),

        // MARK: Apps worker: one app's runtime in its own locked-down process (`airlock worker`), and the host side
        // that spawns, limits, watches and restarts it over a socketpair
        .target(
            name: "AppsWorker", dependencies: ["AppsRuntime", "AppsPackage", "JavaScriptRuntime", "AirlockJSON", "CSandbox"],
            swiftSettings: swiftSettings),

        // MARK: Apps host: everything around the apps (manager, accessors, hook dispatcher, commands, endpoints, UIKit,
        // scheduler, limits, logs and stats); reaches an app only through the runtime's bridge protocol
        .target(
            name: "AppsHost",
            dependencies: [
                "AppsRuntime", "AppsWorker", "AppsStorage", "AppsPackage", "JavaScriptRuntime", "ChatCore", "AirlockCrypto", "OutboundHTTP", logging,
                metrics,
            ],
            swiftSettings: swiftSettings),

        // MARK: What the apps host stores (installed apps, logs, persistence, jobs): protocols and records, implemented
        // by both stores beside the chat core's own; the chat core knows nothing of apps
        .target(name: "AppsStorage", dependencies: ["ChatCore"], swiftSettings: swiftSettings),

        // MARK: Chat domain: no HTTP, no JavaScript, no database driver, no apps
        .target(name: "ChatCore", dependencies: ["AirlockCrypto", "AirlockJSON", logging], swiftSettings: swiftSettings),

        // MARK: Embedded store (the only module importing GRDB)
        .target(
            name: "EmbeddedStore",
            dependencies: ["ChatCore", "AppsStorage", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "NIOPosix", package: "swift-nio"), nioCore],
            swiftSettings: swiftSettings
        ),

        // MARK: MongoDB: the driver wrapper (the only module touching libmongoc) and the store over it
        .target(
            name: "MongoDriver", dependencies: ["CMongoC", "AirlockJSON", .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings),
        .target(name: "MongoStore", dependencies: ["ChatCore", "AppsStorage", "MongoDriver", logging], swiftSettings: swiftSettings),

        // MARK: HTTP surface (Rocket.Chat wire shapes live here)
        .target(name: "ChatServer", dependencies: ["ChatCore", "AirlockCrypto", hummingbird, logging, nioCore, .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                "AirlockNetwork",
            ], swiftSettings: swiftSettings),

        // MARK: HTTP surface of the apps engine (admin API; later app endpoints and webhooks)
        .target(
            name: "AppsServer",
            dependencies: [
                "AppsHost", "AppsRuntime", "AppsStorage", "AppsPackage", "ChatCore", "ChatServer", hummingbird, nioCore,
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            swiftSettings: swiftSettings),

        // MARK: Composition root shared by the executable and the tests
        // MARK: The web console (/admin), its assets embedded at build time
        .target(
            name: "WebConsole", dependencies: ["ChatServer", hummingbird, nioCore], exclude: ["Assets"], swiftSettings: swiftSettings,
            plugins: ["EmbedJavaScript"]),

        // MARK: Webhook integrations: incoming hooks, outgoing calls, their scripts in the apps' sandbox, the REST routes
        .target(
            name: "Integrations",
            dependencies: [
                "ChatCore", "ChatServer", "AppsHost", "AppsRuntime", "AppsPackage", "JavaScriptRuntime", "OutboundHTTP", "AirlockCrypto", "AirlockJSON",
                hummingbird, logging,
            ],
            exclude: ["JavaScript"], swiftSettings: swiftSettings, plugins: ["EmbedJavaScript"]),

        .target(
            name: "AirlockApp",
            dependencies: [
                "ChatCore", "ChatServer", "EmbeddedStore", "MongoStore", "AppsHost", "AppsWorker", "AppsStorage", "AppsServer", "OutboundHTTP", "Integrations",
                "WebConsole", hummingbird,
                "AirlockNetwork", .product(name: "HTTPTypes", package: "swift-http-types"), logging, lifecycle, nioCore,
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "airlock",
            dependencies: [
                "AirlockApp", "AppsWorker", "OutboundHTTP", "AppsDevKit", "AppsPackage", "AppsHost", "ChatCore", "AirlockCrypto", "AirlockJSON",
                hummingbird, logging, metrics, nioCore, lifecycle, .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmarks (built with the package, run by Benchmarks/*.sh; CI runs them only as a smoke test)
        .target(
            name: "BenchmarkSupport", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Benchmarks/Support", swiftSettings: swiftSettings),
        .executableTarget(
            name: "airlock-js-bench", dependencies: ["JavaScriptRuntime", "BenchmarkSupport"], path: "Benchmarks/JSRuntime",
            swiftSettings: swiftSettings),

        .executableTarget(
            name: "airlock-apps-bench",
            dependencies: [
                "AppsHost", "AppsRuntime", "AppsStorage", "AppsPackage", "ChatCore", "EmbeddedStore", "BenchmarkSupport", "AirlockCrypto", logging,
            ],
            path: "Benchmarks/AppsInstall", swiftSettings: swiftSettings),

        .executableTarget(
            name: "airlock-hooks-bench",
            dependencies: [
                "AppsHost", "AppsRuntime", "AppsPackage", "ChatCore", "EmbeddedStore", "BenchmarkSupport", logging,
            ],
            path: "Benchmarks/Hooks", swiftSettings: swiftSettings),

        .executableTarget(
            name: "airlock-worker-bench",
            dependencies: ["AppsWorker", "AppsRuntime", "AppsPackage", "AirlockJSON", "JavaScriptRuntime", "BenchmarkSupport"],
            path: "Benchmarks/Worker", swiftSettings: swiftSettings),

        .executableTarget(
            name: "airlock-mongo-bench", dependencies: ["ChatCore", "MongoDriver", "BenchmarkSupport"], path: "Benchmarks/MongoDriver",
            swiftSettings: swiftSettings),

        .executableTarget(
            name: "airlock-realtime-bench",
            dependencies: [logging, .product(name: "HummingbirdWSClient", package: "hummingbird-websocket")],
            path: "Benchmarks/Realtime", swiftSettings: swiftSettings),

        // MARK: Tests
        .target(
            name: "AppFixtures", dependencies: ["AppsRuntime", "AppsPackage", "AirlockJSON", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Tests/AppFixtures", swiftSettings: swiftSettings),
        .testTarget(name: "AirlockCryptoTests", dependencies: ["AirlockCrypto"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OutboundHTTPTests", dependencies: ["OutboundHTTP", "AirlockNetwork", hummingbird, .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "JavaScriptRuntimeTests", dependencies: ["JavaScriptRuntime", "AirlockJSON"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AppsRuntimeTests", dependencies: ["AppsRuntime", "AppsPackage", "JavaScriptRuntime", "AirlockJSON", "AppFixtures"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AppsHostTests",
            dependencies: [
                "AppsHost", "AppsRuntime", "AppsStorage", "AppsPackage", "ChatCore", "JavaScriptRuntime", "EmbeddedStore", "AppFixtures", "AirlockJSON",
                logging,
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AppsPackageTests",
            dependencies: ["AppsPackage", "AppFixtures", "AirlockCrypto", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings),
        .testTarget(name: "IntegrationsTests", dependencies: ["Integrations", "ChatCore", "AirlockJSON"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AppsDevKitTests", dependencies: ["AppsDevKit", "AppsPackage", "AirlockCrypto"],
            swiftSettings: swiftSettings),
        .testTarget(name: "ChatCoreTests", dependencies: ["ChatCore", "EmbeddedStore"], swiftSettings: swiftSettings),
        .target(name: "MongoTestSupport", path: "Tests/MongoTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "EmbeddedStoreTests", dependencies: ["ChatCore", "AppsStorage", "EmbeddedStore", "MongoStore", "MongoDriver", "MongoTestSupport", logging],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ChatServerTests",
            dependencies: [
                "AirlockApp", "AppsHost", "AppsStorage", "ChatCore", "ChatServer", "AppFixtures", "AirlockCrypto", "OutboundHTTP", hummingbird, nioCore, logging,
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOWebSocket", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), "AirlockNetwork",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
