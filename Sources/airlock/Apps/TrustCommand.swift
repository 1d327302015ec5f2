import ArgumentParser
import Foundation

/// `airlock apps trust ...`: the server's trust store of publisher keys for signed packages.
struct TrustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust", abstract: "Manage the publisher keys trusted to sign app packages.", subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trust a publisher's Ed25519 public key (the .pub file `airlock dev keygen` wrote).")
        @OptionGroup var server: CLICredentials
        @Argument(help: "Public key file (PEM).") var file: String
        @Option(help: "The publisher's name, shown as the signer of their apps.") var name: String

        func run() async throws {
            let pem = try String(contentsOfFile: NSString(string: file).expandingTildeInPath, encoding: .utf8)
            let reply = try await server.client().post("/api/apps/trust", json: ["name": name, "publicKey": pem])
            let key = reply["key"] as? [String: Any] ?? [:]
            print("trusted key \(key["keyId"] ?? "") (\(key["name"] ?? name))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List trusted keys and the policy for unsigned packages.")
        @OptionGroup var server: CLICredentials
        @Flag(help: "Print the server's JSON.") var json = false

        func run() async throws {
            let reply = try await server.client().get("/api/apps/trust")
            if json { return try Output.json(reply) }
            let keys = reply["keys"] as? [[String: Any]] ?? []
            Output.table(["KEY ID", "NAME", "ADDED", "BY"], keys.map { ["\($0["keyId"] ?? "")", "\($0["name"] ?? "")", "\($0["createdAt"] ?? "")", "\($0["createdBy"] as? String ?? "-")"] })
            print("unsigned packages: \(reply["unsignedPolicy"] ?? "")")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop trusting a key (installed apps stay installed).")
        @OptionGroup var server: CLICredentials
        @Argument(help: "Key id.") var keyId: String

        func run() async throws {
            _ = try await server.client().delete("/api/apps/trust/\(keyId)")
            print("removed key \(keyId)")
        }
    }
}
