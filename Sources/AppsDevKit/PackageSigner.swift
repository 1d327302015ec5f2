import AirlockCrypto
public import AppsPackage
public import Foundation
@preconcurrency import ZIPFoundation

/// `airlock dev sign`: adds `.airlock-signature.json` to a package (replacing an earlier one), signed with an
/// Ed25519 key over the package's canonical digest (``PackageSignature``).
public enum PackageSigner {
    /// Signs the zip at `url` in place and answers the signature written.
    @discardableResult
    public static func sign(_ url: URL, key: Ed25519.KeyPair, signer: String?) throws -> PackageSignature {
        guard let zip = try? Data(contentsOf: url) else { throw DevToolError("Cannot read \(url.path)", fix: "package the app first") }
        let package: AppPackage
        do {
            package = try AppPackageReader().read(zip)
        } catch let error as AppPackageError where error.code == .invalidSignature {
            // Re-signing a package whose old signature no longer matches is what signing is for.
            package = try AppPackageReader().read(try withoutSignature(zip))
        } catch let error as AppPackageError {
            throw DevToolError("\(url.lastPathComponent) is not a valid app package: \(error.message)")
        }
        let signature = try PackageSignature.make(digest: package.digest, key: key, signer: signer)
        let encoded = try JSONEncoder.sorted.encode(signature)
        let archive = try Archive(data: try withoutSignature(zip), accessMode: .update)
        try archive.addEntry(
            with: PackageSignature.fileName, type: .file, uncompressedSize: Int64(encoded.count), compressionMethod: .none,
            provider: { position, size in encoded.subdata(in: Int(position)..<Int(position) + size) })
        guard let signed = archive.data else { throw DevToolError("Could not rewrite \(url.path)") }
        try signed.write(to: url, options: .atomic)
        return signature
    }

    static func withoutSignature(_ zip: Data) throws -> Data {
        let archive = try Archive(data: zip, accessMode: .update)
        guard let entry = archive[PackageSignature.fileName] else { return zip }
        try archive.remove(entry)
        return archive.data ?? zip
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}
