import Foundation

/// Gradient-boosted decision trees for a binary label, with histogram-based split finding.
///
/// Friedman (2001), "Greedy function approximation: a gradient boosting machine", Annals of
/// Statistics 29(5), with the second-order (Newton) leaf values and split gain of Chen & Guestrin
/// (2016), "XGBoost: a scalable tree boosting system", KDD: the raw score F(x) = F₀ + Σ_t η·f_t(x)
/// is a log-odds, P(churn | x) = σ(F(x)); each tree f_t is fitted to the gradients g_i = p_i − y_i
/// and Hessians h_i = p_i(1 − p_i) of the log-loss; a node with sums G, H has value −G/(H + λ),
/// and a split into L and R gains G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ). Split candidates
/// are the bin boundaries of quantile bins computed once per feature (Ke et al. 2017,
/// "LightGBM", NeurIPS): per node, gradient/Hessian histograms of the binned rows, the larger
/// child's histogram obtained as the parent's minus the smaller child's. Trees grow level by
/// level to `maxDepth`. F₀ is the training log-odds. Training stops early when the validation
/// log-loss has not improved for `earlyStoppingRounds` trees, and keeps the best prefix.
public struct GradientBoostedTrees: Sendable, Codable, Hashable {
    /// Settings of the fit.
    public struct Options: Sendable, Codable, Hashable {
        /// Trees at most (≥ 1).
        public var trees: Int
        /// Shrinkage η applied to every tree (0 < η ≤ 1).
        public var learningRate: Double
        /// Depth of a tree at most (≥ 1): at most 2^maxDepth leaves.
        public var maxDepth: Int
        /// Training rows in a leaf at least (≥ 1).
        public var minSamplesLeaf: Int
        /// L2 penalty λ on leaf values (≥ 0).
        public var l2: Double
        /// Quantile bins per feature (2...256).
        public var bins: Int
        /// Stop after this many trees without a better validation log-loss (0: never stop early).
        public var earlyStoppingRounds: Int
        /// Share of the training rows held out for early stopping when no validation matrix is
        /// given (0 ≤ f < 1; 0: no early stopping).
        public var validationFraction: Double
        /// Seed of the validation split.
        public var seed: UInt64
        /// Smallest gain for a split (≥ 0).
        public var minGain: Double

        public init(trees: Int = 300, learningRate: Double = 0.1, maxDepth: Int = 6, minSamplesLeaf: Int = 20, l2: Double = 1,
                    bins: Int = 255, earlyStoppingRounds: Int = 20, validationFraction: Double = 0.1, seed: UInt64 = 42,
                    minGain: Double = 0) {
            self.trees = trees
            self.learningRate = learningRate
            self.maxDepth = maxDepth
            self.minSamplesLeaf = minSamplesLeaf
            self.l2 = l2
            self.bins = bins
            self.earlyStoppingRounds = earlyStoppingRounds
            self.validationFraction = validationFraction
            self.seed = seed
            self.minGain = minGain
        }
    }

    /// One regression tree, nodes in flat arrays; node 0 is the root.
    public struct Tree: Sendable, Codable, Hashable {
        /// The feature a node splits on, −1 for a leaf.
        public var feature: [Int32]
        /// Rows with value ≤ threshold go left.
        public var threshold: [Double]
        /// The same test on bins: bin ≤ thresholdBin goes left.
        public var thresholdBin: [UInt8]
        /// Children of an internal node (−1 for a leaf).
        public var left: [Int32]
        public var right: [Int32]
        /// The node's value on the log-odds scale, shrinkage included: −η·G/(H + λ). A leaf's
        /// value is its output; an inner node's value is what it would output as a leaf, the
        /// reference of the path-based contributions.
        public var value: [Double]
        /// Gain of the split (0 for a leaf).
        public var gain: [Double]
        /// Training rows reaching the node.
        public var count: [Int32]

        /// The leaf reached by a row of raw values.
        @inline(__always)
        func leaf(_ v: UnsafeBufferPointer<Double>, base: Int) -> Int {
            var node = 0
            while feature[node] >= 0 {
                node = Int(v[base + Int(feature[node])] <= threshold[node] ? left[node] : right[node])
            }
            return node
        }

        /// The leaf reached by a row of bins.
        @inline(__always)
        func leaf(bins b: UnsafeBufferPointer<UInt8>, base: Int) -> Int {
            var node = 0
            while feature[node] >= 0 {
                node = Int(b[base + Int(feature[node])] <= thresholdBin[node] ? left[node] : right[node])
            }
            return node
        }
    }

    /// The feature names of the training matrix, in order.
    public let featureNames: [String]
    /// F₀: the log-odds of churn in the training rows.
    public let baseScore: Double
    /// The trees kept (the best prefix when training stopped early).
    public let trees: [Tree]
    /// Trees that gave the lowest validation log-loss (1-based count; all trees without validation).
    public let bestIteration: Int
    /// Validation log-loss after each tree grown (empty without validation).
    public let validationLoss: [Double]
    /// Total split gain per feature over the kept trees, normalised to sum 1 (all 0 when no tree splits).
    public let featureImportance: [Double]
    /// Rows used to grow the trees, and to stop early.
    public let trainingRows: Int
    public let validationRows: Int
    /// The options of the fit.
    public let options: Options

    /// Fits the model.
    /// - Parameters:
    ///   - train: labelled training rows, both classes present.
    ///   - validation: labelled rows for early stopping, same columns; nil to hold out
    ///     `options.validationFraction` of `train` (chosen with `options.seed`).
    ///   - options: see ``Options``.
    /// - Throws: `ChurnLearnerError` for missing or one-class labels, or mismatched columns.
    /// - Complexity: O(trees × (n × d + 2^depth × d × bins)); histograms on two threads for large nodes.
    public static func fit(_ train: FeatureMatrix, validation: FeatureMatrix? = nil, options: Options = Options()) throws -> GradientBoostedTrees {
        precondition(options.trees >= 1 && options.maxDepth >= 1 && options.minSamplesLeaf >= 1, "trees, maxDepth, minSamplesLeaf ≥ 1")
        precondition(options.learningRate > 0 && options.l2 >= 0 && (0..<1).contains(options.validationFraction), "learningRate > 0, l2 ≥ 0, 0 ≤ validationFraction < 1")
        let trainLabels = try ChurnLearnerError.checkedLabels(train)
        if let validation {
            guard validation.featureNames == train.featureNames else {
                throw ChurnLearnerError("the validation matrix has columns \(validation.featureNames.joined(separator: ", ")); the training matrix has \(train.featureNames.joined(separator: ", "))")
            }
            guard validation.labels != nil else { throw ChurnLearnerError("the validation feature matrix has no labels") }
            var grower = TreeGrower(matrix: train, labels: trainLabels, options: options)
            return grower.boost(validation: validation, trainRowsLabel: train.rowCount)
        }
        guard let held = heldOutRows(count: train.rowCount, options: options) else {
            var grower = TreeGrower(matrix: train, labels: trainLabels, options: options)
            return grower.boost(validation: nil, trainRowsLabel: train.rowCount)
        }
        // The held-out split is read in place (no copy of the matrix's rows).
        let labels = held.fit.map { trainLabels[$0] }
        let positives = labels.reduce(0) { $0 + Int($1) }
        if positives == 0 || positives == labels.count {
            throw ChurnLearnerError("no \(positives == 0 ? "positive" : "negative") examples among the \(labels.count) training rows left after holding out \(held.validation.count) for early stopping, so there is nothing to learn")
        }
        var grower = TreeGrower(matrix: train, rows: held.fit, labels: labels, options: options)
        return grower.boost(validation: train, validationRows: held.validation, trainRowsLabel: held.fit.count)
    }

    /// The split of `count` training rows that ``fit(_:validation:options:)`` makes when no
    /// validation matrix is given: a seeded random `options.validationFraction` of the rows held
    /// out for early stopping, the rest to grow the trees (both in increasing row order); nil
    /// when nothing is held out (no early stopping, or too few rows).
    public static func heldOutRows(count: Int, options: Options = Options()) -> (fit: [Int], validation: [Int])? {
        guard options.validationFraction > 0, options.earlyStoppingRounds > 0 else { return nil }
        var generator = SeededGenerator(seed: options.seed)
        var order = Array(0..<count)
        order.shuffle(using: &generator)
        let held = Int((Double(count) * options.validationFraction).rounded())
        guard held > 0, held < count else { return nil }
        return (Array(order[held...]).sorted(), Array(order[..<held]).sorted())
    }

    /// The raw score F(x) (log-odds) of one row of raw feature values.
    /// - Precondition: `row.count == featureNames.count`.
    public func rawScore(row: ArraySlice<Double>) -> Double {
        precondition(row.count == featureNames.count, "a row of \(row.count) values for a model of \(featureNames.count) features")
        return row.withContiguousStorageIfAvailable { v in
            var score = baseScore
            for tree in trees { score += tree.value[tree.leaf(v, base: 0)] }
            return score
        } ?? rawScore(row: ArraySlice(Array(row)))
    }

    /// The churn probability σ(F(x)) of one row of raw feature values.
    public func probability(row: ArraySlice<Double>) -> Double { 1 / (1 + Foundation.exp(-rawScore(row: row))) }

    /// The churn probability of row `row` of `m`.
    public func probability(_ m: FeatureMatrix, row: Int) -> Double {
        probability(row: m.values[row * m.columnCount ..< (row + 1) * m.columnCount])
    }

    /// Raw scores of every row of `m` (same columns as the training matrix).
    /// - Complexity: O(n × trees × depth), on two threads for large matrices.
    public func rawScores(_ m: FeatureMatrix) -> [Double] { flatRawScores(m) }

    /// Churn probabilities of every row of `m`.
    public func predict(_ m: FeatureMatrix) -> [Double] {
        rawScores(m).map { 1 / (1 + Foundation.exp(-$0)) }
    }

    /// The score every contribution is measured from: F₀ plus each tree's root value.
    public var bias: Double { trees.reduce(baseScore) { $0 + $1.value[0] } }

    /// Path-based contributions of each feature to the raw score of row `row` of `m` (Saabas
    /// 2014, "Interpreting random forests"; the "approximate" contributions of XGBoost and
    /// LightGBM): along the path of the row in each tree, the change of node value at a split is
    /// credited to the split's feature. ``bias`` plus their sum is the raw score (the terms
    /// telescope to the leaf values).
    public func contributions(_ m: FeatureMatrix, row: Int) -> [Double] {
        precondition(m.columnCount == featureNames.count, "a matrix of \(m.columnCount) columns for a model of \(featureNames.count) features")
        var out = [Double](repeating: 0, count: featureNames.count)
        let base = row * m.columnCount
        for tree in trees {
            var node = 0
            while tree.feature[node] >= 0 {
                let f = Int(tree.feature[node])
                let child = Int(m.values[base + f] <= tree.threshold[node] ? tree.left[node] : tree.right[node])
                out[f] += tree.value[child] - tree.value[node]
                node = child
            }
        }
        return out
    }

    init(featureNames: [String], baseScore: Double, trees: [Tree], bestIteration: Int, validationLoss: [Double],
         trainingRows: Int, validationRows: Int, options: Options) {
        self.featureNames = featureNames
        self.baseScore = baseScore
        self.trees = trees
        self.bestIteration = bestIteration
        self.validationLoss = validationLoss
        self.trainingRows = trainingRows
        self.validationRows = validationRows
        self.options = options
        var gain = [Double](repeating: 0, count: featureNames.count)
        for tree in trees {
            for node in tree.feature.indices where tree.feature[node] >= 0 { gain[Int(tree.feature[node])] += tree.gain[node] }
        }
        let total = gain.reduce(0, +)
        featureImportance = total > 0 ? gain.map { $0 / total } : gain
    }
}
