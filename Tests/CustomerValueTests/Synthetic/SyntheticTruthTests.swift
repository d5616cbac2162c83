import Foundation
import Testing
@testable import CustomerValue

/// The simulated customers against the BG/NBD and Gamma-Gamma truths they are drawn from
/// (Fader, Hardie & Lee 2005). Tolerances are four standard errors of the simulated mean.
struct SyntheticTruthTests {
    static let customers = 40_000

    /// Simulates `customers` with the default (CDNOW) configuration, in blocks as the writer does.
    static func simulate(seed: UInt64) throws -> [SimulatedBlock] {
        let generator = try SyntheticGenerator(config: SyntheticConfig(customers: customers, seed: seed))
        return (0..<generator.blockCount).map { index in
            var block = SimulatedBlock()
            generator.simulate(block: index, into: &block)
            return block
        }
    }

    static func meanAndStandardError(_ values: [Double]) -> (mean: Double, se: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, (variance / Double(values.count)).squareRoot())
    }

    @Test func hiddenParametersFollowTheirMixingDistributions() throws {
        let blocks = try Self.simulate(seed: 5)
        let truth = BGNBDTruth.cdnow
        let spend = GammaGammaTruth.cdnow
        let lambda = Self.meanAndStandardError(blocks.flatMap(\.lambdaPerWeek))
        let p = Self.meanAndStandardError(blocks.flatMap(\.dropoutProbability))
        let nu = Self.meanAndStandardError(blocks.flatMap(\.nu))
        // E[λ] = r/α = 0.05505, E[p] = a/(a+b) = 0.24635, E[ν] = q/v = 0.24223.
        #expect(abs(lambda.mean - truth.r / truth.alpha) < 4 * lambda.se, "λ \(lambda)")
        #expect(abs(p.mean - truth.a / (truth.a + truth.b)) < 4 * p.se, "p \(p)")
        #expect(abs(nu.mean - spend.q / spend.v) < 4 * nu.se, "ν \(nu)")
        // First purchases are uniform over [0, 182) days: mean 91, sd 182/√12.
        let firsts = blocks.flatMap { block in (0..<block.count).map { block.purchaseTimes[block.purchaseRange($0).lowerBound] } }
        #expect(firsts.allSatisfy { $0 >= 0 && $0 < 182 })
        let first = Self.meanAndStandardError(firsts)
        #expect(abs(first.mean - 91) < 4 * first.se)
    }

    /// Gauss's series for 2F1(a, b; c; z), |z| < 1 (Abramowitz & Stegun 15.1.1); the test's
    /// horizons keep z below 0.95, where a few hundred terms reach double precision.
    static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        for k in 0..<100_000 {
            let k = Double(k)
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
            sum += term
            if abs(term) < 1e-15 * abs(sum) { break }
        }
        return sum
    }

    /// E[X(t)] of the BG/NBD, eq. (9) of Fader, Hardie & Lee (2005), t in weeks.
    static func expectedRepeatPurchases(weeks t: Double, truth: BGNBDTruth) -> Double {
        let (r, alpha, a, b) = (truth.r, truth.alpha, truth.a, truth.b)
        return (a + b - 1) / (a - 1)
            * (1 - pow(alpha / (alpha + t), r) * hypergeometric2F1(r, b, a + b - 1, t / (alpha + t)))
    }

    @Test func repeatPurchasesMatchTheBGNBDExpectation() throws {
        let truth = BGNBDTruth.cdnow
        // Each customer is watched from the first purchase s (uniform over [0, 182) days) to day
        // 546, i.e. t = (546 − s)/7 weeks. Average E[X(t)] over s by the midpoint rule.
        let steps = 364
        var expected = 0.0
        for step in 0..<steps {
            let s = (Double(step) + 0.5) * 182 / Double(steps)
            expected += Self.expectedRepeatPurchases(weeks: (546 - s) / 7, truth: truth) / Double(steps)
        }
        // scipy.special.hyp2f1 gives the same average, 1.66087, an independent check of the series.
        #expect(abs(expected - 1.66087) < 1e-4, "\(expected)")

        let blocks = try Self.simulate(seed: 6)
        let repeats = blocks.flatMap { block in (0..<block.count).map { Double(block.purchaseRange($0).count - 1) } }
        let simulated = Self.meanAndStandardError(repeats)
        #expect(abs(simulated.mean - expected) < 4 * simulated.se, "simulated \(simulated.mean) ± \(simulated.se) vs \(expected)")
    }

    @Test func repeatPurchasesMatchAtAFixedHorizon() {
        // A single customer type watched for exactly 52 weeks from t = 0: the simulated mean of
        // X(52) over many customers is E[X(52)] (no averaging over first-purchase times).
        let truth = BGNBDTruth(r: 1.2, alpha: 3.0, a: 1.5, b: 4.0)
        var rng = SeededGenerator(seed: 8)
        var times: [Double] = []
        var counts: [Double] = []
        for _ in 0..<20_000 {
            times.removeAll(keepingCapacity: true)
            let lambda = rng.nextGamma(shape: truth.r, rate: truth.alpha)
            let p = rng.nextBeta(a: truth.a, b: truth.b)
            _ = SimulatedBlock.simulatePurchases(lambdaPerWeek: lambda, dropoutProbability: p, firstPurchase: 0,
                                                 horizon: 52 * 7, using: &rng, into: &times)
            counts.append(Double(times.count - 1))
        }
        let simulated = Self.meanAndStandardError(counts)
        let expected = Self.expectedRepeatPurchases(weeks: 52, truth: truth)
        #expect(abs(simulated.mean - expected) < 4 * simulated.se, "simulated \(simulated.mean) ± \(simulated.se) vs \(expected)")
    }

    @Test func spendFollowsTheGammaGammaModel() throws {
        // Population mean purchase amount p·v/(q − 1) = 6.25 · 15.44 / 2.74 = 35.22.
        var config = SyntheticConfig(customers: 20_000, seed: 9)
        config.files = [.transactions]
        let folder = try SyntheticScratchFolder()
        _ = try SyntheticGenerator(config: config).write(to: folder.url)
        let amounts = try SyntheticCSV.read("transactions.csv", in: folder.url).rows.compactMap { Double($0["amount"] ?? "") }
        // Amounts are heavy-tailed across customers, so the SE is taken from the sample itself.
        let spend = Self.meanAndStandardError(amounts)
        #expect(abs(spend.mean - 6.25 * 15.44 / 2.74) < 4 * spend.se, "\(spend)")
    }
}
