import Foundation
import Numerics

/// The repeat buyers of a Gamma-Gamma fit compressed, in one pass and without copying them, into
/// what its likelihood needs: the counts of each distinct x, and the values c = x m_x grouped
/// in narrow bins with, per bin, the power moments of their distances to its centre.
///
/// Why: the likelihood depends on each customer only through log Γ / ψ terms in x (summed by
/// distinct x) and through log(γ + x m_x) and 1/(γ + x m_x) (and their products with x). With a
/// bin's centre z and a customer's distance d = x m_x − z, every such term is a power series
/// in d / (γ + z),
///
///     log(γ + z + d) = log(γ + z) + Σ_{k≥1} (−1)^{k+1} (d / (γ+z))^k / k
///     1/(γ + z + d)  = (1/(γ+z)) Σ_{k≥0} (−d / (γ+z))^k
///     1/(γ + z + d)² = (1/(γ+z)²) Σ_{k≥0} (k+1) (−d / (γ+z))^k,
///
/// so summed over a bin they need only D_k = Σ d^k and E_k = Σ x d^k. A bin is a binade split
/// into 2^``mantissaBits`` equal parts (the top bits of the IEEE 754 value), so |d| ≤ z / 2^(bits+1)
/// and, as γ > 0, |d / (γ+z)| ≤ ρ = 2^−(bits+1) = 1/128: keeping k ≤ ``order`` = 7 leaves at
/// most ρ^8 · 9 ≈ 1.3e−16 of each term, below the rounding of the sums. The likelihood, its
/// gradient and Hessian at any γ then cost one pass over the bins (hundreds) instead of the
/// customers (about 500,000 at 1 M customers), and Σ log m_x, Σ x log m_x come from the same
/// series at γ = 0 (log m_x = log(x m_x) − log x): no logarithm per customer.
struct SpendMoments: Sendable {
    /// Top mantissa bits that choose a value's bin within its binade.
    static let mantissaBits = 6
    /// Highest power of d kept (the pass writes d^0 … d^7 out by hand).
    static let order = 7
    /// Doubles per bin: D_0 (the count) … D_order, then E_0 … E_order.
    static let stride = 2 * (order + 1)
    /// x below this whole number are counted by table; others (rare) by dictionary.
    static let wholeXLimit = 1024

    /// Bin centres z.
    var centres: [Double] = []
    /// Per bin, `stride` moments (D_0 … D_order, E_0 … E_order).
    var moments: [Double] = []
    /// The distinct x with their counts.
    var distinct = DistinctCounts([])
    /// Repeat buyers kept (x > 0 and 0 < m_x < ∞).
    var customers = 0
    /// Σ m_x and Σ m_x² (for starting values), smallest and largest m_x.
    var sumM = 0.0, sumMSquared = 0.0, smallestM = Double.infinity, largestM = -Double.infinity
    /// Whether some x m_x is not a normal number (subnormal or infinite): the bins cannot hold
    /// it, and the caller uses the customers themselves (``GammaGammaLikelihood/init(frequency:monetary:weight:)``).
    var unusual = false

    /// Moments of the repeat buyers among customers 0..<count, customer i having
    /// x = frequency[history[i]] (or frequency[i] without `history`) and m_x = monetary[i].
    /// - Complexity: O(count); two threads from 50,000 customers.
    init(count: Int, frequency: [Double], history: [Int32]?, monetary: [Double]) {
        let parts = count >= 50_000 ? 2 : 1
        let results = ParallelResults<Accumulator>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var accumulator = Accumulator()
            accumulator.add((part * count / parts)..<((part + 1) * count / parts),
                            frequency: frequency, history: history, monetary: monetary)
            results.set(part, accumulator)
        }
        var total = Accumulator()
        for part in 0..<parts {
            // A missing part (never expected) is marked unusual, so the caller uses the customers.
            guard let accumulator = try? results.value(part) else {
                total.unusual = true
                continue
            }
            total.merge(accumulator)
        }
        self.init(total)
    }

    private init(_ total: Accumulator) {
        customers = total.customers
        sumM = total.sumM
        sumMSquared = total.sumMSquared
        smallestM = total.smallestM
        largestM = total.largestM
        unusual = total.unusual
        let bins = 1 << Self.mantissaBits
        for (exponent, slot) in total.slotOfExponent.enumerated() where slot >= 0 {
            for j in 0..<bins {
                let base = (Int(slot) * bins + j) * Self.stride
                guard total.moments[base] > 0 else { continue }
                centres.append(Self.centre(exponent: exponent, bin: j))
                moments.append(contentsOf: total.moments[base..<(base + Self.stride)])
            }
        }
        var values: [Double] = [], counts: [Double] = []
        for (x, n) in total.wholeX.enumerated() where n > 0 {
            values.append(Double(x))
            counts.append(n)
        }
        for (x, n) in total.otherX.sorted(by: { $0.key < $1.key }) {
            values.append(x)
            counts.append(n)
        }
        distinct = DistinctCounts(values: values, counts: counts)
    }

    /// The middle of bin `bin` of the binade with biased exponent `exponent`.
    static func centre(exponent: Int, bin: Int) -> Double {
        let shift = UInt64(52 - mantissaBits)
        return Double(bitPattern: UInt64(exponent) << 52 | UInt64(bin) << shift | 1 << (shift - 1))
    }

    /// Σ log(γ + x m_x), Σ x log(γ + x m_x), Σ 1/(γ + x m_x), Σ x/(γ + x m_x), and with `squares`
    /// Σ 1/(γ + x m_x)² and Σ x/(γ + x m_x)², from the bins' series.
    /// - Parameter v: γ ≥ 0.
    /// - Complexity: O(bins · order).
    func sums(at v: Double, squares: Bool = false) -> CustomerSums.Sums {
        var s = CustomerSums.Sums()
        let stride = Self.stride, order = Self.order
        centres.withUnsafeBufferPointer { centres in
        moments.withUnsafeBufferPointer { m in
            for b in centres.indices {
                let base = b * stride
                let c = v + centres[b]
                let u = 1 / c
                let l = Double.log(c)
                // Σ_k (−u)^k D_k and the same weighted by 1/k (k ≥ 1) and by k+1, likewise for E.
                var power = 1.0  // (−u)^k
                var inverseD = 0.0, inverseE = 0.0, logD = 0.0, logE = 0.0, squareD = 0.0, squareE = 0.0
                for k in 0...order {
                    let dk = m[base + k], ek = m[base + order + 1 + k]
                    inverseD += power * dk
                    inverseE += power * ek
                    if k > 0 {
                        // (−1)^{k+1} u^k / k = −(−u)^k / k
                        logD -= power * dk / Double(k)
                        logE -= power * ek / Double(k)
                    }
                    if squares {
                        squareD += Double(k + 1) * power * dk
                        squareE += Double(k + 1) * power * ek
                    }
                    power *= -u
                }
                s.log += m[base] * l + logD
                s.xLog += m[base + order + 1] * l + logE
                s.inverse += u * inverseD
                s.xInverse += u * inverseE
                s.inverseSquared += u * u * squareD
                s.xInverseSquared += u * u * squareE
            }
        }}
        return s
    }

    /// One thread's moments.
    private struct Accumulator {
        /// Slot of each biased exponent's bins in `moments` (−1: none yet).
        var slotOfExponent = [Int32](repeating: -1, count: 2048)
        var moments: [Double] = []
        var wholeX = [Double](repeating: 0, count: SpendMoments.wholeXLimit)
        var otherX: [Double: Double] = [:]
        var customers = 0
        var sumM = 0.0, sumMSquared = 0.0, smallestM = Double.infinity, largestM = -Double.infinity
        var unusual = false

        mutating func add(_ range: Range<Int>, frequency: [Double], history: [Int32]?, monetary: [Double]) {
            frequency.withUnsafeBufferPointer { frequency in
            monetary.withUnsafeBufferPointer { monetary in
                if let history {
                    history.withUnsafeBufferPointer { history in
                        add(range, frequency: { frequency[Int(history[$0])] }, monetary: monetary)
                    }
                } else {
                    add(range, frequency: { frequency[$0] }, monetary: monetary)
                }
            }}
        }

        /// Adds the customers of `range`, x of customer i being `frequency(i)`.
        @inline(__always)
        private mutating func add(_ range: Range<Int>, frequency: (Int) -> Double, monetary: UnsafeBufferPointer<Double>) {
            let bins = 1 << SpendMoments.mantissaBits
            let stride = SpendMoments.stride
            let shift = UInt64(52 - SpendMoments.mantissaBits)
            let binMask = UInt64(bins - 1)
            let limit = Double(SpendMoments.wholeXLimit)
            var i = range.lowerBound
            // The bins of a binade are made when its first value comes; the pointers are taken
            // again after that (it grows `moments`).
            while i < range.upperBound {
                var newExponent = -1
                slotOfExponent.withUnsafeBufferPointer { slots in
                moments.withUnsafeMutableBufferPointer { m in
                wholeX.withUnsafeMutableBufferPointer { whole in
                    // No bins yet: make the first binade's.
                    guard let start = m.baseAddress else {
                        newExponent = Int(((frequency(i) * monetary[i]).bitPattern >> 52) & 0x7FF)
                        return
                    }
                    while i < range.upperBound {
                        let x = frequency(i)
                        let money = monetary[i]
                        guard x > 0, money > 0, money.isFinite else {
                            i += 1
                            continue
                        }
                        let c = x * money
                        let bits = c.bitPattern
                        let exponent = Int(bits >> 52)
                        let slot = slots[exponent]
                        guard slot >= 0 || !c.isNormal else {
                            newExponent = exponent
                            return
                        }
                        if x < limit, x == x.rounded(.towardZero) {
                            whole[Int(x)] += 1
                        } else {
                            otherX[x, default: 0] += 1
                        }
                        customers += 1
                        sumM += money
                        sumMSquared += money * money
                        smallestM = min(smallestM, money)
                        largestM = max(largestM, money)
                        i += 1
                        guard c.isNormal else {
                            unusual = true
                            continue
                        }
                        let bin = Int((bits >> shift) & binMask)
                        let base = (Int(slot) * bins + bin) * stride
                        let centre = Double(bitPattern: (bits & ~((1 << shift) - 1)) | 1 << (shift - 1))
                        // Exact: c and its bin's centre share the binade and the top bits.
                        let d = c - centre
                        // d^0 … d^7 (order 7) by a shallow tree of products, added to D_k and E_k.
                        let d2 = d * d, d3 = d2 * d, d4 = d2 * d2
                        let powers = SIMD8<Double>(1, d, d2, d3, d4, d4 * d, d4 * d2, d4 * d3)
                        let sums = UnsafeMutableRawPointer(start + base)
                        let dk = sums.loadUnaligned(as: SIMD8<Double>.self)
                        let ek = sums.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self)
                        sums.storeBytes(of: dk + powers, as: SIMD8<Double>.self)
                        sums.storeBytes(of: ek + x * powers, toByteOffset: 64, as: SIMD8<Double>.self)
                    }
                }}}
                if newExponent >= 0 {
                    slotOfExponent[newExponent] = Int32(moments.count / (bins * stride))
                    moments.append(contentsOf: repeatElement(0, count: bins * stride))
                }
            }
        }

        mutating func merge(_ other: Accumulator) {
            let size = (1 << SpendMoments.mantissaBits) * SpendMoments.stride
            for (exponent, slot) in other.slotOfExponent.enumerated() where slot >= 0 {
                if slotOfExponent[exponent] < 0 {
                    slotOfExponent[exponent] = Int32(moments.count / size)
                    moments.append(contentsOf: repeatElement(0, count: size))
                }
                let to = Int(slotOfExponent[exponent]) * size, from = Int(slot) * size
                for k in 0..<size { moments[to + k] += other.moments[from + k] }
            }
            for k in wholeX.indices { wholeX[k] += other.wholeX[k] }
            otherX.merge(other.otherX, uniquingKeysWith: +)
            customers += other.customers
            sumM += other.sumM
            sumMSquared += other.sumMSquared
            smallestM = min(smallestM, other.smallestM)
            largestM = max(largestM, other.largestM)
            unusual = unusual || other.unusual
        }
    }
}
