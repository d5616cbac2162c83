import Foundation
import Testing
@testable import CustomerValue

/// Reading a file with two threads must give exactly what one pass gives.
struct ParallelLoadTests {
    /// A file with quoted multi-line fields, quotes, bad rows, duplicates and returns spread
    /// through it, so that the split lands among them.
    static func text() -> String {
        var lines = ["order_id,customer_id,date,amount,note"]
        for i in 0..<400 {
            let customer = "C\(i % 37)"
            let day = 1 + (i * 7) % 28
            switch i % 9 {
            case 0: lines.append("O\(i),\(customer),2024-02-\(String(format: "%02d", day)),\(i).5,\"two\nlines, \"\"quoted\"\"\"")
            case 1: lines.append("O\(i),,2024-02-01,3,missing id")
            case 2: lines.append("O\(i),\(customer),2024-02-30,3,bad date")
            case 6: lines.append(lines[lines.count - 1])   // an exact duplicate of the plain row before
            case 4: lines.append("O\(i),\(customer),2024-03-01,-2,return")
            default: lines.append("O\(i),\(customer),2024-01-\(String(format: "%02d", day)),\(i),plain")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func twoThreadsGiveTheSameHistoryReportAndQuarantine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-\(UUID().uuidString).csv")
        try Self.text().write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var single = TransactionIngestOptions(observationEnd: CalendarDay(isoText: "2024-03-31"))
        single.parallel = false
        let oneSink = QuarantineMemory()
        let one = try TransactionLoader.load(path: url.path, options: single, quarantine: oneSink)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        // Split at many points: every 97 bytes of the data, so that splits land inside quoted
        // multi-line fields too (those are read again in one pass).
        for at in stride(from: 1, to: size, by: 97) {
            var split = single
            split.parallel = true
            split.minimumParallelBytes = 1
            split.splitAt = at
            split.minimumParallelRows = 1
            let twoSink = QuarantineMemory()
            let two = try TransactionLoader.load(path: url.path, options: split, quarantine: twoSink)
            #expect(two.periodStart == one.periodStart)
            #expect(two.periodDay == one.periodDay)
            #expect(two.periodAmount == one.periodAmount)
            #expect(two.periodOrders == one.periodOrders)
            #expect((0..<one.customerCount).map(two.customerID) == (0..<one.customerCount).map(one.customerID))
            #expect(two.report == one.report)
            #expect(twoSink.rows == oneSink.rows)
        }
        #expect(one.report.duplicates > 0 && one.report.returns.netted > 0 && !one.report.rejected.isEmpty)
    }
}

extension ParallelLoadTests {
    /// CRLF line ends (Excel) split like LF; lone CRs inside quotes must still number lines right.
    @Test(arguments: [("\r\n", false), ("\n", false), ("\n", true)])
    func lineEndsDoNotChangeTheResult(lineEnd: String, loneCR: Bool) throws {
        var text = Self.text().replacingOccurrences(of: "\n", with: lineEnd)
        if loneCR { text = text.replacingOccurrences(of: "two" + lineEnd + "lines", with: "two\rlines") }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-cr-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var single = TransactionIngestOptions(observationEnd: CalendarDay(isoText: "2024-03-31"))
        single.parallel = false
        let oneSink = QuarantineMemory()
        let one = try TransactionLoader.load(path: url.path, options: single, quarantine: oneSink)
        for at in stride(from: 1, to: text.utf8.count, by: 131) {
            var split = single
            split.parallel = true
            split.minimumParallelBytes = 1
            split.splitAt = at
            split.minimumParallelRows = 1
            let twoSink = QuarantineMemory()
            let two = try TransactionLoader.load(path: url.path, options: split, quarantine: twoSink)
            #expect(two.periodDay == one.periodDay && two.periodAmount == one.periodAmount)
            #expect(two.report == one.report)
            #expect(twoSink.rows == oneSink.rows)
        }
    }
}

extension ParallelLoadTests {
    /// A quote opened and never closed swallows the rest of the file in one pass; read in two
    /// parts, either part may see it: the result must still be the one pass's.
    @Test(arguments: [false, true])
    func anUnterminatedQuoteGivesTheOnePassResult(inFirstHalf: Bool) throws {
        var lines = ["order_id,customer_id,date,amount"]
        for i in 0..<300 { lines.append("O\(i),C\(i % 13),2024-01-\(String(format: "%02d", 1 + i % 28)),\(i + 1)") }
        // No other quote in the file: this one runs to the end of the file.
        lines[inFirstHalf ? 40 : 240] = "O9999,C1,2024-01-05,\"7"
        let text = lines.joined(separator: "\n") + "\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-quote-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var single = TransactionIngestOptions(observationEnd: CalendarDay(isoText: "2024-03-31"))
        single.parallel = false
        let oneSink = QuarantineMemory()
        let one = try TransactionLoader.load(path: url.path, options: single, quarantine: oneSink)
        #expect(one.report.rejected["malformed_csv"] == 1)
        for at in stride(from: 1, to: text.utf8.count, by: 211) {
            var split = single
            split.parallel = true
            split.minimumParallelBytes = 1
            split.splitAt = at
            split.minimumParallelRows = 1
            let twoSink = QuarantineMemory()
            let two = try TransactionLoader.load(path: url.path, options: split, quarantine: twoSink)
            #expect(two.periodDay == one.periodDay && two.periodAmount == one.periodAmount)
            #expect(two.report == one.report)
            #expect(twoSink.rows == oneSink.rows)
        }
    }

    /// Without an order id column the order key is the line number: the second part's keys
    /// must be renumbered with its lines (two rows of one day are two orders either way).
    @Test func filesWithoutOrderIDsSplitLikeOnePass() throws {
        var lines = ["customer_id,date,amount"]
        for i in 0..<300 { lines.append("C\(i % 11),2024-01-\(String(format: "%02d", 1 + i % 5)),\(i + 1)") }
        let text = lines.joined(separator: "\n") + "\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-noorder-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var single = TransactionIngestOptions(observationEnd: CalendarDay(isoText: "2024-03-31"))
        single.parallel = false
        let one = try TransactionLoader.load(path: url.path, options: single)
        for at in stride(from: 1, to: text.utf8.count, by: 173) {
            var split = single
            split.parallel = true
            split.minimumParallelBytes = 1
            split.splitAt = at
            split.minimumParallelRows = 1
            let two = try TransactionLoader.load(path: url.path, options: split)
            #expect(two.periodOrders == one.periodOrders && two.periodAmount == one.periodAmount)
            #expect(two.report == one.report)
        }
    }
}
