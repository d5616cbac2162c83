import Foundation
import Testing
@testable import CustomerValue

/// MBG/NBD E[X(t)] and P(X(t) = n) (Batislam, Denizel & Filiztekin 2007) against mpmath, a
/// Monte-Carlo simulation of the process, and the BG/NBD.
struct MBGNBDPredictionTests {
    static let model = MBGNBD(parameters: MBGNBDTests.parameters)

    /// Expected: mpmath at 40 digits of b/(a−1) · [1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))] with
    /// r 0.525, α 6.183, a 0.891, b 1.614. For t = 39 the closed form also equals, to 25 digits,
    /// mpmath's quadrature of E[(1−p)/p · (1 − (α/(α+pt))^r)] over p ~ Beta(a, b) (the
    /// derivation's starting point, λ averaged analytically), so the ₂F₁ form is checked
    /// against the model, not only against itself.
    @Test func unconditionalExpectationMatchesMpmath() {
        #expect(abs(Self.model.expectedPurchases(in: 39) - 1.1829536655971726405) < 1e-10)
        #expect(abs(Self.model.expectedPurchases(in: 78) - 1.8047575775531416551) < 1e-10)
        #expect(abs(Self.model.expectedPurchases(in: 1000) - 5.6122559658849872607) < 1e-9)
        #expect(Self.model.expectedPurchases(in: 0) == 0)
    }

    /// Expected: mpmath at 40 digits of the formula in ``MBGNBD/probabilityOfPurchases(_:in:)``.
    @Test(arguments: [
        (0, 0.58247318949328896996), (1, 0.18278307728754051110), (2, 0.086894825673490519206), (5, 0.019387323553570349830),
    ])
    func countProbabilityMatchesMpmath(n: Int, expected: Double) {
        #expect(abs(Self.model.probabilityOfPurchases(n, in: 39) - expected) < 1e-11)
    }

    /// Simulates repeat purchases in (0, t] of `customers` new customers: λ ~ Gamma(r, α),
    /// p ~ Beta(a, b); the customer drops out with probability p at time 0 (right after the first
    /// purchase) and after each repeat purchase.
    static func simulateCounts(_ p: BGNBD.Parameters, customers: Int, t: Double, seed: UInt64) -> [Int] {
        var rng = SeededGenerator(seed: seed)
        var counts: [Int] = []
        counts.reserveCapacity(customers)
        for _ in 0..<customers {
            let lambda = rng.nextGamma(shape: p.r, rate: p.alpha)
            let drop = rng.nextBeta(a: p.a, b: p.b)
            var x = 0, clock = 0.0
            var alive = rng.nextUniform() >= drop
            while alive {
                clock += rng.nextExponential(rate: lambda)
                if clock > t { break }
                x += 1
                alive = rng.nextUniform() >= drop
            }
            counts.append(x)
        }
        return counts
    }

    /// Simulation with known truth, two parameter sets (a < 1 and a > 1): the mean simulated count
    /// agrees with E[X(t)] within 4 standard errors of the mean, and each share of customers with
    /// 0, 1, 2, 3 purchases with P(X(t) = n) within 4 binomial standard errors. The BG/NBD's E[X(t)]
    /// with the same parameters (no dropout at time 0) lies far outside those bounds, so the check
    /// can fail.
    @Test(arguments: [
        BGNBD.Parameters(r: 0.525, alpha: 6.183, a: 0.891, b: 1.614),
        BGNBD.Parameters(r: 1.5, alpha: 10, a: 2.5, b: 4),
    ])
    func agreesWithSimulation(parameters: BGNBD.Parameters) {
        let customers = 200_000, t = 39.0
        let counts = Self.simulateCounts(parameters, customers: customers, t: t, seed: 17)
        let n = Double(customers)
        let mean = Double(counts.reduce(0, +)) / n
        let variance = counts.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1)
        let standardError = (variance / n).squareRoot()
        let model = MBGNBD(parameters: parameters)
        let expected = model.expectedPurchases(in: t)
        #expect(abs(expected - mean) < 4 * standardError, "E[X(39)] \(expected), simulated \(mean) ± \(standardError)")
        let bgnbd = BGNBD(parameters: parameters).expectedPurchases(in: t)
        #expect(abs(bgnbd - mean) > 10 * standardError, "BG/NBD \(bgnbd) should not match the MBG/NBD simulation \(mean)")
        for k in 0...3 {
            let share = Double(counts.filter { $0 == k }.count) / n
            let probability = model.probabilityOfPurchases(k, in: t)
            let binomialError = (probability * (1 - probability) / n).squareRoot()
            #expect(abs(share - probability) < 4 * binomialError, "P(X = \(k)) \(probability), simulated \(share)")
        }
    }

    /// The derivation's identities with the BG/NBD: E_MBG(a, b)[X(t)] = b/(a+b) · E_BG(a, b+1)[X(t)],
    /// P_MBG(X = n) = b/(a+b) · P_BG(a, b+1)(X = n) for n ≥ 1, and P_MBG(X = 0) adds a/(a+b), the
    /// chance of dropping out at once. The BG/NBD side is its own code (eqs. 8 and 9 of Fader,
    /// Hardie & Lee 2005, checked against mpmath in BGNBDPredictionTests).
    @Test(arguments: [0.7, 1.0, 1.8, 4.0])
    func agreesWithTheBGNBDWithOneMoreSurvival(a: Double) {
        let (r, alpha, b) = (0.8, 5.0, 2.5)
        let mbg = MBGNBD(parameters: .init(r: r, alpha: alpha, a: a, b: b))
        let bg = BGNBD(parameters: .init(r: r, alpha: alpha, a: a, b: b + 1))
        let share = b / (a + b)
        for t in [0.5, 10, 52, 400] {
            let e = mbg.expectedPurchases(in: t), reference = share * bg.expectedPurchases(in: t)
            #expect(abs(e - reference) < 1e-8 * reference, "a \(a) t \(t): \(e) vs \(reference)")
            for n in 0...6 {
                let reference = share * bg.probabilityOfPurchases(n, in: t) + (n == 0 ? a / (a + b) : 0)
                #expect(abs(mbg.probabilityOfPurchases(n, in: t) - reference) < 1e-10, "a \(a) t \(t) n \(n)")
            }
        }
    }

    /// Without dropout (p → 0: b → ∞ at fixed a) both models become the NBD, whose expectation is
    /// r t / α (Fader, Hardie & Lee 2005, §2): the limit where MBG/NBD and BG/NBD agree.
    @Test func withoutDropoutBothModelsAreTheNBD() {
        let (r, alpha, t) = (0.6, 4.0, 26.0)
        let nbd = r * t / alpha
        let mbg = MBGNBD(parameters: .init(r: r, alpha: alpha, a: 2, b: 1e7)).expectedPurchases(in: t)
        let bg = BGNBD(parameters: .init(r: r, alpha: alpha, a: 2, b: 1e7)).expectedPurchases(in: t)
        #expect(abs(mbg - nbd) < 1e-4 * nbd, "MBG/NBD \(mbg) vs NBD \(nbd)")
        #expect(abs(bg - nbd) < 1e-4 * nbd, "BG/NBD \(bg) vs NBD \(nbd)")
    }

    /// The distribution is proper and consistent with the expectation (two formulas computed
    /// independently): Σ_n P(X(t) = n) = 1 and Σ_n n P(X(t) = n) = E[X(t)], summed to n = 400
    /// (the tail beyond is below 1e-9 at these parameters).
    @Test func distributionSumsToOneWithTheExpectationAsMean() {
        var total = 0.0, mean = 0.0
        for n in 0...400 {
            let p = Self.model.probabilityOfPurchases(n, in: 39)
            total += p
            mean += Double(n) * p
        }
        #expect(abs(total - 1) < 1e-9)
        #expect(abs(mean - Self.model.expectedPurchases(in: 39)) < 1e-6)
    }
}
