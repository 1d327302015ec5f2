import AirlockCrypto
import AppsDevKit
import AppsPackage
import Foundation
import Synchronization
import Testing

@Suite struct AppsDevKitTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-devkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func scaffoldPackagesIntoWhatTheServerAccepts() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let scaffold = try AppScaffold(name: "Hello World", typeScript: false)
        #expect(scaffold.slug == "hello-world" && scaffold.className == "HelloWorldApp")
        let files = try scaffold.write(to: root.appendingPathComponent("app"))
        #expect(files.contains("HelloWorldApp.js") && files.contains(".airlock/apps-engine/apps-engine.d.ts"))
        let project = try AppProject(directory: root.appendingPathComponent("app"))
        let steps = Mutex<[String]>([])
        let result = try AppPackager(progress: { line in steps.withLock { $0.append(line) } }).package(project)
        #expect(result.url.lastPathComponent == "hello-world_0.1.0.zip")
        #expect(result.package.manifest.name == "Hello World" && result.implements.isEmpty)
        #expect(result.files.sorted() == [".packagedby", "HelloWorldApp.js", "app.json", "icon.png"])
        #expect(steps.withLock { $0.first }?.hasPrefix("manifest ok: Hello World 0.1.0") == true)
        // Writing into a folder that has files is refused.
        #expect(throws: DevToolError.self) { try scaffold.write(to: root.appendingPathComponent("app")) }
        #expect(throws: DevToolError.self) { try AppScaffold(name: "../evil", typeScript: false) }
    }

    @Test func implementsComesFromHandlerDefinitionsNotCalls() {
        let source = """
            class A extends App {
              async executePostMessageSent(message, read) { other.executePreMessageSentPrevent(x); }
              executeBlockActionHandler = async (context) => {};
            }
            class B implements IPreRoomCreatePrevent, ISomethingElse {}
            """
        let found = InterfaceScanner.implements(sources: [source])
        #expect(found == ["IPostMessageSent", "IPreRoomCreatePrevent", "IUIKitInteractionHandler"])
    }

    @Test func signingReplacesAnEarlierSignature() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        try AppScaffold(name: "Signed", typeScript: false).write(to: root)
        let result = try AppPackager().package(try AppProject(directory: root))
        let first = try Ed25519.KeyPair.generate()
        let second = try Ed25519.KeyPair.generate()
        try PackageSigner.sign(result.url, key: first, signer: "one")
        let signature = try PackageSigner.sign(result.url, key: second, signer: "two")
        let package = try AppPackageReader().read(try Data(contentsOf: result.url))
        #expect(package.signature == signature && package.digest == result.package.digest)
        #expect(package.signature?.keyId == Ed25519.keyId(second.publicKey))
    }
}
