import Numerics

extension Hypergeometric {
    /// A value with a measure of the rounding it may carry: `amplification` is
    /// Σ|terms| / |sum| over every sum that produced it, so the relative error is about
    /// `amplification` × 1e-16.
    struct Evaluation {
        var value: SignedLog
        var amplification: Double
        var converged: Bool

        static let failed = Evaluation(value: SignedLog(logMagnitude: .nan), amplification: .infinity, converged: false)

        /// Whether the value is trustworthy to about 1e-13.
        var isAccurate: Bool { converged && amplification <= 1e3 && !value.logMagnitude.isNaN }

        /// The better of two attempts: converged first, then least amplification.
        func better(_ other: Evaluation) -> Evaluation {
            if converged != other.converged { return converged ? self : other }
            return amplification <= other.amplification ? self : other
        }
    }

    /// A partial sum kept as sum · e^logScale so that terms as large as e^5000 do not overflow.
    struct ScaledSum {
        var logScale = 0.0
        var sum = 0.0
        var absoluteSum = 0.0
        var converged = false

        var evaluation: Evaluation {
            Evaluation(
                value: SignedLog(logMagnitude: Double.log(abs(sum)) + logScale, sign: sum < 0 ? -1 : 1),
                amplification: sum == 0 ? .infinity : absoluteSum / abs(sum),
                converged: converged)
        }
    }

    /// Relative size of the last term below which a sum is complete (half an ulp).
    static let tolerance = 0.5 * Double.ulpOfOne

    /// Sums the Gauss series Σₖ (a)ₖ(b)ₖ/((c)ₖ k!) zᵏ (DLMF 15.2.1) for |z| < 1.
    ///
    /// Stops once the remaining tail is provably below half an ulp of the sum: past
    /// k₀ = max(0, −a, −b, −c) every later term ratio is at most
    /// ρ* = max(|ρₖ|, |z| (1 + max(a+b−c−1, 0)/(c+k) + max(ab−c, 0)/((k+1)(c+k)))), because
    /// ρₖ/z − 1 = ((a+b−c−1)k + ab − c)/((k+1)(c+k)); the tail is then below |tₖ| ρ*/(1 − ρ*).
    /// Terminating series (a or b a non-positive integer) end at their last term.
    /// - Complexity: O(number of terms), at most `maxTerms`.
    static func gaussSeries(_ a: Double, _ b: Double, _ c: Double, _ z: Double, maxTerms: Int) -> ScaledSum {
        var result = ScaledSum(sum: 1, absoluteSum: 1)
        var term = 1.0
        let firstPositive = Swift.max(0, -a, -b, -c)
        let slope = Swift.max(a + b - c - 1, 0)
        let offset = Swift.max(a * b - c, 0)
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
            if k > firstPositive && abs(term) <= 1e-3 * abs(result.sum) {
                let bound = magnitude * (1 + slope / (c + k) + offset / ((k + 1) * (c + k)))
                let worst = Swift.max(abs(ratio), bound)
                if worst < 1 && abs(term) * worst <= tolerance * (1 - worst) * abs(result.sum) {
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
        return result
    }

    /// A rough count of the terms ``gaussSeries(_:_:_:_:maxTerms:)`` needs, used only to choose
    /// between equivalent forms: the index where the terms start to fall (the larger root of
    /// (1−|z|)k² + (1 + c − (a+b)|z|)k + c − ab|z| = 0), plus the length of a tail that
    /// decays like k^(a+b−c−1) |z|ᵏ down to 1e-16.
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
        let digits = 37 - Double.log(onePlus: -magnitude)
        var tail = digits / -Double.log(magnitude)
        let power = a + b - c - 1
        if power < -1 { tail = Swift.min(tail, Double.exp(Swift.min(digits / -power, 700))) }
        return start + tail
    }

    /// Sums whichever of the series for F(a, b; c; z) and its Euler transform
    /// (1−z)^(c−a−b) F(c−a, c−b; c; z) (DLMF 15.8.1) is estimated to be shorter; z ∈ [0, 1).
    static func shorterSeries(_ a: Double, _ b: Double, _ c: Double, _ z: Double, maxTerms: Int) -> Evaluation {
        let direct = estimatedTerms(a, b, c, z)
        let euler = estimatedTerms(c - a, c - b, c, z)
        if direct <= euler {
            return gaussSeries(a, b, c, z, maxTerms: maxTerms).evaluation
        }
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
