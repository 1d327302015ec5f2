import AirlockCrypto
import AppsDevKit
import AppsPackage
import Foundation

/// The steps `package`, `deploy` and `watch` share.
enum DevBuild {
    /// Packages the project (and signs it when `key` is given), printing each step.
    static func package(project: ProjectOptions, key: String?, output: String?) throws -> AppPackager.Result {
        let app = try AppProject(directory: project.url)
        let packager = AppPackager(progress: { DevOutput.step($0) })
        let result = try packager.package(app, to: output.map { URL(fileURLWithPath: $0) })
        if let key {
            let signature = try PackageSigner.sign(result.url, key: try loadKey(key), signer: nil)
            DevOutput.step("signed with key \(signature.keyId)")
        }
        return result
    }

    static func loadKey(_ path: String) throws -> Ed25519.KeyPair {
        let expanded = NSString(string: path).expandingTildeInPath
        guard let text = try? String(contentsOfFile: expanded, encoding: .utf8) else {
            throw DevToolError("Cannot read the key \(expanded)", fix: "make one with `airlock dev keygen`")
        }
        do {
            return try Ed25519.KeyPair(pem: text)
        } catch {
            throw DevToolError("\(expanded): \(error)", fix: "pass the .key file `airlock dev keygen` wrote")
        }
    }

    /// Rocket.Chat's deploy flow: update the app when the server has it, install it otherwise; answers the
    /// closing line (the app's status on the server).
    static func deploy(zip: URL, server: CLICredentials) async throws -> String {
        let data = try Data(contentsOf: zip)
        let manifest: AppManifest
        do {
            manifest = try AppPackageReader().read(data).manifest
        } catch let error as AppPackageError {
            throw DevToolError("\(zip.lastPathComponent) is not a valid package: \(error.message)")
        }
        let client = try await server.client()
        DevOutput.step("connected to \(client.baseURL.absoluteString) as \(client.userId)")
        var exists = true
        do {
            _ = try await client.get("/api/apps/\(manifest.id)")
        } catch let error as AdminClient.Failure where error.status == 404 {
            exists = false
        }
        DevOutput.step("\(exists ? "updating" : "installing") \(manifest.name) \(manifest.version) (\(DevOutput.size(data.count)))")
        let reply: [String: Any]
        do {
            reply = try await client.upload(exists ? "/api/apps/\(manifest.id)" : "/api/apps", zip: data, permissions: nil)
        } catch let error as AdminClient.Failure {
            throw DevToolError("The server refused the package: \(error.description)", fix: "fix what it names and deploy again")
        }
        let app = reply["app"] as? [String: Any] ?? [:]
        let reason = (app["statusReason"] as? String).map { " (\($0))" } ?? ""
        let signature = app["signature"] as? [String: Any] ?? [:]
        let signed = (signature["signed"] as? Bool) == true ? ", signed by \(signature["signer"] ?? "")" : ""
        return "\(exists ? "updated" : "installed") \(app["name"] ?? manifest.name) \(app["version"] ?? manifest.version) on \(client.baseURL.absoluteString): \(app["status"] ?? "unknown")\(reason)\(signed)"
    }
}
