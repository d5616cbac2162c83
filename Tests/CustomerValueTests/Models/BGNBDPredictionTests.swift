import Foundation
import Testing
@testable import CustomerValue

/// Predictions against the formulas of Fader, Hardie & Lee (2005), evaluated with mpmath at
/// 40 digits (eq. 13 P(alive), eq. 10 conditional expectation, eq. 9 E[X(t)], eq. 8 P(X(t)=n)),
/// CDNOW parameters r 0.243, α 4.414, a 0.793, b 2.426.
struct BGNBDPredictionTests {
    static let model = BGNBD(parameters: BGNBDTests.cdnow)

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test(arguments: [
        (2.0, 30.43, 38.86, 0.72657857008067291192, 1.2260281747671444631),
        (7, 35, 38.86, 0.84376782192801221622, 4.3874878544879613429),
        (500, 38, 38.86, 0.026798690365027981558, 9.2200275883629197635),
        (5000, 38.8, 38.86, 0.85956642967018111448, 2953.80903628396419),
        (3, 5, 38.86, 0.038151389689822894064, 0.09161330503177059061),
    ])
    func probabilityAliveAndConditionalExpectation(x: Double, tx: Double, T: Double, alive: Double, expected39: Double) {
        let p = Self.model.probabilityAlive(frequency: x, recency: tx, age: T)
        #expect(Self.close(p, alive), "p_alive \(p)")
        let e = Self.model.conditionalExpectedPurchases(in: 39, frequency: x, recency: tx, age: T)
        #expect(Self.close(e, expected39, 1e-8), "E[Y(39)] \(e)")
    }

    @Test func oneTimeBuyersAreAlive() {
        // With x = 0 the model has no evidence of dropout: P(alive) = 1 by eq. 13.
        #expect(Self.model.probabilityAlive(frequency: 0, recency: 0, age: 30) == 1)
    }

    @Test func unconditionalExpectation() {
        #expect(Self.close(Self.model.expectedPurchases(in: 39), 1.1967231933208168667))
        #expect(Self.close(Self.model.expectedPurchases(in: 78), 1.860519057942768561))
        #expect(Self.model.expectedPurchases(in: 0) == 0)
    }

    /// At a = 1 eq. 9 is 0/0 and the limit is taken numerically (this used to recurse without
    /// end). E[X(t)] falls as a rises (a larger mean dropout probability), so the value at a = 1
    /// lies between those at a = 1 ∓ 1e-3, and the function is smooth there: within 1e-6
    /// (relative) of their average.
    @Test func unconditionalExpectationAtUnitA() {
        func e(_ a: Double) -> Double {
            BGNBD(parameters: .init(r: 0.8, alpha: 5, a: a, b: 2.5)).expectedPurchases(in: 52)
        }
        let (below, at, above) = (e(1 - 1e-3), e(1), e(1 + 1e-3))
        #expect(below > at && at > above, "\(below) \(at) \(above)")
        #expect(abs(at - (below + above) / 2) < 1e-6 * at)
        let conditional = BGNBD(parameters: .init(r: 0.8, alpha: 5, a: 1, b: 2.5))
            .conditionalExpectedPurchases(in: 52, frequency: 2, recency: 20, age: 30)
        #expect(conditional.isFinite && conditional > 0)
    }

    @Test func countDistribution() {
        let expected: [(Int, Double)] = [(0, 0.57378635209600940476), (1, 0.19939528083591145379),
                                         (3, 0.04586035384799972523), (10, 0.0035904295401896733128)]
        for (n, value) in expected {
            #expect(Self.close(Self.model.probabilityOfPurchases(n, in: 39), value), "P(X=\(n))")
        }
        // The distribution sums to 1 and its mean is E[X(t)] (eq. 9): a check of eq. 8 against eq. 9.
        let probabilities = (0..<400).map { Self.model.probabilityOfPurchases($0, in: 39) }
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-9)
        let mean = probabilities.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
        #expect(abs(mean - Self.model.expectedPurchases(in: 39)) < 1e-8)
    }

    @Test func heavyBuyersStayFiniteAcrossHorizons() {
        for x in [100.0, 1000, 5000] {
            for t in [1.0, 39, 520, 5200] {
                let e = Self.model.conditionalExpectedPurchases(in: t, frequency: x, recency: 38.8, age: 38.86)
                #expect(e.isFinite && e >= 0, "x \(x) t \(t): \(e)")
                // Never more than the rate's posterior mean times t would give a customer alive.
                #expect(e <= (0.243 + x) / (4.414 + 38.86) * t * 1.000001)
            }
        }
    }

    @Test func medianTimeToNextPurchase() {
        // (α+T)(2^(1/(r+x)) − 1) for x = 2, T = 38.86: (43.274)(2^(1/2.243) − 1) = 15.8987… (hand computation).
        let w = Self.model.medianTimeToNextPurchase(frequency: 2, age: 38.86)
        #expect(abs(w - 43.274 * (pow(2, 1 / 2.243) - 1)) < 1e-9)
    }

    /// The time by which P(at least one purchase) = P(alive) · [1 − ((α+T)/(α+T+t))^(r+x)] reaches ½,
    /// t = (α+T)(u^(−1/(r+x)) − 1) with u = 1 − ½ / P(alive), CDNOW parameters, T = 38.86. Expected
    /// values: the formula by hand in 40-digit decimal arithmetic (Python's decimal module), P(alive)
    /// as in the table above.
    @Test(arguments: [
        // x = 2, t_x = 30.43: P(alive) 0.72657857…, u = 0.31183…: 29.478 weeks.
        (2.0, 30.43, 29.478210001655587697),
        // x = 7, t_x = 35: P(alive) 0.84376782….
        (7, 35, 5.7113592543716253605),
        // A heavy buyer, x = 5000, t_x = 38.8: P(alive) 0.85956643…, rate ≈ 5000 / 43.274 a week.
        (5000, 38.8, 0.0075432014276797401918),
        // No repeat purchase: P(alive) = 1, the median if alive (α+T)(2^(1/r) − 1).
        (0, 0, 706.67824107321033738),
    ])
    func timeToAFiftyPercentChanceOfAPurchase(x: Double, tx: Double, expected: Double) throws {
        let alive = Self.model.probabilityAlive(frequency: x, recency: tx, age: 38.86)
        let t = try #require(Self.model.timeToPurchase(probability: 0.5, probabilityAlive: alive, frequency: x, age: 38.86))
        #expect(Self.close(t, expected, 1e-9), "t \(t)")
        // At that time the probability of a purchase is ½ (the definition, through the other function).
        #expect(abs(Self.model.probabilityOfPurchase(within: t, frequency: x, recency: tx, age: 38.86) - 0.5) < 1e-12)
    }

    @Test func noTimeWhenProbablyGone() {
        // x = 3, t_x = 5: P(alive) 0.0381513897 ≤ ½ (table above); x = 500, t_x = 38: 0.0267986904.
        // P(alive) · [1 − …] stays below P(alive) for every t, so it never reaches ½.
        for (x, tx) in [(3.0, 5.0), (500, 38)] {
            let alive = Self.model.probabilityAlive(frequency: x, recency: tx, age: 38.86)
            #expect(alive < 0.5)
            #expect(Self.model.timeToPurchase(probability: 0.5, probabilityAlive: alive, frequency: x, age: 38.86) == nil)
            #expect(Self.model.probabilityOfPurchase(within: 1e6, frequency: x, recency: tx, age: 38.86) <= alive)
        }
        // Exactly ½ alive: the probability only tends to ½, so there is no time either.
        #expect(Self.model.timeToPurchase(probability: 0.5, probabilityAlive: 0.5, frequency: 1, age: 10) == nil)
    }

    @Test func probabilityOfAPurchaseWithinTenWeeks() {
        // P(alive) · [1 − (43.274 / 53.274)^(r+x)] by hand (40-digit decimals): x = 2, t_x = 30.43 → 0.27078729794384152624;
        // the heavy buyer x = 5000 buys within 10 weeks if alive: P = P(alive) = 0.85956642967021289538.
        #expect(Self.close(Self.model.probabilityOfPurchase(within: 10, frequency: 2, recency: 30.43, age: 38.86), 0.27078729794384152624))
        #expect(Self.close(Self.model.probabilityOfPurchase(within: 10, frequency: 5000, recency: 38.8, age: 38.86), 0.85956642967021289538))
        #expect(Self.model.probabilityOfPurchase(within: 0, frequency: 2, recency: 30.43, age: 38.86) == 0)
    }
}

/// Gamma-Gamma against Fader & Hardie's note 025 formulas (mpmath, 40 digits), p 6.25, q 3.74, v 15.44.
struct GammaGammaTests {
    static let model = GammaGamma(parameters: .init(p: 6.25, q: 3.74, v: 15.44))

    @Test(arguments: [
        (1.0, 20.5, -3.6045177354788879371, 24.986095661846495169),
        (4, 35.7, -4.0851827672482155737, 35.652487382840665478),
        (200, 12.3, -4.1207301657823620844, 12.350128518287913599),
    ])
    func densityAndConditionalSpend(x: Double, m: Double, logDensity: Double, spend: Double) throws {
        #expect(abs(Self.model.logLikelihood(frequency: x, monetary: m) - logDensity) < 1e-10 * max(1, abs(logDensity)))
        let e = try #require(Self.model.conditionalExpectedSpend(frequency: x, monetary: m))
        #expect(abs(e - spend) < 1e-10 * spend)
    }

    @Test func populationMeanForOneTimeBuyers() throws {
        // pγ/(q−1) = 6.25 · 15.44 / 2.74 = 35.2189… (hand computation).
        let e = try #require(Self.model.conditionalExpectedSpend(frequency: 0, monetary: 0))
        #expect(abs(e - 6.25 * 15.44 / 2.74) < 1e-12)
    }

    @Test func tooFewRepeatBuyersIsAClearError() {
        #expect(throws: FitError.self) { try GammaGamma.fit(frequency: [1, 2, 0], monetary: [3, 4, 0]) }
        #expect(throws: FitError.self) { try GammaGamma.fit(frequency: Array(repeating: 2, count: 20), monetary: Array(repeating: 5, count: 20)) }
    }

    /// Simulation with known truth: the generator's spend is Gamma-Gamma with p 6.25, q 3.74, v 15.44.
    @Test func recoversSimulatedParameters() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = SyntheticConfig(customers: 30_000, seed: 5)
        config.files = [.transactions]
        let generated = try SyntheticGenerator(config: config).write(to: folder)
        let history = try TransactionLoader.load(
            path: folder.appendingPathComponent("transactions.csv").path,
            options: TransactionIngestOptions(observationEnd: generated.observationEnd))
        let summary = try CustomerSummary(history: history)
        let (_, report) = try GammaGamma.fit(frequency: summary.frequency.map(Double.init), monetary: summary.monetaryValue)
        #expect(report.converged)
        let truth = [6.25, 3.74, 15.44]
        for j in 0..<3 {
            let error = try #require(report.errors[j])
            #expect(abs(report.estimates[j] - truth[j]) < 3 * error, "\(report.parameterNames[j]) = \(report.estimates[j]) ± \(error)")
        }
    }
}
