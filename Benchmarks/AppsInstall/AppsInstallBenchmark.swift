import AirlockCrypto
import AppsStorage
import AppsRuntime
import AppsHost
import AppsPackage
import BenchmarkSupport
import ChatCore
import Dispatch
import EmbeddedStore
import Foundation
import Logging

/// Install + enable of a 50 KB app, in-process, excluding the upload: package read and validated, VM created, SDK
/// and bundle loaded, app constructed, record + package + bot user stored, `onInstall`, `initialize`, `onEnable`.
///
///     airlock-apps-bench [count]
@main
enum AppsInstallBenchmark {
    static func main() async throws {
        let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 100
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-apps-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let store = try EmbeddedStore(configuration: .init(path: directory.appendingPathComponent("bench.sqlite").path))
        let (manager, services, _) = AppsFoundation.assemble(store: store, settings: ServerSettings(siteURL: "http://bench"), logger: logger)
        let zip = try package()
        let id = try AppPackageReader().read(zip).manifest.id
        print("package: \(zip.count) bytes zipped, \(try AppPackageReader().read(zip).inflatedBytes) bytes inflated; \(count) installs")

        var reads: [UInt64] = []
        var installs: [UInt64] = []
        var uninstalls: [UInt64] = []
        var loads: [UInt64] = []
        var callTimes: [String: [UInt64]] = [:]
        let host = EngineHost(foundation: AppsFoundation(store: store, logger: logger), services: services, serverSettings: { [] })
        for _ in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            let instance = try await AppInstance.load(try AppPackageReader().read(zip), host: host)
            loads.append(DispatchTime.now().uptimeNanoseconds - start)
            await instance.close()
        }
        for _ in 0..<count {
            var start = DispatchTime.now().uptimeNanoseconds
            _ = try AppPackageReader().read(zip)
            reads.append(DispatchTime.now().uptimeNanoseconds - start)

            start = DispatchTime.now().uptimeNanoseconds
            let record = try await manager.install(zip)
            installs.append(DispatchTime.now().uptimeNanoseconds - start)
            guard record.status == "manually_enabled" else { fatalError("install ended \(record.status): \(record.statusReason ?? "")") }

            for (method, stats) in manager.stats.local.snapshot(appId: id) {
                callTimes[method, default: []].append(UInt64(stats.p50Ms * 1e6))
            }
            start = DispatchTime.now().uptimeNanoseconds
            try await manager.uninstall(id: id)
            uninstalls.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        Bench.report("install + enable (total, excluding upload)", installs)
        Bench.report("  of which: read + validate the zip", reads)
        Bench.report("  of which: read + VM + SDK + 50 KB bundle + construct (AppInstance.load)", loads)
        for (method, samples) in callTimes.sorted(by: { $0.key < $1.key }) {
            Bench.report("  of which: \(method) (call into the app)", samples)
        }
        Bench.report("uninstall (onUninstall, stop VM, delete rows)", uninstalls)

        // The files as the reader sees them (Bench.zip adds the icon).
        let files = try (entries() + [("icon.png", "\u{89}PNG")]).reduce(into: [String: Data]()) { $0[$1.0] = Data($1.1.utf8) }
        let key = try Ed25519.KeyPair.generate()
        let signature = try PackageSignature.make(digest: try AppPackageReader().read(zip).digest, key: key, signer: "bench")
        let signed = try Bench.zip(try entries() + [(PackageSignature.fileName, String(decoding: try JSONEncoder().encode(signature), as: UTF8.self))])
        var digests: [UInt64] = []
        var signedReads: [UInt64] = []
        for _ in 0..<count {
            var start = DispatchTime.now().uptimeNanoseconds
            _ = PackageSignature.digest(of: files)
            digests.append(DispatchTime.now().uptimeNanoseconds - start)
            start = DispatchTime.now().uptimeNanoseconds
            guard try AppPackageReader().read(signed).signature != nil else { fatalError("the signed package lost its signature") }
            signedReads.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        Bench.report("canonical digest of the package (part of every read)", digests)
        Bench.report("read + validate the signed zip (digest + Ed25519 verify)", signedReads)
        await manager.shutdown()
    }

    /// An rc-apps shaped package: app.json, the main class and a 50 KB bundle it requires.
    static func package() throws -> Data {
        try Bench.zip(try entries())
    }

    static func entries() throws -> [(String, String)] {
        [("app.json", manifestText), ("BenchApp.js", mainText), ("lib/handlers.js", Bench.bundle())]
    }

    static let manifestText = """
        {"id":"9d7c6b5a-4e3f-4a1b-8c2d-0e9f8a7b6c5d","name":"Bench","nameSlug":"bench","version":"1.0.0",
         "description":"install benchmark","requiredApiVersion":"^1.40.0","author":{"name":"Airlock","support":"x"},
         "classFile":"BenchApp.ts","iconFile":"icon.png","permissions":[{"name":"slashcommand"}]}
        """

    static let mainText = """
        'use strict';
        const { App } = require('@rocket.chat/apps-engine/definition/App');
        const { SettingType } = require('@rocket.chat/apps-engine/definition/settings');
        const handlers = require('./lib/handlers');
        class BenchApp extends App {
          async extendConfiguration(configuration) {
            await configuration.settings.provideSetting({ id: 'greeting', type: SettingType.STRING, packageValue: 'hi', required: false, public: false, i18nLabel: 'Greeting' });
            await configuration.slashCommands.provideSlashCommand({ command: 'bench', i18nParamsExample: '', i18nDescription: '', providesPreview: false, executor: async () => {} });
          }
          async onEnable() { return Object.keys(handlers).length > 0; }
        }
        exports.BenchApp = BenchApp;
        """
}
