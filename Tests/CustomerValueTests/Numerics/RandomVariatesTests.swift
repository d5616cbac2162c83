import Foundation
import Testing
@testable import CustomerValue

/// Sample moments of the variates against their closed forms. Each tolerance is five standard
/// errors of the statistic (from the distribution's own moments), so a correct sampler fails with
/// probability below 1e-6 per check; with fixed seeds the outcome is deterministic anyway.
struct RandomVariatesTests {
    static let n = 50_000

    /// Mean and (unbiased) variance of `values`.
    static func moments(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, variance)
    }

    @Test(arguments: [(0.243, 4.414), (0.5, 1.0), (1.0, 2.0), (3.74, 15.44), (6.25, 0.25)])
    func gammaMoments(shape: Double, rate: Double) {
        var rng = SeededGenerator(seed: 11)
        let draws = (0..<Self.n).map { _ in rng.nextGamma(shape: shape, rate: rate) }
        #expect(draws.allSatisfy { $0 >= 0 && $0.isFinite })
        let (mean, variance) = Self.moments(draws)
        // Gamma(k, rate θ): mean k/θ, variance k/θ², 4th central moment (3k² + 6k)/θ⁴, so
        // Var(sample variance) ≈ (μ4 − σ⁴)/n = (2k² + 6k)/(θ⁴ n).
        let trueMean = shape / rate
        let trueVariance = shape / (rate * rate)
        let meanSE = (trueVariance / Double(Self.n)).squareRoot()
        let varianceSE = ((2 * shape * shape + 6 * shape) / pow(rate, 4) / Double(Self.n)).squareRoot()
        #expect(abs(mean - trueMean) < 5 * meanSE, "mean \(mean) vs \(trueMean)")
        #expect(abs(variance - trueVariance) < 5 * varianceSE, "variance \(variance) vs \(trueVariance)")
    }

    @Test(arguments: [(0.793, 2.426), (0.5, 0.5), (2.0, 5.0), (10.0, 1.0)])
    func betaMoments(a: Double, b: Double) {
        var rng = SeededGenerator(seed: 12)
        let draws = (0..<Self.n).map { _ in rng.nextBeta(a: a, b: b) }
        #expect(draws.allSatisfy { $0 >= 0 && $0 <= 1 })
        let (mean, variance) = Self.moments(draws)
        // Beta(a, b): mean a/(a+b), variance ab/((a+b)²(a+b+1)); the sample variance of a
        // variable bounded in [0, 1] has standard error below sqrt(variance/n) (its 4th central
        // moment is at most its variance), so that bound is used for both.
        let trueMean = a / (a + b)
        let trueVariance = a * b / ((a + b) * (a + b) * (a + b + 1))
        let se = (trueVariance / Double(Self.n)).squareRoot()
        #expect(abs(mean - trueMean) < 5 * se, "mean \(mean) vs \(trueMean)")
        #expect(abs(variance - trueVariance) < 5 * se, "variance \(variance) vs \(trueVariance)")
    }

    @Test(arguments: [0.05, 0.5, 3.0, 9.99, 10.0, 35.0, 250.0])
    func poissonMoments(mean trueMean: Double) {
        var rng = SeededGenerator(seed: 13)
        let draws = (0..<Self.n).map { _ in rng.nextPoisson(mean: trueMean) }
        #expect(draws.allSatisfy { $0 >= 0 })
        let (mean, variance) = Self.moments(draws.map(Double.init))
        // Poisson(μ): mean = variance = μ; 4th central moment μ(1 + 3μ), so
        // Var(sample variance) ≈ (μ + 2μ²)/n.
        let meanSE = (trueMean / Double(Self.n)).squareRoot()
        let varianceSE = ((trueMean + 2 * trueMean * trueMean) / Double(Self.n)).squareRoot()
        #expect(abs(mean - trueMean) < 5 * meanSE, "mean \(mean) vs \(trueMean)")
        #expect(abs(variance - trueMean) < 5 * varianceSE, "variance \(variance) vs \(trueMean)")
    }

    @Test func poissonProbabilityOfZero() {
        // P(X = 0) = e^−μ; for μ = 3 that is 0.049787. Binomial SE sqrt(p(1−p)/n).
        var rng = SeededGenerator(seed: 14)
        let zeros = (0..<Self.n).filter { _ in rng.nextPoisson(mean: 3) == 0 }.count
        let p = exp(-3.0)
        #expect(abs(Double(zeros) / Double(Self.n) - p) < 5 * (p * (1 - p) / Double(Self.n)).squareRoot())
    }

    @Test func exponentialAndNormalMoments() {
        var rng = SeededGenerator(seed: 15)
        let n = Double(Self.n)
        // Exponential(rate 2): mean 1/2, variance 1/4.
        let exponential = Self.moments((0..<Self.n).map { _ in rng.nextExponential(rate: 2) })
        #expect(abs(exponential.mean - 0.5) < 5 * (0.25 / n).squareRoot())
        // Standard normal: mean 0 (SE 1/√n), variance 1 (SE √(2/n)), P(|Z| < 1.96) = 0.95.
        let normals = (0..<Self.n).map { _ in rng.nextStandardNormal() }
        let normal = Self.moments(normals)
        #expect(abs(normal.mean) < 5 / n.squareRoot())
        #expect(abs(normal.variance - 1) < 5 * (2 / n).squareRoot())
        let inside = Double(normals.filter { abs($0) < 1.959964 }.count) / n
        #expect(abs(inside - 0.95) < 5 * (0.95 * 0.05 / n).squareRoot())
    }

    @Test func bernoulliAndCategoricalFrequencies() {
        var rng = SeededGenerator(seed: 16)
        let n = Double(Self.n)
        let successes = (0..<Self.n).filter { _ in rng.nextBernoulli(probability: 0.3) }.count
        #expect(abs(Double(successes) / n - 0.3) < 5 * (0.3 * 0.7 / n).squareRoot())
        let never = rng.nextBernoulli(probability: 0)
        let always = rng.nextBernoulli(probability: 1)
        #expect(!never && always)

        let weights = [1.0, 0.0, 3.0, 6.0]
        var counts = [0, 0, 0, 0]
        for _ in 0..<Self.n { counts[rng.nextCategorical(weights: weights)] += 1 }
        #expect(counts[1] == 0)
        for (index, weight) in weights.enumerated() {
            let p = weight / 10
            #expect(abs(Double(counts[index]) / n - p) <= 5 * (p * (1 - p) / n).squareRoot())
        }
    }

    @Test func gammaOfTinyShapeStaysFinite() {
        // The shape < 1 boost multiplies by U^(1/shape); for shape 0.05 that can be tiny but
        // must never be negative, NaN or infinite.
        var rng = SeededGenerator(seed: 17)
        let draws = (0..<10_000).map { _ in rng.nextGamma(shape: 0.05, rate: 1) }
        #expect(draws.allSatisfy { $0 >= 0 && $0.isFinite })
        // Gamma(0.05, 1) has mean 0.05 and variance 0.05: SE of the mean √(0.05/10⁴) = 0.0022.
        let mean: Double = draws.reduce(0, +) / 10_000
        #expect(abs(mean - 0.05) < 5 * 0.0022)
    }

    @Test func drawsAreDeterministicForASeed() {
        func draws(seed: UInt64) -> [Double] {
            var rng = SeededGenerator(seed: seed)
            return (0..<200).map { i in
                switch i % 5 {
                case 0: rng.nextGamma(shape: 0.243, rate: 4.414)
                case 1: rng.nextBeta(a: 0.793, b: 2.426)
                case 2: Double(rng.nextPoisson(mean: 42))
                case 3: rng.nextStandardNormal()
                default: Double(rng.nextCategorical(weights: [1, 2, 3]))
                }
            }
        }
        #expect(draws(seed: 99) == draws(seed: 99))
        #expect(draws(seed: 99) != draws(seed: 100))
    }
}
