import AppsDevKit
import AppsPackage
import ArgumentParser
import Foundation
import Logging

extension DevCommand {
    /// `airlock dev test`: packages the app and runs its scenarios, each against a fresh in-process Airlock.
    struct TestCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run the app's scenarios (scenarios/*.yaml) against an in-process Airlock: post, run commands, call endpoints, click, advance time; check messages, refusals, responses and outbound requests.")
        @OptionGroup var project: ProjectOptions
        @Argument(help: "Scenario files (default: scenarios/*.yaml|yml|json).") var scenarios: [String] = []
        @Flag(name: .customLong("in-process"), help: "Run the app in the server's process instead of a worker.") var inProcess = false
        @Flag(help: "Show the server's log.") var verbose = false

        func run() async throws {
            let level: Logger.Level = verbose ? .info : .critical
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            try await DevOutput.run {
                let result = try DevBuild.package(project: project, key: nil, output: nil)
                let files = try Scenario.files(scenarios, project: project.url)
                let runner = ScenarioRunner(
                    package: try Data(contentsOf: result.url), manifest: result.package.manifest, inProcess: inProcess, logLevel: level)
                var failures: [String] = []
                var steps = 0
                for file in files {
                    let scenario = try Scenario(file: file)
                    DevOutput.line("  ▸ \(scenario.file): \(scenario.name)")
                    steps += scenario.steps.count
                    failures += try await runner.run(scenario)
                }
                guard failures.isEmpty else {
                    throw DevToolError("\(failures.count) of \(files.count) scenario\(files.count == 1 ? "" : "s") failed (first: \(failures[0]); the step's line above says why)", fix: nil)
                }
                DevOutput.done("\(files.count) scenario\(files.count == 1 ? "" : "s"), \(steps) steps passed")
            }
        }
    }
}
