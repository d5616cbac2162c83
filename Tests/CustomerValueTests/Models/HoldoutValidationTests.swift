import Foundation
import Testing
@testable import CustomerValue

struct HoldoutValidationTests {
    /// A tiny log with a calibration end, actual holdout counts by hand:
    /// A buys 01-01, 01-08 (calibration x = 1) and 01-20, 01-25 (holdout 2);
    /// B buys 01-02 only (x = 0, holdout 0); C buys 01-03, 01-05 (x = 1) and 01-30 (holdout 1).
    @Test func binsAndErrorsByHand() throws {
        let text = """
            customer_id,date,amount
            A,2024-01-01,1
            A,2024-01-08,1
            A,2024-01-20,1
            A,2024-01-25,1
            B,2024-01-02,1
            C,2024-01-03,1
            C,2024-01-05,1
            C,2024-01-30,1

            """
        let history = try CustomerSummaryTests.history(text, observationEnd: "2024-01-31")
        let summary = try CustomerSummary(history: history, options: SummaryOptions(unit: .week, calibrationEnd: CalendarDay(isoText: "2024-01-10")))
        let model = BGNBD(parameters: BGNBDTests.cdnow)
        let v = HoldoutValidation(model: model, name: "bgnbd", summary: summary)
        #expect(v.bins[0].customers == 1 && v.bins[0].actual == 0)          // B
        #expect(v.bins[1].customers == 2 && v.bins[1].actual == 1.5)        // A (2) and C (1)
        #expect(v.totalActual == 3)
        // Predicted: each customer's conditional expectation over the 3-week holdout (21 days / 7).
        var predicted: [Double] = []
        for i in 0..<summary.count {
            predicted.append(model.conditionalExpectedPurchases(in: 3, frequency: Double(summary.frequency[i]), recency: summary.recency[i], age: summary.T[i]))
        }
        #expect(abs(v.totalPredicted - predicted.reduce(0, +)) < 1e-12)
        let actual = (0..<summary.count).map { Double(summary.frequencyHoldout[$0]) }
        let mae = zip(predicted, actual).reduce(0.0) { $0 + abs($1.0 - $1.1) } / 3
        #expect(abs(v.mae - mae) < 1e-12)
    }

    /// Simulation with known truth: with the true BG/NBD parameters, predicted holdout purchases
    /// match the simulated ones (the generator's process) within a few percent in total.
    @Test func trueModelPredictsTheSimulatedHoldout() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("holdout-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = SyntheticConfig(customers: 20_000, seed: 8)
        config.files = [.transactions]
        let generated = try SyntheticGenerator(config: config).write(to: folder)
        let history = try TransactionLoader.load(
            path: folder.appendingPathComponent("transactions.csv").path,
            options: TransactionIngestOptions(observationEnd: generated.observationEnd))
        let summary = try CustomerSummary(history: history, options: SummaryOptions(
            unit: .week, calibrationEnd: generated.observationEnd.adding(days: -182)))
        let v = HoldoutValidation(model: BGNBD(parameters: .cdnow), name: "bgnbd", summary: summary)
        #expect(abs(v.percentErrorTotal ?? 100) < 5, "predicted \(v.totalPredicted), actual \(v.totalActual)")
        #expect(v.bins.reduce(0) { $0 + $1.customers } == summary.count)
    }
}
