import ChatCore
import Foundation

/// How dates are written on the wire: ISO-8601 strings in REST, EJSON `{"$date": ms}` in DDP.
public enum DateStyle: Sendable {
    case iso
    case ejson
}

/// A date in one of the wire styles. REST strings are formatted when the DTO is built (a `JSONEncoder` date
/// strategy would create a nested encoder per date, which showed in profiles of the send path).
struct WireTime: Encodable, Sendable {
    private enum Form: Sendable {
        case iso(String)
        case ejson(Int64)
    }

    private let form: Form

    init(_ date: Date, _ style: DateStyle) {
        switch style {
        case .iso: form = .iso(WireDate.string(date))
        case .ejson: form = .ejson(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        }
    }

    private enum Keys: String, CodingKey { case date = "$date" }

    func encode(to encoder: any Encoder) throws {
        switch form {
        case .iso(let string):
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case .ejson(let millis):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(millis, forKey: .date)
        }
    }
}
