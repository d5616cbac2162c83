import Foundation
import Testing
@testable import CustomerValue

struct ChurnRiskTests {
    @Test func bandsAndMidRankPercentiles() throws {
        let bands = try RiskBands(thresholds: [0.3, 0.6])
        #expect([0.1, 0.3, 0.59, 0.6, 0.95].map(bands.band) == [.low, .medium, .medium, .high, .high])
        // Sorted 0.1 | 0.5 0.5 | 0.9: mid-ranks 0.5, 2, 2, 3.5 of 4 → 12.5, 50, 50, 87.5.
        #expect(RiskBands.percentiles([0.5, 0.1, 0.9, 0.5]) == [50, 12.5, 87.5, 50])
        #expect(throws: ChurnError.self) { try RiskBands(thresholds: [0.6, 0.3]) }
    }

    /// Hand computation with r 0.25, α 4, a 0.8, b 2.5, x 2, t_x 10, T 20, t 13:
    /// P(alive) = 1 / (1 + 0.8/3.5 · (24/14)^2.25) = 1 / (1 + 0.228571 · 3.36270) = 0.565414;
    /// (24/37)^2.25 = 0.377591; P(none) = 0.434586 + 0.565414 · 0.377591 = 0.648081.
    @Test func probabilityOfNoPurchaseByHand() {
        let model = BGNBD(parameters: .init(r: 0.25, alpha: 4, a: 0.8, b: 2.5))
        let p = BTYDChurnRisk.probabilityNoPurchase(model, in: 13, frequency: 2, recency: 10, age: 20)
        #expect(abs(p - 0.6480811) < 1e-6)
    }

    /// A new customer (x 0, T 0) is alive for sure, so P(none in t) is eq. 8 of Fader, Hardie & Lee
    /// (2005) with n = 0.
    @Test func probabilityOfNoPurchaseMatchesEquation8AtTheStart() {
        let model = BGNBD(parameters: .init(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426))
        for t in [1.0, 10, 52] {
            let p = BTYDChurnRisk.probabilityNoPurchase(model, in: t, frequency: 0, recency: 0, age: 0)
            #expect(abs(p - model.probabilityOfPurchases(0, in: t)) < 1e-12)
        }
    }

    /// Simulation with a known truth: customers with λ ~ Gamma(r, α) whose first repeat purchase
    /// has not come by T = 20 (x = 0: BG/NBD customers cannot drop out before a repeat purchase);
    /// the share of them silent through (20, 30] estimates P(none in 10 | x 0, T 20).
    @Test func probabilityOfNoPurchaseMatchesASimulation() {
        let model = BGNBD(parameters: .init(r: 0.5, alpha: 5, a: 1.2, b: 3))
        var generator = SeededGenerator(seed: 7)
        var kept = 0, silent = 0
        for _ in 0..<200_000 {
            let lambda = generator.nextGamma(shape: 0.5, rate: 5)
            let wait = generator.nextExponential(rate: lambda)
            guard wait > 20 else { continue }
            kept += 1
            if wait > 30 { silent += 1 }
        }
        let share = Double(silent) / Double(kept)
        let p = BTYDChurnRisk.probabilityNoPurchase(model, in: 10, frequency: 0, recency: 0, age: 20)
        // (25/35)^0.5 = 0.845; binomial standard error with ~60k kept ≈ 0.0015.
        #expect(abs(p - 0.8451543) < 1e-6)
        #expect(abs(share - p) < 0.01, "simulated \(share) vs \(p) over \(kept)")
    }

    @Test func fitScoresEveryCustomerWithAPurchaseByTheCutoff() throws {
        let folder = try ChurnFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (history, _) = try ChurnFixture.load(folder)
        let risk = try BTYDChurnRisk.fit(history: history, cutoff: ChurnFixture.cutoff, horizonDays: 90)
        #expect(risk.customers.map(history.customerID) == ["A", "B", "C"])
        // C has no repeat purchase: alive for sure under BG/NBD.
        #expect(risk.churnProbability[2] == 0)
        for i in risk.customers.indices {
            #expect(risk.probabilityNoPurchase[i] >= risk.churnProbability[i] && risk.probabilityNoPurchase[i] <= 1)
        }
    }

    /// Two bins cut at the median of 1, 2, 3, 4 (type 7: 2.5); rates (0 + 1)/(2 + 2) and (2 + 1)/(2 + 2).
    @Test func recencyBaselineIsTheSmoothedRateOfTheBin() {
        let baseline = RecencyBaseline(recency: [1, 2, 3, 4], labels: [0, 0, 1, 1], bins: 2)
        #expect(baseline.edges == [2.5])
        #expect(baseline.probability(recency: 2.5) == 0.25)
        #expect(baseline.probability(recency: 0) == 0.25)
        #expect(baseline.probability(recency: 10) == 0.75)
    }
}
