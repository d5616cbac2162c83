import Foundation
import Testing
@testable import CustomerValue

/// The probability of a next purchase and the time by which it is as likely as not, for the
/// models whose customers can be gone: Pareto/NBD (death between purchases) and MBG/NBD (dropout
/// also right after the first purchase). BG/NBD's are in BGNBDPredictionTests.
struct NextPurchaseProbabilityTests {
    /// The CDNOW estimates of Fader, Hardie & Lee (2005, "RFM and CLV"), weeks.
    static let pareto = ParetoNBD(parameters: .init(r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562))

    /// At α = β the integral has the closed form (a/(a+s)) (1 − (A/(A+t))^(a+s)): λ+μ given alive
    /// is Gamma(a+s, A), independent of λ/(λ+μ) ~ Beta(a, s). Hand-derived, a = r+x, A = α+T.
    @Test(arguments: [(0.0, 20.0, 5.0), (2, 30, 10), (7, 38.86, 1), (40, 38.86, 100)])
    func equalScalesGiveTheClosedForm(x: Double, T: Double, t: Double) {
        let model = ParetoNBD(parameters: .init(r: 0.55, alpha: 10, s: 0.6, beta: 10))
        let (a, A, s) = (0.55 + x, 10 + T, 0.6)
        let expected = a / (a + s) * -Double.expMinusOne((a + s) * -Double.log(onePlus: t / A))
        let got = model.probabilityOfPurchaseIfAlive(within: t, frequency: x, age: T)
        #expect(abs(got - expected) < 1e-9, "\(got) vs \(expected)")
    }

    /// As t → ∞ the probability if alive is E[λ/(λ+μ)] = (a/(a+s)) · 2F1(s, 1; a+s+1; 1 − A/B)
    /// (the Euler integral of 2F1 after y = w/(A+w); hand derivation), through the library's
    /// independent 2F1 code. A/B above and below 1.
    @Test(arguments: [(0.0, 38.86), (2, 38.86), (10, 5), (1, 0)])
    func longHorizonLimitIsTheHypergeometricMean(x: Double, T: Double) {
        let p = Self.pareto.parameters
        let (a, A, B) = (p.r + x, p.alpha + T, p.beta + T)
        let limit = a / (a + p.s) * Hypergeometric.log2F1(a: p.s, b: 1, c: a + p.s + 1, z: 1 - A / B).value
        let got = Self.pareto.probabilityOfPurchaseIfAlive(within: .infinity, frequency: x, age: T)
        #expect(abs(got - limit) < 1e-9, "\(got) vs \(limit)")
        // A long but finite horizon approaches it from below (up to the quadrature error).
        let far = Self.pareto.probabilityOfPurchaseIfAlive(within: 1e7, frequency: x, age: T)
        #expect(far <= got + 1e-9 && got - far < 1e-3)
    }

    /// Monte Carlo with a known truth, the model itself: customers drawn from the prior
    /// (λ ~ Gamma(r, α), μ ~ Gamma(s, β), lifetime Exponential(μ), purchases Poisson(λ) while
    /// alive), kept when they made no repeat purchase in (0, T]; the share of them buying in
    /// (T, T+t] estimates P(alive | x = 0, T) · F(t). 400,000 draws: tolerance 4 standard errors.
    @Test func simulatedCustomersWithoutRepeatPurchases() {
        let p = Self.pareto.parameters
        let (T, t) = (20.0, 15.0)
        var generator = SeededGenerator(seed: 2026)
        var (kept, bought) = (0, 0)
        for _ in 0..<400_000 {
            let lambda = generator.nextGamma(shape: p.r, rate: p.alpha)
            let mu = generator.nextGamma(shape: p.s, rate: p.beta)
            let death = generator.nextExponential(rate: mu)
            let first = generator.nextExponential(rate: lambda)
            guard first > min(T, death) else { continue }  // a repeat purchase in (0, T]
            kept += 1
            // Memoryless: the first purchase after T comes Exponential(λ) later, if still alive.
            let next = T + generator.nextExponential(rate: lambda)
            if next <= min(T + t, death) { bought += 1 }
        }
        let share = Double(bought) / Double(kept)
        let model = Self.pareto.probabilityOfPurchase(within: t, frequency: 0, recency: 0, age: T)
        let error = (model * (1 - model) / Double(kept)).squareRoot()
        #expect(abs(share - model) < 4 * error, "simulated \(share), model \(model) ± \(error)")
    }

    /// At the returned time the probability is ½ (the definition, through the other function);
    /// none when P(alive) · E[λ/(λ+μ)] ≤ ½ although P(alive) > ½.
    @Test(arguments: [(0.0, 0.0), (2, 30.43), (7, 35), (300, 38.5)])
    func timeToAFiftyPercentChance(x: Double, tx: Double) throws {
        let T = 38.86
        let alive = Self.pareto.probabilityAlive(frequency: x, recency: tx, age: T)
        let limit = Self.pareto.probabilityOfPurchaseIfAlive(within: .infinity, frequency: x, age: T)
        let time = Self.pareto.timeToPurchase(probability: 0.5, probabilityAlive: alive, frequency: x, age: T)
        if alive * limit <= 0.5 {
            #expect(time == nil, "P(alive) \(alive), limit \(limit)")
        } else {
            let t = try #require(time)
            #expect(abs(Self.pareto.probabilityOfPurchase(within: t, frequency: x, recency: tx, age: T) - 0.5) < 1e-8, "t \(t)")
        }
    }

    /// With a tolerance of 0.01 day (cva predict's, weeks here) the time is within 0.01 day of
    /// the one solved to 1e−9 weeks, and exists exactly when it does: histories from one-time
    /// buyers to x = 500 (a + s ≈ 500, where y = (A/(A+t))^(a+s) is tiny), A/B above and below 1,
    /// P(alive) just above ½ (a root near y = 0, found only through G(0)) and near 1.
    @Test(arguments: [
        (ParetoNBD.Parameters(r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562), 0.0, 38.86, 0.999),
        (ParetoNBD.Parameters(r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562), 3, 38.86, 0.9),
        (ParetoNBD.Parameters(r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562), 500, 38.86, 0.97),
        (ParetoNBD.Parameters(r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562), 500, 2, 0.51),
        (ParetoNBD.Parameters(r: 2, alpha: 3, s: 0.3, beta: 80), 1, 20, 0.6),
        (ParetoNBD.Parameters(r: 2, alpha: 80, s: 2.5, beta: 3), 10, 20, 0.95),
        (ParetoNBD.Parameters(r: 0.8, alpha: 5, s: 0.2, beta: 40), 0, 10, 0.7),
    ])
    func loosenedToleranceStaysWithinAHundredthOfADay(parameters: ParetoNBD.Parameters, x: Double, T: Double, alive: Double) {
        let model = ParetoNBD(parameters: parameters)
        let tight = model.timeToPurchase(probability: 0.5, probabilityAlive: alive, frequency: x, age: T)
        let loose = model.timeToPurchase(probability: 0.5, probabilityAlive: alive, frequency: x, age: T, tolerance: 0.01 / 7)
        #expect((tight == nil) == (loose == nil), "tight \(String(describing: tight)), loose \(String(describing: loose))")
        if let tight, let loose {
            #expect(abs(tight - loose) * 7 <= 0.01, "\(tight * 7) vs \(loose * 7) days")
        }
    }

    /// At the boundary a fit can run to (s, β → ∞ with s/β = μ fixed) the dropout rate is μ for
    /// everyone and F(t) = ∫₀^t (a/A)(A/(A+w))^(a+1) e^(−μw) dw; with μ = 1e−6 per week that is
    /// 1 − (A/(A+t))^a (no dropout) to within μ t (hand derivation). (B/(B+w))^s = e^(−s log(1+w/B))
    /// is where the integral lives, so nothing like (A/B)^(−s) (here about 10^(6·10)) is formed.
    @Test(arguments: [(0.0, 38.86, 5.0), (3, 38.86, 2), (500, 52, 0.05)])
    func boundaryFitWithoutHeterogeneousDropout(x: Double, T: Double, t: Double) throws {
        let model = ParetoNBD(parameters: .init(r: 0.5534, alpha: 10.5802, s: 1e6, beta: 1e12))
        let (a, A) = (0.5534 + x, 10.5802 + T)
        let expected = -Double.expMinusOne(-a * Double.log(onePlus: t / A))
        let got = model.probabilityOfPurchaseIfAlive(within: t, frequency: x, age: T)
        #expect(got.isFinite && abs(got - expected) <= 1e-6 * t + 1e-9, "\(got) vs \(expected)")
        // The time of a 50% chance when alive for sure: (A/(A+t))^a = ½, t = A (2^(1/a) − 1). The
        // dropout (μ t) and P(alive) = 1 − 1e−6 move F by at most μ t + 1e−6, so the time by at
        // most that over the density F′(t) = (a/A)(A/(A+t))^(a+1) there.
        let time = try #require(model.timeToPurchase(probability: 0.5, probabilityAlive: 0.999_999, frequency: x, age: T))
        let exact = A * Double.expMinusOne(Double.log(2) / a)
        let density = a / A * Double.exp((a + 1) * -Double.log(onePlus: exact / A))
        #expect(abs(time - exact) <= (1e-6 * exact + 1e-6) / density, "\(time) vs \(exact)")
    }

    @Test func noTimeWhenProbablyGoneOrNeverLikely() {
        // x = 50, t_x = 30, T = 38.86: P(alive) 0.00354 (ParetoNBDTests' mpmath table).
        let gone = Self.pareto.probabilityAlive(frequency: 50, recency: 30, age: 38.86)
        #expect(Self.pareto.timeToPurchase(probability: 0.5, probabilityAlive: gone, frequency: 50, age: 38.86) == nil)
        // x = 0, T = 38.86: P(alive) 0.29496 < ½ already. With P(alive) forced to 0.55 the
        // limit a/(a+s)·2F1(…) ≈ 0.49 for r = 0.5534, s = 0.6061 makes 0.55 × 0.49 < ½: still none.
        let limit = Self.pareto.probabilityOfPurchaseIfAlive(within: .infinity, frequency: 0, age: 38.86)
        #expect(0.55 * limit < 0.5)
        #expect(Self.pareto.timeToPurchase(probability: 0.5, probabilityAlive: 0.55, frequency: 0, age: 38.86) == nil)
    }

    /// MBG/NBD (Batislam et al. 2007) by Monte Carlo: λ ~ Gamma(r, α), p ~ Beta(a, b); the
    /// customer drops out at the first purchase (time 0) with probability p and after each repeat
    /// purchase with probability p. Customers with no repeat purchase in (0, T] are kept; the
    /// share buying in (T, T+t] estimates MBG/NBD's P(alive) · [1 − (A/(A+t))^r]. 400,000 draws, 4 standard errors.
    @Test func mbgnbdSimulatedCustomersWithoutRepeatPurchases() throws {
        let parameters = BGNBD.Parameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
        let model = MBGNBD(parameters: parameters)
        let (T, t) = (30.0, 10.0)
        var generator = SeededGenerator(seed: 7)
        var (kept, bought) = (0, 0)
        for _ in 0..<400_000 {
            let lambda = generator.nextGamma(shape: parameters.r, rate: parameters.alpha)
            let p = generator.nextBeta(a: parameters.a, b: parameters.b)
            let droppedAtFirst = generator.nextBernoulli(probability: p)
            let first = generator.nextExponential(rate: lambda)
            if !droppedAtFirst && first <= T { continue }  // a repeat purchase in (0, T]
            kept += 1
            if !droppedAtFirst && first - T <= t { bought += 1 }  // memoryless: `first` > T is the next one
        }
        let share = Double(bought) / Double(kept)
        let expected = model.probabilityOfPurchase(within: t, frequency: 0, recency: 0, age: T)
        let error = (expected * (1 - expected) / Double(kept)).squareRoot()
        #expect(abs(share - expected) < 4 * error, "simulated \(share), model \(expected) ± \(error)")
        // The time of a 50% chance inverts it (P(alive) > ½ here: a = 0.793 < b + 0 = 2.426).
        let alive = model.probabilityAlive(frequency: 0, recency: 0, age: T)
        let time = try #require(model.timeToPurchase(probability: 0.5, probabilityAlive: alive, frequency: 0, age: T))
        #expect(abs(model.probabilityOfPurchase(within: time, frequency: 0, recency: 0, age: T) - 0.5) < 1e-12)
    }
}
