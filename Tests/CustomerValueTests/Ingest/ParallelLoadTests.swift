import Foundation
import Testing
@testable import CustomerValue

/// Reading a file with two threads must give exactly what one pass gives.
struct ParallelLoadTests {
    /// A file with quoted multi-line fields, quotes, bad rows, duplicates and returns spread
    /// through it, so that the split lands among them (made once; the tests only read it).
    static let text: String = {
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
    }()

    /// A file of `header` and 300 rows, row `i` given by `row(i)`.
    static func file(_ header: String, row: (Int) -> String) -> String {
        ([header] + (0..<300).map(row)).joined(separator: "\n") + "\n"
    }

    /// A load's history and the rows it set aside (none when it had no quarantine).
    struct Load {
        let history: TransactionHistory
        let rejected: [RejectedRow]
    }

    /// Writes `text` to a temporary file and loads it in one pass, then on two threads split at
    /// every `step`-th byte (so that splits land inside quoted multi-line fields too, which are
    /// read again in one pass), and expects every split's load to equal the one pass's: the same
    /// periods (start, day, amount, orders), customer ids, report and rows set aside.
    /// - Parameter quarantine: whether the loads record the rows set aside (else they only count them).
    /// - Returns: the one pass's load.
    static func loadSplits(of text: String, every step: Int, quarantine: Bool = true) throws -> Load {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var single = TransactionIngestOptions(observationEnd: CalendarDay(isoText: "2024-03-31"))
        single.parallel = false
        func load(_ options: TransactionIngestOptions) throws -> Load {
            let sink = quarantine ? QuarantineMemory() : nil
            let history = try TransactionLoader.load(path: url.path, options: options, quarantine: sink)
            return Load(history: history, rejected: sink?.rows ?? [])
        }
        let one = try load(single)
        for at in stride(from: 1, to: text.utf8.count, by: step) {
            var split = single
            split.parallel = true
            split.minimumParallelBytes = 1
            split.splitAt = at
            split.minimumParallelRows = 1
            let two = try load(split)
            #expect(two.history.periodStart == one.history.periodStart, "split at byte \(at)")
            #expect(two.history.periodDay == one.history.periodDay, "split at byte \(at)")
            #expect(two.history.periodAmount == one.history.periodAmount, "split at byte \(at)")
            #expect(two.history.periodOrders == one.history.periodOrders, "split at byte \(at)")
            let customers = 0..<one.history.customerCount
            #expect(customers.map(two.history.customerID) == customers.map(one.history.customerID), "split at byte \(at)")
            #expect(two.history.report == one.history.report, "split at byte \(at)")
            #expect(two.rejected == one.rejected, "split at byte \(at)")
        }
        return one
    }

    @Test func twoThreadsGiveTheSameHistoryReportAndQuarantine() throws {
        let report = try Self.loadSplits(of: Self.text, every: 97).history.report
        #expect(report.duplicates > 0 && report.returns.netted > 0 && !report.rejected.isEmpty)
    }
}

extension ParallelLoadTests {
    /// CRLF line ends (Excel) split like LF; lone CRs inside quotes must still number lines right.
    @Test(arguments: [("\r\n", false), ("\n", false), ("\n", true)])
    func lineEndsDoNotChangeTheResult(lineEnd: String, loneCR: Bool) throws {
        var text = Self.text.replacingOccurrences(of: "\n", with: lineEnd)
        if loneCR { text = text.replacingOccurrences(of: "two" + lineEnd + "lines", with: "two\rlines") }
        _ = try Self.loadSplits(of: text, every: 131)
    }
}

extension ParallelLoadTests {
    /// A quote opened and never closed swallows the rest of the file in one pass; read in two
    /// parts, either part may see it: the result must still be the one pass's.
    @Test(arguments: [false, true])
    func anUnterminatedQuoteGivesTheOnePassResult(inFirstHalf: Bool) throws {
        // No other quote in the file: this one runs to the end of the file (row 40 or 240).
        let text = Self.file("order_id,customer_id,date,amount") { i in
            i == (inFirstHalf ? 39 : 239) ? "O9999,C1,2024-01-05,\"7"
                : "O\(i),C\(i % 13),2024-01-\(String(format: "%02d", 1 + i % 28)),\(i + 1)"
        }
        let one = try Self.loadSplits(of: text, every: 211)
        #expect(one.history.report.rejected["malformed_csv"] == 1)
    }

    /// Without an order id column the order key is the line number: the second part's keys
    /// must be renumbered with its lines (two rows of one day are two orders either way).
    @Test func filesWithoutOrderIDsSplitLikeOnePass() throws {
        let text = Self.file("customer_id,date,amount") { i in "C\(i % 11),2024-01-\(String(format: "%02d", 1 + i % 5)),\(i + 1)" }
        _ = try Self.loadSplits(of: text, every: 173, quarantine: false)
    }
}
