import Foundation

/// Settings of a cluster analysis.
public struct ClusterOptions: Sendable, Hashable {
    /// k, or nil to choose it by silhouette in ``candidateClusters``.
    public var clusters: Int?
    /// The k tried when ``clusters`` is nil, and the range of the elbow curve.
    public var candidateClusters: ClosedRange<Int>
    /// Column scaling.
    public var standardization: Standardization.Method
    /// k-means runs per k (n_init).
    public var restarts: Int
    /// Lloyd iterations per run at most.
    public var maxIterations: Int
    /// Relative tolerance (see ``KMeans``).
    public var tolerance: Double
    /// Seed of k-means and of the silhouette sample.
    public var seed: UInt64
    /// Points of the silhouette sample; the exact silhouette up to this many customers.
    public var silhouetteSample: Int
    /// Whether to compute the elbow curve (and silhouettes) over ``candidateClusters`` when k is given.
    public var elbowWithGivenK: Bool
    /// How k-means iterations assign rows (the same result either way).
    public var algorithm: KMeans.Algorithm = .hamerly

    /// - Parameters:
    ///   - clusters: k ≥ 1, or nil to choose it by silhouette.
    ///   - candidateClusters: the k tried (and the elbow's range), from 2 up.
    ///   - standardization: column scaling.
    ///   - restarts: k-means runs per k, ≥ 1.
    ///   - maxIterations: Lloyd iterations per run, ≥ 1.
    ///   - tolerance: relative tolerance, ≥ 0.
    ///   - seed: seed of k-means and of the silhouette sample.
    ///   - silhouetteSample: points of the silhouette sample, ≥ 2.
    ///   - elbowWithGivenK: whether a given k also gets the elbow curve over `candidateClusters`.
    public init(clusters: Int? = nil, candidateClusters: ClosedRange<Int> = 2...10,
                standardization: Standardization.Method = .zScore, restarts: Int = 10, maxIterations: Int = 300,
                tolerance: Double = 1e-4, seed: UInt64 = 42, silhouetteSample: Int = 3_000, elbowWithGivenK: Bool = false) {
        self.clusters = clusters
        self.candidateClusters = candidateClusters
        self.standardization = standardization
        self.restarts = restarts
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
        self.silhouetteSample = silhouetteSample
        self.elbowWithGivenK = elbowWithGivenK
    }
}

/// Customers clustered by k-means on chosen features: scaling (``Standardization``), k given or
/// chosen by the best mean silhouette (Rousseeuw 1987) over a range of k, the elbow curve
/// (inertia by k), and a ``ClusterProfile`` with an automatic name per cluster.
///
/// Clusters are numbered by size, 0 the largest (ties by k-means' order).
///
/// With k chosen automatically every k of the range is fitted with all restarts, so the search
/// costs about (number of k) times one fit; the silhouette, O(m²) on a sample of m ≤ 3,000
/// customers, is small beside it for large n.
/// - Complexity: O(|range| · restarts · iterations · n · k · d) for the search.
public struct ClusterAnalysis: Sendable {
    /// One point of the elbow curve.
    public struct ElbowPoint: Sendable, Hashable, Codable {
        /// Number of clusters.
        public var k: Int
        /// The lowest inertia of the restarts at this k.
        public var inertia: Double
        /// Mean silhouette at this k (nil when not computed or undefined).
        public var silhouette: Double?
    }

    /// The features, in column order.
    public var features: [String]
    /// The scaling learnt from the data.
    public var standardization: Standardization
    /// The clustering (assignment renumbered by size).
    public var result: KMeans.Result
    /// Number of clusters.
    public var k: Int { result.sizes.count }
    /// Whether k was chosen by silhouette.
    public var kChosenAutomatically: Bool
    /// Mean silhouette of the clustering (nil for k = 1 or when undefined).
    public var silhouette: Double?
    /// Points the silhouette was computed on (all, or the sample).
    public var silhouettePoints: Int
    /// Inertia (and silhouette) by k.
    public var elbow: [ElbowPoint]
    /// One profile per cluster.
    public var profiles: [ClusterProfile]
    /// Seconds spent in k-means for the chosen k (all restarts).
    public var kMeansSeconds: Double
    /// Seconds spent on the whole search over k (elbow and silhouettes included).
    public var totalSeconds: Double

    /// Clusters the rows of `raw`.
    /// - Parameters:
    ///   - raw: n × d features in original units (finite).
    ///   - features: the names and labels of the d columns.
    ///   - options: the settings.
    /// - Throws: ``SegmentationError`` when k exceeds the distinct customers, a setting is out of
    ///   range, or no k of the range can be fitted.
    public init(raw: Matrix, features: [(name: String, label: LocalizedText)], options: ClusterOptions) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let n = raw.rows
        guard n >= 1 else { throw SegmentationError("no customers to cluster") }
        guard options.candidateClusters.lowerBound >= 2 else {
            throw SegmentationError("the range of k must start at 2 or more, got \(options.candidateClusters)")
        }
        self.features = features.map(\.name)
        standardization = Standardization(method: options.standardization, fitting: raw)
        let points = standardization.apply(to: raw)

        func fit(_ k: Int) throws -> (KMeans.Result, Double) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let result = try KMeans(clusters: k, restarts: options.restarts, maxIterations: options.maxIterations,
                                    tolerance: options.tolerance, seed: options.seed,
                                    algorithm: options.algorithm).fit(points)
            return (result, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        func silhouetteOf(_ r: KMeans.Result, _ k: Int) -> (Double?, Int) {
            guard k >= 2, k < n else { return (nil, 0) }
            let s = Silhouette.sampled(points: points, labels: r.assignment, clusters: k,
                                       sampleSize: options.silhouetteSample, seed: options.seed)
            return (s.score, s.points)
        }

        var elbow: [ElbowPoint] = []
        var chosen: (result: KMeans.Result, seconds: Double, silhouette: Double?, points: Int)?
        if options.clusters == nil || options.elbowWithGivenK {
            for k in options.candidateClusters where k < n {
                let fitted: (KMeans.Result, Double)
                do {
                    fitted = try fit(k)
                } catch let error as SegmentationError where k > options.candidateClusters.lowerBound {
                    // Fewer distinct customers than k: the larger k cannot be fitted either.
                    _ = error
                    break
                }
                let (s, m) = silhouetteOf(fitted.0, k)
                elbow.append(ElbowPoint(k: k, inertia: fitted.0.inertia, silhouette: s))
                if options.clusters == nil {
                    if chosen == nil || (s ?? -2) > (chosen?.silhouette ?? -2) {
                        chosen = (fitted.0, fitted.1, s, m)
                    }
                } else if k == options.clusters {
                    chosen = (fitted.0, fitted.1, s, m)
                }
            }
            if options.clusters == nil && chosen == nil {
                throw SegmentationError("k cannot be chosen automatically from \(n) customers: at least 3 are needed for k = 2 and a silhouette")
            }
        }
        if chosen == nil, let k = options.clusters {
            let (result, seconds) = try fit(k)
            let (s, m) = silhouetteOf(result, k)
            chosen = (result, seconds, s, m)
            if elbow.isEmpty { elbow = [ElbowPoint(k: k, inertia: result.inertia, silhouette: s)] }
        }
        guard let chosen else { throw SegmentationError("no clustering was fitted") }
        kChosenAutomatically = options.clusters == nil
        result = Self.numberedBySize(chosen.result)
        silhouette = chosen.silhouette
        silhouettePoints = chosen.points
        self.elbow = elbow
        kMeansSeconds = chosen.seconds
        profiles = ClusterProfile.profiles(raw: raw, features: features, assignment: result.assignment,
                                           distances: result.distances, clusters: result.sizes.count)
        totalSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The same clustering with clusters renumbered by decreasing size (stable).
    static func numberedBySize(_ r: KMeans.Result) -> KMeans.Result {
        let k = r.sizes.count
        let order = (0..<k).sorted { r.sizes[$0] != r.sizes[$1] ? r.sizes[$0] > r.sizes[$1] : $0 < $1 }
        var newIndex = [Int32](repeating: 0, count: k)
        for (position, old) in order.enumerated() { newIndex[old] = Int32(position) }
        var out = r
        out.assignment = r.assignment.map { newIndex[Int($0)] }
        out.sizes = order.map { r.sizes[$0] }
        let d = r.centroids.columns
        out.centroids = Matrix(rows: k, columns: d, elements: order.flatMap { r.centroids.row($0) })
        return out
    }
}
