import Foundation

/// The JSON codecs behind ``BSONDocument``'s record mapping: dates travel as extended JSON `$date` (canonical
/// `{"$numberLong": ms}` going in; libbson's relaxed ISO-8601 string, or `$numberLong` outside 1970–9999, coming out).
enum BSONCodec {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.container(keyedBy: Key.self)
            var long = container.nestedContainer(keyedBy: Key.self, forKey: .date)
            try long.encode(String(Int64((date.timeIntervalSince1970 * 1000).rounded())), forKey: .numberLong)
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.container(keyedBy: Key.self)
            if let text = try? container.decode(String.self, forKey: .date) {
                guard let date = parseISO(text) else {
                    throw DecodingError.dataCorruptedError(forKey: .date, in: container, debugDescription: "bad date \(text)")
                }
                return date
            }
            let long = try container.nestedContainer(keyedBy: Key.self, forKey: .date)
            let text = try long.decode(String.self, forKey: .numberLong)
            guard let millis = Int64(text) else {
                throw DecodingError.dataCorruptedError(forKey: .numberLong, in: long, debugDescription: "bad date \(text)")
            }
            return Date(timeIntervalSince1970: Double(millis) / 1000)
        }
        return decoder
    }()

    enum Key: String, CodingKey {
        case date = "$date"
        case numberLong = "$numberLong"
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z`, the only form libbson writes; to the millisecond.
    static func parseISO(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for byte in bytes[from..<from + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var millis = 0
        if bytes.count > 20, bytes[19] == UInt8(ascii: ".") {
            let digits = bytes.count - 21
            guard digits > 0, let fraction = number(20, digits) else { return nil }
            millis = digits >= 3 ? fraction / Int(pow(10, Double(digits - 3))) : fraction * Int(pow(10, Double(3 - digits)))
        }
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
        return Date(timeIntervalSince1970: Double(seconds * 1000 + millis) / 1000)
    }
}
