import Foundation
import PropertyBased
import Testing
@testable import CustomerValue

/// ``DateParser``, ``CalendarDay`` and ``AmountParser`` on the forms CRM exports write.
///
/// Day ordinals and weekdays were computed with Python's `datetime`, e.g.
/// `(date(2000, 2, 29) - date(1970, 1, 1)).days == 11016` and `date(2024, 1, 1).isoweekday() == 1`.
struct DateParserTests {
    static func day(_ year: Int, _ month: Int, _ day: Int) -> CalendarDay? {
        CalendarDay(year: year, month: month, day: day)
    }

    // MARK: - Automatic forms

    @Test(arguments: [
        "2024-03-05",                 // ISO date
        "2024-03-05T14:30:00Z",       // ISO date-time, UTC
        "2024-03-05T23:30:00+08:00",  // offset ignored: the day as written
        "2024-03-05T00:15:00-05:00",
        "2024-03-05 14:30",
        "  2024-03-05\t",             // surrounding blanks
        "20240305",                   // yyyyMMdd
        "2024/3/5",                   // yyyy/M/d
        "2024/03/05",
        "2024.03.05",                 // yyyy.MM.dd
        "2024.3.5",
        "2024-3-5",
        "2024年3月5日",
        "2024年03月05日",
        "2024年3月5日 10:00",
    ])
    func automaticFormsGiveFifthOfMarch(_ text: String) throws {
        let parsed = try #require(DateParser().parse(text))
        #expect(parsed == Self.day(2024, 3, 5))
        #expect(parsed.iso == "2024-03-05")
    }

    @Test(arguments: [
        "2023-02-29",      // 2023 is not a leap year
        "1900-02-29",      // divisible by 100, not by 400: not a leap year
        "2024-02-30",
        "2024-04-31",
        "2024-13-01",
        "2024-00-10",
        "2024-03-00",
        "yesterday",
        "",
        "   ",
        "2024-03-05x",     // junk glued to the date
        "2024/03/05/06",
        "2024-03",
        "2024-03/05",      // mixed separators
        "202403051",       // nine digits
        "2024030",         // seven digits
        "2024年3月",
        "03/04/2024",      // day-first or month-first? nothing says
        "24-03-05",        // two-digit year needs a pattern
    ])
    func invalidOrUnrecognisedDatesAreNil(_ text: String) {
        #expect(DateParser().parse(text) == nil)
    }

    @Test
    func compactDateFollowedByATime() {
        // The type's documentation: yyyyMMdd, "each optionally followed by a time".
        #expect(DateParser().parse("20240305 14:30") == Self.day(2024, 3, 5))
        #expect(DateParser().parse("20240305T14:30:00") == Self.day(2024, 3, 5))
    }

    @Test func leapDays() throws {
        #expect(try #require(DateParser().parse("2024-02-29")).ordinal == 19782)
        #expect(try #require(DateParser().parse("2000-02-29")).ordinal == 11016)   // divisible by 400
        #expect(DateParser().parse("2100-02-29") == nil)
    }

    // MARK: - Patterns

    @Test(arguments: [
        ("dd/MM/yyyy", "05/03/2024"),
        ("dd/MM/yyyy", "05/03/2024 14:30"),
        ("MM/dd/yyyy", "03/05/2024"),
        ("d.M.yyyy", "5.3.2024"),
        ("d.M.yyyy", "05.03.2024"),
        ("dd-MM-yy", "05-03-24"),     // yy is 2000 + yy
        ("yyyyMMdd", "20240305"),
        ("yyyy-MM-dd", "2024-03-05T14:30:00Z"),
    ])
    func patternsGiveFifthOfMarch(_ pattern: String, _ text: String) throws {
        let parser = try DateParser(pattern: pattern)
        #expect(parser.parse(text) == Self.day(2024, 3, 5))
    }

    @Test func patternOfOtherDays() throws {
        #expect(try DateParser(pattern: "d.M.yyyy").parse("31.12.1999") == Self.day(1999, 12, 31))
        #expect(try DateParser(pattern: "MM/dd/yyyy").parse("12/31/2024") == Self.day(2024, 12, 31))
        #expect(try DateParser(pattern: "dd-MM-yy").parse("29-02-24") == Self.day(2024, 2, 29))
    }

    @Test(arguments: [
        ("dd/MM/yyyy", "5/3/2024"),      // dd and MM take exactly two digits
        ("dd/MM/yyyy", "31/02/2024"),    // no 31 February
        ("dd/MM/yyyy", "05-03-2024"),    // wrong literal
        ("dd/MM/yyyy", "05/03/24"),      // yyyy takes four digits
        ("MM/dd/yyyy", "13/05/2024"),    // no month 13
        ("dd-MM-yy", "05-03-2024"),      // text left after the date that is not a time
        ("yyyyMMdd", "2024-03-05"),
    ])
    func patternRejects(_ pattern: String, _ text: String) throws {
        #expect(try DateParser(pattern: pattern).parse(text) == nil)
    }

    @Test(arguments: ["dd/MM", "MM/yyyy", "yyy-MM-dd", "dd/MMM/yyyy", "hello"])
    func unusablePatternThrows(_ pattern: String) {
        #expect(throws: DateFormatError.self) { _ = try DateParser(pattern: pattern) }
    }

    // MARK: - Day and month order

    @Test func inferOrderFromSamples() throws {
        // A first part above 12 can only be a day; a second part above 12 only a day too.
        #expect(try DateParser.inferOrder(from: ["05/03/2024", "25/03/2024", "01/04/2024"]) == .dayFirst)
        #expect(try DateParser.inferOrder(from: ["25.03.2024 10:00"]) == .dayFirst)
        #expect(try DateParser.inferOrder(from: ["03/05/2024", "03/25/2024"]) == .monthFirst)
        #expect(try DateParser.inferOrder(from: ["12-31-2024"]) == .monthFirst)
        // Undecided: every part is ≤ 12, or the dates are not a/b/yyyy at all.
        #expect(try DateParser.inferOrder(from: ["03/04/2024", "01/02/2024", "12/12/2024"]) == nil)
        #expect(try DateParser.inferOrder(from: ["2024-03-25", "20240325", "2024年3月25日"]) == nil)
        #expect(try DateParser.inferOrder(from: []) == nil)
    }

    @Test func isoSamplesAmongOthersDoNotHideTheDecidingOnes() throws {
        // ISO dates (skipped without splitting: three digits before any separator) do not hide
        // a later day-first or month-first sample, nor one with a one-digit first part.
        #expect(try DateParser.inferOrder(from: ["2024-03-25", "2024-01-02", "25/03/2024"]) == .dayFirst)
        #expect(try DateParser.inferOrder(from: ["2024-03-25", "5/25/2024"]) == .monthFirst)
        #expect(try DateParser.inferOrder(from: ["2024-03-25", " 25.03.2024"]) == .dayFirst)
        // Three digits before the separator never make an a/b/yyyy date.
        #expect(try DateParser.inferOrder(from: ["123/12/2024", "2024/13/01", "202-13-2024"]) == nil)
    }

    @Test func contradictorySamplesThrow() {
        let error = #expect(throws: DateFormatError.self) {
            _ = try DateParser.inferOrder(from: ["01/01/2024", "25/03/2024", "03/25/2024"])
        }
        #expect(error?.message.contains("25/03/2024") == true)
        #expect(error?.message.contains("03/25/2024") == true)
        #expect(error?.message.contains("--date-format") == true)
    }

    @Test func orderSettlesAmbiguousDates() {
        #expect(DateParser().parse("03/04/2024") == nil)
        #expect(DateParser(order: .dayFirst).parse("03/04/2024") == Self.day(2024, 4, 3))
        #expect(DateParser(order: .monthFirst).parse("03/04/2024") == Self.day(2024, 3, 4))
        // Without an order, a part above 12 decides on its own.
        #expect(DateParser().parse("13/04/2024") == Self.day(2024, 4, 13))
        #expect(DateParser().parse("04/13/2024") == Self.day(2024, 4, 13))
        // With an order, a date contradicting it is invalid.
        #expect(DateParser(order: .monthFirst).parse("13/04/2024") == nil)
    }
}

struct CalendarDayTests {
    @Test(arguments: [
        (1970, 1, 1, 0),
        (1969, 12, 31, -1),
        (2000, 2, 29, 11016),
        (1900, 3, 1, -25508),
        (2024, 2, 29, 19782),
        (9999, 12, 31, 2_932_896),
        (1, 1, 1, -719_162),
    ])
    func knownOrdinals(_ year: Int, _ month: Int, _ day: Int, _ ordinal: Int) throws {
        // Ordinals from Python: (date(y, m, d) - date(1970, 1, 1)).days
        let value = try #require(CalendarDay(year: year, month: month, day: day))
        #expect(Int(value.ordinal) == ordinal)
        let components = value.components
        #expect(components.year == year && components.month == month && components.day == day)
    }

    /// Three 400-year Gregorian cycles (146,097 days each): the first, the one holding 1900,
    /// 2000 and 2100, and the last.
    @Test(arguments: [1, 1801, 9600])
    func componentsRoundTripDayByDay(fromYear startYear: Int) throws {
        // Walk day by day from 1 January of `startYear` and check each day is the calendar
        // successor of the previous one (worked out by hand below), and that converting back
        // gives the same ordinal.
        var (y, m, d) = (startYear, 1, 1)
        let first = try #require(CalendarDay(year: y, month: m, day: d)).ordinal
        var mismatches = 0
        for ordinal in first..<(first + 146_097) {
            let c = CalendarDay(ordinal: ordinal).components
            if c.year != y || c.month != m || c.day != d || CalendarDay(year: y, month: m, day: d)?.ordinal != ordinal {
                mismatches += 1
                if mismatches <= 3 { Issue.record("ordinal \(ordinal): \(c) vs \(y)-\(m)-\(d)") }
            }
            d += 1
            if d > CalendarDay.daysInMonth(year: y, month: m) { d = 1; m += 1 }
            if m > 12 { m = 1; y += 1 }
        }
        #expect(mismatches == 0)
        // 400 Gregorian years are exactly 146,097 days.
        #expect(y == startYear + 400 && m == 1 && d == 1)
    }

    @Test func outOfRangeYearsAreNil() {
        #expect(CalendarDay(year: 0, month: 12, day: 31) == nil)
        #expect(CalendarDay(year: 10000, month: 1, day: 1) == nil)
    }

    @Test(arguments: [
        (2024, 1, 1, 1),    // Monday
        (1970, 1, 1, 4),    // Thursday
        (1969, 12, 31, 3),  // Wednesday (negative ordinal)
        (2024, 3, 10, 7),   // Sunday
        (1, 1, 1, 1),       // Monday (proleptic Gregorian)
        (9999, 12, 31, 5),  // Friday
    ])
    func isoWeekday(_ year: Int, _ month: Int, _ day: Int, _ weekday: Int) throws {
        // Python: date(y, m, d).isoweekday()
        #expect(try #require(CalendarDay(year: year, month: month, day: day)).isoWeekday == weekday)
    }

    @Test func weekdaysCycle() throws {
        let monday = try #require(CalendarDay(year: 2024, month: 1, day: 1))
        for n in -20...20 {
            // ((n mod 7) + Monday) with 1...7 numbering.
            #expect(monday.adding(days: n).isoWeekday == ((n % 7 + 7) % 7) + 1)
        }
    }

    @Test func isoTextRoundTrip() throws {
        let value = try #require(CalendarDay(isoText: "0987-06-05"))
        #expect(value.iso == "0987-06-05")
        #expect(CalendarDay(isoText: "2024-3-5") == nil)
        #expect(CalendarDay(isoText: "2023-02-29") == nil)
    }
}

struct AmountParserTests {
    // Tolerance: none. The parser promises the correctly rounded Double of the decimal text,
    // which is also what the Swift literal on the right is, so only exact equality is right.
    @Test(arguments: [
        ("1234.5", 1234.5),
        ("-3", -3.0),
        ("0.10", 0.1),
        ("1,234.50", 1234.5),     // comma groups thousands
        ("1.234,50", 1234.5),     // dot groups, comma is the decimal point
        ("12,5", 12.5),           // one or two digits after a lone comma: decimal comma
        ("0,05", 0.05),
        ("1,234", 1234.0),        // three digits after the comma: grouping
        ("1,234,567.89", 1_234_567.89),
        ("¥12.00", 12.0),
        ("￥ 8", 8.0),             // full-width yen and a space
        ("$1,000", 1000.0),
        ("€5", 5.0),
        ("£7.25", 7.25),
        ("12元", 12.0),
        ("RMB 30", 30.0),
        ("cny 30", 30.0),         // codes are case-insensitive
        ("30 USD", 30.0),
        ("(12.00)", -12.0),       // accounting negative
        ("-¥12", -12.0),
        ("¥-12", -12.0),
        ("12-", -12.0),           // trailing minus
        ("+5", 5.0),
        ("1 234,50", 1234.5),     // space groups thousands
        ("1'234.50", 1234.5),     // apostrophe groups thousands
        ("1e3", 1000.0),
        ("1.5E3", 1500.0),
        (".5", 0.5),
        ("5.", 5.0),
        (" 42 ", 42.0),
        ("0", 0.0),
    ])
    func accepted(_ text: String, _ value: Double) throws {
        #expect(try #require(AmountParser.parse(text)) == value)
    }

    @Test(arguments: ["", " ", "abc", "1,23,4", "12.3.4", "¥", "RMB", "-", ".", "1e", "1,2345", "1234,567", "12abc", "1e400", "NaN", "inf", "0x10"])
    func rejected(_ text: String) {
        #expect(AmountParser.parse(text) == nil)
    }

    @Test
    func doubleMinusIsRejected() {
        #expect(AmountParser.parse("--5") == nil)
    }

    @Test func fastPathIsCorrectlyRounded() throws {
        // 0.1 and 123456.78 are not representable; a naive digit loop (v = v*10 + d, then
        // scaling by 0.1 per fraction digit) is off by an ulp for such inputs. The parser must
        // give the nearest double, as the literal (and Double(String)) does.
        #expect(try #require(AmountParser.parse("0.1")) == 0.1)
        #expect(try #require(AmountParser.parse("123456.78")) == 123456.78)
        #expect(try #require(AmountParser.parse("0.3")) == 0.3)
        #expect(try #require(AmountParser.parse("-9999999.99")) == -9999999.99)
        // 2^53 + 1 has 16 digits; it rounds to 2^53 (ties to even), as Double(String) does.
        #expect(try #require(AmountParser.parse("9007199254740993")) == 9_007_199_254_740_992)
    }

    @Test func randomDecimalsMatchDoubleInit() async {
        // Up to 15 significant digits, 0–20 of them after the point, either sign: the text is
        // built from an integer mantissa and the point's position, and the reference is
        // Double(String), which is correctly rounded.
        await propertyCheck(
            count: 5000,
            input: Gen.int64(in: 0...999_999_999_999_999), Gen.int(in: 0...20), Gen.bool
        ) { mantissa, fractionDigits, negative in
            var digits = String(mantissa)
            if fractionDigits > 0 {
                if digits.count <= fractionDigits {
                    digits = String(repeating: "0", count: fractionDigits + 1 - digits.count) + digits
                }
                digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -fractionDigits))
            }
            let text = (negative ? "-" : "") + digits
            let expected = Double(text)
            let parsed = AmountParser.parse(text)
            #expect(parsed?.bitPattern == expected?.bitPattern, "\(text)")
        }
    }
}
