/// The customer value matrix of Marcus (1998), "A practical yet meaningful approach to customer
/// segmentation", Journal of Consumer Marketing 15(5): purchase frequency against average order
/// value, each split at its median (or mean) over the customers, gives four cells:
///
/// | | AOV high | AOV low |
/// |---|---|---|
/// | **frequency high** | Best | Frequent ("small fish": small orders, often) |
/// | **frequency low** | Spenders ("whales": big orders, seldom) | Uncertain |
///
/// Frequency is F of RFM (orders in the trailing window); the average order value is the net
/// spend per order over the whole observation period (``RFMInput/averageOrderValue(_:)``), a
/// stable trait of a customer that also exists for those with no order in the window.
/// "High" means **strictly above** the split, so with a frequency median of 1 the customers with
/// one order are low and the repeat buyers high; a dimension in which all customers are equal is
/// low for everyone.
public struct ValueMatrix: Sendable, Hashable, Codable {
    /// Where each axis is split.
    public enum Split: String, Sendable, Hashable, Codable, CaseIterable {
        /// The median (the mean of the two middle values for an even count).
        case median
        /// The arithmetic mean.
        case mean
    }

    /// A cell of the matrix.
    public enum Cell: String, Sendable, Hashable, Codable, CaseIterable {
        case best, spenders, frequent, uncertain

        /// The cell's label.
        public var name: LocalizedText {
            switch self {
            case .best: return LocalizedText(en: "Best", zh: "最佳客户")
            case .spenders: return LocalizedText(en: "Spenders", zh: "高消费客户")
            case .frequent: return LocalizedText(en: "Frequent", zh: "高频客户")
            case .uncertain: return LocalizedText(en: "Uncertain", zh: "不确定客户")
            }
        }

        /// The cell of a customer above (`true`) or not above the frequency and AOV splits.
        public init(highFrequency: Bool, highValue: Bool) {
            switch (highFrequency, highValue) {
            case (true, true): self = .best
            case (false, true): self = .spenders
            case (true, false): self = .frequent
            case (false, false): self = .uncertain
            }
        }
    }

    /// Where each axis is split.
    public var split: Split

    /// A value matrix split at the median (default) or the mean.
    public init(split: Split = .median) { self.split = split }

    /// Puts every customer in a cell.
    /// - Parameters:
    ///   - input: the customers.
    ///   - playbook: the recommended action of each cell.
    /// - Complexity: O(n) expected (quickselect medians).
    public func classify(_ input: RFMInput, playbook: Playbook = .standard) -> ValueMatrixResult {
        classify(input, sortedFrequency: nil, playbook: playbook)
    }

    func classify(_ input: RFMInput, sortedFrequency: [Double]?, playbook: Playbook) -> ValueMatrixResult {
        let n = input.count
        var aov = [Double](repeating: 0, count: n)
        for i in 0..<n { aov[i] = input.averageOrderValue(i) }
        func splitValue(_ values: [Double], sorted: [Double]?) -> Double {
            guard !values.isEmpty else { return 0 }
            switch split {
            case .mean:
                return values.reduce(0, +) / Double(values.count)
            case .median:
                if let sorted {
                    let h = sorted.count / 2
                    return sorted.count % 2 == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2
                }
                var copy = values
                return Quantiles.median(&copy)
            }
        }
        func isConstant(_ values: [Double]) -> Bool {
            guard let first = values.first else { return true }
            return !values.contains { $0 != first }
        }
        let fSplit = splitValue(input.frequency, sorted: sortedFrequency)
        let aSplit = splitValue(aov, sorted: nil)
        // Without variance nobody is above (a mean may differ from the one value by rounding).
        let fBar = isConstant(input.frequency) ? Double.infinity : fSplit
        let aBar = isConstant(aov) ? Double.infinity : aSplit
        var cell = [UInt8](repeating: 0, count: n)
        var customers = [Int](repeating: 0, count: 4)
        var revenue = [Double](repeating: 0, count: 4)
        var frequencySum = [Double](repeating: 0, count: 4)
        var aovSum = [Double](repeating: 0, count: 4)
        let cells = Cell.allCases
        input.frequency.withUnsafeBufferPointer { f in
        input.monetary.withUnsafeBufferPointer { m in
        aov.withUnsafeBufferPointer { a in
        cell.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                let highF = f[i] > fBar, highA = a[i] > aBar
                // Index in Cell.allCases order: best, spenders, frequent, uncertain.
                let k = highF ? (highA ? 0 : 2) : (highA ? 1 : 3)
                out[i] = UInt8(k)
                customers[k] += 1
                revenue[k] += m[i]
                frequencySum[k] += f[i]
                aovSum[k] += a[i]
            }
        }}}}
        let totalRevenue = revenue.reduce(0, +)
        let summaries = cells.enumerated().map { k, c in
            ValueMatrixCellSummary(
                key: c.rawValue, name: c.name, customers: customers[k],
                share: n > 0 ? Double(customers[k]) / Double(n) : 0,
                revenue: revenue[k], revenueShare: totalRevenue != 0 ? revenue[k] / totalRevenue : 0,
                meanFrequency: customers[k] > 0 ? frequencySum[k] / Double(customers[k]) : 0,
                meanAverageOrderValue: customers[k] > 0 ? aovSum[k] / Double(customers[k]) : 0,
                split: split, frequencySplit: fSplit, averageOrderValueSplit: aSplit,
                action: playbook.valueMatrix[c.rawValue])
        }
        return ValueMatrixResult(cell: cell, split: split, frequencySplit: fSplit, averageOrderValueSplit: aSplit,
                                 cells: summaries)
    }
}

/// The value-matrix cell of every customer, in the order of the input.
public struct ValueMatrixResult: Sendable, Hashable, Codable {
    /// Index into ``ValueMatrix/Cell/allCases`` (best, spenders, frequent, uncertain).
    public var cell: [UInt8]
    /// Where each axis was split.
    public var split: ValueMatrix.Split
    /// The frequency a customer must exceed to be high.
    public var frequencySplit: Double
    /// The average order value a customer must exceed to be high.
    public var averageOrderValueSplit: Double
    /// The four cells in the order best, spenders, frequent, uncertain.
    public var cells: [ValueMatrixCellSummary]

    enum CodingKeys: String, CodingKey {
        case cell, split, frequencySplit = "frequency_split", averageOrderValueSplit = "average_order_value_split", cells
    }
}

/// One cell of the value matrix and its customers.
public struct ValueMatrixCellSummary: Sendable, Hashable, Codable {
    /// best, spenders, frequent or uncertain.
    public var key: String
    /// The cell label.
    public var name: LocalizedText
    /// Customers in the cell.
    public var customers: Int
    /// ``customers`` over all customers (0 for none).
    public var share: Double
    /// Spend in the window (M) of the cell's customers.
    public var revenue: Double
    /// ``revenue`` over all customers' revenue (0 when that is 0).
    public var revenueShare: Double
    /// Mean orders in the window.
    public var meanFrequency: Double
    /// Mean of the customers' average order values.
    public var meanAverageOrderValue: Double
    /// Where each axis was split.
    public var split: ValueMatrix.Split
    /// The frequency a customer must exceed to be high.
    public var frequencySplit: Double
    /// The average order value a customer must exceed to be high.
    public var averageOrderValueSplit: Double
    /// The recommended action.
    public var action: LocalizedText?

    enum CodingKeys: String, CodingKey {
        case key, name, customers, share, revenue, revenueShare = "revenue_share", meanFrequency = "mean_frequency"
        case meanAverageOrderValue = "mean_average_order_value", split, frequencySplit = "frequency_split"
        case averageOrderValueSplit = "average_order_value_split", action
    }
}
