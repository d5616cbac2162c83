import Foundation

/// Random variates drawn from any `RandomNumberGenerator`, usually a ``SeededGenerator``.
///
/// Every sampler consumes a sequence of `next()` values fixed by this file, so a seed gives the
/// same draws on every platform. Rates are inverse scales: `nextExponential(rate: 2)` has mean
/// 1/2, `nextGamma(shape: k, rate: θ)` has mean k/θ, matching the parameterisation of the BG/NBD
/// and Gamma-Gamma papers.
extension RandomNumberGenerator {
    /// A uniform draw from the open interval (0, 1): never exactly 0 or 1, so `log` of it is
    /// finite.
    ///
    /// Takes the top 53 bits of `next()` and centres them in their cell: (k + ½) · 2⁻⁵³ for
    /// k in 0..<2⁵³, so the smallest value is 2⁻⁵⁴ and the largest 1 − 2⁻⁵⁴.
    @inline(__always)
    public mutating func nextUniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// A standard normal draw (mean 0, variance 1), by the polar method of Marsaglia & Bray
    /// (1964), "A convenient method for generating normal variables", SIAM Review 6(3).
    ///
    /// The method yields two independent normals per accepted point; the second is discarded so
    /// that the generator needs no state beyond the random source.
    public mutating func nextStandardNormal() -> Double {
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s < 1 && s > 0 {
                return u * (-2 * Foundation.log(s) / s).squareRoot()
            }
        }
    }

    /// An exponential draw with the given rate (mean 1/rate), by inversion: −ln(U)/rate.
    /// - Parameter rate: the rate, `rate > 0`; `rate == 0` gives `+infinity` (the event never
    ///   happens).
    @inline(__always)
    public mutating func nextExponential(rate: Double) -> Double {
        -Foundation.log(nextUniform()) / rate
    }

    /// A gamma draw with the given shape and rate (mean shape/rate, variance shape/rate²).
    ///
    /// Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM
    /// Transactions on Mathematical Software 26(3): for shape ≥ 1, d = shape − ⅓,
    /// c = 1/√(9d); draw x normal, v = (1 + cx)³, accept d·v when
    /// ln U < x²/2 + d − d·v + d·ln v (with the cheap squeeze U < 1 − 0.0331x⁴ first).
    /// For shape < 1 it uses the authors' boost: Gamma(shape) = Gamma(shape + 1) · U^(1/shape).
    /// - Parameters:
    ///   - shape: the shape, `shape > 0`.
    ///   - rate: the rate, `rate > 0`.
    /// - Returns: a positive draw; for a very small shape (≲ 0.01) the boost can underflow to 0.
    public mutating func nextGamma(shape: Double, rate: Double) -> Double {
        precondition(shape > 0 && rate > 0, "gamma needs shape > 0 and rate > 0")
        if shape < 1 {
            let boost = Foundation.pow(nextUniform(), 1 / shape)
            return nextGamma(shape: shape + 1, rate: rate) * boost
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = nextStandardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = nextUniform()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v / rate }
            if Foundation.log(u) < 0.5 * x2 + d * (1 - v + Foundation.log(v)) { return d * v / rate }
        }
    }

    /// A beta draw with shapes `a` and `b` (mean a/(a+b)), as X/(X+Y) with X ~ Gamma(a, 1) and
    /// Y ~ Gamma(b, 1) independent (e.g. Devroye 1986, "Non-Uniform Random Variate Generation",
    /// ch. IX.4).
    /// - Parameters:
    ///   - a: first shape, `a > 0`.
    ///   - b: second shape, `b > 0`.
    /// - Returns: a value in [0, 1]. When both gamma draws underflow to 0 (only for shapes far
    ///   below 0.01) the limit distribution is used: 1 with probability a/(a+b), else 0.
    public mutating func nextBeta(a: Double, b: Double) -> Double {
        let x = nextGamma(shape: a, rate: 1)
        let y = nextGamma(shape: b, rate: 1)
        let sum = x + y
        if sum > 0 { return x / sum }
        return nextUniform() < a / (a + b) ? 1 : 0
    }

    /// A Poisson draw with the given mean.
    ///
    /// For mean < 10, Knuth's multiplication method (TAOCP vol. 2, 3.4.1): count uniforms until
    /// their product falls below e^−mean. For larger means, Hörmann's transformed rejection with
    /// squeeze, PTRS (Hörmann 1993, "The transformed rejection method for generating Poisson
    /// random variables", Insurance: Mathematics and Economics 12(1)), whose cost does not grow
    /// with the mean.
    /// - Parameter mean: the mean, `mean ≥ 0`.
    public mutating func nextPoisson(mean: Double) -> Int {
        precondition(mean >= 0 && mean.isFinite, "poisson needs a finite mean ≥ 0")
        if mean == 0 { return 0 }
        if mean < 10 {
            let limit = Foundation.exp(-mean)
            var product = nextUniform()
            var count = 0
            while product > limit {
                product *= nextUniform()
                count += 1
            }
            return count
        }
        let sqrtMean = mean.squareRoot()
        let logMean = Foundation.log(mean)
        let b = 0.931 + 2.53 * sqrtMean
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = nextUniform() - 0.5
            let v = nextUniform()
            let us = 0.5 - Swift.abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let lhs = Foundation.log(v) + Foundation.log(inverseAlpha) - Foundation.log(a / (us * us) + b)
            if lhs <= -mean + k * logMean - Foundation.lgamma(k + 1) { return Int(k) }
        }
    }

    /// A Bernoulli draw: `true` with probability `probability`.
    /// - Parameter probability: in [0, 1]; 0 never gives `true`, 1 always does.
    @inline(__always)
    public mutating func nextBernoulli(probability: Double) -> Bool {
        nextUniform() < probability
    }

    /// An index drawn with probability proportional to its weight (inversion on the running
    /// sum, a linear scan; fine for the handful of categories it is meant for).
    /// - Parameter weights: non-negative weights, not all zero.
    /// - Returns: an index into `weights`.
    /// - Complexity: O(n) in the number of weights.
    public mutating func nextCategorical(weights: [Double]) -> Int {
        var total = 0.0
        for w in weights {
            precondition(w >= 0, "categorical weights must be non-negative")
            total += w
        }
        precondition(total > 0, "categorical weights must not all be zero")
        let target = nextUniform() * total
        var running = 0.0
        var lastPositive = 0
        for (index, w) in weights.enumerated() where w > 0 {
            running += w
            lastPositive = index
            if target < running { return index }
        }
        // Rounding in the running sum can leave target just above it: the last category with
        // weight takes that sliver.
        return lastPositive
    }
}
