/// The hidden state of one block of consecutive customers: their BG/NBD and Gamma-Gamma
/// parameters, purchase times and dropout times.
///
/// Arrays are contiguous and reused from block to block, so simulating a million customers
/// allocates nothing per customer. Times are continuous, in days since the configuration's
/// `start` (day 0 starts at 00:00 of `start`); a purchase's calendar day is the floor of its time.
struct SimulatedBlock {
    /// 0-based index of the block's first customer.
    private(set) var firstCustomer = 0
    /// Number of customers in the block.
    private(set) var count = 0
    /// λ, purchases per week while alive.
    private(set) var lambdaPerWeek: [Double] = []
    /// p, the probability of dropping out right after each repeat purchase.
    private(set) var dropoutProbability: [Double] = []
    /// ν, the rate of the customer's Gamma spend distribution (mean spend p/ν).
    private(set) var nu: [Double] = []
    /// Time of dropout (that of the last purchase), or `+infinity` when alive at the end.
    private(set) var dropoutTime: [Double] = []
    /// Purchases of customer `i` are `purchaseTimes[purchaseRange(i)]`, the first one first.
    private(set) var purchaseTimes: [Double] = []
    private var purchaseEnds: [Int] = []

    /// The indices into ``purchaseTimes`` of customer `i` (0-based within the block).
    @inline(__always)
    func purchaseRange(_ i: Int) -> Range<Int> {
        (i == 0 ? 0 : purchaseEnds[i - 1])..<purchaseEnds[i]
    }

    /// Whether customer `i` dropped out before the end of observation.
    @inline(__always)
    func droppedOut(_ i: Int) -> Bool { dropoutTime[i].isFinite }

    /// Simulates customers `firstCustomer ..< firstCustomer + count`, replacing the block.
    ///
    /// Draws, per customer and in this order: λ ~ Gamma(r, α) per week, p ~ Beta(a, b),
    /// ν ~ Gamma(q, v), the first purchase time uniform over the acquisition window, then the
    /// BG/NBD purchase sequence (``simulatePurchases(lambdaPerWeek:dropoutProbability:firstPurchase:horizon:using:into:)``).
    /// - Complexity: O(customers + purchases).
    mutating func simulate(firstCustomer: Int, count: Int, config: SyntheticConfig, using rng: inout SeededGenerator) {
        self.firstCustomer = firstCustomer
        self.count = count
        lambdaPerWeek.removeAll(keepingCapacity: true)
        dropoutProbability.removeAll(keepingCapacity: true)
        nu.removeAll(keepingCapacity: true)
        dropoutTime.removeAll(keepingCapacity: true)
        purchaseTimes.removeAll(keepingCapacity: true)
        purchaseEnds.removeAll(keepingCapacity: true)

        let truth = config.purchase
        let spend = config.spend
        let acquisition = Double(config.acquisitionDays)
        let horizon = Double(config.observationDays)
        for _ in 0..<count {
            let lambda = rng.nextGamma(shape: truth.r, rate: truth.alpha)
            let p = rng.nextBeta(a: truth.a, b: truth.b)
            let customerNu = rng.nextGamma(shape: spend.q, rate: spend.v)
            let first = rng.nextUniform() * acquisition
            let death = SimulatedBlock.simulatePurchases(
                lambdaPerWeek: lambda, dropoutProbability: p, firstPurchase: first, horizon: horizon,
                using: &rng, into: &purchaseTimes)
            lambdaPerWeek.append(lambda)
            dropoutProbability.append(p)
            nu.append(customerNu)
            dropoutTime.append(death)
            purchaseEnds.append(purchaseTimes.count)
        }
    }

    /// Simulates one customer's purchases under the BG/NBD process (Fader, Hardie & Lee 2005).
    ///
    /// The customer is alive at the first purchase. Then, repeatedly: wait an exponential time
    /// with rate λ (per week, so λ/7 per day); if that passes the horizon, stop; otherwise
    /// record a purchase, after which the customer drops out with probability p.
    /// - Parameters:
    ///   - lambdaPerWeek: λ ≥ 0 (0 means no repeat purchases).
    ///   - dropoutProbability: p in [0, 1].
    ///   - firstPurchase: time of the first purchase, days since start, `< horizon`.
    ///   - horizon: end of observation, days since start (exclusive).
    ///   - rng: the random source.
    ///   - times: receives the purchase times, the first purchase included.
    /// - Returns: the dropout time (that of the last purchase), or `+infinity` when the customer
    ///   is still alive at the horizon.
    @inline(__always)
    static func simulatePurchases<G: RandomNumberGenerator>(
        lambdaPerWeek: Double, dropoutProbability: Double, firstPurchase: Double, horizon: Double,
        using rng: inout G, into times: inout [Double]
    ) -> Double {
        times.append(firstPurchase)
        let ratePerDay = lambdaPerWeek / 7
        var t = firstPurchase
        while true {
            t += rng.nextExponential(rate: ratePerDay)
            guard t < horizon else { return .infinity }
            times.append(t)
            if rng.nextBernoulli(probability: dropoutProbability) { return t }
        }
    }
}
