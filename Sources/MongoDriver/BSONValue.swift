public import AirlockJSON
import Foundation

/// A BSON value for filters, updates and commands built in Swift (documents use ``BSONDocument``).
public enum BSONValue: Sendable {
    case null
    case bool(Bool)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case string(String)
    /// Stored as a BSON UTC datetime (milliseconds).
    case date(Date)
    case binary(Data)
    case document(BSONDocument)
    case array([BSONValue])

    /// `.int64` for any Swift `Int`.
    public static func int(_ value: Int) -> BSONValue { .int64(Int64(value)) }

    /// A string array.
    public static func strings(_ values: [String]) -> BSONValue { .array(values.map(BSONValue.string)) }

    /// A JSON value as the BSON value of the same kind (objects become documents through ``BSONDocument/init(json:)``).
    public init(json value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .double(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(BSONValue.init(json:)))
        case .object(let fields): self = .document(BSONDocument(json: fields))
        }
    }
}

extension BSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, BSONValue)...) { self = .document(BSONDocument(elements)) }
    public init(arrayLiteral elements: BSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}
