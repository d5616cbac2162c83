import Foundation
import Testing
@testable import CustomerValue

struct ParetoNBDTests {
    /// The CDNOW estimates of Fader, Hardie & Lee (2005, "RFM and CLV"), weeks.
    static let cdnow = ParetoNBD.Parameters(r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562)
    static let model = ParetoNBD(parameters: cdnow)

    /// Expected log L and P(alive): mpmath at 40 digits from the model's definition, with A₀ as
    /// the integral (r+s+x) ∫_{t_x}^T (α+τ)^−(r+x) (β+τ)^−(s+1) dτ by quadrature over 64 panels
    /// (not through ₂F₁; it agrees with mpmath's hyp2f1 form to 4e-14), so the ₂F₁ form of A₀
    /// is checked independently. lifetimes 0.11.3's `conditional_probability_alive` agrees to
    /// 1e-13 (e.g. 0.003542844424965799 at x = 50).
    @Test(arguments: [
        (0.0, 0.0, 38.86, -0.52112919597328546568, 0.2949614864370422222),
        (2, 30.43, 38.86, -9.5545106946144221325, 0.86911064396813704022),
        (7, 35, 38.86, -21.816934127841728212, 0.93605462600113427382),
        (1, 1.71, 20, -4.2514614552518025046, 0.38539799060346460944),
        (50, 30, 38.86, -44.883373117910936373, 0.0035428444249665911823),
        (300, 38.5, 38.86, 239.92847547591850073, 0.9844258690502826944),
        (300, 38.86, 38.86, 239.91277879411070274, 1.0),
    ])
    func likelihoodAndProbabilityAliveMatchQuadrature(x: Double, tx: Double, T: Double, ll: Double, alive: Double) {
        let value = Self.model.logLikelihood(frequency: x, recency: tx, age: T)
        #expect(abs(value - ll) <= 1e-10 * max(1, abs(ll)), "log L \(value)")
        let p = Self.model.probabilityAlive(frequency: x, recency: tx, age: T)
        #expect(abs(p - alive) <= 1e-10 * alive, "P(alive) \(p)")
    }

    /// The α ≥ β branch of A₀ (the CDNOW estimates above have α < β): expected values from
    /// mpmath at 40 digits by the same quadrature, parameters r 0.8, α 15, s 1.3, β 5.
    @Test(arguments: [
        (0.0, 0.0, 30.0, -0.23774886278500176519, 0.041968994398896094468),
        (3, 12, 30, -11.539600209898353208, 0.15036377512632169903),
        (40, 29, 30, -46.18507597397703814, 0.94064688662588673691),
        (300, 29.9, 30, 268.2107395475693429, 0.99472167026305278724),
    ])
    func alphaAboveBetaBranch(x: Double, tx: Double, T: Double, ll: Double, alive: Double) {
        let model = ParetoNBD(parameters: .init(r: 0.8, alpha: 15, s: 1.3, beta: 5))
        let value = model.logLikelihood(frequency: x, recency: tx, age: T)
        #expect(abs(value - ll) <= 1e-10 * max(1, abs(ll)), "log L \(value)")
        let p = model.probabilityAlive(frequency: x, recency: tx, age: T)
        #expect(abs(p - alive) <= 1e-10 * alive, "P(alive) \(p)")
    }

    /// The two branches of A₀ meet at α = β (z = 0 in both): the likelihood must be continuous
    /// across it (a wrong parameter in one ₂F₁ shows as a jump).
    @Test func branchesOfA0AgreeAtAlphaEqualBeta() {
        for (x, tx, T) in [(0.0, 0.0, 30.0), (3, 12, 30), (40, 29, 30)] {
            let below = ParetoNBD(parameters: .init(r: 0.8, alpha: 5 * (1 - 1e-9), s: 1.3, beta: 5))
            let above = ParetoNBD(parameters: .init(r: 0.8, alpha: 5 * (1 + 1e-9), s: 1.3, beta: 5))
            let a = below.logLikelihood(frequency: x, recency: tx, age: T)
            let b = above.logLikelihood(frequency: x, recency: tx, age: T)
            #expect(abs(a - b) < 1e-7 * max(1, abs(a)), "x \(x): \(a) vs \(b)")
        }
    }

    /// Expected: P(alive) · (r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+26))^(s−1)] with mpmath at
    /// 40 digits (P(alive) by quadrature, above), equal to 1e-18 to the quadrature of
    /// dE[Y]/dt = P(alive)(r+x)/(α+T) ((β+T)/(β+T+t))^s; lifetimes 0.11.3's
    /// `conditional_expected_number_of_purchases_up_to_time(26, …)` gives the same to 1e-14
    /// (e.g. 0.0752349346390071, 1.0228430599547513, 0.08255008627095005 at x = 0, 2, 50).
    @Test(arguments: [
        (0.0, 0.0, 38.86, 0.075234934639007107422),
        (2, 30.43, 38.86, 1.022843059954751616),
        (7, 35, 38.86, 3.2588078803890237176),
        (1, 1.71, 20, 0.41912027548157646197),
        (50, 30, 38.86, 0.082550086270970102673),
        (300, 38.5, 38.86, 136.37028338439006649),
    ])
    func conditionalExpectedPurchases(x: Double, tx: Double, T: Double, expected: Double) {
        let value = Self.model.conditionalExpectedPurchases(in: 26, frequency: x, recency: tx, age: T)
        #expect(abs(value - expected) <= 1e-10 * expected, "\(value)")
    }

    /// Expected: rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)] with mpmath; lifetimes 0.11.3's
    /// `expected_number_of_purchases_up_to_time` agrees to 1e-15.
    @Test(arguments: [(10.0, 0.4277326251047656936), (39, 1.2131177118615132766), (78, 1.9093659969315097876)])
    func unconditionalExpectedPurchases(t: Double, expected: Double) {
        #expect(abs(Self.model.expectedPurchases(in: t) - expected) <= 1e-13 * expected)
    }

    /// At s = 1 the formulas divide 0 by 0; the limit is (r/α) β log(1 + t/β) (hand computation:
    /// [1 − q^(s−1)]/(s−1) → −log q), and values at s = 1 ± 1e-7 must lie within 1e-7 of it.
    @Test func unitDropoutShapeIsTheLimit() {
        let t = 30.0
        let at = ParetoNBD(parameters: .init(r: 0.5, alpha: 10, s: 1, beta: 12))
        let limit = 0.5 / 10 * 12 * Double.log(1 + t / 12)
        #expect(abs(at.expectedPurchases(in: t) - limit) < 1e-14)
        for s in [1 - 1e-7, 1 + 1e-7] {
            let near = ParetoNBD(parameters: .init(r: 0.5, alpha: 10, s: s, beta: 12))
            #expect(abs(near.expectedPurchases(in: t) - limit) < 1e-7 * limit)
            let a = near.conditionalExpectedPurchases(in: t, frequency: 3, recency: 20, age: 30)
            let b = at.conditionalExpectedPurchases(in: t, frequency: 3, recency: 20, age: 30)
            #expect(abs(a - b) < 1e-6 * b && b > 0)
        }
    }

    /// Heavy buyers: (α+T)^−(r+x) underflows and A₀ cancels; everything must stay finite.
    @Test(arguments: [300.0, 1000, 5000])
    func heavyBuyersStayFinite(x: Double) {
        for tx in [38.86, 38.8, 30, 5] {
            let ll = Self.model.logLikelihood(frequency: x, recency: tx, age: 38.86)
            let alive = Self.model.probabilityAlive(frequency: x, recency: tx, age: 38.86)
            let expected = Self.model.conditionalExpectedPurchases(in: 52, frequency: x, recency: tx, age: 38.86)
            #expect(ll.isFinite && alive >= 0 && alive <= 1 && expected.isFinite && expected >= 0, "x \(x) tx \(tx): \(ll) \(alive) \(expected)")
        }
        // Buying at x/T per week right up to T: alive, and expected to keep buying at about that
        // rate (posterior mean (r+x)/(α+T) per week while alive).
        let expected = Self.model.conditionalExpectedPurchases(in: 1, frequency: x, recency: 38.86, age: 38.86)
        #expect(abs(expected - (Self.cdnow.r + x) / (Self.cdnow.alpha + 38.86)) < 0.02 * expected)
        // Silent for 34 weeks after such a rate: certainly dead.
        #expect(Self.model.probabilityAlive(frequency: x, recency: 5, age: 38.86) < 1e-12)
    }

    /// Properties of the model that a wrong formula breaks: P(alive) < 1 for x = 0 and falls
    /// with T; it rises with recency; expected purchases rise with the horizon.
    @Test func monotonicity() {
        let m = Self.model
        var previous = 1.0
        for T in stride(from: 1.0, through: 60, by: 5) {
            let p = m.probabilityAlive(frequency: 0, recency: 0, age: T)
            #expect(p < previous && p > 0)
            previous = p
        }
        previous = 0
        for tx in stride(from: 1.0, through: 38.86, by: 4) {
            let p = m.probabilityAlive(frequency: 4, recency: tx, age: 38.86)
            #expect(p > previous)
            previous = p
        }
        previous = 0
        for t in [1.0, 5, 20, 52, 200] {
            let e = m.conditionalExpectedPurchases(in: t, frequency: 4, recency: 30, age: 38.86)
            #expect(e > previous)
            previous = e
        }
    }

    @Test func compressedLikelihoodCountsMultiplicity() throws {
        let x: [Double] = [0, 0, 2, 7, 2, 1, 300, 0]
        let tx: [Double] = [0, 0, 30.43, 35, 30.43, 3, 38.5, 0]
        let T: [Double] = [38.86, 20, 38.86, 38.86, 38.86, 10, 38.86, 38.86]
        let data = try PurchaseData(frequency: x, recency: tx, age: T)
        let total = ParetoNBDLikelihood(data: data).evaluate(Self.cdnow)
        let direct = x.indices.reduce(0.0) { $0 + Self.model.logLikelihood(frequency: x[$1], recency: tx[$1], age: T[$1]) }
        #expect(abs(total - direct) < 1e-11 * abs(direct))
    }

    /// The quadrature of P(X(t) = n) against two identities of the model: the probabilities sum
    /// to 1 and their mean is E[X(t)] (the closed form above).
    @Test(arguments: [10.0, 39, 150])
    func probabilityOfPurchasesSumsToOneWithTheRightMean(t: Double) {
        var total = 0.0, mean = 0.0
        for n in 0..<400 {
            let p = Self.model.probabilityOfPurchases(n, in: t)
            total += p
            mean += Double(n) * p
        }
        #expect(abs(total - 1) < 1e-9, "Σ P = \(total)")
        let expected = Self.model.expectedPurchases(in: t)
        #expect(abs(mean - expected) < 1e-8 * expected, "Σ n P = \(mean), E[X(t)] = \(expected)")
        // P(0) exceeds its survivors' part NB_t(0) (β/(β+t))^s (hand formula), since those
        // who die early buy nothing with a higher probability still.
        let survivorsZero = Double.pow(10.5802 / (10.5802 + t), 0.5534) * Double.pow(11.6562 / (11.6562 + t), 0.6061)
        #expect(Self.model.probabilityOfPurchases(0, in: t) > survivorsZero)
    }

    /// Expected: the model's mixture NB_t(n) (β/(β+t))^s + ∫₀ᵗ NB_τ(n) sβ^s (β+τ)^−(s+1) dτ with
    /// mpmath at 30 digits (its own quadrature, 32 panels in τ rather than the code's 64 in
    /// log(1+τ/β)).
    @Test(arguments: [(0, 39.0, 0.59357593702822907881), (1, 39, 0.16558437956850139165),
                      (5, 39, 0.021487398379436137807), (20, 150, 0.0026846123629240816948)])
    func probabilityOfPurchasesMatchesQuadrature(n: Int, t: Double, expected: Double) {
        let value = Self.model.probabilityOfPurchases(n, in: t)
        #expect(abs(value - expected) <= 1e-10 * expected, "\(value)")
    }

    /// Expected: ∫₀^∞ e^−δt dE[Y(t) | x, t_x, T] with mpmath at 40 digits, δ = log(1.15)/52
    /// (15% a year in weeks), an evaluation independent of U(s, s; z).
    @Test(arguments: [
        (0.0, 0.0, 38.86, 0.478143473596424511),
        (2, 30.43, 38.86, 6.500513836788722228),
        (7, 35, 38.86, 20.710827053802474259),
    ])
    func discountedExpectedResidualTransactions(x: Double, tx: Double, T: Double, expected: Double) {
        let value = Self.model.discountedExpectedResidualTransactions(
            discountRate: Double.log(1.15) / 52, frequency: x, recency: tx, age: T)
        #expect(abs(value - expected) <= 1e-9 * expected, "\(value)")
    }

    @Test func nobodyRepeatsIsAClearError() throws {
        let data = try PurchaseData(frequency: [0, 0], recency: [0, 0], age: [10, 20])
        #expect(throws: FitError.self) { try ParetoNBD.fit(data) }
    }
}

extension ParetoNBDTests {
    /// Simulates the Pareto/NBD process: λ ~ Gamma(r, α), μ ~ Gamma(s, β), an exponential
    /// lifetime of rate μ, Poisson purchases at rate λ while alive. Ages are whole weeks
    /// (weekly cohorts) and purchase times are recorded to the day (1/7 week), as in a real
    /// summary; returns calibration (x, t_x, T) and purchases in a holdout of `holdout` weeks.
    static func simulate(_ p: ParetoNBD.Parameters, customers: Int, seed: UInt64, holdout: Double)
        -> (x: [Double], tx: [Double], age: [Double], future: [Double]) {
        var rng = SeededGenerator(seed: seed)
        var xs: [Double] = [], txs: [Double] = [], ages: [Double] = [], future: [Double] = []
        for _ in 0..<customers {
            let lambda = rng.nextGamma(shape: p.r, rate: p.alpha)
            let mu = rng.nextGamma(shape: p.s, rate: p.beta)
            let death = rng.nextExponential(rate: mu)
            let age = Double(26 + Int(rng.nextUniform() * 27))
            var t = 0.0, x = 0.0, last = 0.0, after = 0.0
            while true {
                t += rng.nextExponential(rate: lambda)
                if t > death || t > age + holdout { break }
                let day = (t * 7).rounded(.up) / 7
                if day <= age {
                    if day > last { x += 1; last = day }
                } else {
                    after += 1
                }
            }
            xs.append(x); txs.append(last); ages.append(age); future.append(after)
        }
        return (xs, txs, ages, future)
    }

    /// Simulation with known truth (the CDNOW estimates): with 6,000 customers the fit must
    /// recover each parameter within 3 of its standard errors (a 99.7% band, if the
    /// asymptotics hold), and the true model's expected holdout purchases must match the
    /// simulated total (about 2,500 purchases) within 8%: a customer's holdout count varies
    /// about twice as much as a Poisson count of the same mean (the posterior spread of λ and μ
    /// adds to the Poisson noise), so the total's standard deviation is about 70, 3%.
    @Test func recoversSimulatedParametersAndPredictsTheHoldout() throws {
        let truth = Self.cdnow
        let sim = Self.simulate(truth, customers: 6_000, seed: 11, holdout: 26)
        let data = try PurchaseData(frequency: sim.x, recency: sim.tx, age: sim.age)
        let (_, report) = try ParetoNBD.fit(data)
        #expect(report.converged, "\(report.message)")
        for j in 0..<4 {
            let error = try #require(report.errors[j])
            #expect(abs(report.estimates[j] - truth.array[j]) < 3 * error,
                    "\(report.parameterNames[j]) \(report.estimates[j]) ± \(error), truth \(truth.array[j])")
        }
        let model = ParetoNBD(parameters: truth)
        var predicted = 0.0
        for i in sim.x.indices {
            predicted += model.conditionalExpectedPurchases(in: 26, frequency: sim.x[i], recency: sim.tx[i], age: sim.age[i])
        }
        let actual = sim.future.reduce(0, +)
        #expect(abs(predicted - actual) < 0.08 * actual, "predicted \(predicted), simulated \(actual)")
        #expect(actual > 1_500, "the holdout must hold enough purchases for the 8% band: \(actual)")
    }
}
