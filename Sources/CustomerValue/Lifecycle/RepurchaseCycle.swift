/// Days between consecutive purchase days, per customer and over all customers.
///
/// Gaps are between distinct purchase days (same-day purchases are one purchase period), so
/// every gap is at least one day. Regularity is the coefficient of variation of a customer's
/// gaps, CV = s / mean with s the sample standard deviation (n − 1): 0 for perfectly regular
/// timing, about 1 for purchases at random (a Poisson process has exponential gaps, whose CV is
/// 1), above 1 for bursts followed by long pauses. It needs at least two gaps.
public struct RepurchaseCycle: Sendable, Hashable, Codable {
    /// Summary statistics of a set of gaps, in days.
    public struct Distribution: Sendable, Hashable, Codable {
        /// Number of gaps.
        public var gaps: Int
        public var mean: Double
        /// Quartiles by linear interpolation between order statistics (type 7, as R and NumPy).
        public var lowerQuartile: Double
        public var median: Double
        public var upperQuartile: Double
        public var minimum: Double
        public var maximum: Double
        /// Gap counts in day ranges.
        public var histogram: [Bin]

        enum CodingKeys: String, CodingKey {
            case gaps, mean, lowerQuartile = "lower_quartile", median, upperQuartile = "upper_quartile"
            case minimum, maximum, histogram
        }
    }

    /// Gaps of `lower...upper` days (no upper bound when `upper` is nil).
    public struct Bin: Sendable, Hashable, Codable {
        public var lower: Int
        public var upper: Int?
        public var count: Int
    }

    /// Lower bounds of the histogram bins, in days: 1–7, 8–14, 15–30, 31–60, 61–90, 91–180,
    /// 181–365, 366 and more.
    public static let binLowerBounds = [1, 8, 15, 31, 61, 91, 181, 366]

    /// All customers' gaps together; nil when no customer bought on two different days.
    public var overall: Distribution?
    /// Per customer (history order): number of gaps (purchase days − 1).
    public var gapCount: [Int]
    /// Per customer: mean gap in days; nil without a gap.
    public var meanGap: [Double?]
    /// Per customer: median gap in days; nil without a gap.
    public var medianGap: [Double?]
    /// Per customer: coefficient of variation of the gaps; nil with fewer than two gaps or a zero mean.
    public var coefficientOfVariation: [Double?]

    /// The repurchase cycle of every customer of `history`, counting purchases up to `asOf`
    /// (default: all).
    /// - Complexity: O(P log P) for P purchase periods (the overall quartiles sort all gaps).
    public init(history: TransactionHistory, asOf: CalendarDay? = nil) {
        let n = history.customerCount
        let limit = asOf?.ordinal ?? Int32.max
        gapCount = [Int](repeating: 0, count: n)
        meanGap = [Double?](repeating: nil, count: n)
        medianGap = [Double?](repeating: nil, count: n)
        coefficientOfVariation = [Double?](repeating: nil, count: n)
        var all: [Double] = []
        all.reserveCapacity(max(0, history.periodDay.count - n))
        var gaps: [Double] = []
        for c in 0..<n {
            let range = history.periods(of: c)
            gaps.removeAll(keepingCapacity: true)
            var previous: Int32?
            for j in range {
                let day = history.periodDay[j]
                if day > limit { break }
                if let previous { gaps.append(Double(day - previous)) }
                previous = day
            }
            guard !gaps.isEmpty else { continue }
            all.append(contentsOf: gaps)
            gapCount[c] = gaps.count
            let mean = gaps.reduce(0, +) / Double(gaps.count)
            meanGap[c] = mean
            if gaps.count >= 2, mean > 0 {
                let squares = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                coefficientOfVariation[c] = (squares / Double(gaps.count - 1)).squareRoot() / mean
            }
            medianGap[c] = Quantiles.median(&gaps)
        }
        overall = Self.distribution(of: &all)
    }

    /// The statistics of `gaps` (sorted in place); nil for none.
    public static func distribution(of gaps: inout [Double]) -> Distribution? {
        guard let first = gaps.first else { return nil }
        gaps.sort()
        var counts = [Int](repeating: 0, count: binLowerBounds.count)
        for gap in gaps {
            var k = binLowerBounds.count - 1
            while k > 0, gap < Double(binLowerBounds[k]) { k -= 1 }
            counts[k] += 1
        }
        let bins = binLowerBounds.indices.map { k in
            Bin(lower: binLowerBounds[k], upper: k + 1 < binLowerBounds.count ? binLowerBounds[k + 1] - 1 : nil, count: counts[k])
        }
        return Distribution(
            gaps: gaps.count, mean: gaps.reduce(0, +) / Double(gaps.count),
            lowerQuartile: Quantiles.quantile(sorted: gaps, 0.25), median: Quantiles.quantile(sorted: gaps, 0.5),
            upperQuartile: Quantiles.quantile(sorted: gaps, 0.75), minimum: gaps[0], maximum: gaps.last ?? first,
            histogram: bins)
    }

    enum CodingKeys: String, CodingKey {
        case overall, gapCount = "gap_count", meanGap = "mean_gap", medianGap = "median_gap"
        case coefficientOfVariation = "coefficient_of_variation"
    }
}
