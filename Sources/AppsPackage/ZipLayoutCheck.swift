import Foundation

/// Checks a zip's layout — every offset and size the archive declares — against the bytes it really has, before
/// ZIPFoundation reads it, and answers where each entry's data lies.
///
/// ZIPFoundation trusts those numbers: its in-memory reader traps (a Swift range precondition, which ends the
/// server) when the central directory or a local header offset points past the end, and its `extract` loops
/// forever on a deflate stream that does not end before the archive does (its inflate loop reads until the stream
/// says it ended, whatever the declared size). This is not a zip reader (names, types and inflation stay
/// ZIPFoundation's); it proves that every structure lies inside the archive, that entries do not overlap, and
/// refuses what apps never need: encryption, ZIP64, split archives and methods other than stored and deflate.
enum ZipLayoutCheck {
    /// Where one entry's data lies, in central-directory order (the order ZIPFoundation iterates in).
    struct Span: Sendable {
        let data: Range<Int>
        let deflated: Bool
        let checksum: UInt32
        let uncompressedSize: Int
    }

    private static let endSignature: UInt32 = 0x0605_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50
    private static let localSignature: UInt32 = 0x0403_4b50
    private static let endRecordSize = 22
    private static let centralHeaderSize = 46
    private static let localHeaderSize = 30

    static func validate(_ data: Data) throws -> [Span] {
        try data.withUnsafeBytes { raw in try validate(Bytes(raw: raw)) }
    }

    /// Little-endian reads that fail instead of trapping.
    private struct Bytes {
        let raw: UnsafeRawBufferPointer
        var count: Int { raw.count }

        func u16(_ offset: Int) throws -> Int {
            guard offset >= 0, offset + 2 <= raw.count else { throw refusal("a structure runs past the end of the archive") }
            return Int(raw[offset]) | Int(raw[offset + 1]) << 8
        }

        func u32(_ offset: Int) throws -> UInt32 {
            guard offset >= 0, offset + 4 <= raw.count else { throw refusal("a structure runs past the end of the archive") }
            return UInt32(raw[offset]) | UInt32(raw[offset + 1]) << 8 | UInt32(raw[offset + 2]) << 16 | UInt32(raw[offset + 3]) << 24
        }
    }

    private static func refusal(_ what: String) -> AppPackageError {
        AppPackageError(.invalidArchive, "The package is not a valid zip file: \(what)")
    }

    private static func validate(_ bytes: Bytes) throws -> [Span] {
        let end = try endRecord(bytes)
        guard try bytes.u16(end + 4) == 0, try bytes.u16(end + 6) == 0 else { throw refusal("split archives are not supported") }
        let entries = try bytes.u16(end + 10)
        guard try bytes.u16(end + 8) == entries else { throw refusal("split archives are not supported") }
        let directorySize = Int(try bytes.u32(end + 12))
        let directoryStart = Int(try bytes.u32(end + 16))
        guard entries != 0xffff, directorySize != 0xffff_ffff, directoryStart != 0xffff_ffff else {
            throw refusal("ZIP64 archives are not supported")
        }
        guard directoryStart + directorySize <= end else { throw refusal("the central directory lies outside the archive") }

        var spans: [(start: Int, end: Int)] = []
        var result: [Span] = []
        var cursor = directoryStart
        for _ in 0..<entries {
            guard cursor + centralHeaderSize <= directoryStart + directorySize, try bytes.u32(cursor) == centralSignature else {
                throw refusal("the central directory is damaged")
            }
            let flags = try bytes.u16(cursor + 8)
            let method = try bytes.u16(cursor + 10)
            let checksum = try bytes.u32(cursor + 16)
            let compressed = try bytes.u32(cursor + 20)
            let uncompressed = try bytes.u32(cursor + 24)
            let nameLength = try bytes.u16(cursor + 28)
            let extraLength = try bytes.u16(cursor + 30)
            let commentLength = try bytes.u16(cursor + 32)
            let disk = try bytes.u16(cursor + 34)
            let localOffset = try bytes.u32(cursor + 42)
            guard flags & 0x1 == 0, flags & 0x40 == 0 else { throw refusal("encrypted entries are not supported") }
            guard method == 0 || method == 8 else { throw refusal("compression method \(method) is not supported") }
            guard disk == 0 else { throw refusal("split archives are not supported") }
            guard compressed != 0xffff_ffff, uncompressed != 0xffff_ffff, localOffset != 0xffff_ffff else {
                throw refusal("ZIP64 entries are not supported")
            }
            if method == 0, compressed != uncompressed { throw refusal("a stored entry declares two different sizes") }
            cursor += centralHeaderSize + nameLength + extraLength + commentLength
            guard cursor <= directoryStart + directorySize else { throw refusal("the central directory is damaged") }

            let local = Int(localOffset)
            guard local + localHeaderSize <= directoryStart, try bytes.u32(local) == localSignature else {
                throw refusal("an entry's local header lies outside the archive")
            }
            guard try bytes.u16(local + 8) == method else {
                throw refusal("an entry's local header and central directory disagree on its compression")
            }
            if flags & 0x8 == 0, try bytes.u32(local + 18) != compressed || bytes.u32(local + 22) != uncompressed {
                throw refusal("an entry's local header and central directory disagree on its size")
            }
            let dataStart = local + localHeaderSize + (try bytes.u16(local + 26)) + (try bytes.u16(local + 28))
            let dataEnd = dataStart + Int(compressed)
            guard dataEnd <= directoryStart else { throw refusal("an entry's data runs into the central directory or past the end") }
            spans.append((local, dataEnd))
            result.append(
                Span(data: dataStart..<dataEnd, deflated: method == 8, checksum: checksum, uncompressedSize: Int(uncompressed)))
        }
        guard cursor == directoryStart + directorySize else { throw refusal("the central directory size does not match its entries") }
        spans.sort { $0.start < $1.start }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.start < previous.end {
            throw refusal("two entries overlap")
        }
        return result
    }

    /// The end-of-central-directory record: the last signature whose comment length reaches exactly the end.
    private static func endRecord(_ bytes: Bytes) throws -> Int {
        guard bytes.count >= endRecordSize else { throw refusal("it is too short") }
        let lowest = max(0, bytes.count - endRecordSize - 0xffff)
        var offset = bytes.count - endRecordSize
        while offset >= lowest {
            if try bytes.u32(offset) == endSignature, offset + endRecordSize + (try bytes.u16(offset + 20)) == bytes.count {
                return offset
            }
            offset -= 1
        }
        throw refusal("no end of central directory record")
    }
}
