/// One segment and its customers: size, revenue, mean R, F and M, average order value, and the
/// recommended action.
///
/// Revenue is M (net spend in the window); the average order value is the segment's net spend
/// over the whole period divided by its orders over the whole period (0 without orders). The
/// model-based fields ``meanProbabilityAlive`` and ``totalPredictedCLV`` stay nil until a purchase
/// model is fitted (they are written as null).
public struct SegmentSummary: Sendable, Hashable, Codable {
    /// The segment label.
    public var name: LocalizedText
    /// Customers in the segment.
    public var customers: Int
    /// ``customers`` over all customers (0 for none).
    public var share: Double
    /// Spend in the window (M) of its customers.
    public var revenue: Double
    /// ``revenue`` over all customers' revenue (0 when that is 0).
    public var revenueShare: Double
    /// Mean days since the last purchase.
    public var meanRecency: Double
    /// Mean orders in the window.
    public var meanFrequency: Double
    /// Mean spend in the window.
    public var meanMonetary: Double
    /// Whole-period spend over whole-period orders of its customers (0 without orders).
    public var averageOrderValue: Double
    /// Mean probability of being alive under a fitted purchase model; nil until one is fitted.
    public var meanProbabilityAlive: Double?
    /// Total predicted customer lifetime value under a fitted model; nil until one is fitted.
    public var totalPredictedCLV: Double?
    /// The recommended action.
    public var action: LocalizedText?

    enum CodingKeys: String, CodingKey {
        case name, customers, share, revenue, revenueShare = "revenue_share", meanRecency = "mean_recency"
        case meanFrequency = "mean_frequency", meanMonetary = "mean_monetary", averageOrderValue = "average_order_value"
        case meanProbabilityAlive = "mean_probability_alive", totalPredictedCLV = "total_predicted_clv", action
    }

    /// A summary from its fields.
    public init(name: LocalizedText, customers: Int, share: Double, revenue: Double, revenueShare: Double,
                meanRecency: Double, meanFrequency: Double, meanMonetary: Double, averageOrderValue: Double,
                meanProbabilityAlive: Double? = nil, totalPredictedCLV: Double? = nil, action: LocalizedText? = nil) {
        self.name = name
        self.customers = customers
        self.share = share
        self.revenue = revenue
        self.revenueShare = revenueShare
        self.meanRecency = meanRecency
        self.meanFrequency = meanFrequency
        self.meanMonetary = meanMonetary
        self.averageOrderValue = averageOrderValue
        self.meanProbabilityAlive = meanProbabilityAlive
        self.totalPredictedCLV = totalPredictedCLV
        self.action = action
    }

    // Written by hand so that the model fields appear as null rather than being left out.
    /// Encodes every field, the nil model fields as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(customers, forKey: .customers)
        try c.encode(share, forKey: .share)
        try c.encode(revenue, forKey: .revenue)
        try c.encode(revenueShare, forKey: .revenueShare)
        try c.encode(meanRecency, forKey: .meanRecency)
        try c.encode(meanFrequency, forKey: .meanFrequency)
        try c.encode(meanMonetary, forKey: .meanMonetary)
        try c.encode(averageOrderValue, forKey: .averageOrderValue)
        try c.encode(meanProbabilityAlive, forKey: .meanProbabilityAlive)
        try c.encode(totalPredictedCLV, forKey: .totalPredictedCLV)
        try c.encode(action, forKey: .action)
    }

    /// One summary per segment of `table`, in table order (empty segments included), then Others
    /// when any customer is in no segment.
    /// - Complexity: O(n).
    public static func summarize(_ assignment: SegmentAssignment, table: SegmentTable, input: RFMInput) -> [SegmentSummary] {
        let groups = table.segments.count + 1
        var customers = [Int](repeating: 0, count: groups)
        var recency = [Double](repeating: 0, count: groups)
        var frequency = [Double](repeating: 0, count: groups)
        var monetary = [Double](repeating: 0, count: groups)
        var orders = [Double](repeating: 0, count: groups)
        var spend = [Double](repeating: 0, count: groups)
        assignment.segment.withUnsafeBufferPointer { s in
        input.recencyDays.withUnsafeBufferPointer { r in
        input.frequency.withUnsafeBufferPointer { f in
        input.monetary.withUnsafeBufferPointer { m in
        input.orders.withUnsafeBufferPointer { o in
        input.totalSpend.withUnsafeBufferPointer { t in
            for i in 0..<s.count {
                let g = Int(s[i])
                customers[g] += 1
                recency[g] += r[i]
                frequency[g] += f[i]
                monetary[g] += m[i]
                orders[g] += o[i]
                spend[g] += t[i]
            }
        }}}}}}
        let n = input.count
        let totalRevenue = monetary.reduce(0, +)
        var out: [SegmentSummary] = []
        for g in 0..<groups {
            let isOthers = g == table.segments.count
            if isOthers && customers[g] == 0 { continue }
            let segment = isOthers ? table.others : table.segments[g]
            let c = Double(customers[g])
            out.append(SegmentSummary(
                name: segment.name, customers: customers[g], share: n > 0 ? c / Double(n) : 0,
                revenue: monetary[g], revenueShare: totalRevenue != 0 ? monetary[g] / totalRevenue : 0,
                meanRecency: c > 0 ? recency[g] / c : 0, meanFrequency: c > 0 ? frequency[g] / c : 0,
                meanMonetary: c > 0 ? monetary[g] / c : 0, averageOrderValue: orders[g] > 0 ? spend[g] / orders[g] : 0,
                action: segment.action))
        }
        return out
    }
}

extension RFMAnalysis {
    /// Fills each segment summary's ``SegmentSummary/meanProbabilityAlive`` and
    /// ``SegmentSummary/totalPredictedCLV`` from per-customer predictions of a fitted purchase
    /// model (e.g. ``CustomerPredictions``), customers in the order of the analysis.
    ///
    /// A customer whose CLV is not finite (a Gamma-Gamma fit without a finite mean) is left out
    /// of the CLV total; without any CLV the total stays nil.
    /// - Precondition: one value per customer in each array.
    /// - Complexity: O(n).
    public mutating func attachModelValues(probabilityAlive: [Double], lifetimeValue: [Double]?) {
        precondition(probabilityAlive.count == count && (lifetimeValue?.count ?? count) == count, "one prediction per customer")
        let groups = options.segments.segments.count + 1
        var alive = [Double](repeating: 0, count: groups)
        var members = [Int](repeating: 0, count: groups)
        var clv = [Double](repeating: 0, count: groups)
        for i in 0..<count {
            let g = Int(segments.segment[i])
            alive[g] += probabilityAlive[i]
            members[g] += 1
            if let value = lifetimeValue?[i], value.isFinite { clv[g] += value }
        }
        for k in segmentSummaries.indices {
            // Summaries are in table order, then Others (the last group) when it has customers.
            let g = k < options.segments.segments.count ? k : groups - 1
            segmentSummaries[k].meanProbabilityAlive = members[g] > 0 ? alive[g] / Double(members[g]) : nil
            segmentSummaries[k].totalPredictedCLV = lifetimeValue == nil ? nil : clv[g]
        }
    }
}
