import Foundation

/// The training state of ``GradientBoostedTrees``: binned rows, current scores, gradients, and
/// the row order that each tree partitions in place (a node owns a contiguous range of it).
///
/// A histogram has one slot (gradient sum, Hessian sum, row count) per bin of every feature, the
/// bins of feature f at slots `slotOffset[f] ..< slotOffset[f + 1]`. Each row lists only the
/// slots of its features whose bin is not that feature's most common bin (``RowSlots``): most
/// churn features are zero for most customers, and one-hot columns are zero for all but one of
/// their group, so a row holds a fraction of its d bins. The common bin's sums are the node's
/// totals minus the feature's other bins (LightGBM's treatment of the most frequent bin, Ke et
/// al. 2017, §4, and its row-wise multi-value bins).
struct TreeGrower {
    let n: Int
    let d: Int
    let options: GradientBoostedTrees.Options
    let featureNames: [String]
    let binning: FeatureBinning
    let binCounts: [Int]
    /// First histogram slot of each feature, and the slot count at the end (d + 1 entries).
    let slotOffset: [Int]
    /// Per feature, its most common bin over the training rows.
    let commonBin: [Int]
    /// The bins column-major (feature f of row i at `f · n + i`): partitioning a node reads
    /// one feature of its rows, a contiguous byte run here instead of one cache line per row.
    let binnedColumns: [UInt8]
    /// Per row, the slots of its uncommon bins.
    let rowSlots: RowSlots
    let labels: [UInt8]
    let baseScore: Double
    var scores: [Double]
    /// g_i at `2i`, h_i at `2i + 1`, in single precision (as LightGBM keeps them): half the bytes
    /// read per row while building a histogram; the histogram sums stay in double precision.
    var gradientPairs: [Float]
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
        var offsets = [0]
        for count in binCounts { offsets.append(offsets[offsets.count - 1] + count) }
        slotOffset = offsets
        let columns = binning.binnedColumns(matrix, rows: picked)
        binnedColumns = columns
        let (rows, bins) = (n, binCounts)
        commonBin = columns.withUnsafeBufferPointer { c in
            (0..<bins.count).map { f in
                var tally = [Int](repeating: 0, count: bins[f])
                for i in 0..<rows { tally[Int(c[f * rows + i])] += 1 }
                // The first of equally common bins, so the choice does not depend on anything else.
                var best = 0
                for b in tally.indices where tally[b] > tally[best] { best = b }
                return best
            }
        }
        rowSlots = RowSlots(columns: columns, rows: n, slotOffset: offsets, commonBin: commonBin)
        self.labels = labels
        let positives = Double(labels.reduce(0) { $0 + Int($1) })
        baseScore = Foundation.log(positives / (Double(n) - positives))
        scores = [Double](repeating: baseScore, count: n)
        gradientPairs = [Float](repeating: 0, count: 2 * n)
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

    /// g_i = p_i − y_i and h_i = p_i(1 − p_i) of the log-loss at the current scores, on two
    /// threads for large matrices.
    mutating func computeGradients() {
        let n = n
        let parts = n * 8 >= parallelWorkThreshold ? 2 : 1
        scores.withUnsafeBufferPointer { s in
        labels.withUnsafeBufferPointer { y in
        gradientPairs.withUnsafeMutableBufferPointer { gh in
            let buffers = UncheckedBox((s, y, gh))
            _ = parallelParts(count: n, parts: parts) { rows in
                let (s, y, gh) = buffers.value
                for i in rows {
                    let p = 1 / (1 + Foundation.exp(-s[i]))
                    gh[2 * i] = Float(p - Double(y[i]))
                    gh[2 * i + 1] = Float(max(p * (1 - p), 1e-16))
                }
            }
        }}}
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
        for i in 0..<n { g += Double(gradientPairs[2 * i]); h += Double(gradientPairs[2 * i + 1]) }
        let (maxDepth, minLeaf) = (options.maxDepth, options.minSamplesLeaf)
        let splittable = { (count: Int, depth: Int) in depth < maxDepth && count >= 2 * minLeaf }
        let root = addNode(leafValue(g, h), n)
        var level = [Pending(start: 0, end: n, g: g, h: h, node: root,
                             histogram: splittable(n, 0) ? histograms([(0..<n, g, h)])[0] : nil)]
        var leaves: [Pending] = []
        var depth = 0
        while !level.isEmpty {
            // Every node's split first, then all partitions of the level at once (two threads).
            var splits: [(index: Int, split: Split)] = []
            for index in level.indices {
                if let histogram = level[index].histogram, let split = bestSplit(histogram, level[index]) {
                    splits.append((index, split))
                } else {
                    level[index].histogram = nil
                    leaves.append(level[index])
                }
            }
            let mids = partition(splits.map { (level[$0.index].start..<level[$0.index].end, $0.split.feature, $0.split.bin) })
            // The children, and the histograms of the smaller ones that will be split, all in one batch.
            var children: [(left: Pending, right: Pending, needLeft: Bool, needRight: Bool, leftSmaller: Bool)] = []
            var jobs: [(range: Range<Int>, g: Double, h: Double)] = []
            for (k, (index, split)) in splits.enumerated() {
                let p = level[index]
                let mid = mids[k]
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
                let left = Pending(start: p.start, end: mid, g: split.gLeft, h: split.hLeft, node: leftNode, histogram: nil)
                let right = Pending(start: mid, end: p.end, g: gRight, h: hRight, node: rightNode, histogram: nil)
                let needLeft = splittable(countLeft, depth + 1), needRight = splittable(countRight, depth + 1)
                let leftSmaller = countLeft <= countRight
                if needLeft || needRight {
                    let small = leftSmaller ? left : right
                    jobs.append((small.start..<small.end, small.g, small.h))
                }
                children.append((left, right, needLeft, needRight, leftSmaller))
            }
            var built = histograms(jobs)
            var next: [Pending] = []
            var job = 0
            for (k, (index, _)) in splits.enumerated() {
                var (left, right, needLeft, needRight, leftSmaller) = children[k]
                if needLeft || needRight {
                    // The smaller child's histogram was built; the larger one's is the parent's minus it.
                    let small = built[job]
                    built[job] = []
                    job += 1
                    // Taken out of `level` so the subtraction mutates it in place (no copy).
                    var large = level[index].histogram ?? []
                    level[index].histogram = nil
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
                level[index].histogram = nil
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
                let offset = 3 * slotOffset[f]
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

    /// Reorders each `order[range]` stably so rows with bin ≤ `bin` of `feature` come first;
    /// returns where the others start, per job. Each range is cut in two halves partitioned on
    /// two threads (rows going left to the front of the half's `scratch`, the others to its back
    /// in reverse), then the four runs are copied back in order: the same order as one pass.
    mutating func partition(_ jobs: [(range: Range<Int>, feature: Int, bin: Int)]) -> [Int] {
        let total = jobs.reduce(0) { $0 + $1.range.count }
        let parts = total >= parallelWorkThreshold / 4 ? 2 : 1
        let n = n
        return binnedColumns.withUnsafeBufferPointer { bn in
        order.withUnsafeMutableBufferPointer { o in
        scratch.withUnsafeMutableBufferPointer { s in
            let buffers = UncheckedBox((bn, o, s))
            // Rows sent left, per job and half.
            let lefts = parallelParts(count: parts, parts: parts) { part -> [Int] in
                let (bn, o, s) = buffers.value
                return jobs.map { job in
                    let half = Self.half(job.range, part.lowerBound, of: parts)
                    let threshold = UInt8(job.bin), column = job.feature * n
                    var front = half.lowerBound, back = half.upperBound
                    for r in half {
                        let i = o[r]
                        if bn[column + Int(i)] <= threshold { s[front] = i; front += 1 } else { back -= 1; s[back] = i }
                    }
                    return front - half.lowerBound
                }
            }
            return jobs.indices.map { j in
                let range = jobs[j].range
                var at = range.lowerBound
                for part in 0..<parts {
                    let half = Self.half(range, part, of: parts)
                    for r in half.lowerBound..<(half.lowerBound + lefts[part][j]) { o[at] = s[r]; at += 1 }
                }
                let mid = at
                for part in 0..<parts {
                    let half = Self.half(range, part, of: parts)
                    var r = half.upperBound
                    while r > half.lowerBound + lefts[part][j] { r -= 1; o[at] = s[r]; at += 1 }
                }
                return mid
            }
        }}}
    }

    /// Part `part` of `range` cut into `parts` nearly equal pieces.
    static func half(_ range: Range<Int>, _ part: Int, of parts: Int) -> Range<Int> {
        (range.lowerBound + range.count * part / parts)..<(range.lowerBound + range.count * (part + 1) / parts)
    }

    /// Gradient, Hessian and count histograms of the rows `order[job.range]` of each job, whose
    /// sums are `job.g`, `job.h` and `job.range.count`: slot k at `3k`. The jobs' rows, taken end
    /// to end, are cut in two halves built on two threads (a job across the cut gets a part
    /// from each, added in a fixed order): one hand-off per level of a tree, not per node. The
    /// common bins are filled in last from the totals.
    func histograms(_ jobs: [(range: Range<Int>, g: Double, h: Double)]) -> [[Double]] {
        let size = 3 * slotOffset[d]
        let total = jobs.reduce(0) { $0 + $1.range.count }
        let parts = total * d >= parallelWorkThreshold ? 2 : 1
        let (gradientPairs, order, rowSlots) = (gradientPairs, order, rowSlots)
        let pieces = parallelParts(count: total, parts: parts) { span -> [(job: Int, histogram: [Double])] in
            var out: [(job: Int, histogram: [Double])] = []
            gradientPairs.withUnsafeBufferPointer { gh in
            order.withUnsafeBufferPointer { o in
                var at = 0
                for (j, job) in jobs.enumerated() {
                    let lo = max(at, span.lowerBound), hi = min(at + job.range.count, span.upperBound)
                    if lo < hi {
                        var histogram = [Double](repeating: 0, count: size)
                        histogram.withUnsafeMutableBufferPointer { hist in
                            let first = job.range.lowerBound - at
                            rowSlots.accumulate(rows: (first + lo)..<(first + hi), order: o, gradientPairs: gh, into: hist)
                        }
                        out.append((j, histogram))
                    }
                    at += job.range.count
                }
            }}
            return out
        }
        var result = [[Double]](repeating: [], count: jobs.count)
        for piece in pieces {
            for (j, histogram) in piece {
                if result[j].isEmpty {
                    result[j] = histogram
                } else {
                    result[j].withUnsafeMutableBufferPointer { t in
                        histogram.withUnsafeBufferPointer { o in for k in 0..<size { t[k] += o[k] } }
                    }
                }
            }
        }
        for (j, job) in jobs.enumerated() {
            if result[j].isEmpty { result[j] = [Double](repeating: 0, count: size) }
            result[j].withUnsafeMutableBufferPointer { t in
                for f in 0..<d {
                    var sg = 0.0, sh = 0.0, sc = 0.0
                    for k in slotOffset[f]..<slotOffset[f + 1] { sg += t[3 * k]; sh += t[3 * k + 1]; sc += t[3 * k + 2] }
                    let common = 3 * (slotOffset[f] + commonBin[f])
                    t[common] = job.g - sg
                    t[common + 1] = job.h - sh
                    t[common + 2] = Double(job.range.count) - sc
                }
            }
        }
        return result
    }
}

/// Per training row, the histogram slots of its features whose bin is not the feature's most
/// common one, rows one after another (compressed sparse rows): row i's slots are
/// `slots[start[i] ..< start[i + 1]]`. Two bytes a slot when the histogram has at most 65,536
/// slots, else four.
struct RowSlots: Sendable {
    enum Storage: Sendable {
        case narrow([UInt16])
        case wide([UInt32])
    }
    let start: [Int]
    let storage: Storage

    /// - Parameters:
    ///   - columns: the bins column-major, `rows` per column.
    ///   - slotOffset: first slot of each feature, then the slot count.
    ///   - commonBin: the bin per feature left out.
    init(columns: [UInt8], rows n: Int, slotOffset: [Int], commonBin: [Int]) {
        let d = commonBin.count
        var start = [Int](repeating: 0, count: n + 1)
        columns.withUnsafeBufferPointer { c in
            for i in 0..<n {
                var k = 0
                for f in 0..<d where Int(c[f * n + i]) != commonBin[f] { k += 1 }
                start[i + 1] = start[i] + k
            }
        }
        func collect<S: FixedWidthInteger & UnsignedInteger>(_: S.Type) -> [S] {
            var slots = [S](repeating: 0, count: start[n])
            columns.withUnsafeBufferPointer { c in
            slots.withUnsafeMutableBufferPointer { s in
                var k = 0
                for i in 0..<n {
                    for f in 0..<d {
                        let b = Int(c[f * n + i])
                        if b != commonBin[f] { s[k] = S(truncatingIfNeeded: slotOffset[f] + b); k += 1 }
                    }
                }
            }}
            return slots
        }
        self.start = start
        storage = slotOffset[d] <= 1 << 16 ? .narrow(collect(UInt16.self)) : .wide(collect(UInt32.self))
    }

    /// Adds g, h and 1 of each row `order[r]`, r in `rows`, to its slots of `hist`.
    func accumulate(rows: Range<Int>, order: UnsafeBufferPointer<Int32>, gradientPairs: UnsafeBufferPointer<Float>,
                    into hist: UnsafeMutableBufferPointer<Double>) {
        start.withUnsafeBufferPointer { start in
            switch storage {
            case .narrow(let slots):
                slots.withUnsafeBufferPointer { Self.accumulate(rows, order, start, $0, gradientPairs, hist) }
            case .wide(let slots):
                slots.withUnsafeBufferPointer { Self.accumulate(rows, order, start, $0, gradientPairs, hist) }
            }
        }
    }

    @inline(__always)
    private static func accumulate<S: FixedWidthInteger & UnsignedInteger>(
        _ rows: Range<Int>, _ order: UnsafeBufferPointer<Int32>, _ start: UnsafeBufferPointer<Int>, _ slots: UnsafeBufferPointer<S>,
        _ gh: UnsafeBufferPointer<Float>, _ hist: UnsafeMutableBufferPointer<Double>
    ) {
        guard let base = hist.baseAddress.map(UnsafeMutableRawPointer.init) else { return }
        let stride = 3 * MemoryLayout<Double>.stride
        for r in rows {
            let i = Int(order[r])
            // The (g, h) pair of a slot is added as one two-lane vector: one load, add and store
            // instead of two.
            let gh2 = SIMD2<Double>(Double(gh[2 * i]), Double(gh[2 * i + 1]))
            var k = start[i]
            let end = start[i + 1]
            while k < end {
                let at = stride * Int(slots[k])
                base.storeBytes(of: base.loadUnaligned(fromByteOffset: at, as: SIMD2<Double>.self) + gh2, toByteOffset: at, as: SIMD2<Double>.self)
                let count = at + 2 * MemoryLayout<Double>.stride
                base.storeBytes(of: base.load(fromByteOffset: count, as: Double.self) + 1, toByteOffset: count, as: Double.self)
                k += 1
            }
        }
    }
}
