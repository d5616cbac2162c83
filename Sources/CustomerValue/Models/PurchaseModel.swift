import Foundation

/// What every purchase model predicts for a customer with history (x, t_x, T).
public protocol PurchaseModel: Sendable {
    /// Probability that the customer is still alive at T.
    func probabilityAlive(frequency x: Double, recency tx: Double, age T: Double) -> Double
    /// Expected purchases in (T, T+t].
    func conditionalExpectedPurchases(in t: Double, frequency x: Double, recency tx: Double, age T: Double) -> Double
    /// Median time to the next purchase should the customer be alive.
    func medianTimeToNextPurchase(frequency x: Double, age T: Double) -> Double
    /// Time t after T by which the probability of at least one purchase in (T, T+t], P(alive) ×
    /// P(purchase by then | alive), reaches `probability` q (0 < q < 1); nil when it never does
    /// (always when P(alive) ≤ q). The probability if alive depends on (x, T) alone.
    func timeToPurchase(probability q: Double, probabilityAlive alive: Double, frequency x: Double, age T: Double) -> Double?
    /// ``timeToPurchase(probability:probabilityAlive:frequency:age:)`` to within `tolerance` (in
    /// the model's unit, > 0) where the model solves for it numerically; exact otherwise.
    func timeToPurchase(probability q: Double, probabilityAlive alive: Double, frequency x: Double, age T: Double,
                        tolerance: Double) -> Double?
    /// Expected purchases in (T, T+t] of a customer known to be alive at T, when the model's
    /// conditional expectation is P(alive) times a function of (x, T, t) alone (the recency t_x
    /// acts only through P(alive)); nil for a model without that factorisation. Lets every
    /// customer with the same (x, T) share one evaluation.
    func expectedPurchasesIfAlive(in t: Double, frequency x: Double, age T: Double) -> Double?
}

extension PurchaseModel {
    /// No factorisation unless the model says so.
    public func expectedPurchasesIfAlive(in t: Double, frequency x: Double, age T: Double) -> Double? { nil }

    /// A closed form: exact, whatever the tolerance.
    public func timeToPurchase(probability q: Double, probabilityAlive alive: Double, frequency x: Double, age T: Double,
                               tolerance: Double) -> Double? {
        timeToPurchase(probability: q, probabilityAlive: alive, frequency: x, age: T)
    }
}

extension BGNBD: PurchaseModel {}

extension ParetoNBD: PurchaseModel {}

extension MBGNBD: PurchaseModel {
    /// As for BG/NBD: while alive the rate's posterior is Gamma(r+x, α+T) (Batislam et al. 2007).
    public func medianTimeToNextPurchase(frequency x: Double, age T: Double) -> Double {
        BGNBD(parameters: parameters).medianTimeToNextPurchase(frequency: x, age: T)
    }

    /// BG/NBD's formula with MBG/NBD's own P(alive): t = (α+T)(u^(−1/(r+x)) − 1), u = 1 − q/P(alive).
    ///
    /// Why the BG/NBD reasoning carries over (Batislam, Denizel & Filiztekin 2007): MBG/NBD adds a
    /// dropout right after the first purchase, but a customer still drops out only at a purchase
    /// (the first, at time 0, or a repeat one). A customer alive at T has passed every dropout
    /// chance up to T, and the next one comes with the next purchase, after it; so given alive the
    /// wait is Exponential(λ) with λ | alive, history ~ Gamma(r+x, α+T) (the likelihood given
    /// alive is (1−p)^(x+1) λ^x e^(−λT), whose λ part is BG/NBD's), and
    /// P(purchase within t | alive) = 1 − ((α+T)/(α+T+t))^(r+x). Only P(alive) differs:
    /// 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)), below 1 even for x = 0.
    public func timeToPurchase(probability q: Double, probabilityAlive alive: Double, frequency x: Double, age T: Double) -> Double? {
        BGNBD(parameters: parameters).timeToPurchase(probability: q, probabilityAlive: alive, frequency: x, age: T)
    }

    /// P(alive) · [1 − ((α+T)/(α+T+t))^(r+x)] with MBG/NBD's P(alive) (see
    /// ``timeToPurchase(probability:probabilityAlive:frequency:age:)`` for why).
    public func probabilityOfPurchase(within t: Double, frequency x: Double, recency tx: Double, age T: Double) -> Double {
        let ifAlive = -Double.expMinusOne((parameters.r + x) * -Double.log(onePlus: t / (parameters.alpha + T)))
        return probabilityAlive(frequency: x, recency: tx, age: T) * ifAlive
    }
}
