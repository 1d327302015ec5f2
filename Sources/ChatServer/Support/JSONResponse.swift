import ChatCore
import Foundation
public import Hummingbird
import NIOCore

/// Encodes Rocket.Chat-shaped JSON responses.
public enum JSONResponse {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(WireDate.string(date))
        }
        return encoder
    }

    /// `{"success": true, ...payload}`.
    public static func success(_ payload: some Encodable) throws -> Response {
        try make(Success(payload: payload), status: .ok)
    }

    /// `{"success": true}`.
    public static func success() -> Response {
        raw(#"{"success":true}"#, status: .ok)
    }

    public static func make(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let data = try encoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    public static func raw(_ json: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

/// Adds `"success": true` beside the payload's own keys (the payload must encode as an object).
struct Success<Payload: Encodable>: Encodable {
    let payload: Payload

    enum Keys: String, CodingKey { case success }

    func encode(to encoder: any Encoder) throws {
        try payload.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(true, forKey: .success)
    }
}

/// A paged list: `{"<key>": [...], "count", "offset", "total"}`.
public struct PagedList<Item: Encodable>: Encodable {
    let key: String
    let items: [Item]
    let offset: Int
    let total: Int

    public init(key: String, items: [Item], offset: Int, total: Int) {
        self.key = key
        self.items = items
        self.offset = offset
        self.total = total
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(stringValue: key))
        try container.encode(items.count, forKey: Key(stringValue: "count"))
        try container.encode(offset, forKey: Key(stringValue: "offset"))
        try container.encode(total, forKey: Key(stringValue: "total"))
    }
}

/// A single named object: `{"<key>": value}`.
public struct Named<Value: Encodable>: Encodable {
    let key: String
    let value: Value

    public init(key: String, value: Value) {
        self.key = key
        self.value = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PagedList<Value>.Key.self)
        try container.encode(value, forKey: .init(stringValue: key))
    }
}
