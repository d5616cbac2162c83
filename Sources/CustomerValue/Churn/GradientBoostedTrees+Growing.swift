import CVAIntrinsics
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
        commonBin = parallelParts(count: bins.count, parts: bins.count >= 2 && rows * bins.count >= parallelWorkThreshold ? 2 : 1) { features in
            columns.withUnsafeBufferPointer { c in
                features.map { f in
                    var tally = [Int](repeating: 0, count: bins[f])
                    for i in 0..<rows { tally[Int(c[f * rows + i])] += 1 }
                    // The first of equally common bins, so the choice does not depend on anything else.
                    var best = 0
                    for b in tally.indices where tally[b] > tally[best] { best = b }
                    return best
                }
            }
        }.flatMap { $0 }
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
        var sums = advance(leaves: [(0..<n, 0)])
        let d = d
        for t in 1...options.trees {
            let (tree, leaves) = growTree(g: sums.g, h: sums.h)
            trees.append(tree)
            sums = advance(leaves: leaves)
            if nv > 0 {
                // Each part's loss summed in row order, the parts added in order.
                let parts = nv * 8 >= parallelWorkThreshold ? 2 : 1
                let loss = validationBins.withUnsafeBufferPointer { vb in
                validationLabels.withUnsafeBufferPointer { y in
                validationScores.withUnsafeMutableBufferPointer { vs in
                    let buffers = UncheckedBox((vb, y, vs))
                    return parallelParts(count: nv, parts: parts) { rows -> Double in
                        let (vb, y, vs) = buffers.value
                        var loss = 0.0
                        for i in rows {
                            vs[i] += tree.value[tree.leaf(bins: vb, base: i * d)]
                            let s = vs[i]
                            // log(1 + e^s) − y·s without overflow.
                            loss += max(s, 0) + Foundation.log1p(Foundation.exp(-abs(s))) - Double(y[i]) * s
                        }
                        return loss
                    }.reduce(0, +) / Double(nv)
                }}}
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

    /// Adds each leaf's value to the scores of its rows `order[leaf.range]`, sets their g_i =
    /// p_i − y_i and h_i = p_i(1 − p_i) of the log-loss at the new scores, and resets `order` to
    /// 0, 1, …, n − 1 for the next tree; on two threads for large matrices (each over half of
    /// `order`). Returns the sums of g and h over all rows (each half summed in order, then the
    /// halves added).
    /// - Parameter leaves: ranges of `order` covering every row once, with the values to add.
    mutating func advance(leaves: [(range: Range<Int>, value: Double)]) -> (g: Double, h: Double) {
        let n = n
        let parts = n * 8 >= parallelWorkThreshold ? 2 : 1
        let sorted = leaves.sorted { $0.range.lowerBound < $1.range.lowerBound }
        let sums = scores.withUnsafeMutableBufferPointer { s in
        labels.withUnsafeBufferPointer { y in
        gradientPairs.withUnsafeMutableBufferPointer { gh in
        order.withUnsafeMutableBufferPointer { o in
            let buffers = UncheckedBox((s, y, gh, o))
            return parallelParts(count: n, parts: parts) { span -> (g: Double, h: Double) in
                let (s, y, gh, o) = buffers.value
                var g = 0.0, h = 0.0
                for leaf in sorted {
                    let lo = max(leaf.range.lowerBound, span.lowerBound), hi = min(leaf.range.upperBound, span.upperBound)
                    guard lo < hi, let sBase = s.baseAddress, let ghBase = gh.baseAddress else { continue }
                    for r in lo..<hi {
                        // A leaf's rows are scattered: fetch the score and gradients of the row 16 ahead.
                        let ahead = Int(o[min(r + 16, hi - 1)])
                        cva_prefetch(sBase + ahead)
                        cva_prefetch(ghBase + 2 * ahead)
                        let i = Int(o[r])
                        let score = s[i] + leaf.value
                        s[i] = score
                        let p = 1 / (1 + Foundation.exp(-score))
                        let gradient = Float(p - Double(y[i])), hessian = Float(max(p * (1 - p), 1e-16))
                        gh[2 * i] = gradient
                        gh[2 * i + 1] = hessian
                        g += Double(gradient)
                        h += Double(hessian)
                    }
                }
                // Only this part reads these entries of `order`.
                for r in span { o[r] = Int32(truncatingIfNeeded: r) }
                return (g, h)
            }
        }}}}
        return sums.reduce((g: 0, h: 0)) { (g: $0.g + $1.g, h: $0.h + $1.h) }
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

    /// Grows one tree level by level on the current gradients, whose sums are `g` and `h`, with
    /// `order` holding 0, 1, …, n − 1. Returns the tree and its leaves (ranges of `order` and
    /// values) for ``advance(leaves:)``.
    mutating func growTree(g: Double, h: Double) -> (tree: GradientBoostedTrees.Tree, leaves: [(range: Range<Int>, value: Double)]) {
        var tree = GradientBoostedTrees.Tree(feature: [], threshold: [], thresholdBin: [], left: [], right: [], value: [], gain: [], count: [])
        func addNode(_ value: Double, _ count: Int) -> Int {
            tree.feature.append(-1); tree.threshold.append(0); tree.thresholdBin.append(0)
            tree.left.append(-1); tree.right.append(-1); tree.value.append(value); tree.gain.append(0)
            tree.count.append(Int32(clamping: count))
            return tree.value.count - 1
        }
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
        return (tree, leaves.map { (range: $0.start..<$0.end, value: tree.value[$0.node]) })
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
    /// in reverse), then each thread copies its half's two runs back to their places: the same
    /// order as one pass.
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
                    guard let columnBase = bn.baseAddress.map({ $0 + column }), !half.isEmpty else { return 0 }
                    let last = half.upperBound - 1
                    for r in half {
                        // A deep node's rows are scattered: fetch the bin of the row 16 ahead.
                        cva_prefetch(columnBase + Int(o[min(r + 16, last)]))
                        let i = o[r]
                        if bn[column + Int(i)] <= threshold { s[front] = i; front += 1 } else { back -= 1; s[back] = i }
                    }
                    return front - half.lowerBound
                }
            }
            // Each half copies its own runs back: its rows sent left after those of the halves
            // before it, its others (reversed back) after all the rows sent left and those of
            // the halves before it.
            _ = parallelParts(count: parts, parts: parts) { part in
                let (_, o, s) = buffers.value
                for (j, job) in jobs.enumerated() {
                    let half = Self.half(job.range, part.lowerBound, of: parts)
                    let left = lefts[part.lowerBound][j]
                    var at = job.range.lowerBound
                    for q in 0..<part.lowerBound { at += lefts[q][j] }
                    for r in half.lowerBound..<(half.lowerBound + left) { o[at] = s[r]; at += 1 }
                    at = job.range.lowerBound
                    for q in 0..<parts { at += lefts[q][j] }
                    for q in 0..<part.lowerBound { at += Self.half(job.range, q, of: parts).count - lefts[q][j] }
                    var r = half.upperBound
                    while r > half.lowerBound + left { r -= 1; o[at] = s[r]; at += 1 }
                }
            }
            return jobs.indices.map { j in (0..<parts).reduce(jobs[j].range.lowerBound) { $0 + lefts[$1][j] } }
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
        let parts = n * d >= parallelWorkThreshold ? 2 : 1
        // Slots per row (two threads over halves of the rows), then their running sums.
        var start = [Int](repeating: 0, count: n + 1)
        columns.withUnsafeBufferPointer { c in
        start.withUnsafeMutableBufferPointer { st in
            let buffers = UncheckedBox((c, st))
            _ = parallelParts(count: n, parts: parts) { rows in
                let (c, st) = buffers.value
                for i in rows {
                    var k = 0
                    for f in 0..<d where Int(c[f * n + i]) != commonBin[f] { k += 1 }
                    st[i + 1] = k
                }
            }
        }}
        for i in 0..<n { start[i + 1] += start[i] }
        func collect<S: FixedWidthInteger & UnsignedInteger & Sendable>(_: S.Type) -> [S] {
            var slots = [S](repeating: 0, count: start[n])
            columns.withUnsafeBufferPointer { c in
            start.withUnsafeBufferPointer { st in
            slots.withUnsafeMutableBufferPointer { s in
                let buffers = UncheckedBox((c, st, s))
                _ = parallelParts(count: n, parts: parts) { rows in
                    let (c, st, s) = buffers.value
                    for i in rows {
                        var k = st[i]
                        for f in 0..<d {
                            let b = Int(c[f * n + i])
                            if b != commonBin[f] { s[k] = S(truncatingIfNeeded: slotOffset[f] + b); k += 1 }
                        }
                    }
                }
            }}}
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
        guard let base = hist.baseAddress.map(UnsafeMutableRawPointer.init), let ghBase = gh.baseAddress,
              let startBase = start.baseAddress, let slotBase = slots.baseAddress, !rows.isEmpty else { return }
        let stride = 3 * MemoryLayout<Double>.stride
        let last = rows.upperBound - 1
        for r in rows {
            // The rows of a deep node are scattered: fetch the gradients and slot start of the row
            // 16 ahead, and the slots of the row 8 ahead (its start fetched 8 rows ago), as
            // LightGBM's histogram loops do.
            let ahead = Int(order[min(r + 16, last)])
            cva_prefetch(ghBase + 2 * ahead)
            cva_prefetch(startBase + ahead)
            cva_prefetch(slotBase + start[Int(order[min(r + 8, last)])])
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
