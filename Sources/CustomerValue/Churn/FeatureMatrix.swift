/// Per-customer features and (when known) churn labels: the input of every churn learner.
///
/// Row-major and contiguous: row `i` occupies `values[i * columnCount ..< (i + 1) * columnCount]`.
/// Values are finite; a builder encodes a missing value explicitly (e.g. a 0 plus an indicator
/// column), so learners never meet NaN.
public struct FeatureMatrix: Sendable, Hashable {
    /// Column names, in order; they are the header of `--export-features`.
    public var featureNames: [String]
    /// The customer of each row.
    public var customerIDs: [String]
    /// `rowCount × columnCount` values, row-major.
    public var values: [Double]
    /// 1 when the customer churned (no purchase within the horizon after the cutoff), 0 when not;
    /// nil when the labels are unknown (scoring at the latest date).
    public var labels: [UInt8]?

    /// - Precondition: `values.count == customerIDs.count * featureNames.count`, and `labels`,
    ///   when given, has one entry per row.
    public init(featureNames: [String], customerIDs: [String], values: [Double], labels: [UInt8]? = nil) {
        precondition(values.count == customerIDs.count * featureNames.count, "values must hold rowCount × columnCount entries")
        precondition(labels.map { $0.count == customerIDs.count } ?? true, "one label per row")
        self.featureNames = featureNames
        self.customerIDs = customerIDs
        self.values = values
        self.labels = labels
    }

    public var rowCount: Int { customerIDs.count }
    public var columnCount: Int { featureNames.count }

    /// The value in row `row`, column `column`.
    @inline(__always)
    public subscript(row: Int, column: Int) -> Double { values[row * columnCount + column] }

    /// The rows `rows`, in that order (for train / validation splits).
    /// - Complexity: O(rows.count × columnCount).
    public func selecting(rows: [Int]) -> FeatureMatrix {
        var picked: [Double] = []
        picked.reserveCapacity(rows.count * columnCount)
        for r in rows { picked.append(contentsOf: values[r * columnCount ..< (r + 1) * columnCount]) }
        return FeatureMatrix(featureNames: featureNames, customerIDs: rows.map { customerIDs[$0] }, values: picked,
                             labels: labels.map { l in rows.map { l[$0] } })
    }
}
