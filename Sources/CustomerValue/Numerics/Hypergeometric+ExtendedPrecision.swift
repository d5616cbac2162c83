import Numerics

/// A double-double number hi + lo, |lo| ≤ ulp(hi)/2, with about 32 significant digits
/// (Dekker 1971; the algorithms of Joldes, Muller & Popescu 2017, "Tight and rigorous error
/// bounds for basic building blocks of double-word arithmetic", ACM TOMS 44(2)).
struct DoubleDouble {
    var hi: Double
    var lo: Double

    init(_ value: Double) {
        hi = value
        lo = 0
    }

    init(hi: Double, lo: Double) {
        self.hi = hi
        self.lo = lo
    }

    /// The exact sum of two doubles (Knuth's TwoSum).
    @inline(__always)
    static func exactSum(_ a: Double, _ b: Double) -> DoubleDouble {
        let s = a + b
        let bb = s - a
        let error = (a - (s - bb)) + (b - bb)
        return DoubleDouble(hi: s, lo: error)
    }

    /// The exact product of two doubles (TwoProduct with a fused multiply-add).
    @inline(__always)
    static func exactProduct(_ a: Double, _ b: Double) -> DoubleDouble {
        let p = a * b
        return DoubleDouble(hi: p, lo: (-p).addingProduct(a, b))
    }

    @inline(__always)
    static func + (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        let s = exactSum(x.hi, y.hi)
        let t = exactSum(x.lo, y.lo)
        var v = exactSum(s.hi, s.lo + t.hi)
        v = exactSum(v.hi, t.lo + v.lo)
        return v
    }

    @inline(__always)
    static prefix func - (x: DoubleDouble) -> DoubleDouble {
        DoubleDouble(hi: -x.hi, lo: -x.lo)
    }

    @inline(__always)
    static func - (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        x + (-y)
    }

    @inline(__always)
    static func * (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        var p = exactProduct(x.hi, y.hi)
        p.lo = p.lo.addingProduct(x.hi, y.lo).addingProduct(x.lo, y.hi)
        return exactSum(p.hi, p.lo)
    }

    @inline(__always)
    static func / (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        let quotient = x.hi / y.hi
        // One Newton step on the remainder x − quotient·y, computed in double-double.
        let remainder = x - y * DoubleDouble(quotient)
        return exactSum(quotient, remainder.hi / y.hi)
    }

    /// Multiplies by a power of two (exact).
    @inline(__always)
    func scaled(by factor: Double) -> DoubleDouble {
        DoubleDouble(hi: hi * factor, lo: lo * factor)
    }
}

extension Hypergeometric {
    /// The Gauss series summed in double-double arithmetic, for the rare parameters where every
    /// double-precision form cancels (negative z with c < a, b, where the Pfaff and Euler forms
    /// have negative parameters and alternating terms): each term then carries a relative error
    /// near 1e-32 instead of 1e-16, so a cancellation of up to ~1e15 still leaves the sum
    /// accurate to double precision. About ten times slower than ``gaussSeries(_:_:_:_:maxTerms:)``,
    /// whose stopping rule it shares.
    /// - Complexity: O(number of terms), at most `maxTerms`.
    static func extendedGaussSeries(_ a: DoubleDouble, _ b: DoubleDouble, _ c: DoubleDouble, _ z: DoubleDouble,
                                    maxTerms: Int) -> ScaledSum {
        var sum = DoubleDouble(1)
        var term = DoubleDouble(1)
        var absoluteSum = 1.0
        var logScale = 0.0
        var converged = false
        let firstPositive = Swift.max(0, -a.hi, -b.hi, -c.hi)
        let slope = a.hi + b.hi - c.hi - 1
        let offset = a.hi * b.hi - c.hi
        let shiftedC = Swift.max(c.hi, 1)
        let magnitude = abs(z.hi)
        let rescale = 0x1p-930  // a power of two, so rescaling is exact
        var k = 0.0
        var count = 0
        let one = DoubleDouble(1)
        while count < maxTerms {
            let index = DoubleDouble(k)
            let ratio = (a + index) * (b + index) * z / ((index + one) * (c + index))
            if ratio.hi == 0 || term.hi == 0 {
                converged = true
                break
            }
            let size = abs(ratio.hi)
            let limit = 1e-3 * tolerance * abs(sum.hi)
            if k > firstPositive && abs(term.hi) * Swift.min(size, 1) <= limit * Swift.max(1 - size, 1e-3) {
                var tail = Double.infinity
                let excess = slope < 0
                    ? Swift.max(slope * k + offset, 0) / ((k + 1) * (c.hi + k))
                    : (slope + Swift.max(offset, 0) / (k + 1)) / (c.hi + k)
                let worst = Swift.max(size, magnitude * (1 + excess))
                if worst < 1 { tail = worst / (1 - worst) }
                if slope < 0 {
                    let sigma = Swift.min((-slope * k - offset) / (k + shiftedC), -slope)
                    if sigma > 1 { tail = Swift.min(tail, (k + shiftedC) / (sigma - 1)) }
                }
                if abs(term.hi) * tail <= limit {
                    converged = true
                    break
                }
            }
            term = term * ratio
            sum = sum + term
            absoluteSum += abs(term.hi)
            if absoluteSum > 1e280 {
                term = term.scaled(by: rescale)
                sum = sum.scaled(by: rescale)
                absoluteSum *= rescale
                logScale -= Double.log(rescale)
            }
            k += 1
            count += 1
        }
        // Rounding now enters only once per term at 1e-32 and in the final conversion.
        let amplification = sum.hi == 0 ? Double.infinity : 1 + absoluteSum / abs(sum.hi) * 1e-16
        var result = ScaledSum(logScale: logScale, sum: sum.hi + sum.lo, absoluteSum: abs(sum.hi + sum.lo) * amplification,
                               converged: converged)
        result.terms = 0
        return result
    }
}
