import Foundation

/// Why one customer's churn score is what it is: the features that raise it most and those that
/// lower it most, as additive contributions on the log-odds scale.
///
/// For ``LogisticRegression`` a contribution is w_j · z_j (coefficient × standardised value),
/// and `baseline` + Σ contributions is the logit; for ``GradientBoostedTrees`` it is the
/// path-based (Saabas) contribution, and `baseline` + Σ contributions is the raw score.
public struct FactorExplanation: Sendable, Codable, Hashable {
    /// One feature's share of a score.
    public struct Factor: Sendable, Codable, Hashable {
        public var feature: String
        /// Change of the log-odds attributed to the feature.
        public var contribution: Double
        /// The customer's value of the feature.
        public var value: Double
    }

    public var customerID: String
    /// The log-odds score the contributions add up to (with `baseline`).
    public var score: Double
    /// σ(score): the churn probability.
    public var probability: Double
    /// The score before any feature: the logistic intercept, or the trees' bias.
    public var baseline: Double
    /// Up to k factors with a positive contribution, largest first.
    public var raising: [Factor]
    /// Up to k factors with a negative contribution, most negative first.
    public var lowering: [Factor]

    enum CodingKeys: String, CodingKey {
        case score, probability, baseline, raising, lowering
        case customerID = "customer_id"
    }

    /// Picks the top `k` raising and lowering factors from a full contribution vector.
    /// - Parameters:
    ///   - contributions: one per feature, log-odds.
    ///   - values: the row's feature values.
    ///   - featureNames: the names, in column order.
    ///   - baseline: the score with no contribution.
    ///   - k: factors per side (≥ 0).
    /// - Complexity: O(d log d).
    public init(customerID: String, contributions: [Double], values: ArraySlice<Double>, featureNames: [String], baseline: Double, k: Int) {
        precondition(contributions.count == featureNames.count && values.count == featureNames.count, "one contribution and value per feature")
        let valueArray = Array(values)
        let factors = featureNames.indices.map { Factor(feature: featureNames[$0], contribution: contributions[$0], value: valueArray[$0]) }
        self.customerID = customerID
        score = contributions.reduce(baseline, +)
        probability = 1 / (1 + Foundation.exp(-score))
        self.baseline = baseline
        // Ties by column order, so the list is reproducible.
        raising = Array(factors.enumerated().filter { $0.element.contribution > 0 }
            .sorted { $0.element.contribution != $1.element.contribution ? $0.element.contribution > $1.element.contribution : $0.offset < $1.offset }
            .prefix(k).map(\.element))
        lowering = Array(factors.enumerated().filter { $0.element.contribution < 0 }
            .sorted { $0.element.contribution != $1.element.contribution ? $0.element.contribution < $1.element.contribution : $0.offset < $1.offset }
            .prefix(k).map(\.element))
    }
}

/// The weight of one feature in a model, over all customers.
public struct FeatureImportance: Sendable, Codable, Hashable {
    public var feature: String
    /// Share of the model's total, in 0...1; the shares sum to 1.
    public var importance: Double
}

/// Normalises non-negative weights to shares and lists them largest first (ties by column order).
func rankedImportance(_ names: [String], _ weights: [Double]) -> [FeatureImportance] {
    let total = weights.reduce(0, +)
    return names.indices
        .map { (k: $0, share: total > 0 ? weights[$0] / total : 0) }
        .sorted { $0.share != $1.share ? $0.share > $1.share : $0.k < $1.k }
        .map { FeatureImportance(feature: names[$0.k], importance: $0.share) }
}

extension LogisticRegression {
    /// The top `k` factors raising and lowering the risk of row `row` of `m`.
    public func explain(_ m: FeatureMatrix, row: Int, k: Int = 3) -> FactorExplanation {
        FactorExplanation(customerID: m.customerIDs[row], contributions: contributions(m, row: row),
                          values: m.values[row * m.columnCount ..< (row + 1) * m.columnCount],
                          featureNames: featureNames, baseline: intercept, k: k)
    }

    /// Global importance: |w_j| per standard deviation, as shares (the change of the logit for a
    /// one-SD change of each feature; comparable across features because of the standardisation).
    public var globalImportance: [FeatureImportance] {
        rankedImportance(featureNames, standardizedCoefficients.map { abs($0) })
    }
}

extension GradientBoostedTrees {
    /// The top `k` factors raising and lowering the risk of row `row` of `m`.
    public func explain(_ m: FeatureMatrix, row: Int, k: Int = 3) -> FactorExplanation {
        FactorExplanation(customerID: m.customerIDs[row], contributions: contributions(m, row: row),
                          values: m.values[row * m.columnCount ..< (row + 1) * m.columnCount],
                          featureNames: featureNames, baseline: bias, k: k)
    }

    /// Global importance: each feature's total split gain over all trees, as shares.
    public var globalImportance: [FeatureImportance] { rankedImportance(featureNames, featureImportance) }
}

/// Either learner, behind one interface for commands that let the user choose.
public enum ChurnModel: Sendable, Codable, Hashable {
    case logistic(LogisticRegression)
    case gradientBoostedTrees(GradientBoostedTrees)

    /// Churn probabilities of every row of `m`.
    public func predict(_ m: FeatureMatrix) -> [Double] {
        switch self {
        case .logistic(let model): model.predict(m)
        case .gradientBoostedTrees(let model): model.predict(m)
        }
    }

    /// Per-feature log-odds contributions of row `row` (see ``FactorExplanation``).
    public func contributions(_ m: FeatureMatrix, row: Int) -> [Double] {
        switch self {
        case .logistic(let model): model.contributions(m, row: row)
        case .gradientBoostedTrees(let model): model.contributions(m, row: row)
        }
    }

    /// The top `k` factors raising and lowering the risk of row `row`.
    public func explain(_ m: FeatureMatrix, row: Int, k: Int = 3) -> FactorExplanation {
        switch self {
        case .logistic(let model): model.explain(m, row: row, k: k)
        case .gradientBoostedTrees(let model): model.explain(m, row: row, k: k)
        }
    }

    /// Global feature importance, largest first.
    public var globalImportance: [FeatureImportance] {
        switch self {
        case .logistic(let model): model.globalImportance
        case .gradientBoostedTrees(let model): model.globalImportance
        }
    }
}
