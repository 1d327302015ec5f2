import AirlockCrypto
import AppsDevKit
import AppsPackage
import ArgumentParser
import Foundation

/// `airlock dev ...`: the app developer's tools — scaffold, package, sign, deploy, watch, test.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev", abstract: "Build, test and deploy Airlock apps (Rocket.Chat Apps-Engine compatible).",
        subcommands: [New.self, Package.self, Sign.self, Keygen.self, Deploy.self, Watch.self, TestCommand.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a working app in a new folder: app.json, main class with a slash command, a test scenario, SDK typings.")
        @Argument(help: "The app's name (\"Hello World\" makes hello-world/ with HelloWorldApp).") var name: String
        @Flag(help: "Write the app in TypeScript (packaged with esbuild).") var typescript = false
        @Option(help: "Folder to create (default: the app's slug).") var dir: String?
        @Option(help: "Author name in app.json.") var author = "Your Name"

        func run() throws {
            try DevOutput.run {
                let scaffold = try AppScaffold(name: name, typeScript: typescript, author: author)
                let folder = URL(fileURLWithPath: dir ?? scaffold.slug)
                let files = try scaffold.write(to: folder)
                for file in files where !file.hasPrefix(".airlock/") { DevOutput.step("wrote \(file)") }
                DevOutput.step("wrote .airlock/apps-engine/ (SDK typings, \(files.filter { $0.hasPrefix(".airlock/") }.count) files)")
                DevOutput.done("created \(scaffold.name) in \(folder.path) — next: cd \(folder.path) && airlock dev test")
            }
        }
    }

    struct Package: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate the app and write dist/<nameSlug>_<version>.zip.")
        @OptionGroup var project: ProjectOptions
        @Option(help: "Sign the package with this Ed25519 private key (PEM).") var key: String?
        @Option(help: "Write the zip here instead of dist/.") var output: String?

        func run() throws {
            try DevOutput.run {
                let result = try DevBuild.package(project: project, key: key, output: output)
                DevOutput.done("wrote \(result.url.path) (\(result.files.count) files, \(DevOutput.size(result.bytes)))")
            }
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an Ed25519 signature (.airlock-signature.json) to a package.")
        @Option(help: "Ed25519 private key in PEM (from `airlock dev keygen` or `openssl genpkey -algorithm ed25519`).") var key: String
        @Option(help: "Signer name recorded in the signature (the server shows its trust store's name).") var signer: String?
        @OptionGroup var project: ProjectOptions
        @Argument(help: "The package (default: the project's dist/<nameSlug>_<version>.zip).") var package: String?

        func run() throws {
            try DevOutput.run {
                let url = try package.map { URL(fileURLWithPath: $0) } ?? AppProject(directory: project.url).packageURL
                let signature = try PackageSigner.sign(url, key: try DevBuild.loadKey(key), signer: signer)
                DevOutput.done("signed \(url.path) with key \(signature.keyId) (digest \(signature.digest.prefix(16))…)")
            }
        }
    }

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an Ed25519 key pair for signing packages: NAME.key (private, 0600) and NAME.pub.")
        @Option(help: "Path prefix of the two files.") var out = "~/.config/airlock/keys/publisher"
        @Flag(help: "Replace existing files.") var force = false

        func run() throws {
            try DevOutput.run {
                let base = NSString(string: out).expandingTildeInPath
                let privateURL = URL(fileURLWithPath: base + ".key")
                let publicURL = URL(fileURLWithPath: base + ".pub")
                if !force, FileManager.default.fileExists(atPath: privateURL.path) {
                    throw DevToolError("\(privateURL.path) exists", fix: "pass --force to replace it, or --out another path")
                }
                let pair = try Ed25519.KeyPair.generate()
                try FileManager.default.createDirectory(at: privateURL.deletingLastPathComponent(), withIntermediateDirectories: true)
                // Created 0600 from the start: the key is never readable by others, not even briefly.
                try? FileManager.default.removeItem(at: privateURL)
                guard FileManager.default.createFile(atPath: privateURL.path, contents: Data(try pair.privatePEM().utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw DevToolError("Cannot write \(privateURL.path)")
                }
                try Data(try Ed25519.publicPEM(pair.publicKey).utf8).write(to: publicURL)
                DevOutput.step("private key: \(privateURL.path) (keep it secret)")
                DevOutput.step("public key: \(publicURL.path) — trust it on a server: airlock apps trust add \(publicURL.path) --name \"...\"")
                DevOutput.done("key \(Ed25519.keyId(pair.publicKey)) written")
            }
        }
    }

    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Package the app and install it on a server, or update it when installed (settings and data are kept).")
        @OptionGroup var project: ProjectOptions
        @OptionGroup var server: CLICredentials
        @Option(help: "Deploy this zip instead of packaging the project.") var package: String?
        @Option(help: "Sign with this Ed25519 private key (PEM) before deploying.") var key: String?

        func run() async throws {
            try await DevOutput.run {
                let zip = try package.map { URL(fileURLWithPath: $0) } ?? DevBuild.package(project: project, key: key, output: nil).url
                let line = try await DevBuild.deploy(zip: zip, server: server)
                DevOutput.done(line)
            }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Repackage and redeploy on every change (hot reload: settings and persistence are kept).")
        @OptionGroup var project: ProjectOptions
        @OptionGroup var server: CLICredentials
        @Option(help: "Sign each package with this Ed25519 private key (PEM).") var key: String?
        @Option(help: "How often to look for changes, in milliseconds.") var interval = 500

        func run() async throws {
            try await DevOutput.run {
                var snapshot = try ProjectSnapshot(project.url)
                try await redeploy()
                DevOutput.step("watching \(project.url.path) (Ctrl-C to stop)")
                while true {
                    try await Task.sleep(for: .milliseconds(interval))
                    var next = try ProjectSnapshot(project.url)
                    guard next != snapshot else { continue }
                    let before = snapshot
                    // Editors write in bursts: wait until the folder holds still for one interval.
                    repeat {
                        snapshot = next
                        try await Task.sleep(for: .milliseconds(interval))
                        next = try ProjectSnapshot(project.url)
                    } while next != snapshot
                    DevOutput.step("changed: \(snapshot.changed(from: before).joined(separator: ", "))")
                    do {
                        try await redeploy()
                    } catch {
                        DevOutput.failure("\(error)")
                    }
                }
            }
        }

        func redeploy() async throws {
            let result = try DevBuild.package(project: project, key: key, output: nil)
            DevOutput.done(try await DevBuild.deploy(zip: result.url, server: server))
        }
    }
}

/// `--dir`: the app's folder.
struct ProjectOptions: ParsableArguments {
    @Option(help: "The app's folder (default: the current one).") var dir = "."

    var url: URL { URL(fileURLWithPath: dir) }
}
