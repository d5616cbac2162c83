import Testing
@testable import CustomerValue

/// The byte-level shortcuts of the row check give what the general checks give.
struct RowCheckFastPathTests {
    /// Plain digits only; a sign, a decimal point, a blank, seven digits or text go to the
    /// general number check (nil here).
    @Test func wholeNumbersAreReadFromPlainDigitsOnly() {
        let cases: [(String, Int?)] = [
            ("0", 0), ("7", 7), ("10", 10), ("010", 10), ("999999", 999_999),
            ("", nil), ("1234567", nil), ("-1", nil), ("+1", nil), ("1.0", nil), ("1e1", nil), ("7a", nil), ("١", nil),
        ]
        for (text, expected) in cases {
            var copy = text
            let parsed = copy.withUTF8 { WholeNumber.parse($0) }
            #expect(parsed == expected, "\(text)")
        }
    }

    /// Every cell gets the parser's own answer, cached or not: dates that share a slot (the same
    /// last digit of the year, month and day: 2024-03-05 and 2014-03-05), a date seen again, an
    /// invalid day (2024-02-30, never cached), ten bytes that are no date, and other lengths.
    @Test func dateCacheAnswersAsTheParser() {
        let parser = DateParser()
        var cache = DateCache()
        let cells = ["2024-03-05", "2014-03-05", "2024-03-05", "2014-03-05", "2024-02-30", "2024-02-30",
                     "2024-02-29", "2023-02-29", "abcdefghij", "2024/03/05", "20240305", " 2024-03-05", "2024-03-05 10:00"]
        for cell in cells + cells.reversed() {
            var a = cell, b = cell
            let cached = a.withUTF8 { cache.day($0, parser: parser) }
            let direct = b.withUTF8 { parser.parse($0) }
            #expect(cached == direct, "\(cell)")
        }
        // The slot is shared, the answers are not: 2014-03-05 to 2024-03-05 is ten years of 365
        // days plus the leap days 2016-02-29, 2020-02-29 and 2024-02-29: 3,653 days.
        var x = "2024-03-05", y = "2014-03-05"
        let later = x.withUTF8 { cache.day($0, parser: parser) }
        let earlier = y.withUTF8 { cache.day($0, parser: parser) }
        #expect(later.map(\.ordinal) == earlier.map { $0.ordinal + 3_653 })
    }
}
