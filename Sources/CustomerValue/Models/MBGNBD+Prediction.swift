import Foundation
import Numerics

extension MBGNBD {
    /// Expected repeat purchases in (0, t] of a customer chosen at random, t > 0 in model units
    /// (Batislam, Denizel & Filiztekin 2007):
    /// E[X(t)] = b/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b+1; a+b; t/(α+t))].
    ///
    /// Derivation. Given λ and p, the customer drops out at time 0 (right after the first
    /// purchase) with probability p; otherwise the process from time 0 on is the BG/NBD's, whose
    /// expectation is (1/p)(1 − e^{−λpt}) (Fader, Hardie & Lee 2005, eq. 7). So
    /// E[X(t) | λ, p] = (1−p)/p · (1 − e^{−λpt}). Now (1−p) times the Beta(a, b) density is
    /// b/(a+b) times the Beta(a, b+1) density, so averaging over p ~ Beta(a, b) and λ ~ Gamma(r, α)
    /// gives b/(a+b) times the BG/NBD's E[X(t)] (its eq. 9) with b+1 in place of b:
    /// b/(a+b) · (a+b)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b+1; a+b; t/(α+t))], the formula above.
    /// Unlike the BG/NBD's, c = a+b of the ₂F₁ is positive for any a, b > 0.
    ///
    /// At a = 1 the factor b/(a−1) and the bracket both vanish; within 1e-6 of a = 1 the value is
    /// the average at a = 1 ± 1e-5 (the expectation is smooth in a, so the error is O(1e-10)). The product of a tiny power
    /// and a large ₂F₁ is formed in log space, so long horizons stay finite.
    public func expectedPurchases(in t: Double) -> Double {
        guard t > 0 else { return 0 }
        let a = parameters.a
        if abs(a - 1) < 1e-6 {
            return (unconditionalExpectation(a: 1 - 1e-5, t: t) + unconditionalExpectation(a: 1 + 1e-5, t: t)) / 2
        }
        return unconditionalExpectation(a: a, t: t)
    }

    /// b/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b+1; a+b; t/(α+t))] at a given a (not near 1).
    private func unconditionalExpectation(a: Double, t: Double) -> Double {
        let p = parameters
        var u = Hypergeometric.log2F1(a: p.r, b: p.b + 1, c: a + p.b, z: t / (p.alpha + t))
        u.logMagnitude += p.r * (Double.log(p.alpha) - Double.log(p.alpha + t))
        // bracket = 1 − u, with u = sign · e^m.
        let bracket = u.sign > 0 ? -Double.expMinusOne(u.logMagnitude) : 1 + Double.exp(u.logMagnitude)
        let value = p.b / (a - 1) * bracket
        return value.isFinite ? max(0, value) : 0
    }

    /// Probability of exactly `n` repeat purchases in (0, t] for a customer chosen at random:
    /// P(X(t) = n) = B(a, b+n+1)/B(a,b) · NB_n + B(a+1, b+n)/B(a,b) · [1 − Σ_{j<n} NB_j],
    /// with NB_j = Γ(r+j)/(Γ(r) j!) (α/(α+t))^r (t/(α+t))^j the NBD probability of j purchases.
    ///
    /// Derivation (as the BG/NBD's eq. 8, Fader, Hardie & Lee 2005, with the MBG/NBD's dropout at
    /// time 0): given λ and p, either the customer survives the n+1 dropout chances (at time 0 and
    /// after each of the n purchases), probability (1−p)^{n+1}, and makes exactly n Poisson(λt)
    /// purchases; or the customer survives n chances and drops out at the (n+1)-th, probability
    /// p(1−p)^n, after the n-th purchase came before t (Poisson count ≥ n; for n = 0 that is the
    /// dropout at time 0, which is certain to come "before t"). Averaging (1−p)^{n+1} and
    /// p(1−p)^n over Beta(a, b) gives B(a, b+n+1)/B(a,b) and B(a+1, b+n)/B(a,b), and λ over
    /// Gamma(r, α) turns the Poisson probabilities into NBD ones. Unlike the BG/NBD there is no
    /// 1{n>0}: for n = 0 the second term is a/(a+b), the chance of dropping out at once.
    /// - Parameters:
    ///   - n: repeat purchases, ≥ 0 (negative: 0).
    ///   - t: time in model units, > 0 (t ≤ 0: P(X = 0) = 1).
    /// - Complexity: O(n).
    public func probabilityOfPurchases(_ n: Int, in t: Double) -> Double {
        guard n >= 0 else { return 0 }
        guard t > 0 else { return n == 0 ? 1 : 0 }
        let p = parameters
        let lbab = SpecialFunctions.logBeta(p.a, p.b)
        let logStay = p.r * (Double.log(p.alpha) - Double.log(p.alpha + t))
        let logRatio = Double.log(t) - Double.log(p.alpha + t)
        func logNBD(_ j: Int) -> Double {
            let jd = Double(j)
            return SpecialFunctions.logGammaRatio(p.r, jd) - SpecialFunctions.logGamma(jd + 1) + logStay + jd * logRatio
        }
        let x = Double(n)
        var below = 0.0
        for j in 0..<n { below += Double.exp(logNBD(j)) }
        let total = Double.exp(SpecialFunctions.logBeta(p.a, p.b + x + 1) - lbab + logNBD(n))
            + Double.exp(SpecialFunctions.logBeta(p.a + 1, p.b + x) - lbab) * max(0, 1 - below)
        return min(1, max(0, total))
    }
}
