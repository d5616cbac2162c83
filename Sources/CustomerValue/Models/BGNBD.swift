import Foundation
import Numerics

/// The BG/NBD model of Fader, Hardie & Lee (2005), "Counting your customers the easy way: an
/// alternative to the Pareto/NBD model", Marketing Science 24(2), 275–284.
///
/// While alive a customer buys at Poisson rate λ, with λ ~ Gamma(r, α) across customers; after
/// each repeat purchase the customer drops out with probability p, p ~ Beta(a, b). Fitted by
/// maximum likelihood on each customer's (x, t_x, T).
public struct BGNBD: Sendable, Codable, Hashable {
    /// The model's parameters, all > 0.
    public struct Parameters: Sendable, Codable, Hashable {
        /// Shape r of the Gamma distribution of purchase rates λ.
        public var r: Double
        /// Rate (scale) α of the Gamma distribution of purchase rates λ.
        public var alpha: Double
        /// First shape a of the Beta distribution of dropout probabilities p.
        public var a: Double
        /// Second shape b of the Beta distribution of dropout probabilities p.
        public var b: Double
        /// Parameters r, α, a, b, each > 0 (not checked here; a fit only returns positive ones).
        public init(r: Double, alpha: Double, a: Double, b: Double) {
            self.r = r
            self.alpha = alpha
            self.a = a
            self.b = b
        }
        var array: [Double] { [r, alpha, a, b] }
        init(_ v: [Double]) { self.init(r: v[0], alpha: v[1], a: v[2], b: v[3]) }
    }

    /// Parameter names in order, as in the JSON of a fit.
    public static let parameterNames = ["r", "alpha", "a", "b"]

    /// The fitted or given parameters.
    public var parameters: Parameters
    /// The model with `parameters` (all > 0).
    public init(parameters: Parameters) { self.parameters = parameters }

    /// Log-likelihood of one customer (eq. 6 of the paper), in log space:
    /// log Γ(r+x) − log Γ(r) + r log α + log[ B(a, b+x)/B(a,b) (α+T)^−(r+x)
    ///   + 1{x>0} B(a+1, b+x−1)/B(a,b) (α+t_x)^−(r+x) ].
    /// The two terms are added with log-sum-exp so that heavy buyers (x in the hundreds) neither
    /// overflow nor underflow.
    public func logLikelihood(frequency x: Double, recency tx: Double, age T: Double) -> Double {
        let p = parameters
        let lbab = SpecialFunctions.logBeta(p.a, p.b)
        let head = SpecialFunctions.logGammaRatio(p.r, x) + p.r * Double.log(p.alpha)
        let first = SpecialFunctions.logBeta(p.a, p.b + x) - lbab - (p.r + x) * Double.log(p.alpha + T)
        guard x > 0 else { return head + first }
        let second = SpecialFunctions.logBeta(p.a + 1, p.b + x - 1) - lbab - (p.r + x) * Double.log(p.alpha + tx)
        return head + SpecialFunctions.logSumExp(first, second)
    }
}

/// Indexes of a column's distinct values, so that a function of them (a logarithm) is computed
/// once per distinct value rather than once per customer: ages and recencies in days or weeks
/// take a few hundred values across millions of customers.
struct DistinctValues: Sendable {
    let values: [Double]
    let index: [Int32]

    init(_ column: [Double]) {
        // Open addressing on the bit patterns (a multiplicative hash): several times faster than
        // a Dictionary for the hundreds of thousands of lookups of a large data set.
        var capacity = 1024
        var slots = [Int32](repeating: -1, count: capacity)
        var values: [Double] = []
        var index = [Int32](repeating: 0, count: column.count)
        func slot(_ v: Double, _ capacity: Int) -> Int {
            Int(truncatingIfNeeded: (v.bitPattern &* 0x9E37_79B9_7F4A_7C15) >> 40) & (capacity - 1)
        }
        for (i, v) in column.enumerated() {
            var s = slot(v, capacity)
            while true {
                let k = slots[s]
                if k < 0 {
                    let new = Int32(values.count)
                    values.append(v)
                    slots[s] = new
                    index[i] = new
                    break
                }
                if values[Int(k)].bitPattern == v.bitPattern {
                    index[i] = k
                    break
                }
                s = (s + 1) & (capacity - 1)
            }
            if 2 * values.count > capacity {
                // Grow and re-insert the distinct values.
                capacity *= 4
                slots = [Int32](repeating: -1, count: capacity)
                for (k, value) in values.enumerated() {
                    var s = slot(value, capacity)
                    while slots[s] >= 0 { s = (s + 1) & (capacity - 1) }
                    slots[s] = Int32(k)
                }
            }
        }
        self.values = values
        self.index = index
    }
}

/// The BG/NBD log-likelihood of compressed data and its gradient, with the terms that depend
/// on x alone computed once per distinct x, the logarithms of α+T and α+t_x once per distinct
/// T and t_x, and the sum over histories split across two threads.
struct BGNBDLikelihood: Sendable {
    let data: PurchaseData
    let x: DistinctValues
    let age: DistinctValues
    let recency: DistinctValues

    init(data: PurchaseData) {
        self.data = data
        x = DistinctValues(data.frequency)
        age = DistinctValues(data.age)
        recency = DistinctValues(data.recency)
    }

    /// Per-distinct-x terms of one evaluation.
    struct XTerms: Sendable {
        var head: [Double], first: [Double], second: [Double]
        var dHeadR: [Double], dA: [Double], dBfirst: [Double], dBsecond: [Double]
    }

    /// Total log-likelihood at `p`, and its gradient with respect to (r, α, a, b).
    func evaluate(_ p: BGNBD.Parameters, gradient: inout [Double]) -> Double {
        let (r, alpha, a, b) = (p.r, p.alpha, p.a, p.b)
        let m = x.values.count
        var t = XTerms(head: .init(repeating: 0, count: m), first: .init(repeating: 0, count: m),
                       second: .init(repeating: 0, count: m), dHeadR: .init(repeating: 0, count: m),
                       dA: .init(repeating: 0, count: m), dBfirst: .init(repeating: 0, count: m),
                       dBsecond: .init(repeating: 0, count: m))
        let lbab = SpecialFunctions.logBeta(a, b)
        let logAlpha = Double.log(alpha)
        let psiR = SpecialFunctions.digamma(r)
        let psiAB = SpecialFunctions.digamma(a + b)
        let psiB = SpecialFunctions.digamma(b)
        for k in 0..<m {
            let xk = x.values[k]
            t.head[k] = SpecialFunctions.logGammaRatio(r, xk) + r * logAlpha
            t.first[k] = SpecialFunctions.logBeta(a, b + xk) - lbab
            t.dHeadR[k] = SpecialFunctions.digamma(r + xk) - psiR + logAlpha
            let psiABX = SpecialFunctions.digamma(a + b + xk)
            // ∂/∂a of both terms share ψ(a+b) − ψ(a+b+x); the second adds 1/a.
            t.dA[k] = psiAB - psiABX
            t.dBfirst[k] = psiAB - psiABX - psiB + SpecialFunctions.digamma(b + xk)
            if xk > 0 {
                t.second[k] = SpecialFunctions.logBeta(a + 1, b + xk - 1) - lbab
                t.dBsecond[k] = psiAB - psiABX - psiB + SpecialFunctions.digamma(b + xk - 1)
            }
        }
        // log(α+T) and 1/(α+T) (likewise t_x) once per distinct value, interleaved.
        let ageTerms = age.values.flatMap { [Double.log(alpha + $0), 1 / (alpha + $0)] }
        let recencyTerms = recency.values.flatMap { [Double.log(alpha + $0), 1 / (alpha + $0)] }
        let n = data.histories
        let parts = n >= 50_000 ? 2 : 1
        let sums = ParallelResults<[Double]>(count: parts)
        let terms = t
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (part * n / parts)..<((part + 1) * n / parts)
            sums.set(part, partialSums(range, p, terms, ageTerms, recencyTerms))
        }
        var total = [Double](repeating: 0, count: 5)
        for part in 0..<parts {
            guard let s = try? sums.value(part) else { continue }
            for j in 0..<5 { total[j] += s[j] }
        }
        // Σ n r/α, the part of ∂/∂α common to every history.
        gradient[0] = total[1]
        gradient[1] = total[2] + data.totalCount * r / alpha
        gradient[2] = total[3]
        gradient[3] = total[4]
        return total[0]
    }

    /// (log L, ∂/∂r, ∂/∂α − Σ n r/α, ∂/∂a, ∂/∂b) summed over the histories in `range`;
    /// `ageTerms` holds log(α+T) and 1/(α+T) of each distinct T, `recencyTerms` likewise for t_x.
    private func partialSums(
        _ range: Range<Int>, _ p: BGNBD.Parameters, _ t: XTerms, _ ageTerms: [Double], _ recencyTerms: [Double]
    ) -> [Double] {
        let (r, a) = (p.r, p.a)
        let inverseA = 1 / a
        var total = 0.0, gR = 0.0, gAlpha = 0.0, gA = 0.0, gB = 0.0
        data.frequency.withUnsafeBufferPointer { fx in
        data.count.withUnsafeBufferPointer { fn in
        x.index.withUnsafeBufferPointer { xi in
        age.index.withUnsafeBufferPointer { ti in
        recency.index.withUnsafeBufferPointer { ri in
        ageTerms.withUnsafeBufferPointer { at in
        recencyTerms.withUnsafeBufferPointer { rt in
        t.head.withUnsafeBufferPointer { head in
        t.first.withUnsafeBufferPointer { first in
        t.second.withUnsafeBufferPointer { second in
        t.dHeadR.withUnsafeBufferPointer { dHeadR in
        t.dA.withUnsafeBufferPointer { dA in
        t.dBfirst.withUnsafeBufferPointer { dBfirst in
        t.dBsecond.withUnsafeBufferPointer { dBsecond in
            for i in range {
                let k = Int(xi[i])
                let xv = fx[i], n = fn[i]
                let rx = r + xv
                let ageSlot = 2 * Int(ti[i])
                let logAT = at[ageSlot], inverseAT = at[ageSlot + 1]
                let termA = first[k] - rx * logAT
                if xv == 0 {
                    total += n * (head[k] + termA)
                    gR += n * (dHeadR[k] - logAT)
                    gAlpha -= n * rx * inverseAT
                    continue
                }
                let recencySlot = 2 * Int(ri[i])
                let logATx = rt[recencySlot], inverseATx = rt[recencySlot + 1]
                let termB = second[k] - rx * logATx
                // Weights of the two terms in their sum, wA + wB = 1: one exponential, stably.
                let d = termB - termA
                let e = Double.exp(-abs(d))
                let wB = d > 0 ? 1 / (1 + e) : e / (1 + e)
                let wA = 1 - wB
                // log(1 + e) with 0 < e ≤ 1: log1p's extra accuracy for tiny e is below the
                // rounding of the sum it enters, and log is several times faster.
                total += n * (head[k] + max(termA, termB) + Double.log(1 + e))
                gR += n * (dHeadR[k] - wA * logAT - wB * logATx)
                gAlpha -= n * rx * (wA * inverseAT + wB * inverseATx)
                gA += n * (dA[k] + wB * inverseA)
                gB += n * (wA * dBfirst[k] + wB * dBsecond[k])
            }
        }}}}}}}}}}}}}}
        return [total, gR, gAlpha, gA, gB]
    }
}
