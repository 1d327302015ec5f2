public import AirlockJSON
import CMongoC
import Foundation

/// An owned BSON document (`bson_t *`), freed when the last reference goes.
///
/// Documents are built three ways: from ordered key/value pairs (filters, updates, commands), from any `Encodable`
/// (records, through ``BSONRecordEncoder``: typed appends, dates as BSON datetimes), and from what the server
/// returns. `decode(_:)` reads the bytes back into a record (``BSONRecordDecoder``); no JSON text either way (it cost
/// 19 µs to encode and 34 µs to decode a message; typed, 7 µs each). The pointer is only ever used inside
/// `withPointer`, which keeps the document alive across the C call (a temporary's pointer can otherwise be freed
/// before the call runs).
public final class BSONDocument: @unchecked Sendable {
    let pointer: OpaquePointer

    /// An empty document.
    public init() {
        pointer = bson_new()
    }

    /// Takes ownership of a document libbson allocated.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Copies a document owned by someone else (a cursor's current document).
    convenience init(copying pointer: OpaquePointer) {
        self.init(owning: bson_copy(pointer))
    }

    /// Ordered fields.
    public convenience init(_ elements: [(String, BSONValue)]) {
        self.init()
        for (key, value) in elements { append(key, value) }
    }

    /// A record as BSON: its `Encodable` fields typed (``BSONRecordEncoder``: dates as BSON datetimes, integers as
    /// int64), no JSON text in between.
    public convenience init<T: Encodable>(encoding value: T) throws {
        self.init(owning: try BSONRecordEncoder.document(value).withPointer { bson_copy($0) })
    }

    /// A JSON tree as BSON, value by value (typed appends, no extended-JSON text): a user's `{"$date": 1}` stays
    /// an object with a `$date` key rather than becoming a date. Numbers are doubles, as in JSON.
    public convenience init(json fields: [String: JSONValue]) {
        self.init()
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) { append(key, BSONValue(json: value)) }
    }

    deinit {
        bson_destroy(pointer)
    }

    /// The document's size in bytes, as stored.
    public var byteCount: Int { withPointer { Int(airlock_bson_length($0)) } }

    func withPointer<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try withExtendedLifetime(self) { try body(pointer) }
    }

    /// Decodes the document as a record from its bytes (``BSONRecordDecoder``; unknown fields such as `_id` are
    /// ignored by synthesized `Decodable`).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try withPointer { pointer in
            guard let bytes = bson_get_data(pointer) else { throw MongoError(message: "document has no data") }
            return try BSONRecordDecoder.decode(type, from: UnsafeRawBufferPointer(start: bytes, count: Int(airlock_bson_length(pointer))))
        }
    }

    // MARK: Building

    /// Appends a field (keys are not checked for duplicates, as in libbson).
    @discardableResult
    public func append(_ key: String, _ value: BSONValue) -> BSONDocument {
        withPointer { document in
            switch value {
            case .null: _ = bson_append_null(document, key, -1)
            case .bool(let b): _ = bson_append_bool(document, key, -1, b)
            case .int32(let n): _ = bson_append_int32(document, key, -1, n)
            case .int64(let n): _ = bson_append_int64(document, key, -1, n)
            case .double(let d): _ = bson_append_double(document, key, -1, d)
            // The byte count, not strlen: text may hold NUL characters.
            case .string(let s): _ = bson_append_utf8(document, key, -1, s, Int32(s.utf8.count))
            case .date(let date): _ = bson_append_date_time(document, key, -1, Int64((date.timeIntervalSince1970 * 1000).rounded()))
            case .binary(let data):
                _ = data.withUnsafeBytes { bytes in
                    bson_append_binary(document, key, -1, BSON_SUBTYPE_BINARY, bytes.bindMemory(to: UInt8.self).baseAddress, UInt32(bytes.count))
                }
            case .document(let child): _ = child.withPointer { bson_append_document(document, key, -1, $0) }
            case .array(let items):
                let array = BSONDocument()
                for (index, item) in items.enumerated() { array.append(String(index), item) }
                _ = array.withPointer { bson_append_array(document, key, -1, $0) }
            }
        }
        return self
    }

    /// Appends every field of `other`.
    @discardableResult
    public func append(contentsOf other: BSONDocument) -> BSONDocument {
        withPointer { document in _ = other.withPointer { bson_concat(document, $0) } }
        return self
    }

    // MARK: Reading top-level fields

    public func string(_ key: String) -> String? {
        withPointer { airlock_bson_get_utf8($0, key).map { String(cString: $0) } }
    }

    /// An integer field (int32, int64 or a double, converted).
    public func int(_ key: String) -> Int? {
        withPointer { pointer in
            var value: Int64 = 0
            return airlock_bson_get_int64(pointer, key, &value) ? Int(value) : nil
        }
    }

    public func date(_ key: String) -> Date? {
        withPointer { pointer in
            var millis: Int64 = 0
            return airlock_bson_get_date(pointer, key, &millis) ? Date(timeIntervalSince1970: Double(millis) / 1000) : nil
        }
    }

    public func data(_ key: String) -> Data? {
        withPointer { pointer in
            var bytes: UnsafePointer<UInt8>?
            var length: UInt32 = 0
            guard airlock_bson_get_binary(pointer, key, &bytes, &length), let bytes else { return nil }
            return Data(bytes: bytes, count: Int(length))
        }
    }

    /// A sub-document or array field, copied.
    public func document(_ key: String) -> BSONDocument? {
        withPointer { airlock_bson_get_document($0, key).map { BSONDocument(owning: $0) } }
    }
}

extension BSONDocument: ExpressibleByDictionaryLiteral {
    public convenience init(dictionaryLiteral elements: (String, BSONValue)...) {
        self.init(elements)
    }
}
