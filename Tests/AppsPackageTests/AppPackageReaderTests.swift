import AppFixtures
import AppsPackage
import Foundation
import Testing

func manifest(_ overrides: [String: Any] = [:], removing: [String] = []) -> String {
    var object: [String: Any] = [
        "id": "d1a653e6-6f19-4f05-bf9d-f786b52d3e23", "name": "Hello", "nameSlug": "hello", "version": "1.0.0",
        "description": "says hello", "requiredApiVersion": "^1.40.0",
        "author": ["name": "Airlock", "support": "mailto:dev@example.org", "homepage": "https://example.org"],
        "classFile": "HelloApp.ts", "iconFile": "icon.png", "implements": ["IPostMessageSent"],
        "permissions": [["name": "message.write"], ["name": "networking"]],
    ]
    for (key, value) in overrides { object[key] = value }
    for key in removing { object.removeValue(forKey: key) }
    return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}

let mainJS = "exports.HelloApp = class HelloApp {};"

func validItems(_ manifestText: String = manifest()) -> [Zip.Item] {
    [
        .text("app.json", manifestText), .text("HelloApp.js", mainJS), .text("lib/util.js", "exports.x = 1;"),
        .text("i18n/en.json", #"{"hello":"Hello"}"#), .file("icon.png", Data([0x89, 0x50, 0x4e, 0x47])),
        .text(".packagedby", #"{"tool":"@rocket.chat/apps-compiler","version":"0.5.3"}"#),
    ]
}

@Suite struct AppPackageReaderTests {
    let reader = AppPackageReader()

    @Test func readsAnRcAppsStylePackage() throws {
        let upper = manifest(["id": "D1A653E6-6F19-4F05-BF9D-F786B52D3E23"])
        #expect(try reader.read(try Zip.make(validItems(upper))).manifest.id == "d1a653e6-6f19-4f05-bf9d-f786b52d3e23")
        let package = try reader.read(try Zip.make(validItems()))
        #expect(package.manifest.nameSlug == "hello")
        #expect(package.manifest.mainFile == "HelloApp.js")
        #expect(package.mainSource == mainJS)
        #expect(Set(package.files.keys) == ["HelloApp.js", "lib/util.js"])
        #expect(package.translations["en"] != nil)
        #expect(package.icon == Data([0x89, 0x50, 0x4e, 0x47]))
        #expect(package.packagedBy != nil)
        #expect(package.manifest.botUsername == "hello.bot")
    }

    @Test func semverRangesFollowNpm() {
        let v = SemanticVersion(1, 57, 0)
        #expect(v.satisfies("^1.40.0") == true)
        #expect(v.satisfies("^1.58.0") == false)
        #expect(v.satisfies("^2.0.0") == false)
        #expect(v.satisfies("~1.57.0") == true)
        #expect(v.satisfies("~1.56.0") == false)
        #expect(v.satisfies("1.57.0") == true)
        #expect(v.satisfies("1.4.0") == false)
        #expect(SemanticVersion(0, 2, 5).satisfies("^0.2.3") == true)
        #expect(SemanticVersion(0, 3, 0).satisfies("^0.2.3") == false)
        #expect(v.satisfies(">=1.0.0") == nil)
    }

    /// SemVer 2.0: pre-releases and build metadata parse, order as the spec's example list, and take part in ranges
    /// as in npm; an app with a pre-release version installs.
    @Test func preReleaseVersionsParseOrderAndInstall() throws {
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]
        let versions = try ordered.map { try #require(SemanticVersion($0)) }
        #expect(versions.map(\.description) == ordered)
        for (lower, higher) in zip(versions, versions.dropFirst()) { #expect(lower < higher, "\(lower) < \(higher)") }
        #expect(SemanticVersion("1.0.0+build.5") == SemanticVersion("1.0.0+other"))
        #expect(SemanticVersion("2.0.0-alpha+exp.sha.5114f85")?.build == "exp.sha.5114f85")
        for bad in ["1.0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0-a..b", "1.0.0+", "1.0.0-a_b", "v1.0.0"] {
            #expect(SemanticVersion(bad) == nil, "\(bad)")
        }
        #expect(SemanticVersion("1.4.0")?.satisfies("^1.2.3") == true)
        #expect(SemanticVersion("2.0.0-alpha")?.satisfies("^1.2.3") == false)
        #expect(SemanticVersion("1.4.0-beta")?.satisfies("^1.2.3") == false)
        #expect(SemanticVersion("1.2.3-beta.2")?.satisfies("^1.2.3-beta.1") == true)
        #expect(SemanticVersion("1.2.3-alpha")?.satisfies("^1.2.3-beta.1") == false)
        #expect(SemanticVersion(1, 57, 0).satisfies("^1.40.0-alpha") == true)

        let package = try AppPackageReader().read(try Zip.make(validItems(manifest(["version": "2.0.0-alpha.1"]))))
        #expect(package.manifest.version == "2.0.0-alpha.1")
    }

    /// The hostile-package corpus: each case is refused with a specific reason.
    static let hostile: [(String, @Sendable () throws -> Data, AppPackageError.Code, String)] = [
        ("zip slip", { try Zip.make(validItems() + [.text("../../etc/cron.d/evil", "x")]) }, .invalidArchive, "leaves the package"),
        ("nested traversal", { try Zip.make(validItems() + [.text("lib/../../evil.js", "x")]) }, .invalidArchive, "leaves the package"),
        ("absolute path", { try Zip.make(validItems() + [.text("/etc/passwd", "x")]) }, .invalidArchive, "absolute path"),
        ("backslashes", { try Zip.make(validItems() + [.text("..\\evil.js", "x")]) }, .invalidArchive, "backslashes"),
        ("drive letter", { try Zip.make(validItems() + [.text("C:evil.js", "x")]) }, .invalidArchive, "drive letter"),
        ("link entry", { try Zip.make(validItems() + [.link("lib/passwd", target: "/etc/passwd")]) }, .invalidArchive, "link entry"),
        ("duplicate app.json", { try Zip.make(validItems() + [.text("./app.json", manifest())]) }, .invalidArchive, "twice"),
        ("case-colliding names", { try Zip.make(validItems() + [.text("HELLOAPP.js", "x")]) }, .invalidArchive, "twice"),
        ("no app.json", { try Zip.make([.text("HelloApp.js", mainJS)]) }, .invalidManifest, "No \"app.json\""),
        ("app.json not JSON", { try Zip.make([.text("app.json", "{ nope"), .text("HelloApp.js", mainJS)]) }, .invalidManifest, "not a valid JSON"),
        ("missing classFile", { try Zip.make(validItems(manifest(removing: ["classFile"]))) }, .invalidManifest, "\"classFile\""),
        ("class file absent", { try Zip.make([.text("app.json", manifest(["classFile": "Other.ts"]))]) }, .missingClassFile, "Other.js"),
        ("wrong requiredApiVersion", { try Zip.make(validItems(manifest(["requiredApiVersion": "^2.0.0"]))) }, .unsupportedApiVersion, "requires Apps-Engine API ^2.0.0"),
        ("malformed requiredApiVersion", { try Zip.make(validItems(manifest(["requiredApiVersion": ">=1"]))) }, .invalidManifest, "requiredApiVersion"),
        ("unknown permission", { try Zip.make(validItems(manifest(["permissions": [["name": "root.shell"]]]))) }, .unknownPermission, "root.shell"),
        ("bad id", { try Zip.make(validItems(manifest(["id": "not-a-uuid"]))) }, .invalidManifest, "UUID"),
        ("bad nameSlug", { try Zip.make(validItems(manifest(["nameSlug": "Hello_App"]))) }, .invalidManifest, "nameSlug"),
        ("bad version", { try Zip.make(validItems(manifest(["version": "1.0"]))) }, .invalidManifest, "version"),
        ("unknown interface", { try Zip.make(validItems(manifest(["implements": ["IRunAsRoot"]]))) }, .invalidManifest, "IRunAsRoot"),
        ("not a zip", { Data("PK but not really".utf8) }, .invalidArchive, "not a valid zip"),
        // A 118-byte zip whose central directory points past its end used to trap inside ZIPFoundation.
        ("central directory past the end", {
            let small = try Zip.make([.text("a", "b")], deflate: false)
            return Zip.patch(small, .end, field: 16, value: UInt32(small.count + 40))
        }, .invalidArchive, "central directory"),
        ("local header offset past the end", { Zip.patch(try Zip.make(validItems()), .central, occurrence: 1, field: 42, value: 0x00ff_ffff) }, .invalidArchive, "local header"),
        ("compressed size past the end", { Zip.patch(try Zip.make(validItems()), .central, occurrence: 2, field: 20, value: 0x7fff_ffff) }, .invalidArchive, ""),
        ("encrypted entry", { Zip.patch(try Zip.make(validItems()), .central, field: 8, value: 1, width: 2) }, .invalidArchive, "encrypted"),
        ("overlapping entries", {
            let zip = try Zip.make(validItems(), deflate: false)
            let first = Zip.offset(of: .local, occurrence: 0, in: zip)!
            return Zip.patch(zip, .central, occurrence: 1, field: 42, value: UInt32(first))
        }, .invalidArchive, ""),
        ("bad CRC", {
            let zip = try Zip.make(validItems(), deflate: false)
            let central = Zip.patch(zip, .central, occurrence: 1, field: 16, value: 0xdead_beef)
            return Zip.patch(central, .local, occurrence: 1, field: 14, value: 0xdead_beef)
        }, .invalidArchive, "does not match"),
        ("control characters in the name", { try Zip.make(validItems(manifest(["name": "Evil\u{1b}[31m"]))) }, .invalidManifest, "control characters"),
        ("an enormous description", { try Zip.make(validItems(manifest(["description": String(repeating: "x", count: 5000)]))) }, .invalidManifest, "longer than"),
        ("duplicate permissions", { try Zip.make(validItems(manifest(["permissions": [["name": "networking"], ["name": "networking"]]]))) }, .invalidManifest, "twice"),
        ("icon not in the package", { try Zip.make(validItems(manifest(["iconFile": "missing.png"]))) }, .invalidManifest, "missing.png"),
        ("zip bomb with understated headers", {
            let bomb = try Zip.make(validItems() + [.file("lib/bomb.js", Data(count: 20 << 20))])
            return Zip.understate(bomb, size: 1000)
        }, .invalidArchive, ""),
        ("zip bomb, honest headers", { try Zip.make(validItems() + [.file("lib/bomb.js", Data(count: 20 << 20))]) }, .invalidArchive, "zip bomb"),
    ]

    @Test(arguments: hostile.indices)
    func hostilePackageIsRefused(_ index: Int) throws {
        let (name, make, code, fragment) = Self.hostile[index]
        let data = try make()
        #expect {
            _ = try reader.read(data)
        } throws: { error in
            guard let error = error as? AppPackageError else { return false }
            return error.code == code && (fragment.isEmpty || error.message.contains(fragment))
        }
        _ = name
    }

    @Test func limitsApplyToEntriesAndUploadSize() throws {
        var limits = AppPackageReader.Limits()
        limits.maxEntries = 5
        #expect(throws: AppPackageError.self) {
            _ = try AppPackageReader(limits: limits).read(try Zip.make(validItems() + [.text("a.js", "1"), .text("b.js", "2")]))
        }
        limits = AppPackageReader.Limits()
        limits.maxUploadBytes = 100
        #expect {
            _ = try AppPackageReader(limits: limits).read(try Zip.make(validItems()))
        } throws: { ($0 as? AppPackageError)?.code == .tooLarge }
        limits = AppPackageReader.Limits()
        limits.maxTotalBytes = 1000
        #expect {
            _ = try AppPackageReader(limits: limits).read(try Zip.make(validItems() + [.text("big.js", String(repeating: "x", count: 5000))]))
        } throws: { ($0 as? AppPackageError)?.message.contains("inflates to more than") == true }
    }
}
