import Foundation
import Testing
@testable import CustomerValue

struct ShiftedBetaGeometricTests {
    /// Fader & Hardie (2007), Table 1: customers active at the start of years 0–7 of two cohorts
    /// of 1,000; the paper's estimates from these seven years are α 0.704, β 1.182 ("regular")
    /// and α 0.668, β 3.806 ("high end").
    @Test(arguments: [
        ([1000.0, 631, 468, 382, 326, 289, 262, 241], 0.704, 1.182),
        ([1000.0, 869, 743, 653, 593, 551, 517, 491], 0.668, 3.806),
    ])
    func reproducesThePublishedEstimates(alive: [Double], alpha: Double, beta: Double) throws {
        let (model, report) = try ShiftedBetaGeometric.fit(cohorts: [alive])
        #expect(report.converged)
        #expect(abs(model.alpha - alpha) < 0.0005, "alpha \(model.alpha)")
        #expect(abs(model.beta - beta) < 0.0005, "beta \(model.beta)")
    }

    @Test func survivalRetentionAndChurnAgree() {
        let model = ShiftedBetaGeometric(alpha: 0.704, beta: 1.182)
        // S(t) = S(t−1) · r_t, and P(churn in t) = S(t−1) − S(t) (definitions in references.md).
        for t in 1...10 {
            #expect(abs(model.survival(period: t) - model.survival(period: t - 1) * model.retentionRate(period: t)) < 1e-12)
            #expect(abs(model.churnProbability(period: t) - (model.survival(period: t - 1) - model.survival(period: t))) < 1e-12)
        }
        // r_1 = β/(α+β) = 1.182/1.886 (hand computation).
        #expect(abs(model.retentionRate(period: 1) - 1.182 / 1.886) < 1e-12)
    }

    @Test func growingCountsAreRefused() {
        #expect(throws: ModelInputError.self) { try ShiftedBetaGeometric.fit(cohorts: [[100, 80, 90]]) }
        #expect(throws: FitError.self) { try ShiftedBetaGeometric.fit(cohorts: [[100]]) }
    }
}
