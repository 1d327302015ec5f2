import Foundation
@preconcurrency import ZIPFoundation

/// Builds zips in memory, including the hostile ones no well-behaved tool would write.
public enum Zip {
    public enum Item: Sendable {
        case file(String, Data)
        case text(String, String)
        case link(String, target: String)
        case directory(String)
    }

    public static func make(_ items: [Item], deflate: Bool = true) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for item in items {
            switch item {
            case .file(let path, let data):
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: deflate ? .deflate : .none,
                    provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
            case .text(let path, let text):
                let data = Data(text.utf8)
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: deflate ? .deflate : .none,
                    provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
            case .link(let path, let target):
                let data = Data(target.utf8)
                try archive.addEntry(
                    with: path, type: .symlink, uncompressedSize: Int64(data.count),
                    provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
            case .directory(let path):
                try archive.addEntry(with: path, type: .directory, uncompressedSize: Int64(0), provider: { (_: Int64, _: Int) in Data() })
            }
        }
        return archive.data!
    }

    /// Rewrites every declared uncompressed size (local headers and central directory) to `size`: the classic
    /// bomb that lies about how much it inflates to.
    public static func understate(_ zip: Data, size: UInt32) -> Data {
        var bytes = [UInt8](zip)
        func put(_ offset: Int) {
            bytes[offset] = UInt8(size & 0xff)
            bytes[offset + 1] = UInt8(size >> 8 & 0xff)
            bytes[offset + 2] = UInt8(size >> 16 & 0xff)
            bytes[offset + 3] = UInt8(size >> 24 & 0xff)
        }
        var i = 0
        while i + 4 <= bytes.count {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4b, bytes[i + 2] == 0x03, bytes[i + 3] == 0x04 { put(i + 22) }
            if bytes[i] == 0x50, bytes[i + 1] == 0x4b, bytes[i + 2] == 0x01, bytes[i + 3] == 0x02 { put(i + 24) }
            i += 1
        }
        return Data(bytes)
    }

    /// Where each structure starts: local headers, central directory headers and the end record.
    public enum Structure: UInt8, Sendable {
        case local = 0x03, central = 0x01, end = 0x05
    }

    /// Overwrites a little-endian field of the `occurrence`-th structure of a kind (offset from its signature).
    public static func patch(_ zip: Data, _ structure: Structure, occurrence: Int = 0, field: Int, value: UInt32, width: Int = 4) -> Data {
        var bytes = [UInt8](zip)
        var seen = 0
        var i = 0
        while i + 4 <= bytes.count {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4b, bytes[i + 2] == structure.rawValue, bytes[i + 3] == structure.rawValue + 1 {
                if seen == occurrence {
                    for k in 0..<width { bytes[i + field + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
                    return Data(bytes)
                }
                seen += 1
            }
            i += 1
        }
        return Data(bytes)
    }

    /// The offset of the `occurrence`-th structure of a kind.
    public static func offset(of structure: Structure, occurrence: Int = 0, in zip: Data) -> Int? {
        let bytes = [UInt8](zip)
        var seen = 0
        for i in 0..<max(0, bytes.count - 3)
        where bytes[i] == 0x50 && bytes[i + 1] == 0x4b && bytes[i + 2] == structure.rawValue && bytes[i + 3] == structure.rawValue + 1 {
            if seen == occurrence { return i }
            seen += 1
        }
        return nil
    }
}
