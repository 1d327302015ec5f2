import Foundation

/// Rocket.Chat's REST date format (also the dates apps see): ISO-8601 with milliseconds and `Z` (`2026-11-24T08:52:11.123Z`).
///
/// Formatted by hand with `gmtime_r` because this runs for every date of every message on the hot path, where
/// Foundation's formatters cost several microseconds each.
public enum WireDate {
    public static func string(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        let ms = Int(millis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out = [UInt8]()
        out.reserveCapacity(24)
        func put(_ value: Int, _ width: Int) {
            var digits = [UInt8](repeating: 48, count: width)
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = UInt8(48 + v % 10)
                v /= 10
            }
            out += digits
        }
        put(Int(parts.tm_year) + 1900, 4); out.append(45)
        put(Int(parts.tm_mon) + 1, 2); out.append(45)
        put(Int(parts.tm_mday), 2); out.append(84)
        put(Int(parts.tm_hour), 2); out.append(58)
        put(Int(parts.tm_min), 2); out.append(58)
        put(Int(parts.tm_sec), 2); out.append(46)
        put(ms, 3); out.append(90)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses ISO-8601 with or without fractional seconds; nil when malformed.
    public static func parse(_ string: String) -> Date? {
        if let date = try? Date(string, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(string, strategy: Date.ISO8601FormatStyle())
    }
}
