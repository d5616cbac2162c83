/// How well a purchase model fitted on a calibration period predicts the holdout period that
/// follows: the validation of Fader, Hardie & Lee (2005, Figure 4 and Table 2): actual vs
/// predicted holdout purchases by calibration frequency (0, 1, …, 7+), and error measures.
public struct HoldoutValidation: Sendable, Codable, Hashable {
    /// Customers of one calibration frequency.
    public struct Bin: Sendable, Codable, Hashable {
        /// "0", "1", …, "7+".
        public var frequency: String
        /// Customers in the bin.
        public var customers: Int
        /// Mean holdout purchases per customer.
        public var actual: Double
        /// Mean holdout purchases per customer the model predicts.
        public var predicted: Double
    }

    /// Model name as on the command line.
    public var model: String
    /// One bin per calibration frequency.
    public var bins: [Bin]
    /// Mean absolute and root-mean-square error of holdout purchases per customer.
    public var mae: Double
    public var rmse: Double
    /// Holdout purchases of all customers: actual.
    public var totalActual: Double
    /// Holdout purchases of all customers: predicted.
    public var totalPredicted: Double
    /// 100 (predicted − actual) / actual of the totals.
    public var percentErrorTotal: Double?

    enum CodingKeys: String, CodingKey {
        case model, bins, mae, rmse
        case totalActual = "total_actual", totalPredicted = "total_predicted", percentErrorTotal = "percent_error_total"
    }

    /// Validates `model` on a summary split with a calibration end.
    /// - Precondition: `summary.calibrationEnd != nil` (the holdout columns exist).
    public init<Model: PurchaseModel>(model: Model, name: String, summary: CustomerSummary, topBin: Int = 7) {
        precondition(summary.calibrationEnd != nil, "validation needs a calibration / holdout summary")
        let duration = summary.durationHoldout ?? 0
        let predicted = (0..<summary.count).map { i in
            model.conditionalExpectedPurchases(in: duration, frequency: Double(summary.frequency[i]),
                                               recency: summary.recency[i], age: summary.T[i])
        }
        self.init(name: name, frequency: summary.frequency.map(Int.init), predicted: predicted,
                  actual: summary.frequencyHoldout.map(Double.init), topBin: topBin)
    }

    /// Validation from each customer's calibration frequency, predicted and actual holdout
    /// purchases (any model, continuous or discrete time).
    /// - Precondition: the three arrays have the same length; `topBin` ≥ 1.
    public init(name: String, frequency: [Int], predicted: [Double], actual: [Double], topBin: Int = 7) {
        precondition(frequency.count == predicted.count && predicted.count == actual.count, "columns of different lengths")
        var count = [Int](repeating: 0, count: topBin + 1)
        var actualSum = [Double](repeating: 0, count: topBin + 1), predictedSum = actualSum
        var absolute = 0.0, squared = 0.0
        for i in frequency.indices {
            let (p, a) = (predicted[i], actual[i])
            let bin = min(frequency[i], topBin)
            count[bin] += 1
            actualSum[bin] += a
            predictedSum[bin] += p
            absolute += abs(p - a)
            squared += (p - a) * (p - a)
        }
        let n = Double(max(frequency.count, 1))
        self.model = name
        bins = (0...topBin).map { k in
            Bin(frequency: k == topBin ? "\(topBin)+" : "\(k)", customers: count[k],
                actual: count[k] > 0 ? actualSum[k] / Double(count[k]) : 0,
                predicted: count[k] > 0 ? predictedSum[k] / Double(count[k]) : 0)
        }
        mae = absolute / n
        rmse = (squared / n).squareRoot()
        totalActual = actualSum.reduce(0, +)
        totalPredicted = predictedSum.reduce(0, +)
        percentErrorTotal = totalActual > 0 ? 100 * (totalPredicted - totalActual) / totalActual : nil
    }
}
