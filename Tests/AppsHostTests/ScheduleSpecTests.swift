import AppsHost
import ChatCore
import Foundation
import Testing

/// The schedule grammar: Agenda's human intervals, milliseconds, and 5-field cron.
@Suite struct ScheduleSpecTests {
    static let humanIntervals: [(String, TimeInterval?)] = [
        ("2 minutes", 120), ("in 2 minutes", 120), ("1 hour", 3_600), ("1.5 days", 129_600), ("a minute", 60),
        ("one week", 604_800), ("1 hour and 30 minutes", 5_400), ("10 seconds", 10), ("5m", 300), ("500 ms", 0.5),
        ("3 days, 2 hours", 266_400), ("soon", nil), ("2 fortnights", nil), ("", nil), ("in", nil), ("-1 minute", nil),
    ]

    @Test(arguments: humanIntervals.indices)
    func humanIntervalGrammar(_ index: Int) {
        let (text, seconds) = Self.humanIntervals[index]
        #expect(ScheduleSpec.humanInterval(text) == seconds, "\\(text)")
    }

    @Test func intervalsAndWhens() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(ScheduleSpec.interval(.number(60_000)) == .every(60))
        #expect(ScheduleSpec.interval("5 minutes") == .every(300))
        #expect(ScheduleSpec.interval("not a schedule") == nil)
        #expect(ScheduleSpec.when("in 2 minutes", now: now) == now.addingTimeInterval(120))
        #expect(ScheduleSpec.when("2026-12-01T10:00:00.000Z", now: now) == WireDate.parse("2026-12-01T10:00:00.000Z"))
    }

    @Test func cronNextRuns() throws {
        let start = try #require(WireDate.parse("2026-11-24T10:07:30.000Z"))
        func next(_ expression: String, after date: Date) -> String? {
            ScheduleSpec.interval(.string(expression))?.next(after: date).map(WireDate.string)
        }
        #expect(next("* * * * *", after: start) == "2026-11-24T10:08:00.000Z")
        #expect(next("*/15 * * * *", after: start) == "2026-11-24T10:15:00.000Z")
        #expect(next("0 9 * * *", after: start) == "2026-11-25T09:00:00.000Z")
        #expect(next("30 8 1 * *", after: start) == "2026-12-01T08:30:00.000Z")
        #expect(next("0 0 * * 0", after: start) == "2026-11-29T00:00:00.000Z")  // the next Sunday
        #expect(next("0 12 * 2 1-5", after: start) == "2027-02-01T12:00:00.000Z")  // first weekday noon in February
        #expect(next("0 0 29 2 *", after: start) == "2028-02-29T00:00:00.000Z")
        #expect(ScheduleSpec.interval("61 * * * *") == nil)
        #expect(ScheduleSpec.interval("* * *") == nil)
    }
}
