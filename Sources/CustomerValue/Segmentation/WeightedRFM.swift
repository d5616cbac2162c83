import Foundation

/// The weighted normalised RFM score of CRM practice (references.md, RFM), with value tiers.
///
/// R, F and M are min-max normalised to 0…1 over the customers, recency reversed:
/// R′ = (max R − R)/(max R − min R), F′ = (F − min F)/(max F − min F), M′ likewise; the score is
/// wR·R′ + wF·F′ + wM·M′ (default 0.3, 0.4, 0.3). A customer is in the first tier whose threshold
/// the score reaches: with the default thresholds 0.8 and 0.5, ≥ 0.8 高价值客户 (high value),
/// ≥ 0.5 潜力客户 (potential), else 流失风险客户 (churn risk); a third threshold adds 一般客户
/// (general) between potential and churn risk.
///
/// - **Log transform** (optional): F and M become sign(x)·ln(1 + |x|) before normalising. Spend
///   is skewed, so min-max on raw spend puts almost every customer near 0 and few reach the top
///   tiers; the logarithm spreads them. The result always reports how the tiers shift between
///   the two (``TierSummary/customersWithoutLog``, ``TierSummary/customersWithLog``,
///   ``TierSummary/toWithLog``), whichever is in force.
/// - **No variance**: when every customer has the same value in a dimension, its normalised
///   value is 0.5 for everyone (the middle of the scale: the dimension tells no one apart), and
///   ``WeightedRFMResult/constantDimensions`` names it.
/// - A score less than 1e-9 below a threshold counts as reaching it, so a score that is exactly
///   0.8 by hand is not demoted by rounding.
public struct WeightedRFM: Sendable, Hashable, Codable {
    /// The weights of R′, F′ and M′: each ≥ 0, summing to 1.
    public struct Weights: Sendable, Hashable, Codable {
        /// wR, the weight of R′.
        public var recency: Double
        /// wF, the weight of F′.
        public var frequency: Double
        /// wM, the weight of M′.
        public var monetary: Double

        /// Weights as given; ``WeightedRFM/init(weights:thresholds:logTransform:)`` checks them.
        public init(recency: Double, frequency: Double, monetary: Double) {
            self.recency = recency
            self.frequency = frequency
            self.monetary = monetary
        }

        /// 0.3, 0.4, 0.3 (references.md).
        public static let standard = Weights(recency: 0.3, frequency: 0.4, monetary: 0.3)
    }

    /// A value tier: a name and the lowest score in it (nil for the last tier, which takes the rest).
    public struct Tier: Sendable, Hashable, Codable {
        /// Stable key: high_value, potential, general or churn_risk.
        public var key: String
        /// The tier label.
        public var name: LocalizedText
        /// The lowest score in the tier; nil for the last tier.
        public var lowerBound: Double?

        enum CodingKeys: String, CodingKey { case key, name, lowerBound = "lower_bound" }

        /// A tier from its fields.
        public init(key: String, name: LocalizedText, lowerBound: Double?) {
            self.key = key
            self.name = name
            self.lowerBound = lowerBound
        }
    }

    /// The weights of R′, F′ and M′.
    public var weights: Weights
    /// Lower bounds of the tiers above the last, strictly decreasing, in (0, 1].
    public var thresholds: [Double]
    /// Whether F and M are log-transformed before normalising.
    public var logTransform: Bool

    enum CodingKeys: String, CodingKey { case weights, thresholds, logTransform = "log_transform" }

    /// Slack below a threshold that still reaches it (rounding of hand-exact scores).
    static let tolerance = 1e-9

    /// - Parameters:
    ///   - weights: each ≥ 0, summing to 1 within 1e-9.
    ///   - thresholds: 2 (high value, potential, churn risk) or 3 (adding general) values in
    ///     (0, 1], strictly decreasing.
    ///   - logTransform: log-transform F and M before normalising.
    /// - Throws: ``SegmentationError`` for weights or thresholds outside those rules.
    public init(weights: Weights = .standard, thresholds: [Double] = [0.8, 0.5], logTransform: Bool = false) throws {
        let w = [weights.recency, weights.frequency, weights.monetary]
        guard w.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw SegmentationError("weights must be numbers ≥ 0, got \(Self.list(w))")
        }
        let sum = w.reduce(0, +)
        guard abs(sum - 1) <= 1e-9 else {
            throw SegmentationError("weights must sum to 1, got \(Self.list(w)) (sum \(sum))")
        }
        guard thresholds.count == 2 || thresholds.count == 3 else {
            throw SegmentationError("give 2 thresholds (high value, potential) or 3 (adding general), got \(thresholds.count): \(Self.list(thresholds))")
        }
        guard thresholds.allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 1 }) else {
            throw SegmentationError("thresholds must lie in (0, 1], got \(Self.list(thresholds))")
        }
        guard zip(thresholds, thresholds.dropFirst()).allSatisfy({ $0 > $1 }) else {
            throw SegmentationError("thresholds must be in decreasing order (high value first), e.g. 0.8,0.5; got \(Self.list(thresholds))")
        }
        self.weights = weights
        self.thresholds = thresholds
        self.logTransform = logTransform
    }

    init(uncheckedWeights weights: Weights, thresholds: [Double], logTransform: Bool) {
        self.weights = weights
        self.thresholds = thresholds
        self.logTransform = logTransform
    }

    /// Weights 0.3, 0.4, 0.3, thresholds 0.8 and 0.5, no log transform.
    public static let standard = WeightedRFM(uncheckedWeights: .standard, thresholds: [0.8, 0.5], logTransform: false)

    static func list(_ values: [Double]) -> String { values.map { "\($0)" }.joined(separator: ",") }

    /// 高价值客户, the first tier.
    public static let highValue = Tier(key: "high_value", name: LocalizedText(en: "High Value", zh: "高价值客户"), lowerBound: nil)
    /// 潜力客户, the second tier.
    public static let potential = Tier(key: "potential", name: LocalizedText(en: "Potential", zh: "潜力客户"), lowerBound: nil)
    /// 一般客户, the third tier when a third threshold is given.
    public static let general = Tier(key: "general", name: LocalizedText(en: "General", zh: "一般客户"), lowerBound: nil)
    /// 流失风险客户, the last tier.
    public static let churnRisk = Tier(key: "churn_risk", name: LocalizedText(en: "Churn Risk", zh: "流失风险客户"), lowerBound: nil)

    /// The tiers, best first, with their lower bounds.
    public var tiers: [Tier] {
        let named = thresholds.count == 3 ? [Self.highValue, Self.potential, Self.general] : [Self.highValue, Self.potential]
        var tiers = zip(named, thresholds).map { tier, bound in
            var t = tier
            t.lowerBound = bound
            return t
        }
        tiers.append(Self.churnRisk)
        return tiers
    }

    /// The index (in ``tiers``) of the tier of `score`.
    @inline(__always)
    public func tierIndex(_ score: Double) -> Int {
        for (k, bound) in thresholds.enumerated() where score >= bound - Self.tolerance { return k }
        return thresholds.count
    }

    /// sign(x)·ln(1 + |x|): the log transform, defined for negative net spend as well.
    @inline(__always)
    static func logTransformed(_ x: Double) -> Double {
        x < 0 ? -log1p(-x) : log1p(x)
    }

    /// Scores every customer and puts each in a tier.
    /// - Parameters:
    ///   - input: the customers.
    ///   - playbook: the recommended action of each tier.
    /// - Complexity: O(n).
    public func score(_ input: RFMInput, playbook: Playbook = .standard) -> WeightedRFMResult {
        let n = input.count
        let ranges = WeightedRFMResult.Ranges(input)
        let tiers = self.tiers
        let tierCount = tiers.count
        var scores = [Double](repeating: 0, count: n)
        var tierOf = [UInt8](repeating: 0, count: n)
        // transitions[a * tierCount + b]: customers in tier a without the log, tier b with it.
        var transitions = [Int](repeating: 0, count: tierCount * tierCount)
        // Scale factors, 0 for a dimension without variance, whose normalised value is 0.5.
        func scale(_ lo: Double, _ hi: Double) -> (Double, Double) { hi > lo ? (lo, 1 / (hi - lo)) : (lo, 0) }
        let (_, rScale) = scale(ranges.recency.min, ranges.recency.max)
        let (fLo, fScale) = scale(ranges.frequency.min, ranges.frequency.max)
        let (mLo, mScale) = scale(ranges.monetary.min, ranges.monetary.max)
        // The log is increasing, so the transformed ranges are the transformed raw ranges.
        let (fLogLo, fLogScale) = scale(Self.logTransformed(ranges.frequency.min), Self.logTransformed(ranges.frequency.max))
        let (mLogLo, mLogScale) = scale(Self.logTransformed(ranges.monetary.min), Self.logTransformed(ranges.monetary.max))
        let rHi = ranges.recency.max
        let wR = weights.recency, wF = weights.frequency, wM = weights.monetary
        let useLog = logTransform
        input.recencyDays.withUnsafeBufferPointer { r in
        input.frequency.withUnsafeBufferPointer { f in
        input.monetary.withUnsafeBufferPointer { m in
        scores.withUnsafeMutableBufferPointer { out in
        tierOf.withUnsafeMutableBufferPointer { tierOut in
            for i in 0..<n {
                let rNorm = rScale > 0 ? (rHi - r[i]) * rScale : 0.5
                let fNorm = fScale > 0 ? (f[i] - fLo) * fScale : 0.5
                let mNorm = mScale > 0 ? (m[i] - mLo) * mScale : 0.5
                let fLogNorm = fLogScale > 0 ? (Self.logTransformed(f[i]) - fLogLo) * fLogScale : 0.5
                let mLogNorm = mLogScale > 0 ? (Self.logTransformed(m[i]) - mLogLo) * mLogScale : 0.5
                let linear = wR * rNorm + wF * fNorm + wM * mNorm
                let logged = wR * rNorm + wF * fLogNorm + wM * mLogNorm
                let a = tierIndex(linear), b = tierIndex(logged)
                transitions[a * tierCount + b] += 1
                out[i] = useLog ? logged : linear
                tierOut[i] = UInt8(useLog ? b : a)
            }
        }}}}}
        var summaries: [TierSummary] = []
        for (a, tier) in tiers.enumerated() {
            let row = Array(transitions[(a * tierCount)..<((a + 1) * tierCount)])
            let withoutLog = row.reduce(0, +)
            let withLog = (0..<tierCount).reduce(0) { $0 + transitions[$1 * tierCount + a] }
            let customers = useLog ? withLog : withoutLog
            summaries.append(TierSummary(
                key: tier.key, name: tier.name, lowerBound: tier.lowerBound, customers: customers,
                share: n > 0 ? Double(customers) / Double(n) : 0,
                customersWithoutLog: withoutLog, customersWithLog: withLog, toWithLog: row,
                action: playbook.tiers[tier.key]))
        }
        var constant: [RFMDimension] = []
        if rScale == 0 && n > 0 { constant.append(.recency) }
        if fScale == 0 && n > 0 { constant.append(.frequency) }
        if mScale == 0 && n > 0 { constant.append(.monetary) }
        return WeightedRFMResult(score: scores, tier: tierOf, tiers: summaries, ranges: ranges,
                                 constantDimensions: constant, logTransform: logTransform)
    }
}

/// Weighted RFM scores and tiers of every customer, in the order of the input.
public struct WeightedRFMResult: Sendable, Hashable, Codable {
    /// The raw (untransformed) minimum and maximum of one dimension.
    public struct Range: Sendable, Hashable, Codable {
        /// The smallest value.
        public var min: Double
        /// The largest value.
        public var max: Double
    }

    /// The raw ranges behind the normalisation.
    public struct Ranges: Sendable, Hashable, Codable {
        /// Days since the last purchase.
        public var recency: Range
        /// Orders in the window.
        public var frequency: Range
        /// Spend in the window.
        public var monetary: Range

        /// The ranges of `input` (all 0 for no customers).
        /// - Complexity: O(n).
        init(_ input: RFMInput) {
            func range(_ values: [Double]) -> Range {
                guard var lo = values.first else { return Range(min: 0, max: 0) }
                var hi = lo
                for v in values {
                    lo = Swift.min(lo, v)
                    hi = Swift.max(hi, v)
                }
                return Range(min: lo, max: hi)
            }
            recency = range(input.recencyDays)
            frequency = range(input.frequency)
            monetary = range(input.monetary)
        }
    }

    /// The score in 0…1, with the transform in force.
    public var score: [Double]
    /// Index into ``tiers`` of each customer's tier.
    public var tier: [UInt8]
    /// The tiers, best first, with their customers under both transforms.
    public var tiers: [TierSummary]
    /// The raw ranges behind the normalisation.
    public var ranges: Ranges
    /// Dimensions in which every customer has the same value (normalised to 0.5).
    public var constantDimensions: [RFMDimension]
    /// Whether F and M were log-transformed.
    public var logTransform: Bool

    enum CodingKeys: String, CodingKey {
        case score, tier, tiers, ranges, constantDimensions = "constant_dimensions", logTransform = "log_transform"
    }
}

/// One value tier and its customers.
public struct TierSummary: Sendable, Hashable, Codable {
    /// high_value, potential, general or churn_risk.
    public var key: String
    /// The tier label.
    public var name: LocalizedText
    /// The lowest score in the tier; nil for the last tier.
    public var lowerBound: Double?
    /// Customers in the tier under the transform in force.
    public var customers: Int
    /// ``customers`` over all customers (0 for none).
    public var share: Double
    /// Customers in the tier without the log transform.
    public var customersWithoutLog: Int
    /// Customers in the tier with F and M log-transformed.
    public var customersWithLog: Int
    /// This tier's customers without the log transform, by their tier with it (in tier order).
    public var toWithLog: [Int]
    /// The recommended action.
    public var action: LocalizedText?

    enum CodingKeys: String, CodingKey {
        case key, name, lowerBound = "lower_bound", customers, share
        case customersWithoutLog = "customers_without_log", customersWithLog = "customers_with_log"
        case toWithLog = "to_with_log", action
    }

    /// Encodes every field, the last tier's lower bound as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(name, forKey: .name)
        try c.encode(lowerBound, forKey: .lowerBound)   // null for the last tier
        try c.encode(customers, forKey: .customers)
        try c.encode(share, forKey: .share)
        try c.encode(customersWithoutLog, forKey: .customersWithoutLog)
        try c.encode(customersWithLog, forKey: .customersWithLog)
        try c.encode(toWithLog, forKey: .toWithLog)
        try c.encode(action, forKey: .action)
    }
}
