import Testing
@testable import CustomerValue

/// The cluster analysis end to end in the library: k by silhouette, constant features, profiles and names.
struct ClusterAnalysisTests {
    static func features(_ names: [String]) -> [(name: String, label: LocalizedText)] {
        names.map { ($0, LocalizedText(en: $0.replacingOccurrences(of: "_", with: " "), zh: "中" + $0)) }
    }

    @Test func choosesThreeClustersForThreeBlobs() throws {
        let raw = KMeansTests.blobs()
        var options = ClusterOptions(candidateClusters: 2...5, restarts: 2)
        options.seed = 3
        let a = try ClusterAnalysis(raw: raw, features: Self.features(["x", "y"]), options: options)
        // Three blobs 20 sd apart: the silhouette is ≈ 0.9 at k = 3 and lower at 2 (two blobs
        // merged, a ≈ 5) and at 4 and 5 (a blob split in two).
        #expect(a.k == 3 && a.kChosenAutomatically)
        #expect(a.elbow.map(\.k) == [2, 3, 4, 5])
        let best = try #require(a.elbow.compactMap(\.silhouette).max())
        #expect(a.silhouette == best && best > 0.8)
        // Inertia falls with k.
        #expect(zip(a.elbow, a.elbow.dropFirst()).allSatisfy { $0.inertia > $1.inertia })
        #expect(a.result.sizes == [100, 100, 100] && a.profiles.count == 3)
    }

    @Test func constantFeatureIsReportedAndChangesNothing() throws {
        let options = ClusterOptions(clusters: 3, restarts: 2)
        let with = try ClusterAnalysis(raw: KMeansTests.blobs(extraConstant: true), features: Self.features(["x", "y", "c"]), options: options)
        let without = try ClusterAnalysis(raw: KMeansTests.blobs(), features: Self.features(["x", "y"]), options: options)
        #expect(with.standardization.constantColumns == [2])
        // The constant column is 0 after scaling: the same distances, so the same clustering.
        #expect(with.result.assignment == without.result.assignment)
        #expect(abs(with.result.inertia - without.result.inertia) < 1e-9 * without.result.inertia)
        #expect(with.profiles.allSatisfy { $0.centroid["c"] == 3 && !$0.distinguishing.contains { $0.feature == "c" } })
    }

    @Test func tooManyClustersIsAClearError() throws {
        let raw = Matrix([[1, 1], [1, 1], [2, 2], [2, 2]])
        do {
            _ = try ClusterAnalysis(raw: raw, features: Self.features(["a", "b"]), options: ClusterOptions(clusters: 3))
            Issue.record("expected an error")
        } catch let error as SegmentationError {
            #expect(error.message.contains("only 2 distinct points"))
        }
    }

    @Test func profilesAndNamesByHand() throws {
        // spend: 100, 100 in cluster 0 and 0, 0 in cluster 1; orders 1, 3, 1, 3.
        // Overall: spend mean 50, sd 50 → z = +1 (cluster 0) and −1 (cluster 1): "high spend", "low spend".
        // orders: mean 2 in both clusters → z = 0, never distinguishing.
        let raw = Matrix([[100, 1], [100, 3], [0, 1], [0, 3]])
        let p = ClusterProfile.profiles(raw: raw, features: Self.features(["spend", "orders"]), assignment: [0, 0, 1, 1],
                                        distances: [1, 1, 2, 4], clusters: 2)
        #expect(p.map(\.name.en) == ["high spend", "low spend"])
        #expect(p.map(\.name.zh) == ["高中spend", "低中spend"])
        #expect(p[0].size == 2 && p[0].share == 0.5 && p[0].centroid == ["spend": 100, "orders": 2])
        #expect(p[1].meanDistance == 3)
        let d = try #require(p[0].distinguishing.first)
        #expect(d.feature == "spend" && d.z == 1 && d.direction == "high" && d.overallMean == 50)
        // Three clusters on one feature: 0, 0 | 10, 10 | 2, 2 (mean 4, sd √(2·16 + 2·36 + 2·4)/6 = √(112/6) ≈ 4.32):
        // z = −0.93 (low), +1.39 (high), −0.46 (|z| < 0.5: typical).
        let q = ClusterProfile.profiles(raw: Matrix([[0], [0], [10], [10], [2], [2]]), features: Self.features(["spend"]),
                                        assignment: [0, 0, 1, 1, 2, 2], distances: Array(repeating: 0, count: 6), clusters: 3)
        #expect(q.map(\.name.en) == ["low spend", "high spend", "typical"])
    }

    @Test func clashingNamesAreToldApart() {
        // One feature a = 10, 9, 0, 0 in clusters 0, 1, 2, 2: mean 4.75, sd √(90.75/4) ≈ 4.76;
        // z = +1.10, +0.89, −1.00: clusters 0 and 1 are both "high a", with no further feature
        // to tell them apart, so the second is numbered.
        let p = ClusterProfile.profiles(raw: Matrix([[10], [9], [0], [0]]), features: Self.features(["a"]),
                                        assignment: [0, 1, 2, 2], distances: [0, 0, 0, 0], clusters: 3)
        #expect(p.map(\.name.en) == ["high a", "high a (2)", "low a"])
        #expect(p[1].name.zh == "高中a（2）")
    }

    @Test func featuresFromASummary() throws {
        var f = ClusterFeatures(count: 2)
        try f.append(name: "tickets", values: [1, 4])
        try f.append(name: "nps", label: LocalizedText(en: "NPS"), values: [9, 3])
        let m = try f.matrix(features: ["nps", "tickets"])
        #expect(m == Matrix([[9, 1], [3, 4]]))
        #expect(throws: SegmentationError.self) { try f.matrix(features: ["spend"]) }
        #expect(throws: SegmentationError.self) { try f.append(name: "short", values: [1]) }
        do {
            _ = try f.matrix(features: ["nope"])
        } catch let error as SegmentationError {
            #expect(error.message == "unknown feature nope; available: tickets, nps")
        }
    }
}
