import Testing
@testable import CustomerValue

/// k-means, its seeding, the silhouette and the scaling, on planted blobs and hand-computed cases.
struct KMeansTests {
    /// Three Gaussian blobs in the plane, 100 points each, sd 0.5, around (0, 0), (10, 0), (0, 10):
    /// rows 0..<100 from the first, 100..<200 the second, 200..<300 the third.
    static let centers: [[Double]] = [[0, 0], [10, 0], [0, 10]]
    static func blobs(seed: UInt64 = 7, perBlob: Int = 100, extraConstant: Bool = false) -> Matrix {
        var g = SeededGenerator(seed: seed)
        var rows: [[Double]] = []
        for c in centers {
            for _ in 0..<perBlob {
                var row = [c[0] + 0.5 * g.nextStandardNormal(), c[1] + 0.5 * g.nextStandardNormal()]
                if extraConstant { row.append(3) }
                rows.append(row)
            }
        }
        return Matrix(rows)
    }

    @Test func recoversPlantedBlobs() throws {
        let points = Self.blobs()
        let result = try KMeans(clusters: 3, restarts: 3, seed: 1).fit(points)
        // Every point of a blob in one cluster, and the three blobs in three different clusters
        // (the blobs are 10 apart with sd 0.5: 20 sd; no point can be nearer another centre).
        var labelOfBlob: [Int32] = []
        for b in 0..<3 {
            let labels = Set(result.assignment[(b * 100)..<((b + 1) * 100)])
            #expect(labels.count == 1)
            labelOfBlob.append(try #require(labels.first))
        }
        #expect(Set(labelOfBlob).count == 3)
        #expect(result.sizes.sorted() == [100, 100, 100])
        // Each centroid is its blob's sample mean: within 4 standard errors (0.5/√100 = 0.05) of the planted centre.
        for b in 0..<3 {
            let row = result.centroids.row(Int(labelOfBlob[b]))
            #expect(abs(row[0] - Self.centers[b][0]) < 0.2 && abs(row[1] - Self.centers[b][1]) < 0.2)
        }
        // Inertia ≈ 300 points × 2 coordinates × 0.25 variance = 150 (minus 3 × 2 × 0.25 for the
        // fitted means); a chi-square with ~594 degrees of freedom: within ±20%.
        #expect(abs(result.inertia - 150) < 30)
        // The distances are those to the assigned centroid.
        let i = 150, c = Int(result.assignment[i])
        let e0 = points[i, 0] - result.centroids[c, 0], e1 = points[i, 1] - result.centroids[c, 1]
        #expect(abs(result.distances[i] - (e0 * e0 + e1 * e1).squareRoot()) < 1e-12)
    }

    @Test func sameSeedSameClustering() throws {
        // Blobs that overlap (sd 0.5 around centres 1 apart would do; here k = 5 on 3 blobs) so
        // that the result depends on the random choices.
        let points = Self.blobs(seed: 3)
        let a = try KMeans(clusters: 5, restarts: 2, seed: 99).fit(points)
        let b = try KMeans(clusters: 5, restarts: 2, seed: 99).fit(points)
        #expect(a.assignment == b.assignment)
        #expect(a.inertia == b.inertia)
        #expect(a.centroids == b.centroids)
    }

    @Test(arguments: [2, 5, 8])
    func hamerlyGivesLloydsClustering(k: Int) throws {
        // Hamerly's bounds only skip rows that cannot change cluster: from the same seeds the
        // iterations, and so the result, are Lloyd's. Overlapping clusters (k above the 3 blobs)
        // make rows move for several iterations. 1,200 rows run on one thread, 30,000 on two.
        for perBlob in [400, 10_000] {
            let points = Self.blobs(seed: 11, perBlob: perBlob)
            let lloyd = try KMeans(clusters: k, restarts: 2, seed: 5, algorithm: .lloyd).fit(points)
            let hamerly = try KMeans(clusters: k, restarts: 2, seed: 5, algorithm: .hamerly).fit(points)
            #expect(lloyd.assignment == hamerly.assignment)
            #expect(lloyd.iterations == hamerly.iterations)
            #expect(abs(lloyd.inertia - hamerly.inertia) <= 1e-9 * lloyd.inertia)
        }
    }

    @Test func seedingPicksDistinctPoints() throws {
        // Four distinct points, each repeated 50 times: k-means++ must draw four different ones,
        // since a point already chosen has weight 0.
        var rows: [[Double]] = []
        for _ in 0..<50 { rows += [[0, 0], [1, 0], [0, 1], [5, 5]] }
        let points = Matrix(rows)
        for seed in UInt64(0)..<20 {
            try points.elements.withUnsafeBufferPointer { buffer in
                let work = KMeansWorkspace(points: try #require(buffer.baseAddress), n: 200, d: 2, k: 4)
                var g = SeededGenerator(seed: seed)
                try work.seedPlusPlus(trials: 3, generator: &g)
                let seeds = Set((0..<4).map { [work.centroids[2 * $0], work.centroids[2 * $0 + 1]] })
                #expect(seeds.count == 4)
            }
        }
        // And one Lloyd iteration from those seeds leaves every point on its centroid.
        let result = try KMeans(clusters: 4, restarts: 1, maxIterations: 1).fit(points)
        #expect(result.inertia == 0 && result.sizes == [50, 50, 50, 50])
    }

    @Test func kAboveDistinctPointsIsAnError() throws {
        let rows: [[Double]] = (0..<30).map { [Double($0 % 3), 1] }   // 3 distinct rows
        #expect(throws: SegmentationError.self) { try KMeans(clusters: 4).fit(Matrix(rows)) }
        do {
            _ = try KMeans(clusters: 4).fit(Matrix(rows))
        } catch let error as SegmentationError {
            #expect(error.message.contains("only 3 distinct points"))
        }
        #expect(throws: SegmentationError.self) { try KMeans(clusters: 40).fit(Matrix(rows)) }   // k > n
        #expect(throws: SegmentationError.self) { try KMeans(clusters: 0) }
        // k = 3 works: every point on its centroid.
        #expect(try KMeans(clusters: 3).fit(Matrix(rows)).inertia == 0)
    }

    @Test func emptyClusterIsReseeded() throws {
        // Two far groups; k = 3 from seeds (one Lloyd pass) cannot leave a cluster empty in the result.
        var rows: [[Double]] = []
        for i in 0..<20 { rows.append([Double(i % 2) * 0.1, 0]); rows.append([100 + Double(i % 5), 0]) }
        let result = try KMeans(clusters: 3, restarts: 4).fit(Matrix(rows))
        #expect(result.sizes.allSatisfy { $0 > 0 })
    }

    @Test func silhouetteOfAHandExample() throws {
        // 1-D: cluster 0 = {0, 1}, cluster 1 = {4, 6}.
        // s(0): a = 1, b = (4 + 6)/2 = 5 → 0.8;  s(1): a = 1, b = (3 + 5)/2 = 4 → 0.75;
        // s(4): a = 2, b = (4 + 3)/2 = 3.5 → 1.5/3.5 = 3/7;  s(6): a = 2, b = (6 + 5)/2 = 5.5 → 7/11.
        // Mean (0.8 + 0.75 + 3/7 + 7/11)/4 = 0.6537337662...
        let points = Matrix([[0], [1], [4], [6]])
        let s = try #require(Silhouette.score(points: points, labels: [0, 0, 1, 1], clusters: 2))
        #expect(abs(s - (0.8 + 0.75 + 3.0 / 7 + 7.0 / 11) / 4) < 1e-12)
        // A point alone in its cluster scores 0 (Rousseeuw): {0, 1}, {4}: s(0) = (4 − 1)/4,
        // s(1) = (3 − 1)/3, s(4) = 0 → (0.75 + 2/3 + 0)/3.
        let lone = try #require(Silhouette.score(points: Matrix([[0], [1], [4]]), labels: [0, 0, 1], clusters: 2))
        #expect(abs(lone - (0.75 + 2.0 / 3) / 3) < 1e-12)
        #expect(Silhouette.score(points: points, labels: [0, 0, 0, 0], clusters: 2) == nil)
    }

    @Test func sampledSilhouetteIsNearTheExactOne() throws {
        let points = Self.blobs(perBlob: 200)
        let result = try KMeans(clusters: 3, restarts: 1).fit(points)
        let exact = try #require(Silhouette.score(points: points, labels: result.assignment, clusters: 3))
        let sampled = Silhouette.sampled(points: points, labels: result.assignment, clusters: 3, sampleSize: 150, seed: 5)
        #expect(sampled.points == 150)
        // Blobs 20 sd apart: every s(i) is ≈ 0.93–0.97, so any sample's mean is within 0.02 of the whole's.
        #expect(abs(try #require(sampled.score) - exact) < 0.02)
    }

    @Test func standardizationByHand() {
        // Column 0: 1, 2, 3, 4 — mean 2.5, population sd √((2.25 + .25 + .25 + 2.25)/4) = √1.25;
        // type-7 quartiles 1.75 and 3.25 (h = 0.75, 2.25), median 2.5, IQR 1.5.
        // Column 1: constant 5. Column 2: 0, 0, 0, 8 — quartiles 0 and 2 (h = 2.25 → 0 + .25·8), IQR 2.
        let m = Matrix([[1, 5, 0], [2, 5, 0], [3, 5, 0], [4, 5, 8]])
        let z = Standardization(method: .zScore, fitting: m)
        #expect(z.constantColumns == [1])
        let zm = z.apply(to: m)
        #expect(abs(zm[0, 0] - (-1.5 / 1.25.squareRoot())) < 1e-12)
        #expect(zm[0, 1] == 0 && zm[3, 1] == 0)
        let r = Standardization(method: .robust, fitting: m)
        let rm = r.apply(to: m)
        #expect(abs(rm[0, 0] - (-1.0)) < 1e-12)        // (1 − 2.5)/1.5
        #expect(abs(rm[3, 2] - 4.0) < 1e-12)           // (8 − 0)/2
        #expect(r.scaleFallbacks.isEmpty)
        // 0, 0, 0, 0, 0, 10: quartiles 0 and 0 → IQR 0, the sd √(16.67 + ...) is used instead:
        // mean 10/6, population sd = √(5·(10/6)² + (50/6)²)/6) = √(500/36·... ) computed below.
        let skewed = Matrix([[0], [0], [0], [0], [0], [10]])
        let fallback = Standardization(method: .robust, fitting: skewed)
        #expect(fallback.scaleFallbacks == [0])
        let mean = 10.0 / 6
        let sd = ((5 * mean * mean + (10 - mean) * (10 - mean)) / 6).squareRoot()
        #expect(abs(fallback.scales[0] - sd) < 1e-12)
        #expect(Standardization(method: .none, fitting: m).apply(to: m) == m)
    }
}
