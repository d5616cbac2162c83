import Foundation

/// The trees of a model laid end to end in one flat array of nodes (children as absolute node
/// numbers), so scoring and explaining a row walks one plain buffer: no per-tree array access
/// (and no reference counting) inside the loops over customers.
///
/// A leaf is stored as a split that sends every row to itself (feature 0, threshold +∞, both
/// children the leaf), so every row takes exactly `depth` steps through every tree: the walks of
/// a block of rows are independent and branch-free (the child is picked by a conditional move),
/// and the processor overlaps them instead of stalling on each mispredicted branch. A step from a
/// leaf to itself changes no score and adds a zero contribution.
struct FlatForest: Sendable {
    struct Node: Sendable {
        var threshold: Double
        var value: Double
        var feature: Int32
        var left: Int32
        var right: Int32
    }
    var nodes: [Node]
    /// The root node of each tree, in tree order.
    var roots: [Int32]
    /// Splits on the longest root-to-leaf path of any tree.
    var depth: Int

    init(_ trees: [GradientBoostedTrees.Tree]) {
        nodes = []; roots = []; depth = 0
        for tree in trees {
            let offset = Int32(nodes.count)
            roots.append(offset)
            var level = [Int](repeating: 0, count: tree.value.count)
            for node in tree.value.indices {
                let leaf = tree.feature[node] < 0
                let me = offset + Int32(node)
                nodes.append(Node(threshold: leaf ? .infinity : tree.threshold[node], value: tree.value[node],
                                  feature: leaf ? 0 : tree.feature[node],
                                  left: leaf ? me : offset + tree.left[node], right: leaf ? me : offset + tree.right[node]))
                if !leaf {
                    level[Int(tree.left[node])] = level[node] + 1
                    level[Int(tree.right[node])] = level[node] + 1
                }
                depth = max(depth, level[node])
            }
        }
    }

    /// Walks the rows `first ..< first + scores.count` of `v` (row-major, `d` columns) through
    /// every tree in tree order, adding each tree's leaf value to `scores`; with `contributions`
    /// (`scores.count × d`), also adds to row k's column f each change of node value at a split
    /// on f along its paths (the path-based contributions of ``GradientBoostedTrees``).
    /// `nodeAt` is scratch, one entry per row.
    @inline(__always)
    func walk(_ v: UnsafeBufferPointer<Double>, d: Int, first: Int, nodes: UnsafeBufferPointer<Node>, nodeAt: UnsafeMutableBufferPointer<Int32>,
              scores: UnsafeMutableBufferPointer<Double>, contributions: UnsafeMutableBufferPointer<Double>?) {
        let count = scores.count
        for root in roots {
            for k in 0..<count { nodeAt[k] = root }
            for _ in 0..<depth {
                for k in 0..<count {
                    let node = nodes[Int(nodeAt[k])]
                    let f = Int(node.feature)
                    let next = v[(first + k) * d + f] <= node.threshold ? node.left : node.right
                    if let c = contributions { c[k * d + f] += nodes[Int(next)].value - node.value }
                    nodeAt[k] = next
                }
            }
            for k in 0..<count { scores[k] += nodes[Int(nodeAt[k])].value }
        }
    }
}

extension GradientBoostedTrees {
    /// Rows walked per block: every tree is walked for a block before the next tree, so a tree's
    /// nodes stay in cache while the block's rows (and their contributions) pass through it.
    static let scoringBlock = 256

    /// Raw scores F(x) of every row of `m`: F₀, then each tree's leaf value added in tree order
    /// (the same sum, in the same order, as ``rawScore(row:)``).
    /// - Complexity: O(n × trees × depth), on two threads for large matrices.
    func flatRawScores(_ m: FeatureMatrix) -> [Double] { scoresAndTopRaisingFactors(m, k: nil).raw }

    /// For every row of `m`, the (at most) `k` features with the largest positive path-based
    /// contributions, largest first, ties by column order: the `raising` list of
    /// ``explain(_:row:k:)`` for each row, computed without building a full explanation.
    /// - Complexity: O(n × (trees × depth + d)), on two threads for large matrices.
    func topRaisingFactors(_ m: FeatureMatrix, k: Int) -> [[FactorExplanation.Factor]] {
        scoresAndTopRaisingFactors(m, k: k).factors
    }

    /// Raw scores of every row of `m` (as ``flatRawScores(_:)``) and, when `k` is given, the top
    /// `k` raising factors of each row (as ``topRaisingFactors(_:k:)``), from one walk of every
    /// row through the trees.
    /// - Complexity: O(n × (trees × depth + d)), on two threads for large matrices.
    func scoresAndTopRaisingFactors(_ m: FeatureMatrix, k: Int?) -> (raw: [Double], factors: [[FactorExplanation.Factor]]) {
        precondition(m.columnCount == featureNames.count, "a matrix of \(m.columnCount) columns for a model of \(featureNames.count) features")
        let forest = FlatForest(trees)
        let n = m.rowCount, d = m.columnCount, base = baseScore
        let values = m.values, names = featureNames
        let parts = n * trees.count >= parallelWorkThreshold ? 2 : 1
        let pieces = parallelParts(count: n, parts: parts) { rows -> (raw: [Double], factors: [[FactorExplanation.Factor]]) in
            var raw = [Double](repeating: base, count: rows.count)
            var factors: [[FactorExplanation.Factor]] = []
            let block = Self.scoringBlock
            var contribution = [Double](repeating: 0, count: k == nil ? 0 : block * d)
            var nodeAt = [Int32](repeating: 0, count: block)
            var top = TopContributions(k: k ?? 0)
            if k != nil { factors.reserveCapacity(rows.count) }
            values.withUnsafeBufferPointer { v in
            forest.nodes.withUnsafeBufferPointer { nodes in
            raw.withUnsafeMutableBufferPointer { raw in
            contribution.withUnsafeMutableBufferPointer { c in
            nodeAt.withUnsafeMutableBufferPointer { nodeAt in
                var start = 0
                while start < rows.count {
                    let count = min(block, rows.count - start)
                    let scores = UnsafeMutableBufferPointer(rebasing: raw[start..<(start + count)])
                    if k == nil {
                        forest.walk(v, d: d, first: rows.lowerBound + start, nodes: nodes, nodeAt: nodeAt, scores: scores, contributions: nil)
                    } else {
                        for j in 0..<(count * d) { c[j] = 0 }
                        forest.walk(v, d: d, first: rows.lowerBound + start, nodes: nodes, nodeAt: nodeAt, scores: scores, contributions: c)
                        for r in 0..<count {
                            let row = (rows.lowerBound + start + r) * d
                            top.select(UnsafeBufferPointer(rebasing: c[(r * d)..<(r * d + d)]))
                            factors.append(top.columns.map { FactorExplanation.Factor(feature: names[$0], contribution: c[r * d + $0], value: v[row + $0]) })
                        }
                    }
                    start += count
                }
            }}}}}
            return (raw, factors)
        }
        if pieces.count == 1 { return pieces[0] }
        return (Array(pieces.map(\.raw).joined()), Array(pieces.map(\.factors).joined()))
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

    /// Churn probabilities of every row of `m` (as ``predict(_:)``) with the top `k` factors
    /// raising each row's risk (as ``topRaisingFactors(_:k:)``); the trees walk each row once
    /// for both.
    /// - Complexity: as ``predict(_:)`` plus ``topRaisingFactors(_:k:)``.
    public func predictWithTopRaisingFactors(_ m: FeatureMatrix, k: Int = 3) -> (probability: [Double], factors: [[FactorExplanation.Factor]]) {
        switch self {
        case .logistic(let model):
            return (model.predict(m), model.topRaisingFactors(m, k: k))
        case .gradientBoostedTrees(let model):
            let (raw, factors) = model.scoresAndTopRaisingFactors(m, k: k)
            return (raw.map { 1 / (1 + Foundation.exp(-$0)) }, factors)
        }
    }
}
