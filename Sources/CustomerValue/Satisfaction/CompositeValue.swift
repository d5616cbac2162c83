import Foundation

/// How indicators are put on a common scale before they are weighted.
public enum IndicatorNormalization: String, Sendable, Hashable, Codable, CaseIterable {
    /// (x − min) / (max − min) ∈ [0, 1]; 0.5 for everyone when max = min.
    case minMax = "minmax"
    /// (x − mean) / standard deviation (population); 0 for everyone when it is 0.
    case zScore = "z"

    /// The normalised values; NaN (a missing value) stays NaN and is left out of min, max, mean and
    /// standard deviation.
    /// - Complexity: O(n).
    public func apply(_ values: [Double]) -> [Double] {
        let present = values.filter { !$0.isNaN }
        guard !present.isEmpty else { return values }
        switch self {
        case .minMax:
            let low = present.min() ?? 0, high = present.max() ?? 0
            return values.map { $0.isNaN ? .nan : (high > low ? ($0 - low) / (high - low) : 0.5) }
        case .zScore:
            let mean = present.reduce(0, +) / Double(present.count)
            let sd = (present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count)).squareRoot()
            return values.map { $0.isNaN ? .nan : (sd > 0 ? ($0 - mean) / sd : 0) }
        }
    }
}

/// One named indicator of a composite model, per customer (NaN = not known for that customer).
public struct ValueIndicator: Sendable, Hashable, Codable {
    public var name: String
    public var values: [Double]
    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
    /// Customers with a value.
    public var known: Int { values.reduce(0) { $0 + ($1.isNaN ? 0 : 1) } }
}

/// A weighted sum of normalised indicators: score_i = Σ_j w_j · x′_ij, with x′ the indicator
/// normalised by ``IndicatorNormalization`` and a missing x′ replaced by the mean of the known
/// x′ of that indicator (so a customer without a survey is neither rewarded nor punished).
///
/// A component that is itself an equal-weight mean of sub-indicators (loyalty, potential) is
/// built with ``CompositeValue/meanOfNormalized(_:normalization:)`` first.
public enum CompositeValue {
    /// The normalised values with missing ones replaced by the mean of the known ones (0 when
    /// none is known).
    public static func normalizedFilled(_ values: [Double], normalization: IndicatorNormalization) -> [Double] {
        let normalized = normalization.apply(values)
        let known = normalized.filter { !$0.isNaN }
        let fill = known.isEmpty ? 0 : known.reduce(0, +) / Double(known.count)
        return normalized.map { $0.isNaN ? fill : $0 }
    }

    /// Per customer, the mean of the sub-indicators' normalised values over those known for the
    /// customer; NaN when none is known.
    public static func meanOfNormalized(_ indicators: [[Double]], normalization: IndicatorNormalization) -> [Double] {
        guard let n = indicators.first?.count else { return [] }
        let normalized = indicators.map { normalization.apply($0) }
        return (0..<n).map { i in
            let known = normalized.map { $0[i] }.filter { !$0.isNaN }
            return known.isEmpty ? .nan : known.reduce(0, +) / Double(known.count)
        }
    }

    /// Σ_j w_j · x′_ij over components already on a common scale (no missing values).
    /// - Precondition: one weight per component, all components of equal length.
    public static func weightedSum(_ components: [[Double]], weights: [Double]) -> [Double] {
        precondition(components.count == weights.count, "one weight per component")
        guard let n = components.first?.count else { return [] }
        var score = [Double](repeating: 0, count: n)
        for (component, w) in zip(components, weights) {
            for i in 0..<n { score[i] += w * component[i] }
        }
        return score
    }
}

/// The customer value quadrant of current × potential value (high = strictly above the median of
/// all customers; when the median is the largest value, at or above it): retain high/high, develop low current / high potential, maintain high current /
/// low potential, let go low/low.
public enum ValueQuadrant: String, Sendable, Hashable, Codable, CaseIterable {
    case retain
    case develop
    case maintain
    case letGo = "let_go"

    /// The quadrant of a customer whose current and potential values are high or not.
    public init(highCurrent: Bool, highPotential: Bool) {
        switch (highCurrent, highPotential) {
        case (true, true): self = .retain
        case (false, true): self = .develop
        case (true, false): self = .maintain
        case (false, false): self = .letGo
        }
    }
}

/// One cell of the quadrant heat map.
public struct ValueQuadrantCell: Sendable, Hashable, Codable {
    public var quadrant: ValueQuadrant
    public var highCurrent: Bool
    public var highPotential: Bool
    public var customers: Int
    /// Share of all customers (0...1).
    public var share: Double
    /// Σ current value (the 12-month value) of the cell's customers.
    public var currentValue: Double
    /// Σ historical value (spend to date) of the cell's customers.
    public var historicalValue: Double

    enum CodingKeys: String, CodingKey {
        case quadrant, customers, share
        case highCurrent = "high_current", highPotential = "high_potential"
        case currentValue = "current_value", historicalValue = "historical_value"
    }
}

/// Quadrant assignment and its heat map.
public struct ValueQuadrants: Sendable, Hashable, Codable {
    /// Per customer.
    public var quadrant: [ValueQuadrant]
    /// Medians the axes are split at.
    public var currentSplit: Double
    public var potentialSplit: Double
    /// The four cells, in the order retain, develop, maintain, let go.
    public var cells: [ValueQuadrantCell]

    /// Assigns each customer to a quadrant by `current` and `potential` (high = strictly above
    /// the median, type 7) and sums each cell.
    /// - Complexity: O(n log n).
    public init(current: [Double], potential: [Double], historical: [Double]) {
        precondition(current.count == potential.count && current.count == historical.count, "one value per customer")
        currentSplit = Self.median(current)
        potentialSplit = Self.median(potential)
        // Ties at the top: when no value is above the median (it is the maximum), values equal to
        // it are high, so that an axis never has an empty high side while its values differ.
        let currentHigh = Self.highRule(current, split: currentSplit)
        let potentialHigh = Self.highRule(potential, split: potentialSplit)
        let assigned = zip(current, potential).map { ValueQuadrant(highCurrent: currentHigh($0), highPotential: potentialHigh($1)) }
        quadrant = assigned
        let n = current.count
        cells = ValueQuadrant.allCases.map { q in
            var cell = ValueQuadrantCell(quadrant: q, highCurrent: q == .retain || q == .maintain,
                                         highPotential: q == .retain || q == .develop, customers: 0, share: 0,
                                         currentValue: 0, historicalValue: 0)
            for i in 0..<n where assigned[i] == q {
                cell.customers += 1
                cell.currentValue += current[i]
                cell.historicalValue += historical[i]
            }
            cell.share = n > 0 ? Double(cell.customers) / Double(n) : 0
            return cell
        }
    }

    static func highRule(_ values: [Double], split: Double) -> @Sendable (Double) -> Bool {
        let anyAbove = values.contains { $0 > split }
        let anyBelow = values.contains { $0 < split }
        let inclusive = !anyAbove && anyBelow
        return { (x: Double) -> Bool in inclusive ? x >= split : x > split }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let h = Double(sorted.count - 1) * 0.5
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
