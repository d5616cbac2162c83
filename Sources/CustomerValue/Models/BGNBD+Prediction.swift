import Foundation
import Numerics

extension BGNBD {
    /// Probability that a customer with history (x, t_x, T) is still alive at T
    /// (Fader, Hardie & Lee 2005, eq. 13): 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)),
    /// evaluated from its log-odds so that heavy buyers give a number in [0, 1], never NaN.
    public func probabilityAlive(frequency x: Double, recency tx: Double, age T: Double) -> Double {
        guard x > 0 else { return 1 }
        let p = parameters
        let logOdds = Double.log(p.a) - Double.log(p.b + x - 1)
            + (p.r + x) * (Double.log(p.alpha + T) - Double.log(p.alpha + tx))
        return BGNBD.logistic(-logOdds)
    }

    /// 1 / (1 + e^−z) without overflow.
    static func logistic(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + Double.exp(-z)) }
        let e = Double.exp(z)
        return e / (1 + e)
    }

    /// Expected purchases in (0, t] of a customer chosen at random
    /// (eq. 9): (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))].
    public func expectedPurchases(in t: Double) -> Double {
        expectedPurchasesGivenAlive(shape: parameters.r, b: parameters.b, a: parameters.a, scale: parameters.alpha, t: t)
    }

    /// Expected purchases in (T, T+t] of a customer with history (x, t_x, T) (eq. 10):
    /// (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive).
    /// The product of a tiny power and a huge 2F1 is formed in log space, which keeps heavy
    /// buyers finite.
    public func conditionalExpectedPurchases(in t: Double, frequency x: Double, recency tx: Double, age T: Double) -> Double {
        guard t > 0 else { return 0 }
        let p = parameters
        let alive = probabilityAlive(frequency: x, recency: tx, age: T)
        return alive * expectedPurchasesGivenAlive(shape: p.r + x, b: p.b + x, a: p.a, scale: p.alpha + T, t: t)
    }

    /// Expected purchases in (T, T+t] of a customer alive at T with x repeat purchases (eq. 10
    /// without its P(alive) factor): (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ·
    /// 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]. ``conditionalExpectedPurchases(in:frequency:recency:age:)``
    /// is P(alive) times this.
    public func expectedPurchasesIfAlive(in t: Double, frequency x: Double, age T: Double) -> Double? {
        guard t > 0 else { return 0 }
        let p = parameters
        return expectedPurchasesGivenAlive(shape: p.r + x, b: p.b + x, a: p.a, scale: p.alpha + T, t: t)
    }

    /// (a+b'−1)/(a−1) · [1 − (s/(s+t))^k · 2F1(k, b'; a+b'−1; t/(s+t))] with k = shape, s = scale:
    /// the expected count in t of a customer alive now, with posterior shape k and scale s.
    /// At a = 1 the two factors are 0/0; within 1e-6 of it the limit is taken by averaging
    /// a = 1 ± 1e-5 (the function is smooth in a). The offsets must lie outside the 1e-6 band:
    /// 1 + 1e-6 − 1 rounds below 1e-6, which recursed without end at a = 1.
    private func expectedPurchasesGivenAlive(shape k: Double, b: Double, a: Double, scale s: Double, t: Double) -> Double {
        guard t > 0 else { return 0 }
        if abs(a - 1) < 1e-6 {
            return (expectedPurchasesGivenAlive(shape: k, b: b, a: 1 - 1e-5, scale: s, t: t)
                + expectedPurchasesGivenAlive(shape: k, b: b, a: 1 + 1e-5, scale: s, t: t)) / 2
        }
        let z = t / (s + t)
        var u = Hypergeometric.log2F1(a: k, b: b, c: a + b - 1, z: z)
        u.logMagnitude += k * (Double.log(s) - Double.log(s + t))
        // bracket = 1 − u, with u = sign · e^m.
        let bracket = u.sign > 0 ? -Double.expMinusOne(u.logMagnitude) : 1 + Double.exp(u.logMagnitude)
        let value = (a + b - 1) / (a - 1) * bracket
        return value.isFinite ? max(0, value) : 0
    }

    /// Probability of exactly `n` purchases in (0, t] for a customer chosen at random (eq. 8):
    /// B(a,b+x)/B(a,b) · Γ(r+x)/(Γ(r) x!) (α/(α+t))^r (t/(α+t))^x
    /// + 1{x>0} B(a+1,b+x−1)/B(a,b) · [1 − (α/(α+t))^r Σ_{j<x} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j].
    public func probabilityOfPurchases(_ n: Int, in t: Double) -> Double {
        let p = parameters
        guard n >= 0, t > 0 else { return n == 0 ? 1 : 0 }
        let x = Double(n)
        let lbab = SpecialFunctions.logBeta(p.a, p.b)
        let logPoissonGamma = SpecialFunctions.logGammaRatio(p.r, x) - SpecialFunctions.logGamma(x + 1)
            + p.r * (Double.log(p.alpha) - Double.log(p.alpha + t)) + x * (Double.log(t) - Double.log(p.alpha + t))
        // Alive throughout (probability B(a, b+x)/B(a,b) of no dropout in x purchases) with an
        // NBD count, plus dropping out right after the x-th purchase.
        var total = Double.exp(SpecialFunctions.logBeta(p.a, p.b + x) - lbab + logPoissonGamma)
        if n > 0 {
            // 1 − (α/(α+t))^r Σ_{j<x} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j: the NBD probability of ≥ x.
            var tail = 0.0
            for j in 0..<n {
                let jd = Double(j)
                tail += Double.exp(SpecialFunctions.logGammaRatio(p.r, jd) - SpecialFunctions.logGamma(jd + 1)
                    + p.r * (Double.log(p.alpha) - Double.log(p.alpha + t)) + jd * (Double.log(t) - Double.log(p.alpha + t)))
            }
            total += Double.exp(SpecialFunctions.logBeta(p.a + 1, p.b + x - 1) - lbab) * max(0, 1 - tail)
        }
        return min(1, max(0, total))
    }

    /// Median time to the next purchase of a customer with history (x, t_x, T), should they be
    /// alive: the purchase rate's posterior is Gamma(r+x, α+T), so the waiting time W has
    /// P(W > w) = ((α+T)/(α+T+w))^(r+x) and median (α+T)(2^(1/(r+x)) − 1). Always finite.
    public func medianTimeToNextPurchase(frequency x: Double, age T: Double) -> Double {
        let p = parameters
        return (p.alpha + T) * Double.expMinusOne(Double.log(2) / (p.r + x))
    }

    /// Probability of at least one purchase in (T, T+t] of a customer with history (x, t_x, T):
    /// P(alive) · [1 − ((α+T)/(α+T+t))^(r+x)] (Fader, Hardie & Lee 2005; the complement of
    /// P(no purchase in t) = 1 − P(alive) + P(alive) · ((α+T)/(α+T+t))^(r+x)).
    ///
    /// Why: under BG/NBD a customer drops out only right after a purchase. A customer alive at T
    /// therefore cannot drop out before their next purchase (a dropout at that purchase comes
    /// after it), so given alive the waiting time is exponential with rate λ, and λ given alive
    /// and the history is Gamma(r+x, α+T): P(W ≤ t | alive) = 1 − E[e^(−λt)] = 1 − ((α+T)/(α+T+t))^(r+x).
    /// A customer no longer alive never buys again.
    /// - Parameters:
    ///   - t: horizon in the model's unit, t ≥ 0.
    ///   - x: repeat purchases, tx: time of the last one, T: age, 0 ≤ t_x ≤ T.
    public func probabilityOfPurchase(within t: Double, frequency x: Double, recency tx: Double, age T: Double) -> Double {
        let p = parameters
        // 1 − u^(r+x) as −expm1((r+x) log u): no cancellation for small t.
        let ifAlive = -Double.expMinusOne((p.r + x) * -Double.log(onePlus: t / (p.alpha + T)))
        return probabilityAlive(frequency: x, recency: tx, age: T) * ifAlive
    }

    /// Time t after T by which the probability of at least one purchase,
    /// P(alive) · [1 − ((α+T)/(α+T+t))^(r+x)] (``probabilityOfPurchase(within:frequency:recency:age:)``),
    /// reaches `probability` q: with u = 1 − q / P(alive),
    /// t = (α+T) · (u^(−1/(r+x)) − 1).
    ///
    /// The probability rises to P(alive) as t grows, so there is no such time when P(alive) ≤ q.
    /// With P(alive) = 1 (no repeat purchase) and q = ½ it is the median time to the next purchase
    /// if alive, (α+T)(2^(1/(r+x)) − 1).
    /// - Parameters:
    ///   - probability: q, 0 < q < 1.
    ///   - probabilityAlive: P(alive) of the history, from ``probabilityAlive(frequency:recency:age:)``.
    ///   - x: repeat purchases, T: age.
    /// - Returns: t in the model's unit, or nil when P(alive) ≤ q.
    public func timeToPurchase(probability q: Double, probabilityAlive alive: Double, frequency x: Double, age T: Double) -> Double? {
        precondition(q > 0 && q < 1, "the probability must be in (0, 1)")
        guard alive > q else { return nil }
        let p = parameters
        // −log u / (r+x) with log u = log1p(−q / P(alive)); then (α+T) · expm1(that).
        return (p.alpha + T) * Double.expMinusOne(-Double.log(onePlus: -q / alive) / (p.r + x))
    }
}
