import Foundation

/// The silhouette of a clustering (Rousseeuw 1987, "Silhouettes: a graphical aid to the
/// interpretation and validation of cluster analysis", Journal of Computational and Applied
/// Mathematics 20).
///
/// For a point i in cluster A: a(i) = mean Euclidean distance to the other points of A; b(i) =
/// the smallest, over the other clusters C, of the mean distance to the points of C;
/// s(i) = (b − a) / max(a, b), and s(i) = 0 when i is alone in its cluster. The score is the
/// mean of s(i): near 1 for compact, well-separated clusters, near 0 for overlapping ones.
public enum Silhouette {
    /// The mean silhouette of all points.
    /// - Parameters:
    ///   - points: n × d.
    ///   - labels: the cluster (0..<clusters) of each point.
    ///   - clusters: k.
    /// - Returns: the mean silhouette, or nil when fewer than two clusters have points.
    /// - Complexity: O(n² · d): for a few thousand points; see ``sampled(points:labels:clusters:sampleSize:seed:)``.
    public static func score(points: Matrix, labels: [Int32], clusters: Int) -> Double? {
        score(points: points, labels: labels, clusters: clusters, rows: Array(0..<points.rows))
    }

    /// The mean silhouette of a seeded random sample of at most `sampleSize` points, distances
    /// taken within the sample (as the exact score of the sample); all points when n ≤ sampleSize.
    /// - Returns: the score (nil when the sample holds fewer than two clusters) and the points used.
    public static func sampled(points: Matrix, labels: [Int32], clusters: Int, sampleSize: Int = 3_000,
                               seed: UInt64 = 42) -> (score: Double?, points: Int) {
        let n = points.rows
        guard n > sampleSize else { return (score(points: points, labels: labels, clusters: clusters), n) }
        var generator = SeededGenerator(seed: seed, stream: 0x5111)
        var order = Array(0..<n)
        // Partial Fisher–Yates: the first sampleSize entries are a uniform sample.
        for i in 0..<sampleSize {
            let j = i + Int(generator.next() % UInt64(n - i))
            order.swapAt(i, j)
        }
        let rows = Array(order[0..<sampleSize]).sorted()
        return (score(points: points, labels: labels, clusters: clusters, rows: rows), sampleSize)
    }

    private static func score(points: Matrix, labels: [Int32], clusters k: Int, rows: [Int]) -> Double? {
        let d = points.columns, m = rows.count
        var counted = [Int](repeating: 0, count: k)
        for r in rows { counted[Int(labels[r])] += 1 }
        let sizes = counted
        guard sizes.filter({ $0 > 0 }).count >= 2 else { return nil }
        let parts = m >= 500 ? 2 : 1
        let results = SilhouetteParts(count: parts)
        points.elements.withUnsafeBufferPointer { buffer in
            let x = SharedRows(buffer)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var total = 0.0
                var sums = [Double](repeating: 0, count: k)
                for p in (part * m / parts)..<((part + 1) * m / parts) {
                    let i = rows[p]
                    for c in 0..<k { sums[c] = 0 }
                    for q in 0..<m where q != p {
                        let o = rows[q]
                        var s = 0.0
                        for j in 0..<d { let e = x[i * d + j] - x[o * d + j]; s += e * e }
                        sums[Int(labels[o])] += s.squareRoot()
                    }
                    let own = Int(labels[i])
                    guard sizes[own] > 1 else { continue }
                    let a = sums[own] / Double(sizes[own] - 1)
                    var b = Double.infinity
                    for c in 0..<k where c != own && sizes[c] > 0 { b = min(b, sums[c] / Double(sizes[c])) }
                    let denominator = max(a, b)
                    if denominator > 0 { total += (b - a) / denominator }
                }
                results.set(part, total)
            }
        }
        return (0..<parts).reduce(0.0) { $0 + results.get($1) } / Double(m)
    }
}

/// Read-only rows shared by the silhouette's threads (valid inside `withUnsafeBufferPointer`).
private struct SharedRows: @unchecked Sendable {
    let base: UnsafeBufferPointer<Double>
    init(_ base: UnsafeBufferPointer<Double>) { self.base = base }
    subscript(_ i: Int) -> Double { base[i] }
}

/// One partial sum per thread.
private final class SilhouetteParts: @unchecked Sendable {
    private var values: [Double]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: 0, count: count) }
    func set(_ k: Int, _ v: Double) { lock.lock(); values[k] = v; lock.unlock() }
    func get(_ k: Int) -> Double { lock.lock(); defer { lock.unlock() }; return values[k] }
}
