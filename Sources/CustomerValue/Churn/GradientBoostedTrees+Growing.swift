import Foundation

/// The training state of ``GradientBoostedTrees``: binned rows, current scores, gradients, and
/// the row order that each tree partitions in place (a node owns a contiguous range of it).
struct TreeGrower {
    let n: Int
    let d: Int
    /// Histogram slots per feature (the largest bin count).
    let width: Int
    let options: GradientBoostedTrees.Options
    let featureNames: [String]
    let binning: FeatureBinning
    let binCounts: [Int]
    let binned: [UInt8]
    /// The same bins column-major (feature f of row i at `f · n + i`): partitioning a node reads
    /// one feature of its rows, a contiguous byte run here instead of one cache line per row.
    let binnedColumns: [UInt8]
    let labels: [UInt8]
    let baseScore: Double
    var scores: [Double]
    var gradients: [Double]
    var hessians: [Double]
    var order: [Int32]
    var scratch: [Int32]

    /// The smallest Hessian sum of a child (LightGBM's `min_sum_hessian_in_leaf`), so a leaf
    /// value −G/(H + λ) stays bounded when λ = 0.
    static let minChildHessian = 1e-3

    /// - Parameters:
    ///   - rows: the rows of `matrix` to grow the trees on, in order (all when nil): the trees
    ///     read them in place instead of a copy of the matrix.
    ///   - labels: one per row grown on.
    init(matrix: FeatureMatrix, rows picked: [Int]? = nil, labels: [UInt8], options: GradientBoostedTrees.Options) {
        n = picked?.count ?? matrix.rowCount
        d = matrix.columnCount
        self.options = options
        featureNames = matrix.featureNames
        binning = FeatureBinning(matrix, rows: picked, maxBins: min(256, max(2, options.bins)))
        binCounts = binning.upperBounds.map(\.count)
        width = binCounts.max() ?? 1
        binned = binning.binned(matrix, rows: picked)
        var columns = [UInt8](repeating: 0, count: binned.count)
        let (rows, width) = (n, matrix.columnCount)
        binned.withUnsafeBufferPointer { b in
            columns.withUnsafeMutableBufferPointer { c in
                for i in 0..<rows { for f in 0..<width { c[f * rows + i] = b[i * width + f] } }
            }
        }
        binnedColumns = columns
        self.labels = labels
        let positives = Double(labels.reduce(0) { $0 + Int($1) })
        baseScore = Foundation.log(positives / (Double(n) - positives))
        scores = [Double](repeating: baseScore, count: n)
        gradients = [Double](repeating: 0, count: n)
        hessians = [Double](repeating: 0, count: n)
        order = (0..<n).map { Int32(truncatingIfNeeded: $0) }
        scratch = order
    }

    /// Grows the trees, stopping early on `validation`, and returns the model.
    /// - Parameter validationRows: the rows of `validation` to stop on (all when nil).
    mutating func boost(validation: FeatureMatrix?, validationRows: [Int]? = nil, trainRowsLabel: Int) -> GradientBoostedTrees {
        let validationBins = validation.map { binning.binned($0, rows: validationRows) } ?? []
        let validationLabels = validation.map { v in validationRows.map { rows in rows.map { v.labels?[$0] ?? 0 } } ?? v.labels ?? [] } ?? []
        let nv = validationLabels.count
        var validationScores = [Double](repeating: baseScore, count: nv)
        var trees: [GradientBoostedTrees.Tree] = []
        var losses: [Double] = []
        var best = (loss: Double.infinity, iteration: 0)
        for t in 1...options.trees {
            computeGradients()
            let tree = growTree()
            trees.append(tree)
            if nv > 0 {
                var loss = 0.0
                validationBins.withUnsafeBufferPointer { vb in
                    for i in 0..<nv {
                        validationScores[i] += tree.value[tree.leaf(bins: vb, base: i * d)]
                        let s = validationScores[i]
                        // log(1 + e^s) − y·s without overflow.
                        loss += max(s, 0) + Foundation.log1p(Foundation.exp(-abs(s))) - Double(validationLabels[i]) * s
                    }
                }
                loss /= Double(nv)
                losses.append(loss)
                if loss < best.loss { best = (loss, t) }
                if options.earlyStoppingRounds > 0, t - best.iteration >= options.earlyStoppingRounds { break }
            }
        }
        let kept = nv > 0 ? best.iteration : trees.count
        return GradientBoostedTrees(featureNames: featureNames, baseScore: baseScore, trees: Array(trees[..<kept]),
                                    bestIteration: kept, validationLoss: losses, trainingRows: trainRowsLabel,
                                    validationRows: nv, options: options)
    }

    /// g_i = p_i − y_i and h_i = p_i(1 − p_i) of the log-loss at the current scores.
    mutating func computeGradients() {
        for i in 0..<n {
            let p = 1 / (1 + Foundation.exp(-scores[i]))
            gradients[i] = p - Double(labels[i])
            hessians[i] = max(p * (1 - p), 1e-16)
        }
    }

    /// A node waiting to be split: its rows `order[start..<end]`, sums, and histogram (nil when
    /// it cannot be split: at the depth limit or too few rows).
    struct Pending {
        var start: Int
        var end: Int
        var g: Double
        var h: Double
        var node: Int
        var histogram: [Double]?
    }

    struct Split {
        var feature: Int
        var bin: Int
        var gain: Double
        var gLeft: Double
        var hLeft: Double
        var countLeft: Int
    }

    func leafValue(_ g: Double, _ h: Double) -> Double { -options.learningRate * g / (h + options.l2) }

    /// Grows one tree level by level on the current gradients, and adds its leaf values to the scores.
    mutating func growTree() -> GradientBoostedTrees.Tree {
        for i in 0..<n { order[i] = Int32(truncatingIfNeeded: i) }
        var tree = GradientBoostedTrees.Tree(feature: [], threshold: [], thresholdBin: [], left: [], right: [], value: [], gain: [], count: [])
        func addNode(_ value: Double, _ count: Int) -> Int {
            tree.feature.append(-1); tree.threshold.append(0); tree.thresholdBin.append(0)
            tree.left.append(-1); tree.right.append(-1); tree.value.append(value); tree.gain.append(0)
            tree.count.append(Int32(clamping: count))
            return tree.value.count - 1
        }
        var g = 0.0, h = 0.0
        for i in 0..<n { g += gradients[i]; h += hessians[i] }
        let (maxDepth, minLeaf) = (options.maxDepth, options.minSamplesLeaf)
        let splittable = { (count: Int, depth: Int) in depth < maxDepth && count >= 2 * minLeaf }
        let root = addNode(leafValue(g, h), n)
        var level = [Pending(start: 0, end: n, g: g, h: h, node: root,
                             histogram: splittable(n, 0) ? histogram(0..<n) : nil)]
        var leaves: [Pending] = []
        var depth = 0
        while !level.isEmpty {
            var next: [Pending] = []
            for index in level.indices {
                var p = level[index]
                p.histogram = nil
                // Taken out of `level` so the subtraction below mutates it in place (no copy).
                var large = level[index].histogram ?? []
                level[index].histogram = nil
                guard !large.isEmpty, let split = bestSplit(large, p) else {
                    leaves.append(p)
                    continue
                }
                let mid = partition(p.start..<p.end, feature: split.feature, bin: split.bin)
                let countLeft = mid - p.start, countRight = p.end - mid
                let gRight = p.g - split.gLeft, hRight = p.h - split.hLeft
                tree.feature[p.node] = Int32(split.feature)
                tree.thresholdBin[p.node] = UInt8(split.bin)
                tree.threshold[p.node] = binning.upperBounds[split.feature][split.bin]
                tree.gain[p.node] = split.gain
                let leftNode = addNode(leafValue(split.gLeft, split.hLeft), countLeft)
                let rightNode = addNode(leafValue(gRight, hRight), countRight)
                tree.left[p.node] = Int32(leftNode)
                tree.right[p.node] = Int32(rightNode)
                var left = Pending(start: p.start, end: mid, g: split.gLeft, h: split.hLeft, node: leftNode, histogram: nil)
                var right = Pending(start: mid, end: p.end, g: gRight, h: hRight, node: rightNode, histogram: nil)
                let needLeft = splittable(countLeft, depth + 1), needRight = splittable(countRight, depth + 1)
                if needLeft || needRight {
                    // Build the smaller child's histogram; the larger one's is the parent's minus it.
                    let leftSmaller = countLeft <= countRight
                    let small = histogram(leftSmaller ? p.start..<mid : mid..<p.end)
                    if leftSmaller ? needRight : needLeft {
                        large.withUnsafeMutableBufferPointer { l in
                            small.withUnsafeBufferPointer { s in for k in 0..<l.count { l[k] -= s[k] } }
                        }
                    }
                    if leftSmaller {
                        left.histogram = needLeft ? small : nil
                        right.histogram = needRight ? large : nil
                    } else {
                        right.histogram = needRight ? small : nil
                        left.histogram = needLeft ? large : nil
                    }
                }
                next.append(left)
                next.append(right)
            }
            level = next
            depth += 1
        }
        for leaf in leaves {
            let value = tree.value[leaf.node]
            for r in leaf.start..<leaf.end { scores[Int(order[r])] += value }
        }
        return tree
    }

    /// The best split of a node from its histogram, or nil when no split leaves `minSamplesLeaf`
    /// rows on both sides with a positive gain above `minGain`.
    func bestSplit(_ histogram: [Double], _ p: Pending) -> Split? {
        let count = p.end - p.start
        let lambda = options.l2, minLeaf = options.minSamplesLeaf
        let parentScore = p.g * p.g / (p.h + lambda)
        var best: Split?
        var bestGain = max(options.minGain, 0)
        histogram.withUnsafeBufferPointer { hist in
            for f in 0..<d {
                var gl = 0.0, hl = 0.0, cl = 0
                let offset = f * width * 3
                for b in 0..<(binCounts[f] - 1) {
                    let k = offset + 3 * b
                    gl += hist[k]; hl += hist[k + 1]; cl += Int(hist[k + 2])
                    if cl < minLeaf { continue }
                    if count - cl < minLeaf { break }
                    let hr = p.h - hl
                    if hl < Self.minChildHessian || hr < Self.minChildHessian { continue }
                    let gr = p.g - gl
                    let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parentScore
                    if gain > bestGain {
                        bestGain = gain
                        best = Split(feature: f, bin: b, gain: gain, gLeft: gl, hLeft: hl, countLeft: cl)
                    }
                }
            }
        }
        return best
    }

    /// Reorders `order[range]` stably so rows with bin ≤ `bin` of `feature` come first; returns
    /// where the others start.
    mutating func partition(_ range: Range<Int>, feature: Int, bin: Int) -> Int {
        var front = range.lowerBound, back = 0
        let threshold = UInt8(bin), column = feature * n
        binnedColumns.withUnsafeBufferPointer { bn in
        order.withUnsafeMutableBufferPointer { o in
        scratch.withUnsafeMutableBufferPointer { s in
            for r in range {
                let i = o[r]
                if bn[column + Int(i)] <= threshold { o[front] = i; front += 1 } else { s[back] = i; back += 1 }
            }
            for k in 0..<back { o[front + k] = s[k] }
        }}}
        return front
    }

    /// Gradient, Hessian and count histograms of the rows `order[range]`: slot (f, b) at
    /// `3 · (f · width + b)`. Two threads, each over half the rows, for large nodes.
    func histogram(_ range: Range<Int>) -> [Double] {
        let size = d * width * 3
        let parts = range.count * d >= parallelWorkThreshold ? 2 : 1
        let (binned, gradients, hessians, order, d, width) = (binned, gradients, hessians, order, d, width)
        var pieces = parallelParts(count: range.count, parts: parts) { local in
            var out = [Double](repeating: 0, count: size)
            out.withUnsafeMutableBufferPointer { hist in
            binned.withUnsafeBufferPointer { bn in
            gradients.withUnsafeBufferPointer { gr in
            hessians.withUnsafeBufferPointer { he in
            order.withUnsafeBufferPointer { o in
                for r in (range.lowerBound + local.lowerBound)..<(range.lowerBound + local.upperBound) {
                    let i = Int(o[r])
                    let g = gr[i], h = he[i]
                    let base = i * d
                    var offset = 0
                    for f in 0..<d {
                        let k = offset + 3 * Int(bn[base + f])
                        hist[k] += g
                        hist[k + 1] += h
                        hist[k + 2] += 1
                        offset += 3 * width
                    }
                }
            }}}}}
            return out
        }
        guard var total = pieces.first else { return [Double](repeating: 0, count: size) }
        if pieces.count > 1 {
            let other = pieces.removeLast()
            total.withUnsafeMutableBufferPointer { t in
                other.withUnsafeBufferPointer { o in for k in 0..<size { t[k] += o[k] } }
            }
        }
        return total
    }
}
