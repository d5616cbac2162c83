/// The recency-only baseline a churn model has to beat: the churn rate of the training customers
/// whose days since the last purchase fall in the same decile bin.
///
/// Bins are cut at the deciles of the training recency (type 7 quantiles); each bin's rate is
/// smoothed as (churned + 1) / (customers + 2) (Laplace's rule of succession) so that no
/// probability is exactly 0 or 1.
public struct RecencyBaseline: Sendable, Hashable, Codable {
    /// Upper edges of the bins but the last (increasing, duplicates removed).
    public var edges: [Double]
    /// Smoothed churn rate per bin (`edges.count + 1` entries).
    public var rates: [Double]

    /// Fits the bins on training recency values and labels (1 = churned).
    /// - Precondition: one label per value, at least one value.
    public init(recency: [Double], labels: [UInt8], bins: Int = 10) {
        precondition(recency.count == labels.count && !recency.isEmpty, "one label per recency value")
        let sorted = recency.sorted()
        var edges: [Double] = []
        for k in 1..<bins {
            let h = Double(sorted.count - 1) * Double(k) / Double(bins)
            let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
            let q = sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
            if edges.last.map({ q > $0 }) ?? true { edges.append(q) }
        }
        var churned = [Double](repeating: 0, count: edges.count + 1)
        var total = churned
        self.edges = edges
        self.rates = []
        for (r, label) in zip(recency, labels) {
            let b = bin(r)
            total[b] += 1
            churned[b] += Double(label)
        }
        rates = zip(churned, total).map { ($0 + 1) / ($1 + 2) }
    }

    /// The bin of a recency value: the first edge at or above it.
    func bin(_ r: Double) -> Int {
        var lo = 0, hi = edges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if edges[mid] < r { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The churn probability of a customer with recency `r` days.
    public func probability(recency r: Double) -> Double { rates[bin(r)] }
}
