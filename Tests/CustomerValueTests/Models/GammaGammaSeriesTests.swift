import Foundation
import Testing
@testable import CustomerValue

/// The Gamma-Gamma customer sums as power series in γ (one pass for the whole Newton fit).
struct GammaGammaSeriesTests {
    /// Within its range (|δ| ≤ 5% of min(γ₀ + x m_x)) the series equal the sums computed
    /// directly at γ, to 1e-12 relative (the truncation bound n ρ^11 is ~1e-14 n there); out
    /// of range they refuse.
    @Test func seriesEqualDirectSums() {
        let (x, m) = GammaGammaFastPathTests.customers(2_000, seed: 9)
        let sums = GammaGammaLikelihood(frequency: x, monetary: m, weight: 1).sums
        let centre = 15.44
        let expansion = sums.expansion(around: centre)
        let smallest = zip(x, m).map { centre + $0.0 * $0.1 }.min() ?? 0
        #expect(abs(expansion.smallest - smallest) <= 1e-12 * smallest)
        for factor in [-0.0499, -0.02, 0, 0.01, 0.0499] {
            let v = centre + factor * smallest
            let series = expansion.sums(at: v)
            #expect(series != nil)
            guard let series else { continue }
            let direct = sums.evaluate(v: v)
            let squares = sums.evaluate(v: v, squares: true)
            let pairs = [(series.log, direct.log), (series.xLog, direct.xLog), (series.inverse, direct.inverse),
                         (series.xInverse, direct.xInverse), (series.inverseSquared, squares.inverseSquared),
                         (series.xInverseSquared, squares.xInverseSquared)]
            for (k, (a, b)) in pairs.enumerated() {
                #expect(abs(a - b) <= 1e-12 * abs(b), "factor \(factor) sum \(k): \(a) vs \(b)")
            }
        }
        #expect(expansion.sums(at: centre + 0.06 * smallest) == nil)
        #expect(expansion.sums(at: centre - 0.06 * smallest) == nil)
    }

    /// Newton's method from the subsample's maximum with the series reaches the maximum of a
    /// plain L-BFGS fit on all the data: log L at least as high (to 1e-12 relative), estimates
    /// and standard errors within 1e-5 relative (the convergence test, scaled gradient ≤ 1e-8,
    /// pins p, q and γ, strongly correlated, only to about that: the two fits differ by ~4e-6).
    @Test func newtonFitMatchesThePlainFit() throws {
        let (x, m) = GammaGammaFastPathTests.customers(150_000, seed: 12)
        let (_, fast) = try GammaGamma.fit(frequency: x, monetary: m)
        #expect(fast.converged && fast.message.contains("Newton steps"), "\(fast.message)")
        let likelihood = GammaGammaLikelihood(frequency: x, monetary: m, weight: 1)
        let plain = try MaximumLikelihood.fit(model: "gg", names: GammaGamma.parameterNames, customers: x.count,
                                              starts: [fast.estimates.map { $0 * 1.3 }], options: .init(),
                                              hessian: likelihood.hessian, logLikelihood: likelihood.evaluate)
        #expect(plain.converged)
        #expect(fast.logLikelihood >= plain.logLikelihood - 1e-12 * abs(plain.logLikelihood))
        for j in 0..<3 {
            #expect(abs(fast.estimates[j] - plain.estimates[j]) <= 1e-5 * plain.estimates[j],
                    "\(GammaGamma.parameterNames[j]): \(fast.estimates[j]) vs \(plain.estimates[j])")
            let a = try #require(fast.errors[j]), b = try #require(plain.errors[j])
            #expect(abs(a - b) <= 1e-5 * b, "se \(GammaGamma.parameterNames[j]): \(a) vs \(b)")
        }
    }
}
