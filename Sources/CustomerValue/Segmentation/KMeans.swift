import Foundation

/// k-means clustering: Lloyd's iterations (Lloyd 1982, "Least squares quantization in PCM",
/// IEEE Transactions on Information Theory 28(2)) from k-means++ seeds (Arthur & Vassilvitskii
/// 2007, "k-means++: the advantages of careful seeding", SODA), restarted several times, keeping
/// the run of lowest inertia (sum of squared distances of the points to their centroids).
///
/// Seeding is the greedy variant of k-means++: at each step several candidates are drawn with
/// probability proportional to the squared distance to the nearest centroid chosen so far, and
/// the one that lowers the potential most is kept (``localTrials``, 2 + ⌊ln k⌋ by default).
///
/// Convergence: the iterations stop when no point changes cluster, or when the centroids move by
/// a total squared distance of at most ``tolerance`` times the mean variance of the columns
/// (so the tolerance does not depend on the data's scale), or after ``maxIterations``. A last
/// pass then assigns every point to its nearest final centroid and measures the inertia.
///
/// A cluster left empty by an iteration is given the point farthest from its own centroid.
///
/// The result depends only on the data, the settings and ``seed``: restart `r` draws from
/// `SeededGenerator(seed:stream: r)`, and each pass splits the points into the same blocks (16
/// from 20,000 points), run on the cores, whose partial sums are merged in a fixed order.
public struct KMeans: Sendable, Hashable {
    /// Number of clusters k, ≥ 1.
    public var clusters: Int
    /// Independent runs from different seeds (n_init), ≥ 1; the lowest inertia wins.
    public var restarts: Int
    /// Lloyd iterations per run at most, ≥ 1.
    public var maxIterations: Int
    /// Relative tolerance on the centroids' total squared shift (see the type's comment), ≥ 0.
    public var tolerance: Double
    /// Seed of the random choices.
    public var seed: UInt64
    /// Candidates per k-means++ step; nil for 2 + ⌊ln k⌋.
    public var localTrials: Int?
    /// How each iteration finds the nearest centroids; both give Lloyd's iterations.
    public var algorithm: Algorithm

    /// How an iteration assigns the rows to their nearest centroids.
    public enum Algorithm: String, Sendable, Hashable, Codable, CaseIterable {
        /// Every row against every centroid.
        case lloyd
        /// Hamerly (2010, "Making k-means even faster", SIAM SDM): per row an upper bound on the
        /// distance to its centroid and a lower bound on that to any other, moved by the centroids'
        /// shifts; a row is compared with all centroids only when the bounds allow it to change
        /// cluster. The same assignments as ``lloyd`` (up to rounding at exact ties), usually far
        /// fewer distances once most rows have settled.
        case hamerly
    }

    /// - Parameters:
    ///   - clusters: k ≥ 1.
    ///   - restarts: runs, ≥ 1.
    ///   - maxIterations: iterations per run, ≥ 1.
    ///   - tolerance: relative tolerance, ≥ 0.
    ///   - seed: any value.
    ///   - localTrials: k-means++ candidates per step (≥ 1), nil for 2 + ⌊ln k⌋.
    ///   - algorithm: how iterations assign rows (``Algorithm/hamerly`` by default).
    /// - Throws: ``SegmentationError`` for a setting out of its domain.
    public init(clusters: Int, restarts: Int = 10, maxIterations: Int = 300, tolerance: Double = 1e-4,
                seed: UInt64 = 42, localTrials: Int? = nil, algorithm: Algorithm = .hamerly) throws {
        guard clusters >= 1 else { throw SegmentationError("k must be at least 1, got \(clusters)") }
        guard restarts >= 1 else { throw SegmentationError("restarts must be at least 1, got \(restarts)") }
        guard maxIterations >= 1 else { throw SegmentationError("max iterations must be at least 1, got \(maxIterations)") }
        guard tolerance >= 0, tolerance.isFinite else { throw SegmentationError("tolerance must be ≥ 0, got \(tolerance)") }
        if let localTrials, localTrials < 1 { throw SegmentationError("local trials must be at least 1, got \(localTrials)") }
        self.clusters = clusters
        self.restarts = restarts
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
        self.localTrials = localTrials
        self.algorithm = algorithm
    }

    /// A clustering of n points.
    public struct Result: Sendable, Hashable {
        /// k × d centroids, in the units of the points.
        public var centroids: Matrix
        /// The cluster (0..<k) of each point.
        public var assignment: [Int32]
        /// The Euclidean distance of each point to its centroid.
        public var distances: [Double]
        /// Points per cluster.
        public var sizes: [Int]
        /// Sum of squared distances of the points to their centroids.
        public var inertia: Double
        /// Lloyd iterations of the winning run.
        public var iterations: Int
        /// Whether the winning run stopped before ``KMeans/maxIterations``.
        public var converged: Bool
        /// The winning run (0-based).
        public var bestRestart: Int
        /// Final inertia of every run.
        public var inertiaByRestart: [Double]
    }

    /// Clusters the rows of `points`.
    /// - Parameter points: n × d, finite entries, n ≥ 1, d ≥ 1.
    /// - Returns: the run of lowest inertia.
    /// - Throws: ``SegmentationError`` when a value is not finite, or when the points have fewer
    ///   than k distinct rows (k-means++ runs out of points that are not already centroids).
    /// - Complexity: O(restarts · (iterations + trials) · n · k · d).
    public func fit(_ points: Matrix) throws -> Result {
        let n = points.rows, d = points.columns, k = clusters
        guard n >= 1, d >= 1 else { throw SegmentationError("k-means needs at least one point and one feature") }
        guard points.elements.allSatisfy(\.isFinite) else {
            throw SegmentationError("k-means needs finite values; the matrix holds NaN or infinity")
        }
        guard k <= n else {
            throw SegmentationError("k = \(k) clusters but there are only \(n) points: choose k ≤ \(n)")
        }
        let trials = localTrials ?? (2 + Int(Double.log(Double(k))))
        return try points.elements.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { throw SegmentationError("k-means needs at least one point") }
            let work = KMeansWorkspace(points: base, n: n, d: d, k: k)
            let absoluteTolerance = tolerance * work.meanColumnVariance()
            var best: (inertia: Double, restart: Int, iterations: Int, converged: Bool)?
            var bestLabels = [Int32](repeating: 0, count: n)
            var bestCentroids = [Double](repeating: 0, count: k * d)
            var inertias: [Double] = []
            for restart in 0..<restarts {
                var generator = SeededGenerator(seed: seed, stream: UInt64(restart))
                try work.seedPlusPlus(trials: trials, generator: &generator)
                let (iterations, converged) = work.iterate(algorithm, maxIterations: maxIterations, tolerance: absoluteTolerance)
                let inertia = work.finalPass()
                inertias.append(inertia)
                if best == nil || inertia < best?.inertia ?? .infinity {
                    best = (inertia, restart, iterations, converged)
                    for i in 0..<n { bestLabels[i] = work.labels[i] }
                    for j in 0..<(k * d) { bestCentroids[j] = work.centroids[j] }
                }
            }
            guard let best else { throw SegmentationError("k-means made no run") }
            var distances = [Double](repeating: 0, count: n)
            var sizes = [Int](repeating: 0, count: k)
            for i in 0..<n {
                let c = Int(bestLabels[i])
                sizes[c] += 1
                var s = 0.0
                for j in 0..<d {
                    let e = base[i * d + j] - bestCentroids[c * d + j]
                    s += e * e
                }
                distances[i] = s.squareRoot()
            }
            return Result(centroids: Matrix(rows: k, columns: d, elements: bestCentroids), assignment: bestLabels,
                          distances: distances, sizes: sizes, inertia: best.inertia, iterations: best.iterations,
                          converged: best.converged, bestRestart: best.restart, inertiaByRestart: inertias)
        }
    }
}

/// The buffers of one k-means fit and its passes over the points. The points are borrowed
/// (valid for the duration of ``KMeans/fit(_:)``); everything else is owned.
///
/// Every pass splits the rows into ``parts`` fixed blocks run with `concurrentPerform` (on the
/// machine's cores); each block writes only its own slice of the per-part buffers, which are
/// merged in part order so the result does not depend on thread timing.
final class KMeansWorkspace: @unchecked Sendable {
    let x: UnsafePointer<Double>
    let n: Int, d: Int, k: Int
    let parts: Int
    /// ‖x_i‖² per row.
    let rowNorms: UnsafeMutablePointer<Double>
    /// Current centroids, k × d row-major, and transposed (d × k) for the assignment loop.
    let centroids: UnsafeMutablePointer<Double>
    let centroidsT: UnsafeMutablePointer<Double>
    let centroidNorms: UnsafeMutablePointer<Double>
    let labels: UnsafeMutablePointer<Int32>
    /// Per part: k × d sums and k counts.
    let sums: UnsafeMutablePointer<Double>
    let counts: UnsafeMutablePointer<Int>
    /// Per part scalars (inertia, changed labels, candidate potentials).
    let partValues: UnsafeMutablePointer<Double>
    /// Squared distance to the nearest seed, during seeding; scratch otherwise.
    let closest: UnsafeMutablePointer<Double>
    /// The k-means++ candidates of one step.
    let candidates: UnsafeMutablePointer<Int>
    /// Hamerly's bounds per row: above the distance to its own centroid, below that to any other.
    let upper: UnsafeMutablePointer<Double>
    let lower: UnsafeMutablePointer<Double>
    /// Per centroid: how far it moved in the last update, and half the distance to the nearest other.
    let moves: UnsafeMutablePointer<Double>
    let halfGaps: UnsafeMutablePointer<Double>
    /// The largest move, the second largest, and the centroid that made the largest.
    var largestMoves: (first: Double, second: Double, centroid: Int) = (0, 0, -1)
    static let maxTrials = 64
    /// Parts of a pass over many rows (fixed, so that results do not depend on the machine).
    static let parallelParts = 16

    init(points: UnsafePointer<Double>, n: Int, d: Int, k: Int) {
        x = points
        self.n = n
        self.d = d
        self.k = k
        // Many more parts than cores: on a shared machine a thread that is descheduled holds up
        // one small part, not half of the pass, while the other takes the remaining parts.
        parts = n >= 20_000 ? Self.parallelParts : 1
        rowNorms = .allocate(capacity: n)
        centroids = .allocate(capacity: k * d)
        centroidsT = .allocate(capacity: k * d)
        centroidNorms = .allocate(capacity: k)
        labels = .allocate(capacity: n)
        labels.initialize(repeating: -1, count: n)
        sums = .allocate(capacity: parts * k * d)
        counts = .allocate(capacity: parts * k)
        partValues = .allocate(capacity: parts * (Self.maxTrials + 2))
        closest = .allocate(capacity: n)
        candidates = .allocate(capacity: Self.maxTrials)
        upper = .allocate(capacity: n)
        lower = .allocate(capacity: n)
        moves = .allocate(capacity: k)
        halfGaps = .allocate(capacity: k)
        parallel { range, _ in
            let points = self.x
            for i in range {
                var s = 0.0
                for j in 0..<d { s += points[i * d + j] * points[i * d + j] }
                self.rowNorms[i] = s
            }
        }
    }

    deinit {
        rowNorms.deallocate()
        centroids.deallocate()
        centroidsT.deallocate()
        centroidNorms.deallocate()
        labels.deallocate()
        sums.deallocate()
        counts.deallocate()
        partValues.deallocate()
        closest.deallocate()
        candidates.deallocate()
        upper.deallocate()
        lower.deallocate()
        moves.deallocate()
        halfGaps.deallocate()
    }

    /// Runs `body(rows, part)` on the fixed parts of 0..<n, concurrently.
    func parallel(_ body: @Sendable (Range<Int>, Int) -> Void) {
        let n = self.n, parts = self.parts
        if parts == 1 { body(0..<n, 0); return }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body((part * n / parts)..<((part + 1) * n / parts), part)
        }
    }

    /// Mean over the columns of their (population) variance, in two row-wise passes (means,
    /// then squared deviations: no cancellation of a sum of squares minus a squared sum).
    func meanColumnVariance() -> Double {
        var means = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { means[j] += x[i * d + j] } }
        for j in 0..<d { means[j] /= Double(n) }
        for i in 0..<n { for j in 0..<d { let e = x[i * d + j] - means[j]; squares[j] += e * e } }
        return squares.reduce(0, +) / Double(n) / Double(d)
    }

    /// The centroid nearest to `row` by ‖c‖² − 2 x·c (the row's own ‖x‖² left out), and that
    /// value, from the centroids prepared by ``prepareCentroids()``; `scratch` holds k values.
    @inline(__always)
    func nearestCentroid(_ row: UnsafePointer<Double>, scratch: UnsafeMutablePointer<Double>) -> (index: Int, value: Double) {
        let (d, k) = (self.d, self.k)
        let ct = centroidsT, norms = centroidNorms
        for c in 0..<k { scratch[c] = norms[c] }
        for j in 0..<d {
            let m = -2 * row[j]
            let col = ct + j * k
            for c in 0..<k { scratch[c] += m * col[c] }
        }
        var best = 0
        var bestValue = scratch[0]
        for c in 1..<max(k, 1) where scratch[c] < bestValue {
            bestValue = scratch[c]
            best = c
        }
        return (best, bestValue)
    }

    /// Squared distance from row `i` to the point `p` (d values).
    @inline(__always)
    func squaredDistance(_ i: Int, _ p: UnsafePointer<Double>) -> Double {
        var s = 0.0
        let row = x + i * d
        for j in 0..<d { let e = row[j] - p[j]; s += e * e }
        return s
    }

    /// Sets ``centroids`` to k seeds by greedy k-means++.
    /// - Throws: when fewer than k distinct rows exist.
    func seedPlusPlus(trials: Int, generator: inout SeededGenerator) throws {
        let (n, d, k) = (self.n, self.d, self.k)
        let trials = min(trials, Self.maxTrials)
        let first = Int(generator.next() % UInt64(n))
        for j in 0..<d { centroids[j] = x[first * d + j] }
        parallel { range, part in
            var s = 0.0
            let firstPoint = self.x + first * self.d
            for i in range {
                let v = self.squaredDistance(i, firstPoint)
                self.closest[i] = v
                s += v
            }
            self.partValues[part] = s
        }
        var potential = (0..<parts).reduce(0.0) { $0 + partValues[$1] }
        let cumulative = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer { cumulative.deallocate() }
        for c in 1..<max(k, 1) {
            guard potential > 0 else {
                throw SegmentationError("k = \(k) clusters but the data has only \(c) distinct point\(c == 1 ? "" : "s") "
                                        + "(customers with identical features count once): choose k ≤ \(c)")
            }
            var running = 0.0
            for i in 0..<n { running += closest[i]; cumulative[i] = running }
            for t in 0..<trials {
                let u = generator.nextUniform() * running
                // First index whose cumulative sum exceeds u: it has a positive weight.
                var lo = 0, hi = n - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
                }
                while lo > 0 && closest[lo] == 0 { lo -= 1 }
                candidates[t] = lo
            }
            parallel { range, part in
                let d = self.d, shared = self.candidates
                var pot = [Double](repeating: 0, count: trials)
                for i in range {
                    let near = self.closest[i]
                    for t in 0..<trials {
                        let v = self.squaredDistance(i, self.x + shared[t] * d)
                        pot[t] += min(near, v)
                    }
                }
                for t in 0..<trials { self.partValues[part * (Self.maxTrials + 2) + t] = pot[t] }
            }
            var bestTrial = 0, bestPotential = Double.infinity
            for t in 0..<trials {
                var p = 0.0
                for part in 0..<parts { p += partValues[part * (Self.maxTrials + 2) + t] }
                if p < bestPotential { bestPotential = p; bestTrial = t }
            }
            let chosen = candidates[bestTrial]
            for j in 0..<d { centroids[c * d + j] = x[chosen * d + j] }
            parallel { range, _ in
                let seedPoint = self.x + chosen * self.d
                for i in range {
                    let v = self.squaredDistance(i, seedPoint)
                    if v < self.closest[i] { self.closest[i] = v }
                }
            }
            potential = bestPotential
        }
    }

    /// Refreshes the transposed centroids and their squared norms.
    func prepareCentroids() {
        for c in 0..<k {
            var s = 0.0
            for j in 0..<d {
                let v = centroids[c * d + j]
                centroidsT[j * k + c] = v
                s += v * v
            }
            centroidNorms[c] = s
        }
    }

    /// Assigns every row to its nearest centroid by ‖c‖² − 2 x·c (‖x‖² is the same for all
    /// centroids), accumulating per-part sums and counts; part values: [inertia, changed].
    private func assignAndAccumulate() {
        prepareCentroids()
        let (d, k) = (self.d, self.k)
        parallel { range, part in
            let sums = self.sums + part * k * d
            let counts = self.counts + part * k
            sums.update(repeating: 0, count: k * d)
            counts.update(repeating: 0, count: k)
            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: k)
            defer { scratch.deallocate() }
            let x = self.x, labels = self.labels
            var inertia = 0.0
            var changed = 0
            for i in range {
                let row = x + i * d
                let (best, bestValue) = self.nearestCentroid(row, scratch: scratch)
                inertia += max(0, bestValue + self.rowNorms[i])
                if labels[i] != Int32(best) { changed += 1; labels[i] = Int32(best) }
                counts[best] += 1
                let target = sums + best * d
                for j in 0..<d { target[j] += row[j] }
            }
            self.partValues[part * 2] = inertia
            self.partValues[part * 2 + 1] = Double(changed)
        }
    }

    /// Lloyd iterations from the current centroids, each pass assigning every row (``KMeans/Algorithm/lloyd``)
    /// or only the rows whose Hamerly bounds allow a change (``KMeans/Algorithm/hamerly``).
    /// - Returns: iterations done and whether they converged.
    func iterate(_ algorithm: KMeans.Algorithm, maxIterations: Int, tolerance: Double) -> (iterations: Int, converged: Bool) {
        let (d, k) = (self.d, self.k)
        labels.update(repeating: -1, count: n)
        for iteration in 1...maxIterations {
            switch algorithm {
            case .lloyd: assignAndAccumulate()
            case .hamerly: hamerlyPass(bounded: iteration > 1)
            }
            var changed = 0.0
            for part in 0..<parts { changed += partValues[part * 2 + 1] }
            // Merge the parts into part 0.
            for part in 1..<max(parts, 1) {
                for e in 0..<(k * d) { sums[e] += sums[part * k * d + e] }
                for c in 0..<k { counts[c] += counts[part * k + c] }
            }
            for i in relocateEmptyClusters() {
                // The row is its new centroid; 0 is a valid lower bound for the others.
                upper[i] = 0
                lower[i] = 0
            }
            var shift = 0.0
            // A cluster still empty (only possible when no cluster has a row to spare) keeps its centroid.
            for c in 0..<k {
                moves[c] = 0
                guard counts[c] > 0 else { continue }
                let size = Double(counts[c])
                var move = 0.0
                for j in 0..<d {
                    let v = sums[c * d + j] / size
                    let e = v - centroids[c * d + j]
                    move += e * e
                    centroids[c * d + j] = v
                }
                moves[c] = move.squareRoot()
                shift += move
            }
            if changed == 0 { return (iteration, true) }
            if shift <= tolerance { return (iteration, true) }
            if algorithm == .hamerly { prepareBounds() }
        }
        return (maxIterations, false)
    }

    /// Gives each empty cluster the row farthest from its (previous) centroid among clusters
    /// with more than one row, moving that row's contribution to the merged sums.
    /// - Returns: the rows moved.
    private func relocateEmptyClusters() -> [Int] {
        let (d, k) = (self.d, self.k)
        guard (0..<k).contains(where: { counts[$0] == 0 }) else { return [] }
        var moved: [Int] = []
        for i in 0..<n { closest[i] = squaredDistance(i, centroids + Int(labels[i]) * d) }
        for c in 0..<k where counts[c] == 0 {
            var far = -1
            var farValue = -1.0
            for i in 0..<n where closest[i] > farValue && counts[Int(labels[i])] > 1 {
                far = i
                farValue = closest[i]
            }
            guard far >= 0 else { continue }
            let old = Int(labels[far])
            for j in 0..<d {
                sums[old * d + j] -= x[far * d + j]
                sums[c * d + j] = x[far * d + j]
            }
            counts[old] -= 1
            counts[c] = 1
            labels[far] = Int32(c)
            closest[far] = -1
            moved.append(far)
        }
        return moved
    }

    /// Assigns every row to its nearest final centroid; returns the inertia, summed from
    /// directly computed squared differences (no ‖x‖² − 2x·c + ‖c‖² cancellation).
    func finalPass() -> Double {
        prepareCentroids()
        let (d, k) = (self.d, self.k)
        parallel { range, part in
            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: k)
            defer { scratch.deallocate() }
            let x = self.x
            var inertia = 0.0
            for i in range {
                let (best, _) = self.nearestCentroid(x + i * d, scratch: scratch)
                self.labels[i] = Int32(best)
                inertia += self.squaredDistance(i, self.centroids + best * d)
            }
            self.partValues[part] = inertia
        }
        return (0..<parts).reduce(0.0) { $0 + partValues[$1] }
    }
}
