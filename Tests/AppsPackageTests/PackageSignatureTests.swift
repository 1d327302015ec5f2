import AirlockCrypto
import AppFixtures
import AppsPackage
import Foundation
import Testing
import ZIPFoundation

@Suite struct PackageSignatureTests {
    /// A zip of `entries` in the given order and compression.
    static func zip(_ entries: [(String, String)], compression: CompressionMethod = .deflate) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, text) in entries {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: compression,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        return try #require(archive.data)
    }

    static func files(_ zip: Data) throws -> [(String, String)] {
        let archive = try Archive(data: zip, accessMode: .read)
        return try archive.map { entry in
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            return (entry.path, String(decoding: data, as: UTF8.self))
        }
    }

    static let manifest = """
        {"id":"8a1e7c52-1b2d-4c3e-9f40-5a6b7c8d9e01","name":"Signed","nameSlug":"signed","version":"1.0.0","description":"d",
         "requiredApiVersion":"^1.40.0","author":{"name":"a","support":"s"},"classFile":"main.js","iconFile":"icon.png"}
        """
    static let entries = [("app.json", manifest), ("main.js", "module.exports = { A: class {} };"), ("icon.png", "png")]

    func signed(_ entries: [(String, String)], key: Ed25519.KeyPair) throws -> Data {
        let package = try AppPackageReader().read(try Self.zip(entries))
        let signature = try PackageSignature.make(digest: package.digest, key: key, signer: "tests")
        let encoded = String(decoding: try JSONEncoder().encode(signature), as: UTF8.self)
        return try Self.zip(entries + [(PackageSignature.fileName, encoded)])
    }

    @Test func theDigestIgnoresOrderCompressionAndTheSignatureFile() throws {
        let reader = AppPackageReader()
        let a = try reader.read(try Self.zip(Self.entries)).digest
        let b = try reader.read(try Self.zip(Self.entries.reversed(), compression: .none)).digest
        #expect(a == b && a.count == 32)
        let changed = try reader.read(try Self.zip(Self.entries.map { $0.0 == "main.js" ? ($0.0, $0.1 + " ") : $0 })).digest
        #expect(changed != a)
        let renamed = try reader.read(try Self.zip(Self.entries + [("lib/x.js", "1")])).digest
        #expect(renamed != a)
    }

    @Test func aValidSignatureIsReadAndATamperedPackageRefused() throws {
        let key = try Ed25519.KeyPair.generate()
        let zip = try signed(Self.entries, key: key)
        let package = try AppPackageReader().read(zip)
        let signature = try #require(package.signature)
        #expect(signature.keyId == Ed25519.keyId(key.publicKey) && signature.signer == "tests")

        let tampered = try Self.zip(try Self.files(zip).map { $0.0 == "main.js" ? ($0.0, "module.exports = { Evil: class {} };") : $0 })
        let error = #expect(throws: AppPackageError.self) { try AppPackageReader().read(tampered) }
        #expect(error?.code == .invalidSignature && error?.message.contains("do not match its signature") == true)
        let added = try Self.zip(try Self.files(zip) + [("extra.js", "1")])
        #expect(#expect(throws: AppPackageError.self) { try AppPackageReader().read(added) }?.code == .invalidSignature)
    }

    @Test func malformedSignatureFilesAreRefused() throws {
        let key = try Ed25519.KeyPair.generate()
        let good = try Self.files(try signed(Self.entries, key: key)).first { $0.0 == PackageSignature.fileName }!.1
        var object = try JSONSerialization.jsonObject(with: Data(good.utf8)) as! [String: Any]
        for (field, value) in [("algorithm", "rsa"), ("keyId", "0000000000000000"), ("signature", "not base64!"), ("publicKey", "AAAA")] {
            var broken = object
            broken[field] = value
            let text = String(decoding: try JSONSerialization.data(withJSONObject: broken), as: UTF8.self)
            let zip = try Self.zip(Self.entries + [(PackageSignature.fileName, text)])
            #expect(#expect(throws: AppPackageError.self) { try AppPackageReader().read(zip) }?.code == .invalidSignature, "\(field)")
        }
        object["signature"] = nil
        let text = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let zip = try Self.zip(Self.entries + [(PackageSignature.fileName, text)])
        #expect(#expect(throws: AppPackageError.self) { try AppPackageReader().read(zip) }?.code == .invalidSignature)
    }
}
