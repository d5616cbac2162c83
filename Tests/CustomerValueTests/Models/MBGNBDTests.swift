import Foundation
import Testing
@testable import CustomerValue

struct MBGNBDTests {
    static let parameters = BGNBD.Parameters(r: 0.525, alpha: 6.183, a: 0.891, b: 1.614)

    /// Expected: the likelihood and P(alive) of Batislam et al. (2007) (references.md) with mpmath, 30 digits.
    @Test(arguments: [
        (0.0, 0.0, 38.86, -0.53983746353101458742, 0.38973508091876290007),
        (2, 30.43, 38.86, -9.4855513145339314799, 0.7062022651184872794),
        (500, 38, 38.86, 701.21062045610425319, 0.035039079440287751653),
    ])
    func likelihoodAndProbabilityAlive(x: Double, tx: Double, T: Double, ll: Double, alive: Double) {
        let model = MBGNBD(parameters: Self.parameters)
        #expect(abs(model.logLikelihood(frequency: x, recency: tx, age: T) - ll) < 1e-10 * max(1, abs(ll)))
        #expect(abs(model.probabilityAlive(frequency: x, recency: tx, age: T) - alive) < 1e-12)
    }

    /// Simulates the MBG/NBD process: λ ~ Gamma(r, α), p ~ Beta(a, b); at the first purchase and
    /// after each repeat the customer drops out with probability p. Returns calibration
    /// (x, t_x, T) and the purchases in a holdout of `holdout` weeks.
    static func simulate(customers: Int, seed: UInt64, T: Double, holdout: Double)
        -> (x: [Double], tx: [Double], age: [Double], future: [Double]) {
        var rng = SeededGenerator(seed: seed)
        let p = parameters
        var xs: [Double] = [], txs: [Double] = [], ages: [Double] = [], future: [Double] = []
        for _ in 0..<customers {
            let lambda = rng.nextGamma(shape: p.r, rate: p.alpha)
            let drop = rng.nextBeta(a: p.a, b: p.b)
            let age = T * (0.5 + 0.5 * rng.nextUniform())
            var t = 0.0, x = 0.0, last = 0.0, after = 0.0
            var alive = !(rng.nextUniform() < drop)
            while alive {
                t += rng.nextExponential(rate: lambda)
                if t > age + holdout { break }
                if t <= age { x += 1; last = t } else { after += 1 }
                if rng.nextUniform() < drop { alive = false }
            }
            xs.append(x); txs.append(last); ages.append(age); future.append(after)
        }
        return (xs, txs, ages, future)
    }

    @Test func recoversSimulatedParametersAndPredictsTheHoldout() throws {
        let sim = Self.simulate(customers: 20_000, seed: 4, T: 52, holdout: 26)
        let data = try PurchaseData(frequency: sim.x, recency: sim.tx, age: sim.age)
        let (_, report) = try MBGNBD.fit(data)
        #expect(report.converged)
        let truth = Self.parameters.array
        for j in 0..<4 {
            let error = try #require(report.errors[j])
            #expect(abs(report.estimates[j] - truth[j]) < 3 * error, "\(report.parameterNames[j]) \(report.estimates[j]) ± \(error)")
        }
        // With the true parameters, the summed conditional expectations must match the simulated
        // holdout purchases (a check of the expectation formula against the process itself).
        let model = MBGNBD(parameters: Self.parameters)
        var predicted = 0.0
        for i in sim.x.indices {
            predicted += model.conditionalExpectedPurchases(in: 26, frequency: sim.x[i], recency: sim.tx[i], age: sim.age[i])
        }
        let actual = sim.future.reduce(0, +)
        #expect(abs(predicted - actual) < 0.04 * actual, "predicted \(predicted), simulated \(actual)")
    }
}
