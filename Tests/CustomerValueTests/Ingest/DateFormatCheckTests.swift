import Foundation
import Testing
@testable import CustomerValue

/// A date format that reads none of a file's dates stops the read (``UnreadableDatesError``),
/// naming the format the dates are in (``DateParser/pattern(reading:samples:)``); one that reads
/// some of them leaves the others to be set aside row by row.
struct DateFormatCheckTests {
    /// Each value with the pattern that reads it as the reading without a format does (by the
    /// rules of ``DateParser``: year first, else the order the samples settle, a part above 12
    /// being a day when first and a month-first day when second).
    @Test(arguments: [
        ("2024-03-05", ["2024-03-05"], "yyyy-MM-dd"),
        ("2024-3-5", ["2024-3-5"], "yyyy-M-d"),
        ("2024-03-05T10:00:00Z", ["2024-03-05T10:00:00Z"], "yyyy-MM-dd"),
        ("2024/03/05 14:30", ["2024/03/05 14:30"], "yyyy/MM/dd"),
        ("20240305", ["20240305"], "yyyyMMdd"),
        ("2024年3月5日", ["2024年3月5日"], "yyyy年M月d日"),
        ("25/03/2024", ["25/03/2024"], "dd/MM/yyyy"),
        ("03/25/2024", ["03/25/2024"], "MM/dd/yyyy"),
        // 05/03/2024 alone could be either; the other samples settle the order.
        ("05/03/2024", ["05/03/2024", "25/03/2024"], "dd/MM/yyyy"),
        ("05/03/2024", ["05/03/2024", "03/25/2024"], "MM/dd/yyyy"),
        ("5.3.2024", ["5.3.2024", "25.3.2024"], "d.M.yyyy"),
        ("45356", ["45356", "45357"], "excel"),
    ])
    func patternReadingAValue(value: String, samples: [String], pattern: String) throws {
        #expect(DateParser.pattern(reading: value, samples: samples) == pattern)
        // The pattern reads the value to the day the reading without a format gives.
        let automatic = try DateParser.automatic(samples: samples)
        let day = try #require(automatic.parse(value))
        #expect(try DateParser(pattern: pattern).parse(value) == day)
    }

    /// No pattern for text that is no date, nor for a day-first/month-first date the samples
    /// cannot settle (the reading without a format does not read it either).
    @Test(arguments: ["soon", "05/03/2024", "2024-13-45", ""])
    func noPatternForWhatIsNotReadWithoutAFormat(value: String) {
        #expect(DateParser.pattern(reading: value, samples: [value]) == nil)
    }

    static func withFile<R>(_ text: String, _ body: (String) throws -> R) throws -> R {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("date-format-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    @Test func aFormatReadingNoTransactionDateStopsTheLoad() throws {
        // Line 2 is blank-free: its date, 2024-01-01, is the first as written; line 3's is empty.
        let text = "customer_id,date,amount\nA,2024-01-01,10\nB,,5\nC,2024-02-01,20\n"
        let error = try Self.withFile(text) { path in
            try #require(throws: UnreadableDatesError.self) {
                _ = try TransactionLoader.load(path: path, options: TransactionIngestOptions(dateFormat: "dd/MM/yyyy"))
            }
        }
        #expect(error.column == "date")
        #expect(error.line == 2)
        #expect(error.value == "2024-01-01")
        #expect(error.format == "dd/MM/yyyy")
        #expect(error.detectedFormat == "yyyy-MM-dd")
    }

    /// One date read (line 3) is enough: the other rows are set aside and counted as before.
    @Test func aFormatReadingSomeDatesSetsTheOthersAside() throws {
        let text = "customer_id,date,amount\nA,2024-01-01,10\nB,05/01/2024,5\nC,2024-02-01,20\n"
        let history = try Self.withFile(text) { path in
            try TransactionLoader.load(path: path, options: TransactionIngestOptions(dateFormat: "dd/MM/yyyy"))
        }
        #expect(history.report.rejected["unparseable_date"] == 2)
        #expect(history.report.accepted == 1)
    }

    /// Rows whose dates are all empty say nothing of the format: the rows are set aside as missing dates.
    @Test func emptyDatesAreNotAWrongFormat() throws {
        let history = try Self.withFile("customer_id,date,amount\nA,,10\nB, ,5\n") { path in
            try TransactionLoader.load(path: path, options: TransactionIngestOptions(dateFormat: "dd/MM/yyyy"))
        }
        #expect(history.report.rejected["unparseable_date"] == 2)
    }

    /// A side file (tickets: created_at and resolved_at) read by the profiler on one thread and
    /// on two: the first unread date is line 2's created_at.
    @Test(arguments: [false, true])
    func aFormatReadingNoSideFileDateStopsTheProfile(parallel: Bool) throws {
        var text = "ticket_id,customer_id,created_at,resolved_at\n"
        for k in 0..<200 { text += "T\(k),C\(k),2024-01-\(String(format: "%02d", k % 28 + 1)),\n" }
        let error = try Self.withFile(text) { path in
            try #require(throws: UnreadableDatesError.self) {
                _ = try TableProfiler.profile(
                    path: path, schema: .tickets, dateFormat: "dd/MM/yyyy", parallel: parallel, splitAt: parallel ? text.utf8.count / 2 : nil,
                    makeState: { _ in 0 }, visit: { _, _ in })
            }
        }
        #expect(error.column == "created_at")
        #expect(error.line == 2)
        #expect(error.value == "2024-01-01")
        #expect(error.detectedFormat == "yyyy-MM-dd")
    }
}
