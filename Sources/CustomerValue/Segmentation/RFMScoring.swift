/// Quantile RFM scores: R, F and M each scored 1…k over the customers (k = ``bins``, 5 by
/// default, 3–10 allowed), the recency score reversed so that the most recent customers score k.
/// R, F and M are defined in references.md (RFM) and taken from ``RFMInput``.
///
/// The method, precisely:
/// - **Cut-points**: for each dimension the k − 1 values c_j = Q(j/k), j = 1…k−1, where Q is the
///   type 7 quantile of Hyndman & Fan (1996) — linear interpolation between order statistics, the
///   default of R and NumPy: with the n values sorted x₀ ≤ … ≤ x₍ₙ₋₁₎ and h = (n − 1)·p,
///   Q(p) = x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋).
/// - **Score**: a value v scores s(v) = 1 + (number of cut-points strictly below v). The score is
///   a function of the value, so **customers with equal values always share a score**, and it is
///   monotone in the value. The smallest value always scores 1. When many customers share a
///   value (say 60% with F = 0), several cut-points coincide and some scores are not used
///   (here F = 0 scores 1 and the next value jumps to 4): the score still says where in the
///   distribution a value lies.
/// - **Recency** is days since the last purchase, scored with the same rule on the days and then
///   reversed, R = k + 1 − s(days): the customers with the fewest days score k.
/// - **No variance**: when every customer has the same value in a dimension (and its
///   cut-points are quantiles), everyone gets the middle score ⌊(k + 1)/2⌋ (3 for k = 5) in that
///   dimension — a dimension that does not tell customers apart should push nobody to the top or
///   the bottom. ``RFMScores/constantDimensions`` names such dimensions.
/// - **Fixed cut-points** may be given per dimension instead of quantiles (k − 1 values in
///   strictly increasing order; for recency in days, the score then reversed as above); the rule
///   s(v) then applies as it stands, also to a constant column.
public struct RFMScoring: Sendable, Hashable, Codable {
    /// The allowed numbers of bins.
    public static let allowedBins = 3...10

    /// k, the highest score.
    public var bins: Int
    /// Cut-points given by the user per dimension; nil for quantiles.
    public var recencyCutpoints: [Double]?
    /// Fixed frequency cut-points (orders), or nil.
    public var frequencyCutpoints: [Double]?
    /// Fixed monetary cut-points (spend), or nil.
    public var monetaryCutpoints: [Double]?

    enum CodingKeys: String, CodingKey {
        case bins, recencyCutpoints = "recency_cutpoints", frequencyCutpoints = "frequency_cutpoints"
        case monetaryCutpoints = "monetary_cutpoints"
    }

    /// - Parameters:
    ///   - bins: k, the number of scores, 3…10.
    ///   - recencyCutpoints: fixed cut-points in days (k − 1 values, strictly increasing), or nil.
    ///   - frequencyCutpoints: fixed cut-points in orders, or nil.
    ///   - monetaryCutpoints: fixed cut-points in spend, or nil.
    /// - Throws: ``SegmentationError`` for bins outside 3…10 or cut-points that are not k − 1
    ///   finite, strictly increasing values.
    public init(bins: Int = 5, recencyCutpoints: [Double]? = nil, frequencyCutpoints: [Double]? = nil,
                monetaryCutpoints: [Double]? = nil) throws {
        guard Self.allowedBins.contains(bins) else {
            throw SegmentationError("bins must be from 3 to 10, got \(bins)")
        }
        for (dimension, cuts) in [(RFMDimension.recency, recencyCutpoints), (.frequency, frequencyCutpoints),
                                  (.monetary, monetaryCutpoints)] {
            guard let cuts else { continue }
            guard cuts.count == bins - 1 else {
                throw SegmentationError("\(dimension.rawValue) cut-points: \(bins) bins need \(bins - 1) cut-points, got \(cuts.count)")
            }
            guard cuts.allSatisfy(\.isFinite), zip(cuts, cuts.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw SegmentationError("\(dimension.rawValue) cut-points must be finite numbers in increasing order, got \(cuts.map { "\($0)" }.joined(separator: ","))")
            }
        }
        self.bins = bins
        self.recencyCutpoints = recencyCutpoints
        self.frequencyCutpoints = frequencyCutpoints
        self.monetaryCutpoints = monetaryCutpoints
    }

    init(uncheckedBins bins: Int) {
        self.bins = bins
    }

    /// Five bins, quantile cut-points.
    public static let standard = RFMScoring(uncheckedBins: 5)

    /// The score every customer gets in a dimension without variance: ⌊(k + 1)/2⌋.
    public var middleScore: Int { (bins + 1) / 2 }

    /// Scores every customer.
    /// - Complexity: O(n·k) (the sorts behind the quantiles are linear, see ``Quantiles/sortedAscending(_:)``).
    public func score(_ input: RFMInput) -> RFMScores {
        score(input, sorted: input.sortedColumns())
    }

    /// Scores every customer, given the columns already sorted.
    func score(_ input: RFMInput, sorted: RFMInput.SortedColumns) -> RFMScores {
        var constant: [RFMDimension] = []
        var fixed: [RFMDimension] = []
        func scores(_ dimension: RFMDimension, _ values: [Double], _ sortedValues: [Double], _ given: [Double]?,
                    reversed: Bool) -> (cutpoints: [Double], scores: [UInt8]) {
            if let given {
                fixed.append(dimension)
                return (given, Self.scores(values, cutpoints: given, bins: bins, reversed: reversed))
            }
            guard let first = sortedValues.first, let last = sortedValues.last else { return ([], []) }
            let cuts = Self.quantileCutpoints(sorted: sortedValues, bins: bins)
            if first == last {
                constant.append(dimension)
                return (cuts, [UInt8](repeating: UInt8(middleScore), count: values.count))
            }
            return (cuts, Self.scores(values, cutpoints: cuts, bins: bins, reversed: reversed))
        }
        let r = scores(.recency, input.recencyDays, sorted.recency, recencyCutpoints, reversed: true)
        let f = scores(.frequency, input.frequency, sorted.frequency, frequencyCutpoints, reversed: false)
        let m = scores(.monetary, input.monetary, sorted.monetary, monetaryCutpoints, reversed: false)
        return RFMScores(
            bins: bins,
            cutpoints: RFMCutpoints(recency: r.cutpoints, frequency: f.cutpoints, monetary: m.cutpoints, fixed: fixed),
            recency: r.scores, frequency: f.scores, monetary: m.scores, constantDimensions: constant)
    }

    /// The k − 1 cut-points Q(j/k), j = 1…k−1, of sorted `values` (type 7 quantiles).
    /// - Complexity: O(k).
    public static func quantileCutpoints(sorted values: [Double], bins: Int) -> [Double] {
        guard !values.isEmpty else { return [] }
        return (1..<bins).map { Quantiles.quantile(sorted: values, Double($0) / Double(bins)) }
    }

    /// s(v) = 1 + (cut-points strictly below v) for every value, reversed to k + 1 − s(v) when asked.
    /// - Complexity: O(n·k).
    static func scores(_ values: [Double], cutpoints: [Double], bins: Int, reversed: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { v in
        cutpoints.withUnsafeBufferPointer { c in
        out.withUnsafeMutableBufferPointer { o in
            let top = UInt8(bins + 1)
            for i in 0..<v.count {
                let x = v[i]
                var s: UInt8 = 1
                for j in 0..<c.count where c[j] < x { s &+= 1 }
                o[i] = reversed ? top &- s : s
            }
        }}}
        return out
    }
}

/// The cut-points behind a set of RFM scores, ascending: recency in days, frequency in orders,
/// monetary in spend. A value's score is 1 + the number of cut-points strictly below it
/// (reversed for recency).
public struct RFMCutpoints: Sendable, Hashable, Codable {
    /// Days since the last purchase.
    public var recency: [Double]
    /// Orders in the window.
    public var frequency: [Double]
    /// Spend in the window.
    public var monetary: [Double]
    /// The dimensions whose cut-points were given rather than computed as quantiles.
    public var fixed: [RFMDimension]

    /// Cut-points per dimension, each ascending.
    public init(recency: [Double], frequency: [Double], monetary: [Double], fixed: [RFMDimension] = []) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
        self.fixed = fixed
    }
}

/// The R, F and M scores of every customer (1…``bins``), in the order of the input.
public struct RFMScores: Sendable, Hashable, Codable {
    /// k, the highest score.
    public var bins: Int
    /// The cut-points used.
    public var cutpoints: RFMCutpoints
    /// R of each customer (k = most recent).
    public var recency: [UInt8]
    /// F of each customer.
    public var frequency: [UInt8]
    /// M of each customer.
    public var monetary: [UInt8]
    /// Dimensions in which every customer has the same value (all scored the middle score).
    public var constantDimensions: [RFMDimension]

    enum CodingKeys: String, CodingKey {
        case bins, cutpoints, recency, frequency, monetary, constantDimensions = "constant_dimensions"
    }

    /// Number of customers.
    public var count: Int { recency.count }

    /// The `rfm_score` of customer `i`: the three digits R, F, M ("545"); with 10 bins, where a
    /// score can have two digits, the three scores joined by hyphens ("10-4-10").
    public func code(_ i: Int) -> String {
        let r = recency[i], f = frequency[i], m = monetary[i]
        if bins <= 9 {
            return String(decoding: [48 + r, 48 + f, 48 + m], as: UTF8.self)
        }
        return "\(r)-\(f)-\(m)"
    }
}
