import Testing
@testable import CustomerValue

/// Excel serial dates: day `n` after 1899-12-30 in Excel's 1900 date system.
struct DateParserExcelTests {
    static func day(_ iso: String) throws -> CalendarDay { try #require(CalendarDay(isoText: iso)) }

    /// Hand computation: serial 25569 is 1970-01-01 (ordinal 0), so serial n is ordinal
    /// n − 25569. 2024-01-01 is ordinal 19723 (54 years of 365 days and 13 leap days,
    /// 1972–2020), serial 45292; 45356 is 64 days later: 31 (January) + 29 (February 2024) + 4,
    /// 2024-03-05. Serial 1 is 1899-12-31; 61 is 1900-03-01 (1900 is not a leap year).
    @Test func serialsMapToTheirDays() throws {
        #expect(DateParser.excelDay(serial: 25_569) == CalendarDay(ordinal: 0))
        #expect(DateParser.excelDay(serial: 45_292) == (try Self.day("2024-01-01")))
        #expect(DateParser.excelDay(serial: 45_356) == (try Self.day("2024-03-05")))
        #expect(DateParser.excelDay(serial: 1) == (try Self.day("1899-12-31")))
        #expect(DateParser.excelDay(serial: 61) == (try Self.day("1900-03-01")))
    }

    /// With `--date-format excel`: a fraction (the time of day) is ignored; serials below 61,
    /// where Excel's phantom 29 February 1900 puts its days one off, and text that is not a
    /// serial are refused.
    @Test func theExcelPatternReadsSerials() throws {
        let parser = try DateParser(pattern: "excel")
        #expect(parser.readsExcelSerials)
        #expect(parser.parse("45356") == (try Self.day("2024-03-05")))
        #expect(parser.parse(" 45356.75 ") == (try Self.day("2024-03-05")))
        #expect(parser.parse("61") == (try Self.day("1900-03-01")))
        for refused in ["60", "1", "0", "2024-03-05", "45356.", "4.5e4", "45356x", "", "2958466"] {
            #expect(parser.parse(refused) == nil, "\(refused)")
        }
        #expect(parser.parse("2958465") == (try Self.day("9999-12-31")))
    }

    /// Without a format, a column of whole numbers from 20000 to 80000 is read as serials;
    /// one value outside (or a fraction, or a date) keeps the automatic forms.
    @Test func wholeNumbersInTheSerialRangeAreDetected() throws {
        #expect(try DateParser.automatic(samples: ["45356", "", " 20000", "80000"]).readsExcelSerials)
        #expect(try !DateParser.automatic(samples: ["45356", "19999"]).readsExcelSerials)
        #expect(try !DateParser.automatic(samples: ["45356", "80001"]).readsExcelSerials)
        #expect(try !DateParser.automatic(samples: ["45356", "45357.5"]).readsExcelSerials)
        #expect(try !DateParser.automatic(samples: ["45356", "2024-03-05"]).readsExcelSerials)
        #expect(try !DateParser.automatic(samples: ["20240305"]).readsExcelSerials)
        #expect(try !DateParser.automatic(samples: []).readsExcelSerials)
        // The day/month order is still inferred for the other forms.
        #expect(try DateParser.automatic(samples: ["13/02/2024"]).order == .dayFirst)
    }
}
