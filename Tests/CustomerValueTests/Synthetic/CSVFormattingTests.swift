import Foundation
import Testing
@testable import CustomerValue

struct CSVFormattingTests {
    @Test(arguments: ["plain", "a,b", #"say "hi""#, "line1\nline2", #"""#, "", "物流慢,下次不在这买了", #"Item arrived damaged, box was "crushed""#])
    func quotingRoundTrips(_ text: String) {
        var line: [UInt8] = []
        line.appendCSVField(Array("first".utf8))
        line.appendComma()
        line.appendCSVField(Array(text.utf8))
        line.appendComma()
        line.appendCSVField(Array("last".utf8))
        line.appendNewline()
        let records = SyntheticCSV.parse(String(decoding: line, as: UTF8.self))
        #expect(records == [["first", text, "last"]])
    }

    @Test func quotesOnlyWhenNeeded() {
        var plain: [UInt8] = []
        plain.appendCSVField(Array("no special".utf8))
        #expect(String(decoding: plain, as: UTF8.self) == "no special")
        var quoted: [UInt8] = []
        quoted.appendCSVField(Array(#"a "b", c"#.utf8))
        // RFC 4180: enclose in quotes, double the inner quotes.
        #expect(String(decoding: quoted, as: UTF8.self) == #""a ""b"", c""#)
    }

    @Test func formatsNumbers() {
        func text(_ fill: (inout [UInt8]) -> Void) -> String {
            var buffer: [UInt8] = []
            fill(&buffer)
            return String(decoding: buffer, as: UTF8.self)
        }
        #expect(text { $0.appendZeroPadded(42, width: 7) } == "0000042")
        #expect(text { $0.appendZeroPadded(123_456_789, width: 7) } == "123456789")
        #expect(text { $0.appendZeroPadded(0, width: 1) } == "0")
        #expect(text { $0.appendDecimal(-305) } == "-305")
        #expect(text { $0.appendCents(1) } == "0.01")
        #expect(text { $0.appendCents(-340) } == "-3.40")
        #expect(text { $0.appendCents(123_456) } == "1234.56")
        #expect(text { $0.appendCentsGrouped(123_450) } == "1,234.50")
        #expect(text { $0.appendCentsGrouped(100_000) } == "1,000.00")
        #expect(text { $0.appendCentsGrouped(99_999) } == "999.99")
        #expect(text { $0.appendCentsGrouped(123_456_789) } == "1,234,567.89")
        #expect(text { $0.appendFixed(28.625, decimals: 2) } == "28.63")
        #expect(text { $0.appendFixed(-0.5, decimals: 0) } == "-1")
        #expect(text { $0.appendSignificant(0.243) } == "0.2430000")
        #expect(text { $0.appendSignificant(1234.5678) } == "1234.568")
        #expect(text { $0.appendSignificant(5.63006e-06) } == "5.630060e-06")
        #expect(text { $0.appendSignificant(9.9999999e-07) } == "1.000000e-06")
        #expect(text { $0.appendClock(secondsOfDay: 3_723) } == "01:02:03")
    }

    @Test func formatsDaysAndTimestamps() {
        let start = CalendarDay(ordinal: 19_723)  // 2024-01-01
        let table = DayTextTable(from: start, through: start.adding(days: 10))
        var buffer: [UInt8] = []
        table.append(start.ordinal + 5, to: &buffer)
        buffer.appendComma()
        table.append(start.ordinal + 400, to: &buffer)  // outside the table: computed instead
        buffer.appendComma()
        // Day 19723 + 0.5 = 2024-01-01 12:00:00.
        table.appendTimestamp(Double(start.ordinal) + 0.5, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "2024-01-06,2025-02-04,2024-01-01T12:00:00")
    }
}
