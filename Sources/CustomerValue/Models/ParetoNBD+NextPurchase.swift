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
    /// With y = (A/(A+w))^(a+s) this is (a/(a+s)) ∫_{y(t)}^1 h(y) dy, h(y) = (c + (1−c) y^(1/(a+s)))^(−s),
    /// c = A/B: a bounded, monotone integrand between 1 and c^(−s) (no endpoint singularity),
    /// integrated by adaptive Simpson to an absolute error below about 1e−10 (relative to
    /// max(1, c^(−s))). At α = β it is (a/(a+s)) (1 − (A/(A+t))^(a+s)); as t → ∞ it tends to
    /// (a/(a+s)) · 2F1(s, 1; a+s+1; 1 − c) = E[λ/(λ+μ)] < 1.
    /// - Parameters:
    ///   - t: horizon in the model's unit, t ≥ 0 (+∞ gives the limit).
    ///   - x: repeat purchases ≥ 0, T: age ≥ 0.
    public func probabilityOfPurchaseIfAlive(within t: Double, frequency x: Double, age T: Double) -> Double {
        guard t > 0 else { return 0 }
        let g = NextPurchaseIntegral(self, frequency: x, age: T)
        let lower = t.isInfinite ? 0 : Double.exp(-g.k * Double.log(onePlus: t / g.A))
        return g.share * g.integral(from: lower, to: 1)
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
    /// particular whenever P(alive) ≤ q). Solved in y = (A/(A+t))^(a+s) for
    /// G(y) = ∫_y^1 h = q (a+s) / (a P(alive)) by Newton steps (G′ = −h) kept inside a shrinking
    /// bracket; then t = A (y^(−1/(a+s)) − 1). h is monotone between 1 and c^(−s), so G(0) lies
    /// between them and the root between 1 − target / max h and 1 − target / min h: G(0) is
    /// integrated only when the target falls between h's extremes (where A ≈ B it rarely does).
    /// Each G(y) is integrated (adaptive Simpson) only as closely as `tolerance` needs: an error ε
    /// in G moves t by about ε (A+t) / ((a+s) y h(y)), so ε is held to a quarter of `tolerance`
    /// in t, and the steps stop once a step moves t by less than half of it (Newton's error is
    /// then far smaller). `cva predict` asks for 0.01 day: its dates are whole days, rounded up.
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
        let target = q / (alive * g.share)
        // G(y) = ∫_y^1 h, decreasing from G(0) to G(1) = 0, with (1−y) min h ≤ G(y) ≤ (1−y) max h.
        let (hLow, hHigh) = (min(1, g.hAtZero), max(1, g.hAtZero))
        guard target < hHigh else { return nil }
        if target >= hLow {
            guard g.integral(from: 0, to: 1) > target else { return nil }
        }
        var (low, high) = (max(0, 1 - target / hLow), 1 - target / hHigh)   // G(low) ≥ target ≥ G(high)
        var y = 0.5 * (low + high)
        // t = A (y^(−1/k) − 1) = A · expm1(−log(y)/k): no cancellation for small t.
        func time(_ y: Double) -> Double { g.A * Double.expMinusOne(-Double.log(y) / g.k) }
        for _ in 0..<100 {
            guard y > 0 else { break }
            let t = time(y)
            let hy = g.h(y)
            // dt/dy = −(A+t)/(k y): an error ε in G is one of ε / h(y) in y.
            let epsilon = 0.25 * tolerance * g.k * y * min(hLow, hy) / (g.A + t)
            let gap = g.integral(from: y, to: 1, tolerance: epsilon) - target
            if gap > 0 { low = y } else { high = y }
            var next = y + gap / hy
            if !(next > low && next < high) { next = 0.5 * (low + high) }
            if next > 0, abs(time(next) - t) <= 0.5 * tolerance || high - low <= 1e-15 {
                y = next
                break
            }
            y = next
        }
        guard y > 0 else { return nil }
        return time(y)
    }
}

/// The integral behind Pareto/NBD's probability of a next purchase if alive (see
/// ``ParetoNBD/probabilityOfPurchaseIfAlive(within:frequency:age:)``).
private struct NextPurchaseIntegral {
    /// α+T, a+s, a/(a+s), A/B, s.
    let A: Double, k: Double, share: Double, c: Double, s: Double
    /// Absolute tolerance of ∫ h, scaled by h's largest value.
    let tolerance: Double
    /// h(0) = c^(−s).
    let hAtZero: Double

    init(_ model: ParetoNBD, frequency x: Double, age T: Double) {
        let p = model.parameters
        let a = p.r + x
        A = p.alpha + T
        k = a + p.s
        share = a / k
        c = A / (p.beta + T)
        s = p.s
        hAtZero = Double.exp(-s * Double.log(c))
        tolerance = 1e-10 * max(1, hAtZero)
    }

    /// (c + (1−c) y^(1/k))^(−s): c and 1 are both positive, so the base is too.
    func h(_ y: Double) -> Double {
        let w = y <= 0 ? 0 : Double.exp(Double.log(y) / k)
        return Double.exp(-s * Double.log(c + (1 - c) * w))
    }

    /// ∫_lower^upper h (negative when upper < lower), adaptive Simpson to an absolute error of
    /// about `tolerance` (by default about 1e−10 of h's largest value).
    func integral(from lower: Double, to upper: Double, tolerance: Double? = nil) -> Double {
        if lower == upper { return 0 }
        if upper < lower { return -integral(from: upper, to: lower, tolerance: tolerance) }
        let (fa, fm, fb) = (h(lower), h(0.5 * (lower + upper)), h(upper))
        let whole = (upper - lower) / 6 * (fa + 4 * fm + fb)
        return simpson(lower, upper, fa, fm, fb, whole, tolerance ?? self.tolerance, depth: 50)
    }

    private func simpson(_ a: Double, _ b: Double, _ fa: Double, _ fm: Double, _ fb: Double,
                         _ whole: Double, _ eps: Double, depth: Int) -> Double {
        let m = 0.5 * (a + b)
        let (lm, rm) = (0.5 * (a + m), 0.5 * (m + b))
        let (flm, frm) = (h(lm), h(rm))
        let left = (m - a) / 6 * (fa + 4 * flm + fm)
        let right = (b - m) / 6 * (fm + 4 * frm + fb)
        let delta = left + right - whole
        // A non-finite h (overflow at extreme parameters) ends the subdivision at once.
        if depth <= 0 || abs(delta) <= 15 * eps || !delta.isFinite { return left + right + delta / 15 }
        return simpson(a, m, fa, flm, fm, left, eps / 2, depth: depth - 1)
            + simpson(m, b, fm, frm, fb, right, eps / 2, depth: depth - 1)
    }
}
