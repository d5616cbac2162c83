import Foundation

/// How well churn scores rank and estimate the observed churn labels.
///
/// - `auc`: ROC AUC, the probability that a random churner scores above a random non-churner,
///   ties counting ½ (Hanley & McNeil 1982, Radiology 143); computed from average ranks as
///   (Σ ranks of positives − P(P + 1)/2) / (P·N) (Mann–Whitney U / (P·N)).
/// - `prAUC`: average precision, AP = Σ_k (R_k − R_{k−1}) · P_k over the distinct score
///   thresholds from the highest down, P_k and R_k the precision and recall of "score ≥ the k-th
///   threshold" (tied scores enter together; R_0 = 0). This is scikit-learn's
///   `average_precision_score`, a step-function area under the precision–recall curve without
///   interpolation.
/// - `brier`: mean of (score − label)² (Brier 1950, Monthly Weather Review 78).
/// - lift and capture at the top x%: the k = ⌈x·n⌉ highest scores (ties broken by row order);
///   lift = positive rate among them / overall positive rate; capture = their share of all positives.
/// - `calibration`: rows sorted by score and cut into 10 equal-count bins (bin b holds sorted
///   rows ⌊b·n/10⌋ ..< ⌊(b+1)·n/10⌋), each with its count, mean score and observed positive rate.
/// - `confusion`: "score ≥ threshold" as the predicted churners.
///
/// With no positive (or no negative) row, the ranking measures are nil and `notes` says why.
public struct ChurnEvaluation: Sendable, Codable, Hashable {
    /// One bin of the calibration table.
    public struct CalibrationBin: Sendable, Codable, Hashable {
        public var bin: Int
        public var count: Int
        public var meanPredicted: Double
        public var observedRate: Double
        enum CodingKeys: String, CodingKey {
            case bin, count
            case meanPredicted = "mean_predicted"
            case observedRate = "observed_rate"
        }
    }

    /// The confusion matrix of "score ≥ threshold".
    public struct Confusion: Sendable, Codable, Hashable {
        public var threshold: Double
        public var tp: Int
        public var fp: Int
        public var tn: Int
        public var fn: Int
        /// tp / (tp + fp); nil when nothing is predicted positive.
        public var precision: Double?
        /// tp / (tp + fn); nil without positives.
        public var recall: Double?

        /// Encodes the snake_case JSON fields of the output contract.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(threshold, forKey: .threshold)
            try c.encode(tp, forKey: .tp)
            try c.encode(fp, forKey: .fp)
            try c.encode(tn, forKey: .tn)
            try c.encode(fn, forKey: .fn)
            try c.encode(precision, forKey: .precision)
            try c.encode(recall, forKey: .recall)
        }
    }

    public var auc: Double?
    public var prAUC: Double?
    public var brier: Double
    public var liftAt10: Double?
    public var captureAt10: Double?
    public var liftAt20: Double?
    public var captureAt20: Double?
    public var calibration: [CalibrationBin]
    public var confusion: Confusion
    public var n: Int
    public var positives: Int
    /// Why a measure is missing, if one is.
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case auc, brier, calibration, confusion, n, positives, notes
        case prAUC = "pr_auc"
        case liftAt10 = "lift_at_10"
        case captureAt10 = "capture_at_10"
        case liftAt20 = "lift_at_20"
        case captureAt20 = "capture_at_20"
    }

    /// Evaluates `scores` (churn probabilities in 0...1) against `labels` (0/1).
    /// - Parameters:
    ///   - scores: one finite score per row.
    ///   - labels: one 0/1 label per row.
    ///   - threshold: scores at or above it count as predicted churn.
    /// - Precondition: `scores.count == labels.count > 0`.
    /// - Complexity: O(n log n).
    public init(scores: [Double], labels: [UInt8], threshold: Double = 0.5) {
        precondition(scores.count == labels.count && !scores.isEmpty, "one label per score, at least one row")
        let count = scores.count
        n = count
        let positiveCount = labels.reduce(0) { $0 + Int($1 > 0 ? 1 : 0) }
        positives = positiveCount
        let negatives = count - positiveCount
        notes = []
        var brierSum = 0.0
        for i in 0..<count { let e = scores[i] - Double(labels[i] > 0 ? 1 : 0); brierSum += e * e }
        brier = brierSum / Double(count)

        // Descending by score, ties by row order: the order of the top-x% lists.
        let descending = (0..<count).sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        if positives > 0, negatives > 0 {
            // Average ranks (1 = lowest score): a tie group spanning ranks a...b gets (a + b)/2.
            var rankSumPositives = 0.0
            var apSum = 0.0
            var start = 0, positivesSoFar = 0
            while start < count {
                var end = start
                var groupPositives = 0
                while end < count, scores[descending[end]] == scores[descending[start]] {
                    if labels[descending[end]] > 0 { groupPositives += 1 }
                    end += 1
                }
                // Descending positions start..<end are ascending ranks count − end + 1 ... count − start.
                let averageRank = Double((count - end + 1) + (count - start)) / 2
                rankSumPositives += averageRank * Double(groupPositives)
                positivesSoFar += groupPositives
                if groupPositives > 0 {
                    apSum += Double(groupPositives) / Double(positives) * Double(positivesSoFar) / Double(end)
                }
                start = end
            }
            let p = Double(positives)
            auc = (rankSumPositives - p * (p + 1) / 2) / (p * Double(negatives))
            prAUC = apSum
        } else {
            auc = nil
            prAUC = nil
            notes.append(positives == 0 ? "no positive (churned) rows: AUC and PR AUC are undefined"
                                        : "no negative rows: AUC and PR AUC are undefined")
        }

        func top(_ fraction: Double) -> (lift: Double?, capture: Double?) {
            guard positiveCount > 0 else { return (nil, nil) }
            let k = max(1, Int((Double(count) * fraction).rounded(.up)))
            var found = 0
            for r in 0..<k where labels[descending[r]] > 0 { found += 1 }
            let overall = Double(positiveCount) / Double(count)
            return ((Double(found) / Double(k)) / overall, Double(found) / Double(positiveCount))
        }
        (liftAt10, captureAt10) = top(0.1)
        (liftAt20, captureAt20) = top(0.2)
        if positives == 0 { notes.append("no positive rows: lift and capture are undefined") }

        var bins: [CalibrationBin] = []
        for b in 0..<10 {
            let lo = b * count / 10, hi = (b + 1) * count / 10
            guard hi > lo else { continue }
            var sum = 0.0, observed = 0
            // Ascending order is the descending one read backwards.
            for r in lo..<hi {
                let i = descending[count - 1 - r]
                sum += scores[i]
                if labels[i] > 0 { observed += 1 }
            }
            bins.append(CalibrationBin(bin: b + 1, count: hi - lo, meanPredicted: sum / Double(hi - lo),
                                       observedRate: Double(observed) / Double(hi - lo)))
        }
        calibration = bins

        var tp = 0, fp = 0, tn = 0, fn = 0
        for i in 0..<count {
            let predicted = scores[i] >= threshold, actual = labels[i] > 0
            switch (predicted, actual) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, false): tn += 1
            case (false, true): fn += 1
            }
        }
        confusion = Confusion(threshold: threshold, tp: tp, fp: fp, tn: tn, fn: fn,
                              precision: tp + fp > 0 ? Double(tp) / Double(tp + fp) : nil,
                              recall: tp + fn > 0 ? Double(tp) / Double(tp + fn) : nil)
    }

    /// Writes every key, a missing measure as null (so readers see the contract's keys always).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(auc, forKey: .auc)
        try c.encode(prAUC, forKey: .prAUC)
        try c.encode(brier, forKey: .brier)
        try c.encode(liftAt10, forKey: .liftAt10)
        try c.encode(captureAt10, forKey: .captureAt10)
        try c.encode(liftAt20, forKey: .liftAt20)
        try c.encode(captureAt20, forKey: .captureAt20)
        try c.encode(calibration, forKey: .calibration)
        try c.encode(confusion, forKey: .confusion)
        try c.encode(n, forKey: .n)
        try c.encode(positives, forKey: .positives)
        try c.encode(notes, forKey: .notes)
    }
}
