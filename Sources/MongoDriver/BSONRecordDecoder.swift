import Foundation

/// Decodes a record straight from a document's BSON bytes (no extended JSON text in between). Numbers convert
/// between BSON's int32, int64 and double as the record's types ask (documents written through JSON hold int32 where
/// the typed encoder writes int64); dates are BSON datetimes; `Data` is base64 text (or BSON binary).
///
/// The bytes are walked here, by the BSON specification, rather than with libbson's iterator: `bson_iter_t` is
/// 128-byte aligned, which Swift cannot lay out, and a C callback per element would cost more than the walk.
struct BSONRecordDecoder {
    /// A parsed value. Documents keep their fields in order; the last of a repeated key wins on lookup.
    indirect enum Node {
        case double(Double)
        case string(String)
        case document([(String, Node)])
        case array([Node])
        case binary(Data)
        case bool(Bool)
        case date(Date)
        case null
        case int32(Int32)
        case int64(Int64)
        /// A type records never hold (ObjectId, timestamp, decimal128, regex…), by its type byte.
        case other(UInt8)
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        var reader = Reader(bytes: bytes)
        let root = Node.document(try reader.document())
        return try NodeDecoder(node: root, codingPath: []).decode(type)
    }

    // MARK: Reading bytes

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        static func corrupt(_ what: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: [], debugDescription: "malformed BSON: \(what)"))
        }

        mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
            guard count >= 0, offset + count <= bytes.count else { throw Self.corrupt("truncated") }
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        }

        mutating func int32() throws -> Int32 { Int32(littleEndian: try take(4).loadUnaligned(as: Int32.self)) }
        mutating func int64() throws -> Int64 { Int64(littleEndian: try take(8).loadUnaligned(as: Int64.self)) }
        mutating func byte() throws -> UInt8 { try take(1)[0] }

        mutating func cString() throws -> String {
            guard let end = bytes[offset...].firstIndex(of: 0) else { throw Self.corrupt("unterminated key") }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
            offset = end + 1
            return text
        }

        mutating func document() throws -> [(String, Node)] {
            let start = offset
            let length = Int(try int32())
            guard length >= 5, start + length <= bytes.count else { throw Self.corrupt("bad document length") }
            var fields: [(String, Node)] = []
            while true {
                let type = try byte()
                if type == 0 { break }
                let key = try cString()
                fields.append((key, try value(type)))
            }
            guard offset == start + length else { throw Self.corrupt("document length mismatch") }
            return fields
        }

        mutating func value(_ type: UInt8) throws -> Node {
            switch type {
            case 0x01: return .double(Double(bitPattern: UInt64(bitPattern: try int64())))
            case 0x02:
                let length = Int(try int32())
                guard length >= 1 else { throw Self.corrupt("bad string length") }
                let text = try take(length)
                return .string(String(decoding: UnsafeRawBufferPointer(rebasing: text[0..<length - 1]), as: UTF8.self))
            case 0x03: return .document(try document())
            case 0x04: return .array(try document().map(\.1))
            case 0x05:
                let length = Int(try int32())
                _ = try byte()
                return .binary(Data(try take(length)))
            case 0x06, 0x0A, 0x7F, 0xFF: return type == 0x0A ? .null : .other(type)
            case 0x07: _ = try take(12); return .other(type)
            case 0x08: return .bool(try byte() != 0)
            case 0x09: return .date(Date(timeIntervalSince1970: Double(try int64()) / 1000))
            case 0x0B: _ = try cString(); _ = try cString(); return .other(type)
            case 0x0C: _ = try take(Int(try int32())); _ = try take(12); return .other(type)
            case 0x0D, 0x0E: _ = try take(Int(try int32())); return .other(type)
            case 0x0F:
                let length = Int(try int32())
                _ = try take(length - 4)
                return .other(type)
            case 0x10: return .int32(try int32())
            case 0x11: _ = try int64(); return .other(type)
            case 0x12: return .int64(try int64())
            case 0x13: _ = try take(16); return .other(type)
            default: throw Self.corrupt("unknown type 0x\(String(type, radix: 16))")
            }
        }
    }

    // MARK: Decoding nodes

    struct NodeDecoder: Decoder {
        let node: Node
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func mismatch(_ type: Any.Type) -> DecodingError {
            .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "found \(Self.describe(node))"))
        }

        static func describe(_ node: Node) -> String {
            switch node {
            case .double: "a double"
            case .string: "a string"
            case .document: "a document"
            case .array: "an array"
            case .binary: "binary data"
            case .bool: "a boolean"
            case .date: "a date"
            case .null: "null"
            case .int32, .int64: "an integer"
            case .other(let type): "BSON type 0x\(String(type, radix: 16))"
            }
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if type == Date.self {
                guard case .date(let date) = node else { throw mismatch(type) }
                return date as! T
            }
            if type == Data.self {
                switch node {
                case .binary(let data): return data as! T
                case .string(let text):
                    guard let data = Data(base64Encoded: text) else { throw mismatch(type) }
                    return data as! T
                default: throw mismatch(type)
                }
            }
            return try T(from: self)
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .document(let fields) = node else { throw mismatch([String: Any].self) }
            var lookup: [String: Node] = [:]
            lookup.reserveCapacity(fields.count)
            for (key, value) in fields { lookup[key] = value }
            return KeyedDecodingContainer(KeyedContainer<Key>(fields: fields, lookup: lookup, codingPath: codingPath))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let items) = node else { throw mismatch([Any].self) }
            return UnkeyedContainer(items: items, codingPath: codingPath)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let fields: [(String, Node)]
        let lookup: [String: Node]
        var codingPath: [any CodingKey]

        var allKeys: [Key] { fields.compactMap { Key(stringValue: $0.0) } }
        func contains(_ key: Key) -> Bool { lookup[key.stringValue] != nil }

        func child(_ key: Key) throws -> NodeDecoder {
            guard let node = lookup[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no field \"\(key.stringValue)\""))
            }
            return NodeDecoder(node: node, codingPath: codingPath + [key])
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let node = lookup[key.stringValue] else { return true }
            if case .null = node { return true }
            return false
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decode(type) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try child(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
        func superDecoder() throws -> any Decoder { NodeDecoder(node: lookup["super"] ?? .null, codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let items: [Node]
        var codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        init(items: [Node], codingPath: [any CodingKey]) {
            self.items = items
            self.codingPath = codingPath
        }

        mutating func next() throws -> NodeDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "the array has no more items"))
            }
            defer { currentIndex += 1 }
            return NodeDecoder(node: items[currentIndex], codingPath: codingPath + [BSONRecordEncoder.IndexKey(currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, case .null = items[currentIndex] else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct SingleValueContainer: SingleValueDecodingContainer {
        let decoder: NodeDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool {
            if case .null = decoder.node { return true }
            return false
        }

        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .bool(let flag) = decoder.node else { throw decoder.mismatch(type) }
            return flag
        }

        func decode(_ type: String.Type) throws -> String {
            guard case .string(let text) = decoder.node else { throw decoder.mismatch(type) }
            return text
        }

        func decode(_ type: Double.Type) throws -> Double {
            switch decoder.node {
            case .double(let number): return number
            case .int32(let number): return Double(number)
            case .int64(let number): return Double(number)
            default: throw decoder.mismatch(type)
            }
        }

        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

        /// Any integer type from any BSON number that holds it exactly.
        func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
            let value: I?
            switch decoder.node {
            case .int32(let number): value = I(exactly: number)
            case .int64(let number): value = I(exactly: number)
            case .double(let number): value = I(exactly: number)
            default: throw decoder.mismatch(type)
            }
            guard let value else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "number does not fit \(type)"))
            }
            return value
        }

        func decode(_ type: Int.Type) throws -> Int { try integer(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
    }
}
