import Foundation
import Numerics

extension ParetoNBD {
    /// Probability of at least one purchase in (T, T+t] of a customer with repeat purchases x and
    /// age T who is alive at T.
    ///
    /// Why: given alive at T, the history's likelihood is λ^x e^(−λT) e^(−μT), so the purchase
    /// rate and the dropout rate are independent, λ ~ Gamma(r+x, α+T) and μ ~ Gamma(s, β+T)
    /// (Schmittlein, Morrison & Colombo 1987). Unlike BG/NBD the customer can die before the next
    /// purchase: the next purchase comes first with probability λ/(λ+μ), at a time
    /// Exponential(λ+μ), so P(purchase within t | λ, μ) = λ/(λ+μ) · (1 − e^(−(λ+μ)t)) and
    ///
    ///     F(t) = E[λ/(λ+μ) · (1 − e^(−(λ+μ)t))] = ∫₀^t E[λ e^(−λw)] E[e^(−μw)] dw
    ///          = ∫₀^t (a/A) (A/(A+w))^(a+1) (B/(B+w))^s dw,   a = r+x, A = α+T, B = β+T.
    ///
    /// With v = 1 − (A/(A+w))^a (dv = (a/A) (A/(A+w))^(a+1) dw) this is F(t) = ∫₀^v(t) g(v) dv,
    /// g(v) = (B/(B+w(v)))^s, w(v) = A ((1−v)^(−1/a) − 1): an integrand between 0 and 1, falling
    /// from g(0) = 1, whatever the parameters (a fit at the boundary s, β → ∞ included, where
    /// g → e^(−(s/β) w)), integrated by adaptive Simpson to an absolute error of about 1e−10.
    /// At α = β it is (a/(a+s)) (1 − (A/(A+t))^(a+s)); as t → ∞ it tends to
    /// (a/(a+s)) · 2F1(s, 1; a+s+1; 1 − A/B) = E[λ/(λ+μ)] < 1.
    /// - Parameters:
    ///   - t: horizon in the model's unit, t ≥ 0 (+∞ gives the limit).
    ///   - x: repeat purchases ≥ 0, T: age ≥ 0.
    public func probabilityOfPurchaseIfAlive(within t: Double, frequency x: Double, age T: Double) -> Double {
        guard t > 0 else { return 0 }
        let g = NextPurchaseIntegral(self, frequency: x, age: T)
        return g.integral(from: 0, to: g.v(t))
    }

    /// Probability of at least one purchase in (T, T+t] of a customer with history (x, t_x, T):
    /// P(alive) · ``probabilityOfPurchaseIfAlive(within:frequency:age:)`` (a customer dead at T
    /// never buys again).
    public func probabilityOfPurchase(within t: Double, frequency x: Double, recency tx: Double, age T: Double) -> Double {
        probabilityAlive(frequency: x, recency: tx, age: T) * probabilityOfPurchaseIfAlive(within: t, frequency: x, age: T)
    }

    /// Time t after T by which the probability of at least one purchase,
    /// P(alive) · F(t) (``probabilityOfPurchaseIfAlive(within:frequency:age:)``), reaches `probability` q,
    /// to within about 1e−9 of the model's unit
    /// (``timeToPurchase(probability:probabilityAlive:frequency:age:tolerance:)``).
    public func timeToPurchase(probability q: Double, probabilityAlive alive: Double, frequency x: Double, age T: Double) -> Double? {
        timeToPurchase(probability: q, probabilityAlive: alive, frequency: x, age: T, tolerance: 1e-9)
    }

    /// Time t after T by which the probability of at least one purchase,
    /// P(alive) · F(t) (``probabilityOfPurchaseIfAlive(within:frequency:age:)``), reaches `probability` q,
    /// to within `tolerance`.
    ///
    /// F rises to E[λ/(λ+μ)] < 1, so there is no such time when P(alive) · E[λ/(λ+μ)] ≤ q (in
    /// particular whenever P(alive) ≤ q). Solved in v for G(v) = ∫₀^v g = q / P(alive), then
    /// t = w(v). As g falls from g(0) = 1, G is concave with G(v) ≤ v: the root is at v ≥ q / P(alive),
    /// and Newton steps from there (G′ = g) never pass it, so they climb to it from the left; a step
    /// past v = 1 means there is no root (checked with G(1) = E[λ/(λ+μ)]). G at each new point is
    /// G at the last one plus the integral between them, each held to a share of `tolerance`: an
    /// error ε in G moves t by ε (A+t) / (a (1−v) g(v)). `cva predict` asks for 0.01 day: its
    /// dates are whole days, rounded up.
    /// - Parameters:
    ///   - probability: q, 0 < q < 1.
    ///   - probabilityAlive: P(alive) of the history, from ``probabilityAlive(frequency:recency:age:)``.
    ///   - x: repeat purchases, T: age.
    ///   - tolerance: the accuracy wanted of t, in the model's unit, > 0.
    /// - Returns: t in the model's unit, or nil when the probability never reaches q.
    public func timeToPurchase(probability q: Double, probabilityAlive alive: Double, frequency x: Double, age T: Double,
                               tolerance: Double) -> Double? {
        precondition(q > 0 && q < 1, "the probability must be in (0, 1)")
        precondition(tolerance > 0, "the tolerance must be positive")
        guard alive > q else { return nil }
        let g = NextPurchaseIntegral(self, frequency: x, age: T)
        let target = q / alive
        // The integral's error allowed at v (time t, integrand gv): a tenth of `tolerance` in t,
        // and never below 1e−14.
        func epsilon(_ v: Double, _ t: Double, _ gv: Double) -> Double {
            max(1e-14, 0.1 * tolerance * g.a * (1 - v) * gv / (g.A + t))
        }
        var v = target
        var t = g.time(v)
        var gv = g.g(time: t)
        var area = g.integral(from: 0, to: v, tolerance: epsilon(v, t, gv))
        for _ in 0..<200 {
            guard gv > 0 else { break }
            let next = v + (target - area) / gv
            guard next < 1 else { break }
            let tNext = g.time(next)
            let gNext = g.g(time: tNext)
            area += g.integral(from: v, to: next, tolerance: epsilon(next, tNext, gNext))
            let moved = tNext - t
            (v, t, gv) = (next, tNext, gNext)
            if moved <= 0.5 * tolerance { return t }
        }
        // A step past v = 1 (or a flat g): no root unless G(1) exceeds the target after all
        // (then the last point is within the integration error of it).
        let total = area + g.integral(from: v, to: 1)
        return total > target ? t : nil
    }
}

/// The integral behind Pareto/NBD's probability of a next purchase if alive (see
/// ``ParetoNBD/probabilityOfPurchaseIfAlive(within:frequency:age:)``), in v = 1 − (A/(A+w))^a.
private struct NextPurchaseIntegral {
    /// a = r+x, A = α+T, B = β+T, s.
    let a: Double, A: Double, B: Double, s: Double

    init(_ model: ParetoNBD, frequency x: Double, age T: Double) {
        let p = model.parameters
        a = p.r + x
        A = p.alpha + T
        B = p.beta + T
        s = p.s
    }

    /// v(t) = 1 − (A/(A+t))^a, written so that small t loses nothing (1 at t = ∞).
    func v(_ t: Double) -> Double {
        t.isInfinite ? 1 : -Double.expMinusOne(-a * Double.log(onePlus: t / A))
    }

    /// w(v) = A ((1−v)^(−1/a) − 1), the time of v (∞ at v = 1).
    func time(_ v: Double) -> Double {
        v >= 1 ? .infinity : A * Double.expMinusOne(-Double.log(onePlus: -v) / a)
    }

    /// g(v) = (B/(B+w(v)))^s, in (0, 1]; 0 at v = 1.
    func g(_ v: Double) -> Double { g(time: time(v)) }

    /// g at the time w = w(v): (B/(B+w))^s, 0 at w = ∞.
    func g(time w: Double) -> Double {
        w.isInfinite ? 0 : Double.exp(-s * Double.log(onePlus: w / B))
    }

    /// ∫_lower^upper g (negative when upper < lower), adaptive Simpson to an absolute error of
    /// about `tolerance` (1e−10 by default; g ≤ 1).
    func integral(from lower: Double, to upper: Double, tolerance: Double = 1e-10) -> Double {
        if lower == upper { return 0 }
        if upper < lower { return -integral(from: upper, to: lower, tolerance: tolerance) }
        let (fa, fm, fb) = (g(lower), g(0.5 * (lower + upper)), g(upper))
        let whole = (upper - lower) / 6 * (fa + 4 * fm + fb)
        return simpson(lower, upper, fa, fm, fb, whole, tolerance, depth: 50)
    }

    private func simpson(_ a: Double, _ b: Double, _ fa: Double, _ fm: Double, _ fb: Double,
                         _ whole: Double, _ eps: Double, depth: Int) -> Double {
        let m = 0.5 * (a + b)
        let (lm, rm) = (0.5 * (a + m), 0.5 * (m + b))
        let (flm, frm) = (g(lm), g(rm))
        let left = (m - a) / 6 * (fa + 4 * flm + fm)
        let right = (b - m) / 6 * (fm + 4 * frm + fb)
        let delta = left + right - whole
        if depth <= 0 || abs(delta) <= 15 * eps { return left + right + delta / 15 }
        return simpson(a, m, fa, flm, fm, left, eps / 2, depth: depth - 1)
            + simpson(m, b, fm, frm, fb, right, eps / 2, depth: depth - 1)
    }
}
