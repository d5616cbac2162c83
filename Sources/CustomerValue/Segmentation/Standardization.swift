/// Column scaling before clustering, so that no feature dominates the distances by its units.
///
/// - ``Method/zScore``: (x − mean) / standard deviation (population, divisor n).
/// - ``Method/robust``: (x − median) / interquartile range (type-7 quartiles), less moved by the
///   few very large spenders of customer data. Where the IQR is 0 but the column varies (say,
///   most customers with one order), the standard deviation is used instead and the column is
///   listed in ``scaleFallbacks``.
/// - ``Method/none``: the values as they are.
///
/// A column without variance (all values equal) carries no information for clustering: it is set
/// to 0 for every row (so it adds nothing to any distance) and listed in ``constantColumns``.
public struct Standardization: Sendable, Hashable, Codable {
    /// How columns are scaled.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        case zScore = "z", robust, none
    }

    /// The method.
    public var method: Method
    /// What is subtracted from each column (mean, median, or 0).
    public var centers: [Double]
    /// What each column is divided by after centring (1 for a constant column and for ``Method/none``).
    public var scales: [Double]
    /// Columns whose values are all equal (0-based).
    public var constantColumns: [Int]
    /// Robust scaling only: columns scaled by the standard deviation because their IQR is 0.
    public var scaleFallbacks: [Int]

    /// Learns centres and scales from the columns of `matrix`.
    /// - Parameters:
    ///   - method: the scaling.
    ///   - matrix: n × d, n ≥ 1, finite values.
    /// - Complexity: O(n · d) (plus quickselect for the robust quartiles).
    public init(method: Method, fitting matrix: Matrix) {
        let n = matrix.rows, d = matrix.columns
        self.method = method
        centers = Array(repeating: 0, count: d)
        scales = Array(repeating: 1, count: d)
        constantColumns = []
        scaleFallbacks = []
        for j in 0..<d {
            var column = [Double](repeating: 0, count: n)
            var mean = 0.0
            var low = Double.infinity, high = -Double.infinity
            for i in 0..<n {
                let v = matrix.elements[i * d + j]
                column[i] = v
                mean += v
                low = Swift.min(low, v)
                high = Swift.max(high, v)
            }
            guard n > 0, high > low else {
                constantColumns.append(j)
                centers[j] = n > 0 ? matrix.elements[j] : 0
                continue
            }
            mean /= Double(n)
            var squares = 0.0
            for v in column { squares += (v - mean) * (v - mean) }
            let sd = (squares / Double(n)).squareRoot()
            switch method {
            case .none:
                continue
            case .zScore:
                centers[j] = mean
                scales[j] = sd > 0 ? sd : 1
            case .robust:
                let sorted = Quantiles.sortedAscending(column)
                let iqr = Quantiles.quantile(sorted: sorted, 0.75) - Quantiles.quantile(sorted: sorted, 0.25)
                centers[j] = Quantiles.quantile(sorted: sorted, 0.5)
                if iqr > 0 {
                    scales[j] = iqr
                } else {
                    scales[j] = sd > 0 ? sd : 1
                    scaleFallbacks.append(j)
                }
            }
        }
    }

    /// The scaled matrix: (x − centre) / scale per column, 0 in constant columns (for
    /// ``Method/none`` the values unchanged).
    /// - Parameter matrix: n × d with the columns learnt from.
    /// - Complexity: O(n · d).
    public func apply(to matrix: Matrix) -> Matrix {
        precondition(matrix.columns == centers.count, "standardization learnt on \(centers.count) columns, applied to \(matrix.columns)")
        guard method != .none else { return matrix }
        let d = matrix.columns
        var elements = matrix.elements
        let constant = Set(constantColumns)
        let inverse = scales.map { 1 / $0 }
        for j in 0..<d where constant.contains(j) {
            for i in 0..<matrix.rows { elements[i * d + j] = 0 }
        }
        elements.withUnsafeMutableBufferPointer { e in
            for i in 0..<matrix.rows {
                for j in 0..<d where !constant.contains(j) {
                    e[i * d + j] = (e[i * d + j] - centers[j]) * inverse[j]
                }
            }
        }
        return Matrix(rows: matrix.rows, columns: d, elements: elements)
    }
}
