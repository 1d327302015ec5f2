import Foundation

/// Encodes a record straight into BSON values (typed appends; no JSON text in between): dates as BSON datetimes,
/// integers as int64, floating point as double, `Data` as base64 text (what the JSON path stored, so documents
/// written before read the same), nil optionals left out. The tree is built first and appended into libbson at the
/// end, in key order as encoded.
struct BSONRecordEncoder {
    /// `value` as a document; a record that does not encode as a keyed container is refused.
    static func document<T: Encodable>(_ value: T) throws -> BSONDocument {
        guard case .document(let document) = try encode(value, at: []) else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "a record must encode as a document"))
        }
        return document
    }

    static func encode<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> BSONValue {
        switch value {
        case let date as Date: return .date(date)
        case let data as Data: return .string(data.base64EncodedString())
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Double: return .double(number)
        case let number as Int: return .int64(Int64(number))
        default:
            let encoder = NodeEncoder(codingPath: path)
            try value.encode(to: encoder)
            return encoder.storage.value
        }
    }

    /// What an encoder wrote: nothing yet, one value, or a keyed or unkeyed container (reference types, so nested
    /// containers fill in place).
    final class Storage {
        enum Content {
            case empty
            case value(BSONValue)
            case keyed(Keyed)
            case unkeyed(Unkeyed)
        }

        var content = Content.empty

        var value: BSONValue {
            switch content {
            case .empty: .document(BSONDocument())
            case .value(let value): value
            case .keyed(let keyed): .document(BSONDocument(keyed.fields.map { ($0.0, $0.1.value) }))
            case .unkeyed(let unkeyed): .array(unkeyed.items.map(\.value))
            }
        }

        var keyed: Keyed {
            if case .keyed(let keyed) = content { return keyed }
            let keyed = Keyed()
            content = .keyed(keyed)
            return keyed
        }

        var unkeyed: Unkeyed {
            if case .unkeyed(let unkeyed) = content { return unkeyed }
            let unkeyed = Unkeyed()
            content = .unkeyed(unkeyed)
            return unkeyed
        }
    }

    final class Keyed {
        var fields: [(String, Storage)] = []

        func slot(_ key: String) -> Storage {
            let storage = Storage()
            if let index = fields.firstIndex(where: { $0.0 == key }) { fields[index].1 = storage } else { fields.append((key, storage)) }
            return storage
        }
    }

    final class Unkeyed {
        var items: [Storage] = []

        func slot() -> Storage {
            let storage = Storage()
            items.append(storage)
            return storage
        }
    }

    struct NodeEncoder: Encoder {
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        let storage: Storage

        init(codingPath: [any CodingKey], storage: Storage = Storage()) {
            self.codingPath = codingPath
            self.storage = storage
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(KeyedContainer<Key>(codingPath: codingPath, keyed: storage.keyed))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            UnkeyedContainer(codingPath: codingPath, unkeyed: storage.unkeyed)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleValueContainer(codingPath: codingPath, storage: storage)
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        var codingPath: [any CodingKey]
        let keyed: Keyed

        mutating func encodeNil(forKey key: Key) throws { keyed.slot(key.stringValue).content = .value(.null) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            keyed.slot(key.stringValue).content = .value(try BSONRecordEncoder.encode(value, at: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let slot = keyed.slot(key.stringValue)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(codingPath: codingPath + [key], keyed: slot.keyed))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            UnkeyedContainer(codingPath: codingPath + [key], unkeyed: keyed.slot(key.stringValue).unkeyed)
        }

        mutating func superEncoder() -> any Encoder {
            NodeEncoder(codingPath: codingPath, storage: keyed.slot("super"))
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            NodeEncoder(codingPath: codingPath + [key], storage: keyed.slot(key.stringValue))
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        var codingPath: [any CodingKey]
        let unkeyed: Unkeyed
        var count: Int { unkeyed.items.count }

        mutating func encodeNil() throws { unkeyed.slot().content = .value(.null) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            unkeyed.slot().content = .value(try BSONRecordEncoder.encode(value, at: codingPath + [IndexKey(count)]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(KeyedContainer<NestedKey>(codingPath: codingPath + [IndexKey(count)], keyed: unkeyed.slot().keyed))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            UnkeyedContainer(codingPath: codingPath + [IndexKey(count)], unkeyed: unkeyed.slot().unkeyed)
        }

        mutating func superEncoder() -> any Encoder {
            NodeEncoder(codingPath: codingPath + [IndexKey(count)], storage: unkeyed.slot())
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        var codingPath: [any CodingKey]
        let storage: Storage

        mutating func encodeNil() throws { storage.content = .value(.null) }
        mutating func encode(_ value: Bool) throws { storage.content = .value(.bool(value)) }
        mutating func encode(_ value: String) throws { storage.content = .value(.string(value)) }
        mutating func encode(_ value: Double) throws { storage.content = .value(.double(value)) }
        mutating func encode(_ value: Float) throws { storage.content = .value(.double(Double(value))) }
        mutating func encode(_ value: Int) throws { storage.content = .value(.int64(Int64(value))) }
        mutating func encode(_ value: Int8) throws { storage.content = .value(.int64(Int64(value))) }
        mutating func encode(_ value: Int16) throws { storage.content = .value(.int64(Int64(value))) }
        mutating func encode(_ value: Int32) throws { storage.content = .value(.int64(Int64(value))) }
        mutating func encode(_ value: Int64) throws { storage.content = .value(.int64(value)) }
        mutating func encode(_ value: UInt) throws { storage.content = .value(.int64(Int64(truncatingIfNeeded: value))) }
        mutating func encode(_ value: UInt8) throws { storage.content = .value(.int64(Int64(value))) }
        mutating func encode(_ value: UInt16) throws { storage.content = .value(.int64(Int64(value))) }
        mutating func encode(_ value: UInt32) throws { storage.content = .value(.int64(Int64(value))) }
        mutating func encode(_ value: UInt64) throws { storage.content = .value(.int64(Int64(truncatingIfNeeded: value))) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            storage.content = .value(try BSONRecordEncoder.encode(value, at: codingPath))
        }
    }

    /// An array position in a coding path.
    struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { String(intValue ?? 0) }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { intValue = Int(stringValue) }
        init?(intValue: Int) { self.intValue = intValue }
    }
}
