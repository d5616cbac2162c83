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
        public var r: Double
        public var alpha: Double
        public var a: Double
        public var b: Double
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

    public var parameters: Parameters
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

/// The BG/NBD log-likelihood of compressed data and its gradient, with the terms that depend
/// on x alone computed once per distinct x.
struct BGNBDLikelihood: Sendable {
    let data: PurchaseData
    /// Distinct frequencies, and each history's index into them.
    let distinctX: [Double]
    let xIndex: [Int32]

    init(data: PurchaseData) {
        self.data = data
        var index: [Double: Int32] = [:]
        var distinct: [Double] = []
        var xIndex: [Int32] = []
        xIndex.reserveCapacity(data.histories)
        for x in data.frequency {
            if let k = index[x] {
                xIndex.append(k)
            } else {
                let k = Int32(distinct.count)
                index[x] = k
                distinct.append(x)
                xIndex.append(k)
            }
        }
        distinctX = distinct
        self.xIndex = xIndex
    }

    /// Total log-likelihood at `p`, and its gradient with respect to (r, α, a, b).
    func evaluate(_ p: BGNBD.Parameters, gradient: inout [Double]) -> Double {
        let (r, alpha, a, b) = (p.r, p.alpha, p.a, p.b)
        let m = distinctX.count
        // Per distinct x: constant terms and the digammas of the gradient.
        var head = [Double](repeating: 0, count: m), first = head, second = head
        var dHeadR = head, dA = head, dBfirst = head, dBsecond = head
        let lbab = SpecialFunctions.logBeta(a, b)
        let logAlpha = Double.log(alpha)
        let psiR = SpecialFunctions.digamma(r)
        let psiAB = SpecialFunctions.digamma(a + b)
        let psiB = SpecialFunctions.digamma(b)
        for k in 0..<m {
            let x = distinctX[k]
            head[k] = SpecialFunctions.logGammaRatio(r, x) + r * logAlpha
            first[k] = SpecialFunctions.logBeta(a, b + x) - lbab
            dHeadR[k] = SpecialFunctions.digamma(r + x) - psiR + logAlpha
            let psiABX = SpecialFunctions.digamma(a + b + x)
            // ∂/∂a of both terms share ψ(a+b) − ψ(a+b+x); the second adds 1/a.
            dA[k] = psiAB - psiABX
            dBfirst[k] = psiAB - psiABX - psiB + SpecialFunctions.digamma(b + x)
            if x > 0 {
                second[k] = SpecialFunctions.logBeta(a + 1, b + x - 1) - lbab
                dBsecond[k] = psiAB - psiABX - psiB + SpecialFunctions.digamma(b + x - 1)
            }
        }
        var total = 0.0, gR = 0.0, gAlpha = 0.0, gA = 0.0, gB = 0.0
        data.frequency.withUnsafeBufferPointer { fx in
        data.recency.withUnsafeBufferPointer { ftx in
        data.age.withUnsafeBufferPointer { fT in
        data.count.withUnsafeBufferPointer { fn in
        xIndex.withUnsafeBufferPointer { xi in
            for i in 0..<fx.count {
                let k = Int(xi[i])
                let x = fx[i], n = fn[i]
                let rx = r + x
                let logAT = Double.log(alpha + fT[i])
                let termA = first[k] - rx * logAT
                if x == 0 {
                    total += n * (head[k] + termA)
                    gR += n * (dHeadR[k] - logAT)
                    gAlpha += n * (r / alpha - rx / (alpha + fT[i]))
                    continue
                }
                let logATx = Double.log(alpha + ftx[i])
                let termB = second[k] - rx * logATx
                // Weights of the two terms in their sum, wA + wB = 1, computed stably.
                let hi = max(termA, termB)
                let eA = Double.exp(termA - hi), eB = Double.exp(termB - hi)
                let sum = eA + eB
                let wA = eA / sum, wB = eB / sum
                total += n * (head[k] + hi + Double.log(sum))
                gR += n * (dHeadR[k] - wA * logAT - wB * logATx)
                gAlpha += n * (r / alpha - rx * (wA / (alpha + fT[i]) + wB / (alpha + ftx[i])))
                gA += n * (dA[k] + wB / a)
                gB += n * (wA * dBfirst[k] + wB * dBsecond[k])
            }
        }}}}}
        gradient[0] = gR
        gradient[1] = gAlpha
        gradient[2] = gA
        gradient[3] = gB
        return total
    }
}
