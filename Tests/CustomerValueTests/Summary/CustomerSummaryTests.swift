import Foundation
import Testing
@testable import CustomerValue

/// Hand-computed summaries under the BTYD definitions of references.md
/// (frequency = purchase days − 1, recency = last − first, T = end − first,
/// monetary_value = mean of the repeat days' amounts).
struct CustomerSummaryTests {
    /// Writes `text` to a temporary CSV and loads it.
    static func history(_ text: String, observationEnd: String? = nil, returns: ReturnPolicy = .net) throws -> TransactionHistory {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let options = TransactionIngestOptions(
            returns: returns, observationEnd: observationEnd.flatMap { CalendarDay(isoText: $0) })
        return try TransactionLoader.load(path: url.path, options: options)
    }

    static let log = """
        customer_id,date,amount
        A,2024-01-01,10
        A,2024-01-01,5
        A,2024-01-11,20
        A,2024-01-31,30
        B,2024-01-05,100
        B,2024-01-20,50
        B,2024-01-25,-30
        C,2024-02-10,7.5
        D,2024-01-01,40
        D,2024-01-05,60
        D,2024-01-06,-60
        E,2024-01-20,12

        """

    static func row(_ summary: CustomerSummary, _ id: String) throws -> CustomerSummary.Row {
        try #require(summary.rows.first { $0.customerID == id })
    }

    @Test func sameDayPurchasesAreOnePeriod() throws {
        let summary = try CustomerSummary(history: Self.history(Self.log, observationEnd: "2024-02-10"))
        let a = try Self.row(summary, "A")
        // Purchase days 01-01 (10 + 5), 01-11 (20), 01-31 (30): three periods.
        #expect(a.frequency == 2)
        #expect(a.recency == 30)            // 01-31 − 01-01
        #expect(a.T == 40)                  // 02-10 − 01-01
        #expect(a.monetaryValue == 25)      // (20 + 30) / 2, the first day excluded
        #expect(a.orders == 4)              // no order id column: each row is an order
        #expect(a.totalSpend == 65)
        #expect(a.averageOrderValue == 16.25)
        #expect(a.daysSinceLast == 10)      // 02-10 − 01-31
        #expect(a.windowOrders == 4 && a.windowSpend == 65)
        #expect(a.firstPurchase.iso == "2024-01-01" && a.lastPurchase.iso == "2024-01-31")
    }

    @Test func returnIsNettedAgainstTheLatestEarlierPurchase() throws {
        let summary = try CustomerSummary(history: Self.history(Self.log, observationEnd: "2024-02-10"))
        let b = try Self.row(summary, "B")
        // The −30 on 01-25 comes off the 01-20 purchase: 50 − 30 = 20.
        #expect(b.frequency == 1)
        #expect(b.monetaryValue == 20)
        #expect(b.totalSpend == 120)
        #expect(b.recency == 15 && b.T == 36)
    }

    @Test func fullyReturnedPurchaseIsNoPurchase() throws {
        let history = try Self.history(Self.log, observationEnd: "2024-02-10")
        let summary = try CustomerSummary(history: history)
        let d = try Self.row(summary, "D")
        // 60 bought on 01-05 and returned on 01-06: only the 01-01 purchase remains.
        #expect(d.frequency == 0 && d.totalSpend == 40 && d.orders == 1)
        #expect(history.report.returns.netted == 2)
        #expect(history.report.returns.periodsCancelled == 1)
    }

    @Test func keptReturnsStayNegative() throws {
        let summary = try CustomerSummary(history: Self.history(Self.log, observationEnd: "2024-02-10", returns: .keep))
        let b = try Self.row(summary, "B")
        // Days 01-05 (100), 01-20 (50), 01-25 (−30): the return is a period of its own.
        #expect(b.frequency == 2 && b.monetaryValue == 10 && b.totalSpend == 120)
    }

    @Test func onlyPurchaseOnTheObservationEnd() throws {
        let summary = try CustomerSummary(history: Self.history(Self.log, observationEnd: "2024-02-10"))
        let c = try Self.row(summary, "C")
        #expect(c.frequency == 0 && c.recency == 0 && c.T == 0 && c.monetaryValue == 0)
        #expect(c.daysSinceLast == 0 && c.totalSpend == 7.5)
    }

    @Test func defaultObservationEndIsTheLastDate() throws {
        let history = try Self.history(Self.log)
        #expect(history.observationEnd.iso == "2024-02-10")   // C's purchase is the last row date
    }

    @Test func calibrationSplit() throws {
        let options = SummaryOptions(calibrationEnd: CalendarDay(isoText: "2024-01-15"))
        let summary = try CustomerSummary(history: Self.history(Self.log, observationEnd: "2024-02-10"), options: options)
        let a = try Self.row(summary, "A")
        // Calibration days 01-01 and 01-11; holdout day 01-31.
        #expect(a.frequency == 1 && a.recency == 10 && a.T == 14 && a.monetaryValue == 20)
        #expect(a.frequencyHoldout == 1 && a.monetaryValueHoldout == 30)
        #expect(a.durationHoldout == 26)   // 02-10 − 01-15
        // Whole-period columns are unchanged by the split.
        #expect(a.totalSpend == 65 && a.orders == 4)
        // C (02-10) and E (01-20) first bought after 01-15: left out and counted.
        #expect(summary.rows.map(\.customerID).sorted() == ["A", "B", "D"])
        #expect(summary.customersAfterCalibration == 2)
        #expect(summary.columnNames.suffix(3) == ["frequency_holdout", "monetary_value_holdout", "duration_holdout"])
    }

    @Test func holdoutOfACustomerWithoutHoldoutPurchases() throws {
        let options = SummaryOptions(calibrationEnd: CalendarDay(isoText: "2024-01-15"))
        let summary = try CustomerSummary(history: Self.history(Self.log, observationEnd: "2024-02-10"), options: options)
        let d = try Self.row(summary, "D")
        #expect(d.frequencyHoldout == 0 && d.monetaryValueHoldout == 0)
    }

    @Test(arguments: [(TimeUnit.week, 7.0), (.month, 30.4375), (.day, 1.0)])
    func unitsDivideDayCounts(unit: TimeUnit, days: Double) throws {
        let summary = try CustomerSummary(history: Self.history(Self.log, observationEnd: "2024-02-10"), options: SummaryOptions(unit: unit))
        let a = try Self.row(summary, "A")
        #expect(abs(a.recency - 30 / days) < 1e-12)
        #expect(abs(a.T - 40 / days) < 1e-12)
        #expect(a.daysSinceLast == 10)   // always days
    }

    @Test func trailingWindow() throws {
        let summary = try CustomerSummary(history: Self.history(Self.log, observationEnd: "2024-02-10"), options: SummaryOptions(windowDays: 15))
        let a = try Self.row(summary, "A")
        // Window (01-26, 02-10]: only the 01-31 purchase.
        #expect(a.windowOrders == 1 && a.windowSpend == 30)
    }

    @Test func linesOfOneOrderAreOneOrder() throws {
        let text = """
            order_id,customer_id,date,amount
            O1,A,2024-01-01,10
            O1,A,2024-01-01,5
            O2,A,2024-01-01,1
            O3,A,2024-01-03,4

            """
        let summary = try CustomerSummary(history: Self.history(text))
        let a = try Self.row(summary, "A")
        #expect(a.orders == 3 && a.frequency == 1 && a.totalSpend == 20 && a.monetaryValue == 4)
    }

    @Test func calibrationEndMustPrecedeObservationEnd() throws {
        let history = try Self.history(Self.log, observationEnd: "2024-02-10")
        #expect(throws: SummaryError.self) {
            try CustomerSummary(history: history, options: SummaryOptions(calibrationEnd: CalendarDay(isoText: "2024-02-10")))
        }
        #expect(throws: SummaryError.self) {
            try CustomerSummary(history: history, options: SummaryOptions(calibrationEnd: CalendarDay(isoText: "2023-12-01")))
        }
        #expect(throws: SummaryError.self) {
            try CustomerSummary(history: history, options: SummaryOptions(windowDays: 0))
        }
    }

    @Test func rowsAfterTheObservationEndAreCountedNotUsed() throws {
        let history = try Self.history(Self.log, observationEnd: "2024-01-31")
        // C (02-10) is after 01-31.
        #expect(history.report.afterObservationEnd == 1)
        let summary = try CustomerSummary(history: history)
        #expect(!summary.rows.contains { $0.customerID == "C" })
    }
}

extension CustomerSummaryTests {
    @Test func duplicatesAreFoundWithoutOrderIDs() throws {
        // Rows 3 and 5 are identical and not adjacent; the file has no order id column.
        let text = """
            customer_id,date,amount
            A,2024-01-01,10
            A,2024-01-02,4
            B,2024-01-02,6
            A,2024-01-02,4

            """
        let history = try Self.history(text)
        #expect(history.report.duplicates == 1)
        let a = try Self.row(CustomerSummary(history: history), "A")
        #expect(a.totalSpend == 14 && a.orders == 2)
    }
}
