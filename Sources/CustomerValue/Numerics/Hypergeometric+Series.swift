import Numerics

extension Hypergeometric {
    /// A value with a measure of the rounding it may carry, in units of the double epsilon:
    /// `amplification` is Σ|terms| / |sum| over the sums that produced it (their cancellation),
    /// `logError` bounds the absolute error of `value.logMagnitude` contributed by log-gamma
    /// prefactors (each `lgamma` is good to about ε |log Γ|).
    struct Evaluation {
        var value: SignedLog
        var amplification: Double
        var converged: Bool
        var logError = 0.0

        static let failed = Evaluation(value: SignedLog(logMagnitude: .nan), amplification: .infinity, converged: false)

        /// Whether the value is good to about 1e-13 relative (or, for values beyond e^±1, its
        /// logarithm to about 1e-13 relative).
        var isAccurate: Bool {
            converged && amplification <= 1e3 && logError <= 1e3 * Swift.max(1, abs(value.logMagnitude))
                && !value.logMagnitude.isNaN
        }

        /// The better of two attempts: converged first, then least amplification.
        func better(_ other: Evaluation) -> Evaluation {
            if converged != other.converged { return converged ? self : other }
            return amplification + logError <= other.amplification + other.logError ? self : other
        }
    }

    /// A partial sum kept as sum · e^logScale so that terms as large as e^5000 do not overflow.
    struct ScaledSum {
        var logScale = 0.0
        var sum = 0.0
        var absoluteSum = 0.0
        var converged = false

        var terms = 0

        /// The sum's value; its amplification counts the cancellation and, because each term
        /// is a product of k rounded ratios, a random-walk growth of √k.
        var evaluation: Evaluation {
            Evaluation(
                value: SignedLog(logMagnitude: Double.log(abs(sum)) + logScale, sign: sum < 0 ? -1 : 1),
                amplification: sum == 0 ? .infinity : absoluteSum / abs(sum) * (1 + Double(terms).squareRoot()),
                converged: converged)
        }
    }

    /// Relative size of the last term below which a sum is complete (half an ulp).
    static let tolerance = 0.5 * Double.ulpOfOne

    /// Sums the Gauss series Σₖ (a)ₖ(b)ₖ/((c)ₖ k!) zᵏ (DLMF 15.2.1) for |z| < 1.
    ///
    /// Stops once the remaining tail is provably below half an ulp of the sum. Past
    /// k₀ = max(0, −a, −b, −c) the term ratio is ρⱼ = z f(j) with
    /// f(j) − 1 = (αj + β)/((j+1)(c+j)), α = a+b−c−1, β = ab−c, and two bounds hold for j ≥ k:
    /// - geometric: f(j) − 1 ≤ (α + max(β, 0)/(k+1))/(c+k) when α ≥ 0 and
    ///   max(αk + β, 0)/((k+1)(c+k)) when α < 0, so with ρ* the larger of |ρₖ| and |z| times one
    ///   plus that bound, the tail is below |tₖ| ρ*/(1 − ρ*);
    /// - Raabe (power law, for z near 1): when α < 0, 1 − f(j) ≥ σ/(j+c′) with c′ = max(c, 1) and
    ///   σ = min((|α|k − β)/(k+c′), |α|), so |tⱼ| ≤ |tₖ| ((k+c′)/(j+c′))^σ and for σ > 1 the tail
    ///   is below |tₖ| (k+c′)/(σ−1).
    /// Terminating series (a or b a non-positive integer) end at their last term.
    /// - Complexity: O(number of terms), at most `maxTerms`.
    static func gaussSeries(_ a: Double, _ b: Double, _ c: Double, _ z: Double, maxTerms: Int) -> ScaledSum {
        var result = ScaledSum(sum: 1, absoluteSum: 1)
        var term = 1.0
        let firstPositive = Swift.max(0, -a, -b, -c)
        let slope = a + b - c - 1
        let offset = a * b - c
        let shiftedC = Swift.max(c, 1)
        let magnitude = abs(z)
        let rescale = 1e-280
        let logRescale = Double.log(rescale)
        var k = 0.0
        var count = 0
        while count < maxTerms {
            let ratio = (a + k) * (b + k) / ((k + 1) * (c + k)) * z
            if ratio == 0 || term == 0 {
                result.converged = true
                break
            }
            let size = abs(ratio)
            let limit = tolerance * abs(result.sum)
            // Both tail bounds exceed |tₖ| min(|ρₖ|, 1)/(…); this cheap test filters most terms.
            if k > firstPositive && abs(term) * Swift.min(size, 1) <= limit * Swift.max(1 - size, 1e-3) {
                var tail = Double.infinity
                let excess = slope < 0
                    ? Swift.max(slope * k + offset, 0) / ((k + 1) * (c + k))
                    : (slope + Swift.max(offset, 0) / (k + 1)) / (c + k)
                let worst = Swift.max(size, magnitude * (1 + excess))
                if worst < 1 { tail = worst / (1 - worst) }
                if slope < 0 {
                    let sigma = Swift.min((-slope * k - offset) / (k + shiftedC), -slope)
                    if sigma > 1 { tail = Swift.min(tail, (k + shiftedC) / (sigma - 1)) }
                }
                if abs(term) * tail <= limit {
                    result.converged = true
                    break
                }
            }
            term *= ratio
            result.sum += term
            result.absoluteSum += abs(term)
            if result.absoluteSum > 1e280 {
                term *= rescale
                result.sum *= rescale
                result.absoluteSum *= rescale
                result.logScale -= logRescale
            }
            k += 1
            count += 1
        }
        result.terms = count
        return result
    }

    /// A rough count of the terms ``gaussSeries(_:_:_:_:maxTerms:)`` needs, used only to choose
    /// between equivalent forms: the index where the terms start to fall (the larger root of
    /// (1−|z|)k² + (1 + c − (a+b)|z|)k + c − ab|z| = 0), plus the length of the tail down to
    /// 1e-16, from the term ratio in its middle or, when shorter, the power law k^(a+b−c−1) that
    /// holds beyond the parameters.
    static func estimatedTerms(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        let magnitude = abs(z)
        if magnitude == 0 { return 1 }
        if isNonPositiveInteger(a) { return -a + 1 }
        if isNonPositiveInteger(b) { return -b + 1 }
        var start = Swift.max(0, -a, -b, -c)
        let quadratic = 1 - magnitude
        let linear = 1 + c - (a + b) * magnitude
        let constant = c - a * b * magnitude
        let discriminant = linear * linear - 4 * quadratic * constant
        if discriminant > 0 {
            let root = (-linear + discriminant.squareRoot()) / (2 * quadratic)
            start = Swift.max(start, root)
        }
        // Past the peak the terms fall by the ratio ρₖ; estimate the tail from ρ in its middle,
        // found by a few fixed-point steps, and never beyond the geometric bound with |z|.
        let digits = 37 - Double.log(onePlus: -magnitude)
        let geometric = digits / -Double.log(magnitude)
        var tail = geometric
        var probe = 2 * start + 10
        for _ in 0..<3 {
            let ratio = abs((a + probe) * (b + probe) / ((probe + 1) * (c + probe)) * z)
            if !(ratio < 1) { break }
            tail = Swift.min(digits / -Double.log(ratio), geometric)
            probe = start + 0.5 * tail + 1
        }
        let power = a + b - c - 1
        if power < -1 {
            // tₖ ~ k^power only once k exceeds the parameters.
            let scale = Swift.max(abs(a), abs(b), abs(c))
            tail = Swift.min(tail, scale + Double.exp(Swift.min(digits / -power, 700)))
        }
        return start + tail
    }

    /// Sums whichever of the series for F(a, b; c; z) and its Euler transform
    /// (1−z)^(c−a−b) F(c−a, c−b; c; z) (DLMF 15.8.1) has the smaller term ratio at k = 16,
    /// a cheap choice that suits the inner series of the connection formula (z ≤ 1/2).
    static func shorterSeries(_ a: Double, _ b: Double, _ c: Double, _ z: Double, maxTerms: Int) -> Evaluation {
        let euler = ratioAtSixteen(c - a, c - b, c, z) < ratioAtSixteen(a, b, c, z)
        return seriesForm(euler: euler, a, b, c, z, maxTerms: maxTerms)
    }

    /// |t₁₇/t₁₆| of the Gauss series.
    @inline(__always)
    static func ratioAtSixteen(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        abs((a + 16) * (b + 16) / (17 * (c + 16)) * z)
    }

    /// A cheap term count for a series known to converge reasonably (the inner series of the
    /// connection formula): 16 + 37/(1 − ρ₁₆), or +∞ when ρ₁₆ ≥ 0.95.
    static func quickTerms(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        let ratio = Swift.min(ratioAtSixteen(a, b, c, z), ratioAtSixteen(c - a, c - b, c, z))
        return ratio < 0.95 ? 16 + 37 / (1 - ratio) : .infinity
    }

    /// The series for F(a, b; c; z), or (`euler`) for (1−z)^(c−a−b) F(c−a, c−b; c; z).
    static func seriesForm(euler: Bool, _ a: Double, _ b: Double, _ c: Double, _ z: Double,
                           maxTerms: Int) -> Evaluation {
        if !euler { return gaussSeries(a, b, c, z, maxTerms: maxTerms).evaluation }
        var result = gaussSeries(c - a, c - b, c, z, maxTerms: maxTerms).evaluation
        result.value.logMagnitude += (c - a - b) * Double.log(onePlus: -z)
        return result
    }

    /// Whether x is 0, −1, −2, ...
    @inline(__always)
    static func isNonPositiveInteger(_ x: Double) -> Bool {
        x <= 0 && x == x.rounded()
    }
}
