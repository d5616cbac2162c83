import Foundation
import Testing
@testable import CustomerValue

/// A file with more rows than the row budget is built from temporary files, one partition of
/// customers at a time: every result must be exactly the one of the in-memory build.
struct SpilledLoadTests {
    /// Rows exercising every per-customer rule: multi-line orders, exact duplicates, returns
    /// matched by order id and by date, a return with nothing before it, zero amounts, cancelled
    /// rows, bad dates, rows after the observation end (2024-03-20), and orders tied at 90000
    /// (outliers, more than the ten examples) among orders of 1 to 80. `extraOrder` adds
    /// one positive order, so that the count of positive orders is odd in one case and even in
    /// the other (the median is then one middle value or the mean of two).
    static func text(orderIDs: Bool = true, extraOrder: Bool) -> String {
        var lines = [orderIDs ? "order_id,customer_id,date,amount,status" : "customer_id,date,amount,status"]
        func add(_ order: String, _ customer: String, _ date: String, _ amount: String, _ status: String = "paid") {
            lines.append((orderIDs ? [order, customer, date, amount, status] : [customer, date, amount, status]).joined(separator: ","))
        }
        for i in 0..<500 {
            let customer = "C\((i * 7) % 61)"
            let date = String(format: "2024-%02d-%02d", 1 + (i / 180), 1 + (i * 3) % 28)
            switch i % 23 {
            case 0: add("O\(i)", customer, date, "\(1 + i % 80).25"); add("O\(i)", customer, date, "\(2 + i % 7)")   // two lines of one order
            case 3: lines.append(lines[lines.count - 1])   // exact duplicate
            case 5: add("O\(i - 5)", "C\(((i - 5) * 7) % 61)", "2024-03-05", "-1.5")   // return of an earlier order
            case 7: add("", customer, date, "-3")   // return without order id: the latest purchase
            case 9: add("O\(i)", customer, date, "0")
            case 11: add("O\(i)", customer, date, "12", "cancelled")
            case 13: add("O\(i)", customer, "2024-02-30", "5")
            case 15: add("O\(i)", customer, "2024-03-\(21 + i % 7)", "8")   // after the observation end
            case 17: add("O\(i)", customer, date, "90000")   // tied outliers
            default: add("O\(i)", customer, date, "\(1 + (i * 13) % 80).5")
            }
        }
        add("R1", "ONLYRETURN", "2024-01-03", "-9")   // nothing to net against
        add("P1", "ALLRETURNED", "2024-01-04", "9"); add("P1", "ALLRETURNED", "2024-01-05", "-9")   // left without purchases
        if extraOrder { add("X1", "C5", "2024-03-19", "41") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Loads `text` with the default budget on one thread (the reference), then with tiny
    /// budgets on one thread and on two (split at many points), and compares everything.
    static func expectSameAsInMemory(_ text: String, stride: Int) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var reference = TransactionIngestOptions(observationEnd: CalendarDay(isoText: "2024-03-20"))
        reference.parallel = false
        let oneSink = QuarantineMemory()
        let one = try TransactionLoader.load(path: url.path, options: reference, quarantine: oneSink)
        #expect(one.timings.spilledRows == 0)
        let calibration = SummaryOptions(calibrationEnd: CalendarDay(isoText: "2024-02-10"))
        let oneSummary = try CustomerSummary(history: one, options: calibration)

        var variants: [TransactionIngestOptions] = []
        for budget in [1, 7, 50] {
            var sequential = reference
            sequential.rowBudget = budget
            variants.append(sequential)
            for at in Swift.stride(from: 1, to: text.utf8.count, by: stride) {
                var split = sequential
                split.parallel = true
                split.minimumParallelBytes = 1
                split.minimumParallelRows = 1
                split.splitAt = at
                variants.append(split)
            }
        }
        for options in variants {
            let sink = QuarantineMemory()
            let spilled = try TransactionLoader.load(path: url.path, options: options, quarantine: sink)
            #expect(spilled.timings.spilledRows > 0)
            #expect(spilled.periodStart == one.periodStart)
            #expect(spilled.periodDay == one.periodDay)
            #expect(spilled.periodAmount == one.periodAmount)
            #expect(spilled.periodOrders == one.periodOrders)
            #expect((0..<one.customerCount).map(spilled.customerID) == (0..<one.customerCount).map(one.customerID))
            #expect(spilled.observationEnd == one.observationEnd)
            #expect(spilled.report == one.report)
            #expect(sink.rows == oneSink.rows)
            let summary = try CustomerSummary(history: spilled, options: calibration)
            #expect((0..<summary.count).map(summary.row) == (0..<oneSummary.count).map(oneSummary.row))
            // Summarised partition by partition, no history kept: the same rows, counts and quarantine.
            let streamedSink = QuarantineMemory()
            let streamed = try CustomerSummary.load(path: url.path, options: options, summary: calibration, quarantine: streamedSink)
            #expect(streamed.timings.spilledRows > 0)
            #expect((0..<streamed.summary.count).map(streamed.summary.row) == (0..<oneSummary.count).map(oneSummary.row))
            #expect(streamed.summary.customersWithoutPurchases == oneSummary.customersWithoutPurchases)
            #expect(streamed.summary.customersAfterCalibration == oneSummary.customersAfterCalibration)
            #expect(streamed.summary.observationEnd == oneSummary.observationEnd)
            #expect(streamed.report == one.report)
            #expect(streamedSink.rows == oneSink.rows)
        }
        // The comparison covers customers left out both ways (by the construction of text():
        // ONLYRETURN and ALLRETURNED have no purchase left; the customers first seen in March
        // start after the calibration end, 2024-02-10).
        #expect(oneSummary.customersWithoutPurchases >= 2 && oneSummary.customersAfterCalibration > 0)
    }

    /// The summary loaded straight from the file, with the default budget (one block of every
    /// customer), is the summary of the loaded history, with and without a calibration split.
    @Test(arguments: [nil, CalendarDay(isoText: "2024-02-10")])
    func summaryLoadedInBlocksIsTheSummaryOfTheHistory(calibrationEnd: CalendarDay?) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spill-summary-\(UUID().uuidString).csv")
        try Self.text(extraOrder: true).write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let options = TransactionIngestOptions(observationEnd: CalendarDay(isoText: "2024-03-20"))
        let summaryOptions = SummaryOptions(unit: .week, calibrationEnd: calibrationEnd, windowDays: 30)
        let history = try TransactionLoader.load(path: url.path, options: options)
        let expected = try CustomerSummary(history: history, options: summaryOptions)
        let loaded = try CustomerSummary.load(path: url.path, options: options, summary: summaryOptions)
        #expect(loaded.timings.spilledRows == 0)
        #expect(loaded.summary.rows == expected.rows)
        #expect(loaded.report == history.report)
        #expect(loaded.summary.customersWithoutPurchases == expected.customersWithoutPurchases)
    }

    /// Options that do not fit the data throw the summary's error only once the file is read:
    /// the quarantine is as complete as without the summary.
    @Test func unfitCalibrationEndThrowsAfterTheQuarantine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spill-unfit-\(UUID().uuidString).csv")
        try Self.text(extraOrder: false).write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var options = TransactionIngestOptions(observationEnd: CalendarDay(isoText: "2024-03-20"))
        options.rowBudget = 7
        let reference = QuarantineMemory()
        _ = try TransactionLoader.load(path: url.path, options: options, quarantine: reference)
        let sink = QuarantineMemory()
        // 2024-03-25 is after the observation end, 2024-03-20.
        #expect(throws: SummaryError.self) {
            try CustomerSummary.load(path: url.path, options: options,
                                     summary: SummaryOptions(calibrationEnd: CalendarDay(isoText: "2024-03-25")), quarantine: sink)
        }
        #expect(!reference.rows.isEmpty && sink.rows == reference.rows)
    }

    @Test(arguments: [false, true])
    func tinyBudgetsGiveTheInMemoryResult(extraOrder: Bool) throws {
        let text = Self.text(extraOrder: extraOrder)
        try Self.expectSameAsInMemory(text, stride: 1013)
        // The file has what the comparison is meant to cover (counts by construction of text()).
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spill-check-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let report = try TransactionLoader.load(path: url.path, options: .init(observationEnd: CalendarDay(isoText: "2024-03-20"))).report
        #expect(report.duplicates > 0 && report.returns.netted > 0 && report.returns.unmatched >= 1)
        #expect(report.afterObservationEnd > 0 && report.cancelled > 0 && report.zeroAmounts > 0)
        // The rows i % 23 == 17 dated up to the observation end (month 1 + i / 180, day
        // 1 + 3i mod 28), each an order of 90000: far above ten times any median of orders of 1
        // to 80; more of them than the ten examples, all tied.
        let tied = (0..<500).filter { $0 % 23 == 17 && !(1 + $0 / 180 == 3 && 1 + ($0 * 3) % 28 > 20) }.count
        #expect(tied > 10)
        #expect(report.outliers.count == tied && report.outliers.examples.count == 10)
        #expect(report.outliers.examples.allSatisfy { $0.amount == 90000 })
    }

    /// Without an order id column the order key is the line number: the second part's keys are
    /// renumbered with its lines while the rows are partitioned.
    @Test func filesWithoutOrderIDsSpillLikeInMemory() throws {
        try Self.expectSameAsInMemory(Self.text(orderIDs: false, extraOrder: false), stride: 1511)
    }

    /// The median of the positive orders comes from a histogram over bit patterns and the
    /// bucket(s) holding the middle: it must be the sort's median, for odd and even counts, with
    /// the two middle values in one bucket or in two.
    @Test(arguments: [[3.0, 1, 2], [4.0, 1, 3, 2], [1.0, 1.0000001, 5, 6], [7.5, 7.5, 7.5, 0.001, 1e9, 2]])
    func histogramMedianIsTheSortedMedian(values: [Double]) throws {
        var tally = try OrderTotalsTally()
        for (k, v) in values.enumerated() { try tally.add(v) { (Int32(k), 0, v, Int32(k)) } }
        try tally.add(-4) { (99, 0, -4, 99) }   // not a positive order: out of the median
        var report = TransactionFileReport(file: "t", encoding: "utf-8", delimiter: ",", columns: [:])
        _ = try tally.flagOutliers(factor: 10, report: &report)
        var sorted = values
        #expect(report.outliers.medianOrder == Quantiles.median(&sorted))
    }
}
