public import ChatCore
import Foundation
public import Hummingbird

/// Reading Rocket.Chat-style parameters from requests, with Rocket.Chat's errors for bad input.
extension Request {
    /// Decodes the JSON body (an empty body decodes as `{}`); malformed JSON or wrong types → 400 `error-invalid-params`.
    public func json<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        var buffer = try await body.collect(upTo: limit)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        let data = bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) ? Data("{}".utf8) : Data(bytes)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ChatError.invalidParams(Self.describe(error))
        } catch {
            throw ChatError.invalidParams("Malformed JSON body")
        }
    }

    /// A query parameter, or nil when absent or empty.
    public func query(_ name: String) -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }

    /// Every value of a repeated query parameter (`types[]=c&types[]=p`); clients send the key's brackets raw or
    /// percent-encoded (Hummingbird decodes values, not keys), both count.
    public func queryAll(_ name: String) -> [String] {
        uri.queryParameters.filter { (String($0.key).removingPercentEncoding ?? String($0.key)) == name }.map { String($0.value) }
    }

    /// A search term from the query: form encoding's `+` reads as a space (browsers and Python's `requests` encode
    /// spaces so; Hummingbird decodes only `%XX`). Only for search terms, where a literal `+` hardly matters: in
    /// other parameters (dates with `+00:00`) it must stay.
    public func searchQuery(_ name: String) -> String? {
        query(name).map { $0.replacingOccurrences(of: "+", with: " ") }
    }

    /// A required query parameter.
    public func requiredQuery(_ name: String) throws -> String {
        guard let value = query(name) else {
            throw ChatError.invalidParams("The required \"\(name)\" param is missing.")
        }
        return value
    }

    /// `offset`, `count` (default and cap from the server settings) and `sort` (`{"field": 1|-1}`; first key wins).
    public func page(settings: ServerSettings, defaultAscending: Bool) throws -> PageRequest {
        let offset = try query("offset").map { raw -> Int in
            guard let v = Int(raw), v >= 0 else { throw ChatError.invalidParams("The \"offset\" param must be a non-negative integer") }
            return v
        } ?? 0
        var count = try query("count").map { raw -> Int in
            guard let v = Int(raw), v >= 0 else { throw ChatError.invalidParams("The \"count\" param must be a non-negative integer") }
            return v
        } ?? settings.defaultCount
        if count == 0 { count = settings.defaultCount }
        count = min(count, settings.upperCountLimit)
        var ascending = defaultAscending
        if let sort = query("sort") {
            guard let object = try? JSONDecoder().decode([String: Int].self, from: Data(sort.utf8)) else {
                throw ChatError.invalidParams("Invalid sort parameter provided: \"\(sort)\"")
            }
            if let direction = object.values.first { ascending = direction >= 0 }
        }
        return PageRequest(offset: offset, count: count, ascending: ascending)
    }

    /// A date query parameter in ISO-8601.
    public func dateQuery(_ name: String) throws -> Date? {
        guard let raw = query(name) else { return nil }
        guard let date = WireDate.parse(raw) else { throw ChatError.invalidParams("The \"\(name)\" query parameter must be a valid date.") }
        return date
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "The required \"\(key.stringValue)\" param is missing."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "Invalid type for \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        case .dataCorrupted(let context) where context.codingPath.isEmpty: "Malformed JSON body"
        case .dataCorrupted(let context): "Invalid value for \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        @unknown default: "Invalid request body"
        }
    }
}
