/// One cluster described in the units of its features: size, centroid, the features that set it
/// apart most, and a name built from them.
///
/// How far a cluster stands out on a feature is its z = (cluster mean − overall mean) / overall
/// standard deviation (population), in original units, whatever scaling the clustering used, so
/// that features are comparable. The distinguishing features are those of largest |z| (at
/// least ``ClusterProfile/minimumZ``); the name joins the first two as "high recent spend, low
/// days since last purchase" ("very" from |z| ≥ 1.5). A cluster without any is "typical".
public struct ClusterProfile: Sendable, Hashable, Codable {
    /// A feature on which the cluster differs from the customers as a whole.
    public struct Distinction: Sendable, Hashable, Codable {
        /// The feature's name.
        public var feature: String
        /// (cluster mean − overall mean) / overall standard deviation.
        public var z: Double
        /// "high" or "low".
        public var direction: String
        /// The feature's mean over the cluster, in original units.
        public var clusterMean: Double
        /// The feature's mean over all customers.
        public var overallMean: Double

        enum CodingKeys: String, CodingKey {
            case feature, z, direction, clusterMean = "cluster_mean", overallMean = "overall_mean"
        }
    }

    /// The smallest |z| that counts as distinguishing.
    public static let minimumZ = 0.5
    /// From this |z| a level is "very high" or "very low".
    public static let strongZ = 1.5

    /// Cluster number (0 = the largest).
    public var cluster: Int
    /// The automatic name.
    public var name: LocalizedText
    /// Customers in the cluster.
    public var size: Int
    /// size / all customers.
    public var share: Double
    /// Mean of each feature over the cluster, in original units, in feature order.
    public var centroid: [String: Double]
    /// Up to three distinguishing features, largest |z| first.
    public var distinguishing: [Distinction]
    /// Mean distance of the cluster's customers to its centroid, in the clustering's (scaled) units.
    public var meanDistance: Double

    enum CodingKeys: String, CodingKey {
        case cluster, name, size, share, centroid, distinguishing, meanDistance = "mean_distance"
    }

    /// Profiles of every cluster, with unique names.
    /// - Parameters:
    ///   - raw: n × d features in original units.
    ///   - features: names and labels of the d columns.
    ///   - assignment: cluster (0..<k) of each row.
    ///   - distances: each row's distance to its centroid.
    ///   - clusters: k.
    /// - Complexity: O(n · d + k · d log d).
    public static func profiles(raw: Matrix, features: [(name: String, label: LocalizedText)], assignment: [Int32],
                                distances: [Double], clusters k: Int) -> [ClusterProfile] {
        let n = raw.rows, d = raw.columns
        var sums = [Double](repeating: 0, count: k * d)
        var sizes = [Int](repeating: 0, count: k)
        var distanceSums = [Double](repeating: 0, count: k)
        var overall = [Double](repeating: 0, count: d)
        for i in 0..<n {
            let c = Int(assignment[i])
            sizes[c] += 1
            distanceSums[c] += distances[i]
            for j in 0..<d {
                sums[c * d + j] += raw.elements[i * d + j]
                overall[j] += raw.elements[i * d + j]
            }
        }
        for j in 0..<d { overall[j] /= Double(max(n, 1)) }
        var sd = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { let e = raw.elements[i * d + j] - overall[j]; sd[j] += e * e }
        }
        for j in 0..<d { sd[j] = (sd[j] / Double(max(n, 1))).squareRoot() }

        var profiles: [ClusterProfile] = []
        var ranked: [[(j: Int, z: Double)]] = []
        for c in 0..<k {
            let size = sizes[c]
            let means = (0..<d).map { j in size > 0 ? sums[c * d + j] / Double(size) : overall[j] }
            let zs = (0..<d).map { j in sd[j] > 0 ? (means[j] - overall[j]) / sd[j] : 0 }
            let order = (0..<d).filter { abs(zs[$0]) >= minimumZ }
                .sorted { abs(zs[$0]) != abs(zs[$1]) ? abs(zs[$0]) > abs(zs[$1]) : $0 < $1 }
                .map { (j: $0, z: zs[$0]) }
            ranked.append(order)
            var centroid: [String: Double] = [:]
            for j in 0..<d { centroid[features[j].name] = means[j] }
            profiles.append(ClusterProfile(
                cluster: c, name: LocalizedText(en: ""), size: size, share: n > 0 ? Double(size) / Double(n) : 0,
                centroid: centroid,
                distinguishing: order.prefix(3).map { j, z in
                    Distinction(feature: features[j].name, z: z, direction: z > 0 ? "high" : "low",
                                clusterMean: means[j], overallMean: overall[j])
                },
                meanDistance: size > 0 ? distanceSums[c] / Double(size) : 0))
        }
        // Names from the two strongest features, lengthened with the next ones while two clusters
        // share a name; a number tells apart any that still do.
        var used = Array(repeating: min(2, d), count: k)
        func name(_ c: Int) -> LocalizedText {
            let parts = ranked[c].prefix(used[c])
            guard !parts.isEmpty else { return LocalizedText(en: "typical", zh: "普通") }
            let en = parts.map { j, z in
                (abs(z) >= strongZ ? "very " : "") + (z > 0 ? "high " : "low ") + features[j].label.en
            }
            let zh = parts.map { j, z in
                (abs(z) >= strongZ ? (z > 0 ? "极高" : "极低") : (z > 0 ? "高" : "低")) + features[j].label.zh
            }
            return LocalizedText(en: en.joined(separator: ", "), zh: zh.joined(separator: "、"))
        }
        var names = (0..<k).map(name)
        for _ in 0..<d {
            let clashing = (0..<k).filter { c in names.enumerated().contains { $0.offset != c && $0.element == names[c] } }
            guard !clashing.isEmpty else { break }
            for c in clashing where used[c] < ranked[c].count { used[c] += 1 }
            names = (0..<k).map(name)
        }
        var seen: [LocalizedText: Int] = [:]
        for c in 0..<k {
            let count = seen[names[c], default: 0] + 1
            seen[names[c]] = count
            if count > 1 { names[c] = LocalizedText(en: names[c].en + " (\(count))", zh: names[c].zh + "（\(count)）") }
            profiles[c].name = names[c]
        }
        return profiles
    }
}
