public import ChatCore
public import Foundation

/// When jobs run: Agenda's forms, as the Apps-Engine passes them through.
/// - one-time `when`: a date (ISO-8601) or a human interval from now (`"in 2 minutes"`, `"1.5 days"`);
/// - recurring `interval`: milliseconds, a human interval (`"5 minutes"`), or a 5-field cron expression (UTC).
public enum ScheduleSpec {
    /// A recurring schedule.
    public enum Interval: Sendable, Equatable {
        case every(TimeInterval)
        case cron(Cron)

        /// The first run strictly after `date`.
        public func next(after date: Date) -> Date? {
            switch self {
            case .every(let seconds): date.addingTimeInterval(seconds)
            case .cron(let cron): cron.next(after: date)
            }
        }
    }

    static let units: [String: TimeInterval] = [
        "ms": 0.001, "millisecond": 0.001, "milliseconds": 0.001, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
        "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600,
        "d": 86_400, "day": 86_400, "days": 86_400, "w": 604_800, "week": 604_800, "weeks": 604_800,
        "month": 2_592_000, "months": 2_592_000, "year": 31_536_000, "years": 31_536_000,
    ]
    static let words: [String: Double] = [
        "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10,
    ]

    /// Seconds in a human interval (`"2 minutes"`, `"in 1 hour and 30 minutes"`, `"1.5 days"`, `"a week"`); nil when
    /// the text is not one.
    public static func humanInterval(_ text: String) -> TimeInterval? {
        var tokens = text.lowercased().replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        if tokens.first == "in" { tokens.removeFirst() }
        tokens.removeAll { $0 == "and" }
        guard !tokens.isEmpty else { return nil }
        var total: TimeInterval = 0
        var index = 0
        while index < tokens.count {
            var token = tokens[index]
            var amount: Double
            // "5minutes" / "5m" as one token.
            if let split = token.firstIndex(where: { $0.isLetter }), split != token.startIndex, let value = Double(token[..<split]) {
                amount = value
                token = String(token[split...])
            } else {
                guard let value = Double(token) ?? words[token], index + 1 < tokens.count else { return nil }
                amount = value
                index += 1
                token = tokens[index]
            }
            guard amount >= 0, let unit = units[token] else { return nil }
            total += amount * unit
            index += 1
        }
        return total
    }

    /// A recurring interval from what an app passed.
    public static func interval(_ value: JSONValue) -> Interval? {
        switch value {
        case .number(let millis) where millis > 0: return .every(millis / 1000)
        case .string(let text):
            if let millis = Double(text), millis > 0 { return .every(millis / 1000) }
            if let seconds = humanInterval(text), seconds > 0 { return .every(seconds) }
            return Cron(text).map(Interval.cron)
        default: return nil
        }
    }

    /// A one-time run's date.
    public static func when(_ value: JSONValue, now: Date) -> Date? {
        switch value {
        case .string(let text):
            if let date = WireDate.parse(text) { return date }
            return humanInterval(text).map { now.addingTimeInterval($0) }
        case .number(let millis): return Date(timeIntervalSince1970: millis / 1000)
        default: return nil
        }
    }
}

/// A 5-field cron expression (minute hour day-of-month month day-of-week) in UTC: `*`, numbers, ranges, steps
/// (`*/5`, `1-10/2`) and lists; day-of-week 0–7 (0 and 7 are Sunday). When both day fields are restricted, either
/// matches (Vixie cron).
public struct Cron: Sendable, Equatable {
    let minutes: Set<Int>
    let hours: Set<Int>
    let days: Set<Int>
    let months: Set<Int>
    let weekdays: Set<Int>
    let anyDay: Bool
    let anyWeekday: Bool

    public init?(_ expression: String) {
        let fields = expression.split(separator: " ").map(String.init)
        guard fields.count == 5,
            let minutes = Self.field(fields[0], 0...59), let hours = Self.field(fields[1], 0...23),
            let days = Self.field(fields[2], 1...31), let months = Self.field(fields[3], 1...12),
            let weekdays = Self.field(fields[4], 0...7)
        else { return nil }
        self.minutes = minutes
        self.hours = hours
        self.days = days
        self.months = months
        self.weekdays = Set(weekdays.map { $0 % 7 })
        anyDay = fields[2] == "*"
        anyWeekday = fields[4] == "*"
    }

    static func field(_ text: String, _ range: ClosedRange<Int>) -> Set<Int>? {
        var values = Set<Int>()
        for part in text.split(separator: ",") {
            let stepParts = part.split(separator: "/", maxSplits: 1)
            let step = stepParts.count == 2 ? Int(stepParts[1]) : 1
            guard let step, step > 0 else { return nil }
            let base = String(stepParts[0])
            var bounds = range
            if base != "*" {
                let ends = base.split(separator: "-", maxSplits: 1).compactMap { Int($0) }
                guard ends.count == base.split(separator: "-").count, let low = ends.first, range.contains(low) else { return nil }
                let high = ends.count == 2 ? ends[1] : (stepParts.count == 2 ? range.upperBound : low)
                guard range.contains(high), low <= high else { return nil }
                bounds = low...high
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values.isEmpty ? nil : values
    }

    /// The first matching minute strictly after `date` (within four years).
    public func next(after date: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // The minute after the one `date` is in.
        var current = Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
        let limit = date.addingTimeInterval(4 * 366 * 86_400)
        while current < limit {
            let c = calendar.dateComponents([.month, .day, .hour, .minute, .weekday], from: current)
            guard let month = c.month, let day = c.day, let hour = c.hour, let minute = c.minute, let weekday = c.weekday else { return nil }
            if !months.contains(month) {
                let start = calendar.date(from: calendar.dateComponents([.year, .month], from: current)) ?? current
                current = calendar.date(byAdding: .month, value: 1, to: start) ?? limit
                continue
            }
            let dayMatches: Bool
            let weekdayMatches = weekdays.contains(weekday - 1)
            if anyDay && anyWeekday { dayMatches = true }
            else if anyDay { dayMatches = weekdayMatches }
            else if anyWeekday { dayMatches = days.contains(day) }
            else { dayMatches = days.contains(day) || weekdayMatches }
            if !dayMatches {
                current = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: current)) ?? limit
                continue
            }
            if !hours.contains(hour) {
                let start = calendar.date(from: calendar.dateComponents([.year, .month, .day, .hour], from: current)) ?? current
                current = calendar.date(byAdding: .hour, value: 1, to: start) ?? limit
                continue
            }
            if !minutes.contains(minute) {
                current = current.addingTimeInterval(60)
                continue
            }
            return current
        }
        return nil
    }
}
