import Foundation

/// Every customer's predictions under a fitted purchase model (and optionally a Gamma-Gamma
/// spend model): probability alive, expected purchases in a horizon, expected spend per
/// purchase, CLV and the days until a purchase is as likely as not.
///
/// Everything but spend depends on the history (x, t_x, T) alone, so it is computed once per
/// distinct history of ``PurchaseData`` and shared by the customers who have it.
public struct CustomerPredictions: Sendable {
    /// P(alive) at the end of the observation, per customer.
    public var probabilityAlive: [Double]
    /// Conditional expected purchases in the horizon, per customer.
    public var expectedPurchases: [Double]
    /// Gamma-Gamma expected spend per purchase, per customer; nil without a spend model, NaN for
    /// a customer when the model has no finite mean (q ≤ 1).
    public var expectedSpend: [Double]?
    /// CLV over the horizon in months (``CustomerLifetimeValue``), per customer; nil without a
    /// spend model, NaN where ``expectedSpend`` is.
    public var lifetimeValue: [Double]?
    /// Days after the observation end by which the probability of at least one purchase,
    /// P(alive) × P(purchase by then | alive), reaches 50%
    /// (``PurchaseModel/timeToPurchase(probability:probabilityAlive:frequency:age:tolerance:)``, to
    /// within 0.01 day where it is solved numerically, as for Pareto/NBD); +∞ when it never does
    /// (always when P(alive) ≤ 0.5: the customer is more likely gone than not).
    public var daysToNextPurchase: [Double]

    /// Predictions for every customer of `data`.
    /// - Parameters:
    ///   - data: the customers' compressed histories, in model time units `unit`.
    ///   - monetary: each customer's mean repeat spend (for Gamma-Gamma), customer order.
    ///   - model: the fitted purchase model.
    ///   - spend: the fitted Gamma-Gamma model, if any.
    ///   - horizon: horizon of ``expectedPurchases`` in model units, ≥ 0.
    ///   - months: CLV horizon in months, ≥ 0; `discountRate` the monthly discount rate (> −1).
    /// - Complexity: O(distinct histories + customers), plus O(distinct (x, T) × months) hypergeometric
    ///   functions for models that factor out P(alive) (otherwise O(distinct histories × months)); two threads.
    public static func compute<Model: PurchaseModel>(
        data d: PurchaseData, monetary: [Double]?, model: Model, spend: GammaGamma?, horizon: Double,
        months: Int, discountRate: Double, unit: TimeUnit
    ) -> CustomerPredictions {
        let m = d.histories
        let parts = m >= 10_000 ? 2 : 1
        let withCLV = spend != nil
        // Per history: alive, expected, discounted purchases (CLV at spend 1), wait in days.
        // To 0.01 day (a date is the day it falls in, rounded up): cheap for models that solve for it.
        let dayTolerance = 0.01 / unit.days
        let daysUntilLikely: @Sendable (Double, Double, Double) -> Double = { alive, x, T in
            model.timeToPurchase(probability: 0.5, probabilityAlive: alive, frequency: x, age: T, tolerance: dayTolerance)
                .map { $0 * unit.days } ?? .infinity
        }
        let results = ParallelResults<[Double]>(count: parts)
        if model.expectedPurchasesIfAlive(in: 1, frequency: 0, age: 0) != nil {
            // Expected purchases is P(alive) times a function of (x, T): the hypergeometric terms
            // (one per horizon and CLV month) are computed once per distinct (x, T), which
            // customers share far more than whole histories.
            let pairs = PairIndex(first: d.frequency, second: d.age)
            let k = pairs.firstValues.count
            let ifAlive = ParallelResults<[Double]>(count: parts)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (part * k / parts)..<((part + 1) * k / parts)
                var values = [Double](repeating: 0, count: 2 * range.count)
                for (j, key) in range.enumerated() {
                    let (x, T) = (pairs.firstValues[key], pairs.secondValues[key])
                    values[2 * j] = model.expectedPurchasesIfAlive(in: horizon, frequency: x, age: T) ?? .nan
                    if withCLV {
                        values[2 * j + 1] = CustomerLifetimeValue.value(
                            expectedPurchases: { model.expectedPurchasesIfAlive(in: $0, frequency: x, age: T) ?? .nan },
                            spend: 1, months: months, discountRate: discountRate, unit: unit)
                    }
                }
                ifAlive.set(part, values)
            }
            let perPair = (0..<parts).flatMap { (try? ifAlive.value($0)) ?? [] }
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (part * m / parts)..<((part + 1) * m / parts)
                var values = [Double](repeating: 0, count: 4 * range.count)
                for (k, h) in range.enumerated() {
                    let j = Int(pairs.index[h])
                    let alive = model.probabilityAlive(frequency: d.frequency[h], recency: d.recency[h], age: d.age[h])
                    values[4 * k] = alive
                    values[4 * k + 1] = alive * perPair[2 * j]
                    values[4 * k + 2] = alive * perPair[2 * j + 1]
                    values[4 * k + 3] = daysUntilLikely(alive, d.frequency[h], d.age[h])
                }
                results.set(part, values)
            }
        } else {
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (part * m / parts)..<((part + 1) * m / parts)
                var values = [Double](repeating: 0, count: 4 * range.count)
                for (k, h) in range.enumerated() {
                    let (x, tx, T) = (d.frequency[h], d.recency[h], d.age[h])
                    let alive = model.probabilityAlive(frequency: x, recency: tx, age: T)
                    values[4 * k] = alive
                    values[4 * k + 1] = model.conditionalExpectedPurchases(in: horizon, frequency: x, recency: tx, age: T)
                    if withCLV {
                        values[4 * k + 2] = CustomerLifetimeValue.value(
                            expectedPurchases: { model.conditionalExpectedPurchases(in: $0, frequency: x, recency: tx, age: T) },
                            spend: 1, months: months, discountRate: discountRate, unit: unit)
                    }
                    values[4 * k + 3] = daysUntilLikely(alive, x, T)
                }
                results.set(part, values)
            }
        }
        let perHistory = (0..<parts).flatMap { (try? results.value($0)) ?? [] }
        let n = d.historyOfCustomer.count
        var alive = [Double](repeating: 0, count: n), expected = alive, wait = alive
        var spendValue: [Double]? = spend == nil ? nil : alive
        var clv: [Double]? = spendValue
        for i in 0..<n {
            let h = Int(d.historyOfCustomer[i])
            alive[i] = perHistory[4 * h]
            expected[i] = perHistory[4 * h + 1]
            wait[i] = perHistory[4 * h + 3]
            if let spend {
                let s = spend.conditionalExpectedSpend(frequency: d.frequency[h], monetary: monetary?[i] ?? 0) ?? .nan
                spendValue?[i] = s
                clv?[i] = s * perHistory[4 * h + 2]
            }
        }
        return CustomerPredictions(probabilityAlive: alive, expectedPurchases: expected, expectedSpend: spendValue,
                                   lifetimeValue: clv, daysToNextPurchase: wait)
    }
}

/// Indexes of the distinct pairs of two columns (for instance (x, T) of the histories).
struct PairIndex: Sendable {
    var firstValues: [Double] = []
    var secondValues: [Double] = []
    var index: [Int32] = []

    init(first: [Double], second: [Double]) {
        var table = HistoryTable()
        index.reserveCapacity(first.count)
        for (a, b) in zip(first, second) {
            let k = table.find(x: a, tx: 0, T: b, next: Int32(firstValues.count))
            if Int(k) == firstValues.count {
                firstValues.append(a)
                secondValues.append(b)
            }
            index.append(k)
        }
    }
}
