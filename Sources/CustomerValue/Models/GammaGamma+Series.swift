import Foundation
import Numerics

extension CustomerSums {
    /// The customer sums of the Gamma-Gamma likelihood as power series in δ = γ − γ₀, from one
    /// pass over the customers at γ₀. With c = γ₀ + x m_x and the power sums
    /// P_k = Σ c^−k, Q_k = Σ x c^−k:
    ///
    ///     Σ log(γ + x m_x)     = Σ log c + Σ_{k≥1} (−1)^{k+1} δ^k P_k / k        (log(1+u) = Σ (−1)^{k+1} u^k / k)
    ///     Σ 1/(γ + x m_x)      = Σ_{k≥0} (−δ)^k P_{k+1}                          (1/(1+u) = Σ (−u)^k)
    ///     Σ 1/(γ + x m_x)²     = Σ_{k≥0} (k+1) (−δ)^k P_{k+2}                    (1/(1+u)² = Σ (k+1)(−u)^k)
    ///
    /// and the same with x (Q for P). Every u = δ/c is at most ρ = |δ| / min c in magnitude, so
    /// truncating after δ^order leaves at most n ρ^(order+1) (times order+2 for the squares,
    /// divided by min c for the inverses): with ρ ≤ 0.05 and order 10, below 5e-15 n, under the
    /// rounding of the sums themselves. Beyond that range ``sums(at:)`` returns nil and the
    /// caller expands again at the new γ.
    struct Expansion: Sendable {
        /// Terms kept: δ^0 … δ^order.
        static let order = 10
        /// The largest |δ| / min c at which the series are used.
        static let range = 0.05

        /// γ₀.
        let centre: Double
        /// min over customers of γ₀ + x m_x.
        let smallest: Double
        /// Σ log c and Σ x log c.
        let log: Double, xLog: Double
        /// P_1 … P_(order+2) and Q_1 … Q_(order+2) (index k − 1).
        let inverse: [Double], xInverse: [Double]

        /// The sums at γ (the squares included); nil when γ is out of the series' range.
        func sums(at v: Double) -> Sums? {
            let delta = v - centre
            guard abs(delta) <= Self.range * smallest, smallest > 0 else { return nil }
            var s = Sums(log: log, xLog: xLog)
            var power = 1.0  // (−δ)^k
            for k in 0...Self.order {
                if k > 0 {
                    // (−1)^{k+1} δ^k / k = −(−δ)^k / k
                    s.log -= power * inverse[k - 1] / Double(k)
                    s.xLog -= power * xInverse[k - 1] / Double(k)
                }
                s.inverse += power * inverse[k]
                s.xInverse += power * xInverse[k]
                s.inverseSquared += Double(k + 1) * power * inverse[k + 1]
                s.xInverseSquared += Double(k + 1) * power * xInverse[k + 1]
                power *= -delta
            }
            return s
        }
    }

    /// The series of every sum around γ₀ (one pass, two threads for many customers).
    /// - Complexity: O(n · order).
    func expansion(around v0: Double) -> Expansion {
        let n = x.count
        let parts = n >= 50_000 ? 2 : 1
        let powers = Expansion.order + 2
        let results = ParallelResults<(log: Double, xLog: Double, smallest: Double, p: [Double], q: [Double])>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (part * n / parts)..<((part + 1) * n / parts)
            var log = 0.0, xLog = 0.0, smallest = Double.infinity
            var p = [Double](repeating: 0, count: powers), q = [Double](repeating: 0, count: powers)
            x.withUnsafeBufferPointer { xs in
            xm.withUnsafeBufferPointer { xms in
            p.withUnsafeMutableBufferPointer { p in
            q.withUnsafeMutableBufferPointer { q in
                for i in range {
                    let c = v0 + xms[i]
                    let l = Double.log(c)
                    let w = 1 / c
                    smallest = min(smallest, c)
                    log += l
                    xLog += xs[i] * l
                    var wk = w
                    for k in 0..<powers {
                        p[k] += wk
                        q[k] += xs[i] * wk
                        wk *= w
                    }
                }
            }}}}
            results.set(part, (log, xLog, smallest, p, q))
        }
        var log = 0.0, xLog = 0.0, smallest = Double.infinity
        var p = [Double](repeating: 0, count: powers), q = [Double](repeating: 0, count: powers)
        for part in 0..<parts {
            // A missing part (never expected) leaves the sums NaN, which the fit refuses.
            let r = (try? results.value(part)) ?? (.nan, .nan, .nan, p.map { _ in .nan }, q.map { _ in .nan })
            log += r.log
            xLog += r.xLog
            smallest = min(smallest, r.smallest)
            for k in 0..<powers {
                p[k] += r.p[k]
                q[k] += r.q[k]
            }
        }
        return Expansion(centre: v0, smallest: smallest, log: log, xLog: xLog, inverse: p, xInverse: q)
    }
}

/// The Gamma-Gamma likelihood with its gradient and Hessian for Newton's method, from the
/// series of its customer sums (``CustomerSums/Expansion``): a new pass over the customers
/// only when γ leaves the range of the last expansion.
final class GammaGammaSeries {
    let likelihood: GammaGammaLikelihood
    private var expansion: CustomerSums.Expansion?
    /// Passes over the customers so far.
    private(set) var passes = 0

    init(_ likelihood: GammaGammaLikelihood) { self.likelihood = likelihood }

    /// The customer sums at γ, expanding again around γ when it is out of range.
    func sums(at v: Double) -> CustomerSums.Sums {
        if let s = expansion?.sums(at: v) { return s }
        let fresh = likelihood.sums.expansion(around: v)
        expansion = fresh
        passes += 1
        // At its own centre an expansion is the plain sums (δ = 0); NaN only when they are.
        let nan = Double.nan
        return fresh.sums(at: v) ?? CustomerSums.Sums(log: nan, xLog: nan, inverse: nan, xInverse: nan)
    }

    /// log L, its gradient and Hessian in (p, q, γ).
    func secondOrder(_ theta: [Double]) -> (value: Double, gradient: [Double], hessian: Matrix) {
        let s = sums(at: theta[2])
        var gradient = [0.0, 0, 0]
        let value = likelihood.evaluate(theta, &gradient, sums: s)
        return (value, gradient, likelihood.hessian(theta, sums: s))
    }
}
