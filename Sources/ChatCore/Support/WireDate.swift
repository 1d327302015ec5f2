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
        // Written into one fixed buffer: a small array per field showed in server profiles (six dates per app event).
        return String(unsafeUninitializedCapacity: 24) { out in
            var index = 0
            func put(_ value: Int, _ width: Int) {
                var v = value
                for i in stride(from: index + width - 1, through: index, by: -1) {
                    out[i] = UInt8(48 + v % 10)
                    v /= 10
                }
                index += width
            }
            func mark(_ byte: UInt8) {
                out[index] = byte
                index += 1
            }
            put(Int(parts.tm_year) + 1900, 4); mark(45)
            put(Int(parts.tm_mon) + 1, 2); mark(45)
            put(Int(parts.tm_mday), 2); mark(84)
            put(Int(parts.tm_hour), 2); mark(58)
            put(Int(parts.tm_min), 2); mark(58)
            put(Int(parts.tm_sec), 2); mark(46)
            put(ms, 3); mark(90)
            return index
        }
    }

    /// Parses ISO-8601 with or without fractional seconds; nil when malformed.
    public static func parse(_ string: String) -> Date? {
        if let date = try? Date(string, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(string, strategy: Date.ISO8601FormatStyle())
    }
}
