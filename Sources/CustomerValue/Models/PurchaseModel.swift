/// What every purchase model predicts for a customer with history (x, t_x, T).
public protocol PurchaseModel: Sendable {
    /// Probability that the customer is still alive at T.
    func probabilityAlive(frequency x: Double, recency tx: Double, age T: Double) -> Double
    /// Expected purchases in (T, T+t].
    func conditionalExpectedPurchases(in t: Double, frequency x: Double, recency tx: Double, age T: Double) -> Double
    /// Median time to the next purchase should the customer be alive.
    func medianTimeToNextPurchase(frequency x: Double, age T: Double) -> Double
    /// Expected purchases in (T, T+t] of a customer known to be alive at T, when the model's
    /// conditional expectation is P(alive) times a function of (x, T, t) alone (the recency t_x
    /// acts only through P(alive)); nil for a model without that factorisation. Lets every
    /// customer with the same (x, T) share one evaluation.
    func expectedPurchasesIfAlive(in t: Double, frequency x: Double, age T: Double) -> Double?
}

extension PurchaseModel {
    /// No factorisation unless the model says so.
    public func expectedPurchasesIfAlive(in t: Double, frequency x: Double, age T: Double) -> Double? { nil }
}

extension BGNBD: PurchaseModel {}

extension ParetoNBD: PurchaseModel {}

extension MBGNBD: PurchaseModel {
    /// As for BG/NBD: while alive the rate's posterior is Gamma(r+x, α+T) (Batislam et al. 2007).
    public func medianTimeToNextPurchase(frequency x: Double, age T: Double) -> Double {
        BGNBD(parameters: parameters).medianTimeToNextPurchase(frequency: x, age: T)
    }
}
