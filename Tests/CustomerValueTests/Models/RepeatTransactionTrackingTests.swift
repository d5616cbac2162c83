import Foundation
import Testing
@testable import CustomerValue

/// Weekly and cumulative tracking of repeat transactions against a model's expectation.
struct RepeatTransactionTrackingTests {
    static func history(_ text: String) throws -> TransactionHistory {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tracking-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return try TransactionLoader.load(path: url.path, options: TransactionIngestOptions(observationEnd: CalendarDay(year: 2024, month: 1, day: 21)))
    }

    @Test func handComputedCase() throws {
        // Days: 1 Jan is day 0. A: first 1 Jan, repeats 3 Jan, 3 Jan again (same day: one), 10 Jan, 20 Jan.
        // B: first 8 Jan, repeat 9 Jan. C: first 16 Jan, after the calibration end (14 Jan): not in the cohort.
        let history = try Self.history("""
            customer_id,date,amount
            A,2024-01-01,5
            A,2024-01-03,5
            A,2024-01-03,7
            A,2024-01-10,5
            B,2024-01-08,5
            B,2024-01-09,5
            C,2024-01-16,5
            C,2024-01-17,5
            A,2024-01-20,5
            """)
        let day = { (d: Int) in try #require(CalendarDay(year: 2024, month: 1, day: d)) }
        // A model expecting one repeat purchase per day (unit = 1 day): E[X(t)] = t.
        let tracking = RepeatTransactionTracking(history: history, calibrationEnd: try day(14), end: try day(21),
                                                 periodDays: 7, unitDays: 1) { $0 }
        #expect(tracking.customers == 2)
        // Weeks start 1, 8, 15 Jan. Actual repeats: week 1: A on 3 Jan; week 2: A 10 Jan, B 9 Jan; week 3: A 20 Jan.
        #expect(tracking.periods.map(\.actual) == [1, 2, 1])
        #expect(tracking.periods.map(\.cumulativeActual) == [1, 3, 4])
        // Cumulative expected at the end of 7 Jan: A observed 6 days (t = 7 − 0 − 1), B not yet born: 6.
        // End of 14 Jan: A 13 days + B (born 8 Jan) 6 days = 19. End of 21 Jan: 20 + 13 = 33.
        #expect(tracking.periods.map(\.cumulativeExpected) == [6, 19, 33])
        #expect(tracking.periods.map(\.expected) == [6, 13, 14])
        #expect(tracking.periods.map(\.holdout) == [false, false, true])
        #expect(tracking.periods.map(\.start) == [try day(1), try day(8), try day(15)])
    }

    /// Simulation with known truth: with the true BG/NBD parameters, the expected cumulative
    /// repeat transactions follow the simulated ones within a few percent, week by week after the
    /// first months (the generator draws first purchases over its first year).
    @Test func trueModelTracksTheSimulation() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tracking-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = SyntheticConfig(customers: 20_000, seed: 11)
        config.files = [.transactions]
        let generated = try SyntheticGenerator(config: config).write(to: folder)
        let history = try TransactionLoader.load(
            path: folder.appendingPathComponent("transactions.csv").path,
            options: TransactionIngestOptions(observationEnd: generated.observationEnd))
        let model = BGNBD(parameters: .cdnow)
        let tracking = RepeatTransactionTracking(
            history: history, calibrationEnd: generated.observationEnd.adding(days: -182), end: generated.observationEnd,
            periodDays: 7, unitDays: 7) { model.expectedPurchases(in: $0) }
        let last = try #require(tracking.periods.last)
        #expect(last.cumulativeActual > 10_000)
        let error = abs(last.cumulativeExpected - Double(last.cumulativeActual)) / Double(last.cumulativeActual)
        #expect(error < 0.05, "expected \(last.cumulativeExpected), actual \(last.cumulativeActual)")
        // The cohort is every customer first buying by the calibration end.
        let calibrationEnd = generated.observationEnd.adding(days: -182).ordinal
        let cohort = (0..<history.customerCount).filter { c in
            history.periods(of: c).first.map { history.periodDay[$0] <= calibrationEnd } ?? false
        }.count
        #expect(tracking.customers == cohort)
    }
}

/// Actual against expected counts of repeat purchases in the calibration period.
struct RepeatPurchaseDistributionTests {
    @Test func handComputedCase() throws {
        // Three customers: x = 0 with T = 1, x = 1 and x = 3 with T = 2. Model: P(X(t) = n) = 1/2 for
        // n = 0 and 1/4 for n = 1 whatever t (so 1/4 for n ≥ 2). Counts 0, 1, 2+.
        let data = try PurchaseData(frequency: [0, 1, 3], recency: [0, 1, 2], age: [1, 2, 2])
        let d = RepeatPurchaseDistribution(data: data, maxCount: 2) { n, _ in n == 0 ? 0.5 : 0.25 }
        #expect(d.rows.map(\.repeatPurchases) == ["0", "1", "2+"])
        #expect(d.rows.map(\.actual) == [1, 1, 1])
        #expect(d.rows.map(\.expected) == [1.5, 0.75, 0.75])
    }

    /// Simulation with known truth: under the true BG/NBD parameters the expected counts follow
    /// the simulated ones: each count is a sum of independent indicators, so its standard
    /// deviation is at most √expected; allow 4 of them.
    @Test func trueModelMatchesTheSimulatedCounts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("distribution-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = SyntheticConfig(customers: 20_000, seed: 12)
        config.files = [.transactions]
        let generated = try SyntheticGenerator(config: config).write(to: folder)
        let history = try TransactionLoader.load(
            path: folder.appendingPathComponent("transactions.csv").path,
            options: TransactionIngestOptions(observationEnd: generated.observationEnd))
        let data = try PurchaseData(summary: try CustomerSummary(history: history, options: SummaryOptions(unit: .week)))
        let model = BGNBD(parameters: .cdnow)
        let d = RepeatPurchaseDistribution(data: data, maxCount: 7) { model.probabilityOfPurchases($0, in: $1) }
        #expect(abs(d.rows.reduce(0) { $0 + $1.expected } - 20_000) < 1e-6)
        for row in d.rows {
            #expect(abs(row.expected - row.actual) < 4 * row.expected.squareRoot(), "\(row)")
        }
    }
}
