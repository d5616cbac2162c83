import Foundation

/// The trees of a model laid end to end in flat arrays (children as absolute node numbers), so
/// scoring and explaining a row walks plain buffers: no per-tree array access (and no reference
/// counting) inside the loops over customers.
struct FlatForest: Sendable {
    var feature: [Int32]
    var threshold: [Double]
    var left: [Int32]
    var right: [Int32]
    var value: [Double]
    /// The root node of each tree, in tree order.
    var roots: [Int32]

    init(_ trees: [GradientBoostedTrees.Tree]) {
        feature = []; threshold = []; left = []; right = []; value = []; roots = []
        for tree in trees {
            let offset = Int32(value.count)
            roots.append(offset)
            feature += tree.feature
            threshold += tree.threshold
            left += tree.left.map { $0 >= 0 ? $0 + offset : -1 }
            right += tree.right.map { $0 >= 0 ? $0 + offset : -1 }
            value += tree.value
        }
    }
}

extension GradientBoostedTrees {
    /// Rows scored per block: every tree is walked for a block before the next tree, so a tree's
    /// nodes stay in cache while the block's rows pass through it.
    static let scoringBlock = 512

    /// Raw scores F(x) of every row of `m`: F₀, then each tree's leaf value added in tree order
    /// (the same sum, in the same order, as ``rawScore(row:)``).
    /// - Complexity: O(n × trees × depth), on two threads for large matrices.
    func flatRawScores(_ m: FeatureMatrix) -> [Double] {
        precondition(m.columnCount == featureNames.count, "a matrix of \(m.columnCount) columns for a model of \(featureNames.count) features")
        let forest = FlatForest(trees)
        let n = m.rowCount, d = m.columnCount, base = baseScore
        let values = m.values
        let parts = n * trees.count >= parallelWorkThreshold ? 2 : 1
        let pieces = parallelParts(count: n, parts: parts) { rows -> [Double] in
            var out = [Double](repeating: base, count: rows.count)
            values.withUnsafeBufferPointer { v in
            forest.feature.withUnsafeBufferPointer { feature in
            forest.threshold.withUnsafeBufferPointer { threshold in
            forest.left.withUnsafeBufferPointer { left in
            forest.right.withUnsafeBufferPointer { right in
            forest.value.withUnsafeBufferPointer { value in
            out.withUnsafeMutableBufferPointer { o in
                var start = 0
                while start < rows.count {
                    let end = min(start + Self.scoringBlock, rows.count)
                    for root in forest.roots {
                        for k in start..<end {
                            let row = (rows.lowerBound + k) * d
                            var node = Int(root)
                            while feature[node] >= 0 {
                                node = Int(v[row + Int(feature[node])] <= threshold[node] ? left[node] : right[node])
                            }
                            o[k] += value[node]
                        }
                    }
                    start = end
                }
            }}}}}}}
            return out
        }
        return pieces.count == 1 ? pieces[0] : Array(pieces.joined())
    }

    /// For every row of `m`, the (at most) `k` features with the largest positive path-based
    /// contributions, largest first, ties by column order: the `raising` list of
    /// ``explain(_:row:k:)`` for each row, computed without building a full explanation.
    /// - Complexity: O(n × (trees × depth + d)), on two threads for large matrices.
    func topRaisingFactors(_ m: FeatureMatrix, k: Int) -> [[FactorExplanation.Factor]] {
        precondition(m.columnCount == featureNames.count, "a matrix of \(m.columnCount) columns for a model of \(featureNames.count) features")
        let forest = FlatForest(trees)
        let n = m.rowCount, d = m.columnCount
        let values = m.values, names = featureNames
        let parts = n * trees.count >= parallelWorkThreshold ? 2 : 1
        let pieces = parallelParts(count: n, parts: parts) { rows -> [[FactorExplanation.Factor]] in
            var out: [[FactorExplanation.Factor]] = []
            out.reserveCapacity(rows.count)
            var contribution = [Double](repeating: 0, count: d)
            var top = TopContributions(k: k)
            values.withUnsafeBufferPointer { v in
            forest.feature.withUnsafeBufferPointer { feature in
            forest.threshold.withUnsafeBufferPointer { threshold in
            forest.left.withUnsafeBufferPointer { left in
            forest.right.withUnsafeBufferPointer { right in
            forest.value.withUnsafeBufferPointer { value in
            contribution.withUnsafeMutableBufferPointer { c in
                for r in rows {
                    let row = r * d
                    for j in 0..<d { c[j] = 0 }
                    for root in forest.roots {
                        var node = Int(root)
                        while feature[node] >= 0 {
                            let f = Int(feature[node])
                            let child = Int(v[row + f] <= threshold[node] ? left[node] : right[node])
                            c[f] += value[child] - value[node]
                            node = child
                        }
                    }
                    top.select(UnsafeBufferPointer(c))
                    out.append(top.columns.map { FactorExplanation.Factor(feature: names[$0], contribution: c[$0], value: v[row + $0]) })
                }
            }}}}}}}
            return out
        }
        return pieces.count == 1 ? pieces[0] : Array(pieces.joined())
    }
}

/// The columns of the `k` largest positive values of a vector, largest first, ties by column
/// order (the order of a stable sort by decreasing value), kept by insertion into a list of at
/// most k: O(d × k) per vector, no allocation after the first.
struct TopContributions {
    let k: Int
    private(set) var columns: [Int] = []
    private var values: [Double] = []

    init(k: Int) {
        self.k = k
        columns.reserveCapacity(k + 1)
        values.reserveCapacity(k + 1)
    }

    mutating func select(_ c: UnsafeBufferPointer<Double>) {
        columns.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        guard k > 0 else { return }
        for j in 0..<c.count {
            let x = c[j]
            guard x > 0, columns.count < k || x > values[values.count - 1] else { continue }
            // After every kept value ≥ x: an equal value from an earlier column stays ahead.
            var at = values.count
            while at > 0, values[at - 1] < x { at -= 1 }
            values.insert(x, at: at)
            columns.insert(j, at: at)
            if values.count > k { values.removeLast(); columns.removeLast() }
        }
    }
}

extension LogisticRegression {
    /// For every row of `m`, the (at most) `k` features with the largest positive contributions
    /// w_j · z_j, largest first, ties by column order: the `raising` list of
    /// ``explain(_:row:k:)`` for each row.
    /// - Complexity: O(n × d × k), on two threads for large matrices.
    func topRaisingFactors(_ m: FeatureMatrix, k: Int) -> [[FactorExplanation.Factor]] {
        precondition(m.columnCount == means.count, "a matrix of \(m.columnCount) columns for a model of \(means.count) features")
        let n = m.rowCount, d = m.columnCount
        let values = m.values, names = featureNames
        let (w, mu, s) = (standardizedCoefficients, means, standardDeviations)
        let parts = n * d >= parallelWorkThreshold ? 2 : 1
        let pieces = parallelParts(count: n, parts: parts) { rows -> [[FactorExplanation.Factor]] in
            var out: [[FactorExplanation.Factor]] = []
            out.reserveCapacity(rows.count)
            var contribution = [Double](repeating: 0, count: d)
            var top = TopContributions(k: k)
            values.withUnsafeBufferPointer { v in
            contribution.withUnsafeMutableBufferPointer { c in
                for r in rows {
                    let row = r * d
                    // The same expression as `contributions(_:row:)`, so the values agree exactly.
                    for j in 0..<d { c[j] = s[j] > 0 ? w[j] * ((v[row + j] - mu[j]) / s[j]) : 0 }
                    top.select(UnsafeBufferPointer(c))
                    out.append(top.columns.map { FactorExplanation.Factor(feature: names[$0], contribution: c[$0], value: v[row + $0]) })
                }
            }}
            return out
        }
        return pieces.count == 1 ? pieces[0] : Array(pieces.joined())
    }
}

extension ChurnModel {
    /// Per row of `m`, the top `k` factors raising its risk (see ``FactorExplanation/raising``).
    /// - Complexity: O(n × d × k) plus the model's path walks; two threads for large matrices.
    public func topRaisingFactors(_ m: FeatureMatrix, k: Int = 3) -> [[FactorExplanation.Factor]] {
        switch self {
        case .logistic(let model): model.topRaisingFactors(m, k: k)
        case .gradientBoostedTrees(let model): model.topRaisingFactors(m, k: k)
        }
    }
}
