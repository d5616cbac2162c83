/// ABC (Pareto) analysis of customers by revenue, with the Lorenz curve and the Gini coefficient.
///
/// Revenue is M, the net spend in the window; a negative net spend counts as 0 here. Customers
/// are ranked by revenue, largest first:
/// - **Classes**: a customer is in A when the customers ranked above it make **less** than the
///   first cut-off (default 80%) of the total revenue, in B when they make less than the second
///   (95%), else in C. So A is the smallest set of top customers whose revenue reaches 80%, and
///   the top customer is always A. Customers with equal revenue share a class: the class of the
///   first of them in the ranking. With no revenue at all every customer is in the last class.
/// - **Lorenz curve**: L(p), the share of revenue of the bottom fraction p of the customers, with
///   the customers taken as a continuum (linear between i/n and (i+1)/n); the points are every
///   i/n for up to 100 customers, else every 1%.
/// - **Gini coefficient**: with the revenues sorted ascending x₍₁₎ ≤ … ≤ x₍ₙ₎ and total S,
///   G = 2·Σᵢ i·x₍ᵢ₎ / (n·S) − (n + 1)/n, which equals 1 − 2 × (area under the Lorenz curve); 0
///   when everyone spends the same (or there is no revenue), (n − 1)/n when one customer has it all.
/// - **Top lines**: the share of revenue of the top fraction p of customers, 1 − L(1 − p).
public struct ABCAnalysis: Sendable, Hashable, Codable {
    /// Cumulative revenue shares closing each class but the last, strictly increasing in (0, 1).
    public var cutoffs: [Double]
    /// Fractions of customers for the "top x% of customers make y% of revenue" lines, in (0, 1].
    public var topShares: [Double]

    enum CodingKeys: String, CodingKey { case cutoffs, topShares = "top_shares" }

    /// - Parameters:
    ///   - cutoffs: 1 to 4 cumulative shares, strictly increasing in (0, 1); n cut-offs make
    ///     n + 1 classes A, B, C, …. Default 0.8, 0.95.
    ///   - topShares: fractions of customers for the top lines, each in (0, 1].
    /// - Throws: ``SegmentationError`` for cut-offs or fractions outside those rules.
    public init(cutoffs: [Double] = [0.8, 0.95], topShares: [Double] = [0.01, 0.05, 0.1, 0.2, 0.5]) throws {
        let list = cutoffs.map { "\($0)" }.joined(separator: ",")
        guard (1...4).contains(cutoffs.count) else {
            throw SegmentationError("ABC cut-offs: give 1 to 4 cumulative revenue shares, e.g. 0.8,0.95; got \(cutoffs.count)")
        }
        guard cutoffs.allSatisfy({ $0.isFinite && $0 > 0 && $0 < 1 }),
              zip(cutoffs, cutoffs.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw SegmentationError("ABC cut-offs must be shares between 0 and 1 in increasing order, e.g. 0.8,0.95; got \(list)")
        }
        guard topShares.allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 1 }) else {
            throw SegmentationError("top shares must be fractions of customers in (0, 1], e.g. 0.01,0.2")
        }
        self.cutoffs = cutoffs
        self.topShares = topShares
    }

    init(uncheckedCutoffs cutoffs: [Double], topShares: [Double]) {
        self.cutoffs = cutoffs
        self.topShares = topShares
    }

    /// A up to 80%, B up to 95%, C the rest; top lines for 1%, 5%, 10%, 20% and 50%.
    public static let standard = ABCAnalysis(uncheckedCutoffs: [0.8, 0.95], topShares: [0.01, 0.05, 0.1, 0.2, 0.5])

    /// The class names, A, B, C, ….
    public var classNames: [String] {
        (0...cutoffs.count).map { String(UnicodeScalar(UInt8(65 + $0))) }
    }

    /// Classifies every customer by revenue.
    /// - Parameters:
    ///   - revenue: each customer's revenue (negative counts as 0).
    ///   - playbook: the recommended action of each class.
    /// - Complexity: O(n).
    public func classify(revenue: [Double], playbook: Playbook = .standard) -> ABCResult {
        classify(revenue: revenue, sortedAscending: Quantiles.sortedAscending(revenue), playbook: playbook)
    }

    func classify(revenue: [Double], sortedAscending sorted: [Double], playbook: Playbook) -> ABCResult {
        let n = revenue.count
        let classCount = cutoffs.count + 1
        // prefix[i] = revenue of the i smallest customers.
        var prefix = [Double](repeating: 0, count: n + 1)
        var weighted = 0.0   // Σ i·x₍ᵢ₎, i from 1
        for i in 0..<n {
            let x = max(sorted[i], 0)
            prefix[i + 1] = prefix[i] + x
            weighted += Double(i + 1) * x
        }
        let total = prefix[n]
        // threshold[c]: the least revenue of the customers in classes 0...c (∞ when none), so a
        // customer's class is the number of thresholds above its revenue.
        var threshold = [Double](repeating: .infinity, count: cutoffs.count)
        if total > 0 {
            var i = n - 1
            while i >= 0 {
                // Group of equal revenue sorted[j...i]; the revenue ranked above it is total − prefix[i + 1].
                let value = max(sorted[i], 0)
                var j = i
                while j > 0 && max(sorted[j - 1], 0) == value { j -= 1 }
                let above = (total - prefix[i + 1]) / total
                let c = cutoffs.firstIndex { above < $0 } ?? cutoffs.count
                for k in c..<cutoffs.count { threshold[k] = min(threshold[k], value) }
                i = j - 1
            }
        }
        var classOf = [UInt8](repeating: 0, count: n)
        var customers = [Int](repeating: 0, count: classCount)
        var classRevenue = [Double](repeating: 0, count: classCount)
        revenue.withUnsafeBufferPointer { r in
        threshold.withUnsafeBufferPointer { t in
        classOf.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                let x = max(r[i], 0)
                var c = 0
                for k in 0..<t.count where t[k] > x { c += 1 }
                out[i] = UInt8(c)
                customers[c] += 1
                classRevenue[c] += x
            }
        }}}

        // Revenue of the bottom t customers, t real: linear within a customer.
        func bottom(_ t: Double) -> Double {
            let whole = min(n, max(0, Int(t.rounded(.down))))
            guard whole < n else { return total }
            return prefix[whole] + (t - Double(whole)) * max(sorted[whole], 0)
        }
        let names = classNames
        let classes = (0..<classCount).map { c in
            ABCClassSummary(
                name: names[c], customers: customers[c], share: n > 0 ? Double(customers[c]) / Double(n) : 0,
                revenue: classRevenue[c], revenueShare: total > 0 ? classRevenue[c] / total : 0,
                minimumRevenue: c < cutoffs.count && threshold[c].isFinite ? threshold[c] : nil,
                action: playbook.abc[names[c]])
        }
        let steps = n == 0 ? 0 : min(n, 100)
        let lorenz = (0...steps).map { j -> LorenzPoint in
            let p = steps == 0 ? 0 : Double(j) / Double(steps)
            return LorenzPoint(customerShare: p, revenueShare: total > 0 ? bottom(p * Double(n)) / total : p)
        }
        let top = topShares.map { p in
            TopShare(customerShare: p, customers: p * Double(n),
                     revenueShare: total > 0 ? (total - bottom((1 - p) * Double(n))) / total : 0)
        }
        let gini = total > 0 ? 2 * weighted / (Double(n) * total) - Double(n + 1) / Double(n) : 0
        return ABCResult(
            classOf: classOf,
            summary: ABCSummary(cutoffs: cutoffs, totalRevenue: total, classes: classes, gini: gini, lorenz: lorenz, top: top))
    }
}

/// The ABC class of every customer and the summary.
public struct ABCResult: Sendable, Hashable, Codable {
    /// Index into ``ABCSummary/classes`` (0 = A).
    public var classOf: [UInt8]
    /// The classes, the Lorenz curve, the Gini coefficient and the top lines.
    public var summary: ABCSummary

    enum CodingKeys: String, CodingKey { case classOf = "class", summary }
}

/// The classes, the Lorenz curve, the Gini coefficient and the top lines.
public struct ABCSummary: Sendable, Hashable, Codable {
    /// The cut-offs in force.
    public var cutoffs: [Double]
    /// Total revenue (negative net spend counted as 0).
    public var totalRevenue: Double
    /// The classes A, B, C, … with their customers and revenue.
    public var classes: [ABCClassSummary]
    /// The Gini coefficient of revenue over the customers, 0 … (n − 1)/n.
    public var gini: Double
    /// Points of the Lorenz curve, from (0, 0) to (1, 1).
    public var lorenz: [LorenzPoint]
    /// The share of revenue of each top fraction of customers.
    public var top: [TopShare]

    enum CodingKeys: String, CodingKey { case cutoffs, totalRevenue = "total_revenue", classes, gini, lorenz, top }
}

/// One ABC class.
public struct ABCClassSummary: Sendable, Hashable, Codable {
    /// A, B, C, ….
    public var name: String
    /// Customers in the class.
    public var customers: Int
    /// ``customers`` over all customers (0 for none).
    public var share: Double
    /// Revenue of the class (negative net spend counted as 0).
    public var revenue: Double
    /// ``revenue`` over the total (0 without revenue).
    public var revenueShare: Double
    /// The revenue from which a customer is in this class or a better one (nil for the last
    /// class, or when the class is empty).
    public var minimumRevenue: Double?
    /// The recommended action.
    public var action: LocalizedText?

    enum CodingKeys: String, CodingKey {
        case name, customers, share, revenue, revenueShare = "revenue_share", minimumRevenue = "minimum_revenue", action
    }
}

/// A point of the Lorenz curve: the bottom `customerShare` of customers make `revenueShare`.
public struct LorenzPoint: Sendable, Hashable, Codable {
    /// Fraction of the customers, the smallest spenders first.
    public var customerShare: Double
    /// Fraction of the revenue they make.
    public var revenueShare: Double

    enum CodingKeys: String, CodingKey { case customerShare = "customer_share", revenueShare = "revenue_share" }
}

/// The top `customerShare` of customers (`customers` of them) make `revenueShare` of revenue.
public struct TopShare: Sendable, Hashable, Codable {
    /// Fraction of the customers, the largest spenders first.
    public var customerShare: Double
    /// That fraction as a number of customers (may be fractional).
    public var customers: Double
    /// Fraction of the revenue they make.
    public var revenueShare: Double

    enum CodingKeys: String, CodingKey { case customerShare = "customer_share", customers, revenueShare = "revenue_share" }
}
