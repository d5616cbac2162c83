/// How many customers made 0, 1, 2, … repeat purchases in the calibration period, against the
/// number a fitted model expects: Σ_i P(X(T_i) = x) over the customers, each with their own
/// observation length T_i (Fader, Hardie & Lee 2005, "Counting your customers the easy way",
/// Figure 1). The last row gathers every count from `maxCount` up.
public struct RepeatPurchaseDistribution: Sendable, Codable, Hashable {
    /// One count of repeat purchases.
    public struct Row: Sendable, Codable, Hashable {
        /// "0", "1", …, "7+".
        public var repeatPurchases: String
        /// Customers with that count, and the number the model expects.
        public var actual: Double
        public var expected: Double

        enum CodingKeys: String, CodingKey {
            case actual, expected
            case repeatPurchases = "repeat_purchases"
        }
    }

    /// One row per repeat-purchase count, the last open-ended.
    public var rows: [Row]

    /// - Parameters:
    ///   - data: the calibration histories (x, t_x, T) with their counts.
    ///   - maxCount: the first count gathered into the last row, ≥ 1.
    ///   - probability: the model's P(X(t) = n) for a customer chosen at random.
    /// - Complexity: O(histories + distinct T × maxCount) probability evaluations.
    public init(data: PurchaseData, maxCount: Int, probability: (Int, Double) -> Double) {
        precondition(maxCount >= 1, "maxCount must be at least 1")
        var actual = [Double](repeating: 0, count: maxCount + 1)
        var customersByAge: [Double: Double] = [:]
        for h in 0..<data.histories {
            actual[min(Int(data.frequency[h]), maxCount)] += data.count[h]
            customersByAge[data.age[h], default: 0] += data.count[h]
        }
        var expected = [Double](repeating: 0, count: maxCount + 1)
        for (age, customers) in customersByAge {
            var below = 0.0
            for n in 0..<maxCount {
                let p = probability(n, age)
                expected[n] += customers * p
                below += p
            }
            // The tail: 1 − P(X < maxCount), never below 0 when rounding pushes the sum above 1.
            expected[maxCount] += customers * max(0, 1 - below)
        }
        rows = (0...maxCount).map { n in
            Row(repeatPurchases: n == maxCount ? "\(n)+" : "\(n)", actual: actual[n], expected: expected[n])
        }
    }
}
