import Testing
@testable import CustomerValue

/// ``DateSpan``: a day more than a century (36,525 days) after the data's dates is refused.
struct DateSpanTests {
    /// From 2024-01-31, 2124-02-01 is 36,525 days on (100 × 365 days, 24 leap days: 2024 and
    /// 2028–2096 (19), 2104–2120 (5; 2100 is not one), and the one day from 01-31 to 02-01):
    /// allowed; 2124-02-02 is a day more: refused, naming both days and what to check.
    @Test func aCenturyIsAllowedADayMoreIsNot() throws {
        let last = try #require(CalendarDay(isoText: "2024-01-31"))
        let limit = try #require(CalendarDay(isoText: "2124-02-01"))
        #expect(Int(limit.ordinal) - Int(last.ordinal) == DateSpan.maximumDays)
        try DateSpan.check(from: last, "the data's last date", to: limit, "the observation end")
        let beyond = try #require(CalendarDay(isoText: "2124-02-02"))
        let error = try #require(throws: DateSpanError.self) {
            try DateSpan.check(from: last, "the data's last date", to: beyond, "the observation end")
        }
        #expect(error.description == "the observation end 2124-02-02 is more than a century after the data's last date 2024-01-31: check the observation end and the dates")
    }
}
