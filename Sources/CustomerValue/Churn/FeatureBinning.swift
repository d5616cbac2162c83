/// Quantile bins of the columns of a feature matrix, and the matrix recoded as bin numbers: the
/// input of histogram-based split finding (Ke et al. 2017, "LightGBM: a highly efficient
/// gradient boosting decision tree", NeurIPS; Chen & Guestrin 2016, "XGBoost", KDD, §3.3).
///
/// Bin b of feature j holds the values x with `upperBounds[j][b − 1] < x ≤ upperBounds[j][b]`;
/// the last bound is +∞, so every finite value has a bin and "bin ≤ b" is the same test as
/// "x ≤ upperBounds[j][b]". A column with at most `maxBins` distinct values gets one bin per
/// value (bounds half way between neighbours); otherwise a value held by at least 1/maxBins of
/// the rows gets a bin of its own and the other values share the remaining bins in equal-count
/// runs (LightGBM's greedy bin finding, Ke et al. 2017): a column that is zero for most rows
/// still gets its `maxBins` bins, the zeros in one and the rest spread over the others.
struct FeatureBinning: Sendable, Codable, Hashable {
    /// Per feature, the increasing upper bounds of its bins; the last is +∞.
    var upperBounds: [[Double]]

    /// Rows looked at to place the bounds: all of them up to this many, else an evenly spaced sample.
    static let sampleLimit = 200_000

    /// Bins for the columns of `m` (of its rows `rows`, in that order, when given), at most
    /// `maxBins` (2...256) per feature.
    /// - Complexity: O(d × s log s) for a sample of s ≤ 200,000 rows, the features on two threads
    ///   for large matrices.
    init(_ m: FeatureMatrix, rows: [Int]? = nil, maxBins: Int) {
        precondition((2...256).contains(maxBins), "between 2 and 256 bins")
        let n = rows?.count ?? m.rowCount, d = m.columnCount
        let stride = max(1, (n + Self.sampleLimit - 1) / Self.sampleLimit)
        // The features split between two threads for large matrices, their bounds joined in order.
        let parts = d >= 2 && n * d >= parallelWorkThreshold ? 2 : 1
        let bounds = parallelParts(count: d, parts: parts) { features -> [[Double]] in
            features.map { j in
                var column: [Double] = []
                column.reserveCapacity(n / stride + 1)
                var i = 0
                while i < n { column.append(m[rows?[i] ?? i, j]); i += stride }
                column.sort()
                var distinct: [Double] = [], counts: [Int] = []
                for x in column {
                    if distinct.last == x { counts[counts.count - 1] += 1 } else { distinct.append(x); counts.append(1) }
                }
                var upper: [Double] = []
                if distinct.count <= maxBins {
                    for k in 0..<max(0, distinct.count - 1) { upper.append(distinct[k] + (distinct[k + 1] - distinct[k]) / 2) }
                } else {
                    upper = Self.greedyBounds(distinct: distinct, counts: counts, maxBins: maxBins)
                }
                upper.append(.infinity)
                return upper
            }
        }.flatMap { $0 }
        upperBounds = bounds
    }

    /// Upper bounds (the last one +∞ excluded) for more distinct values than `maxBins`: a value
    /// whose count is at least the mean bin size total/maxBins closes a bin of its own; the
    /// other values fill bins in increasing order until a bin reaches the mean size of what is
    /// left (rows not in heavy values over bins not taken by them), or half of it just before a
    /// heavy value. Each bound lies half way between the last value of a bin and the next value.
    /// - Parameters:
    ///   - distinct: the increasing distinct values of the sample; `counts`: how often each occurs.
    static func greedyBounds(distinct: [Double], counts: [Int], maxBins: Int) -> [Double] {
        let total = counts.reduce(0, +)
        let heavy = counts.map { Double($0) * Double(maxBins) >= Double(total) }
        var restBins = maxBins, restRows = total
        for k in counts.indices where heavy[k] { restBins -= 1; restRows -= counts[k] }
        var meanSize = Double(restRows) / Double(max(restBins, 1))
        var upper: [Double] = []
        var inBin = 0
        for k in 0..<(distinct.count - 1) {
            if !heavy[k] { restRows -= counts[k] }
            inBin += counts[k]
            if heavy[k] || Double(inBin) >= meanSize || (heavy[k + 1] && Double(inBin) >= max(1, meanSize / 2)) {
                upper.append(distinct[k] + (distinct[k + 1] - distinct[k]) / 2)
                if upper.count >= maxBins - 1 { break }
                inBin = 0
                if !heavy[k] {
                    restBins -= 1
                    meanSize = Double(restRows) / Double(max(restBins, 1))
                }
            }
        }
        return upper
    }

    /// The bin of value `x` of feature `feature`: the first bound not below x.
    @inline(__always)
    func bin(_ x: Double, feature: Int) -> UInt8 {
        let upper = upperBounds[feature]
        var lo = 0, hi = upper.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if x <= upper[mid] { hi = mid } else { lo = mid + 1 }
        }
        return UInt8(truncatingIfNeeded: lo)
    }

    /// The rows of `m` (its rows `rows`, in that order, when given) recoded as bins, row-major
    /// like `m.values`.
    /// - Complexity: O(n × d × log bins), on two threads for large matrices.
    func binned(_ m: FeatureMatrix, rows picked: [Int]? = nil) -> [UInt8] {
        let n = picked?.count ?? m.rowCount, d = m.columnCount
        let parts = n * d >= parallelWorkThreshold ? 2 : 1
        let pieces = parallelParts(count: n, parts: parts) { rows in
            var out = [UInt8](repeating: 0, count: rows.count * d)
            var k = 0
            for i in rows {
                let row = picked?[i] ?? i
                for j in 0..<d { out[k] = bin(m[row, j], feature: j); k += 1 }
            }
            return out
        }
        return Array(pieces.joined())
    }

    /// The rows of `m` (its rows `rows`, in that order, when given) recoded as bins,
    /// column-major: feature j of row i at `j · n + i`.
    /// - Complexity: O(n × d × log bins), on two threads for large matrices.
    func binnedColumns(_ m: FeatureMatrix, rows picked: [Int]? = nil) -> [UInt8] {
        let n = picked?.count ?? m.rowCount, d = m.columnCount
        var out = [UInt8](repeating: 0, count: n * d)
        out.withUnsafeMutableBufferPointer { o in
            let columns = UncheckedBox(o)
            _ = parallelParts(count: n, parts: n * d >= parallelWorkThreshold ? 2 : 1) { rows in
                for i in rows {
                    let row = picked?[i] ?? i
                    for j in 0..<d { columns.value[j * n + i] = bin(m[row, j], feature: j) }
                }
            }
        }
        return out
    }
}
