import Foundation
import Testing
@testable import CustomerValue

struct BGBBTests {
    /// The estimates of Fader, Hardie & Shang (2010) on the donation data below.
    static let published = BGBB.Parameters(alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783)

    /// The donation data of Fader, Hardie & Shang (2010): 11,104 first-time donors of
    /// 1995 over the six annual opportunities 1996–2001, as (x, t_x, count), n = 6.
    static let donations: [(Double, Double, Double)] = [
        (6, 6, 1203), (5, 6, 728), (4, 6, 512), (3, 6, 357), (2, 6, 234), (1, 6, 129),
        (5, 5, 335), (4, 5, 284), (3, 5, 225), (2, 5, 173), (1, 5, 119),
        (4, 4, 240), (3, 4, 181), (2, 4, 155), (1, 4, 78),
        (3, 3, 322), (2, 3, 255), (1, 3, 129),
        (2, 2, 613), (1, 2, 277),
        (1, 1, 1091),
        (0, 0, 3464),
    ]

    static func donationData() throws -> DiscretePurchaseData {
        try DiscretePurchaseData(frequency: donations.map(\.0), recency: donations.map(\.1),
                                 periods: donations.map { _ in 6 }, counts: donations.map(\.2))
    }

    /// The published check: the fit reproduces the paper's estimates (given to 3 decimals,
    /// so within 1e-3) and log-likelihood −33,225.6 (to its one decimal).
    @Test func reproducesThePublishedDonationFit() throws {
        let data = try Self.donationData()
        #expect(data.totalCount == 11_104)
        let (_, report) = try BGBB.fit(data)
        #expect(report.converged, "\(report.message)")
        for (j, value) in Self.published.array.enumerated() {
            #expect(abs(report.estimates[j] - value) < 1e-3, "\(report.parameterNames[j]) \(report.estimates[j]) vs \(value)")
        }
        #expect(abs(report.logLikelihood - -33_225.6) < 0.05, "log L \(report.logLikelihood)")
    }

    /// Expected: mpmath at 40 digits from the likelihood, P(alive) and expectation of the paper
    /// (the expectation as Σ_{i=1}^{5} B(α+x+1, β+n−x)/B(α,β) · B(γ, δ+n+i)/B(γ,δ) / L, the sum
    /// of each future opportunity's chance of being alive and buying, not the paper's closed
    /// form that the code uses). lifetimes 0.11.3's `BetaGeoBetaBinomFitter` agrees to 1e-12
    /// (e.g. P(alive) 0.7667340499954726, E 1.8044259997939913 for (3, 5, 6)).
    @Test(arguments: [
        (0, 0, 6, -1.1672624726738937816, 0.10801658416867419518, 0.072802877475043012434),
        (1, 1, 6, -2.2885316856662579829, 0.069408093206549673556, 0.085635398337870302167),
        (3, 5, 6, -5.6158947463614153626, 0.7667340499957251271, 1.8044259997945683048),
        (6, 6, 6, -2.182248447618299826, 0.93040254237288135593, 3.7521156075998147524),
        (1, 5, 6, -4.7676226829218665334, 0.82806733602323740712, 1.021665815827907747),
        (20, 25, 40, -19.008057801654139514, 4.5382343813713757966e-6, 0.000011141281888404800632),
    ])
    func likelihoodAliveAndExpectation(x: Int, tx: Int, n: Int, ll: Double, alive: Double, expected: Double) {
        let model = BGBB(parameters: Self.published)
        #expect(abs(model.logLikelihood(frequency: x, recency: tx, periods: n) - ll) < 1e-12 * max(1, abs(ll)))
        #expect(abs(model.probabilityAlive(frequency: x, recency: tx, periods: n) - alive) < 1e-11 * alive)
        let e = model.conditionalExpectedPurchases(next: 5, frequency: x, recency: tx, periods: n)
        #expect(abs(e - expected) < 1e-10 * expected, "E \(e)")
    }

    /// At γ = 1 the closed form is 0/0; the limit must match the sum form (hand formula as above)
    /// and rise with the horizon.
    @Test func expectationAtUnitGamma() {
        let p = BGBB.Parameters(alpha: 1.2, beta: 0.8, gamma: 1, delta: 3)
        let model = BGBB(parameters: p)
        let (x, tx, n) = (3, 5, 6)
        let logL = model.logLikelihood(frequency: x, recency: tx, periods: n)
        func lb(_ a: Double, _ b: Double) -> Double { SpecialFunctions.logBeta(a, b) }
        var previous = 0.0
        for horizon in [1, 4, 10] {
            var sum = 0.0
            for i in 1...horizon {
                sum += Double.exp(lb(p.alpha + 4, p.beta + 3) - lb(p.alpha, p.beta)
                                  + lb(p.gamma, p.delta + Double(n + i)) - lb(p.gamma, p.delta) - logL)
            }
            let value = model.conditionalExpectedPurchases(next: horizon, frequency: x, recency: tx, periods: n)
            #expect(abs(value - sum) < 1e-8 * sum, "\(horizon): \(value) vs \(sum)")
            #expect(value > previous)
            previous = value
        }
    }

    @Test func analyticGradientMatchesDifferences() throws {
        let data = try Self.donationData()
        var gradient = [Double](repeating: 0, count: 4)
        _ = BGBB(parameters: Self.published).logLikelihood(data, gradient: &gradient)
        let numeric = Optimizer.numericalGradient({ v in
            var g = [Double](repeating: 0, count: 4)
            return BGBB(parameters: BGBB.Parameters(v)).logLikelihood(data, gradient: &g)
        }, at: Self.published.array)
        for j in 0..<4 {
            #expect(abs(gradient[j] - numeric[j]) <= 1e-5 * max(1, abs(numeric[j])), "\(gradient[j]) vs \(numeric[j])")
        }
    }

    /// Simulation with known truth: the BG/BB process (at each of n = 8 opportunities a living
    /// customer drops out with probability θ, else buys with probability p), 10,000 customers;
    /// every estimate within 3 standard errors of the truth.
    @Test func recoversSimulatedParameters() throws {
        let truth = BGBB.Parameters(alpha: 0.9, beta: 1.5, gamma: 0.5, delta: 3)
        var rng = SeededGenerator(seed: 21)
        var xs: [Double] = [], txs: [Double] = []
        for _ in 0..<10_000 {
            let p = rng.nextBeta(a: truth.alpha, b: truth.beta)
            let theta = rng.nextBeta(a: truth.gamma, b: truth.delta)
            var x = 0.0, last = 0.0
            for opportunity in 1...8 {
                if rng.nextUniform() < theta { break }
                if rng.nextUniform() < p { x += 1; last = Double(opportunity) }
            }
            xs.append(x)
            txs.append(last)
        }
        let data = try DiscretePurchaseData(frequency: xs, recency: txs, periods: xs.map { _ in 8 })
        #expect(data.histories <= 45) // (x, t_x) pairs with x ≤ t_x ≤ 8: 1 + 8·9/2 = 37
        let (_, report) = try BGBB.fit(data)
        #expect(report.converged)
        for j in 0..<4 {
            let error = try #require(report.errors[j])
            #expect(abs(report.estimates[j] - truth.array[j]) < 3 * error, "\(report.parameterNames[j]) \(report.estimates[j]) ± \(error)")
        }
    }

    @Test func badHistoriesNameTheRow() {
        #expect(throws: ModelInputError.self) { try DiscretePurchaseData(frequency: [3], recency: [2], periods: [6]) }
        #expect(throws: ModelInputError.self) { try DiscretePurchaseData(frequency: [1], recency: [7], periods: [6]) }
        #expect(throws: ModelInputError.self) { try DiscretePurchaseData(frequency: [0], recency: [2], periods: [6]) }
        #expect(throws: ModelInputError.self) { try DiscretePurchaseData(frequency: [1.5], recency: [2], periods: [6]) }
        do {
            _ = try DiscretePurchaseData(frequency: [1, 2], recency: [1, 1], periods: [6, 6])
            Issue.record("two purchases in one opportunity were accepted")
        } catch let error as ModelInputError {
            #expect(error.message.hasPrefix("row 2"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
