/// A first-order Markov chain over product categories: the probability that a customer's next
/// purchase is in category j given that their last one was in category i.
///
/// P(j | i) = (n_ij + α·π_j) / (n_i + α), with n_ij the observed transitions i → j (consecutive
/// purchase rows of one customer, by day and then file order), n_i = Σ_j n_ij, and the
/// popularity π_j = (n_j + 1) / (N + K) the add-one smoothed share of purchase rows in category j
/// (K categories, N rows). The prior of strength α pulls rare "from" categories towards
/// popularity; a customer without a known last category gets the popularity itself.
/// (Additive smoothing towards a prior: Manning, Raghavan & Schütze 2008, *Introduction to
/// Information Retrieval*, §13.2 and §12.2.2.)
public struct CategoryTransitions: Sendable, Hashable, Codable {
    /// Category names.
    public var categories: [String]
    /// Transition counts, row-major: from i to j at i · K + j.
    public var counts: [Int]
    /// Smoothed popularity π of each category.
    public var popularity: [Double]
    /// Prior strength α (> 0).
    public var smoothing: Double

    /// Counts the transitions of `events` among purchases on or before `until` (default: all).
    public init(events: TransactionCategories, until: Int32 = Int32.max, smoothing: Double = 1) {
        let k = events.names.count
        categories = events.names
        self.smoothing = smoothing
        var counts = [Int](repeating: 0, count: k * k)
        var rows = [Int](repeating: 0, count: k)
        var total = 0
        for c in 0..<(events.eventStart.count - 1) {
            var previous: Int32 = -1
            for e in events.eventStart[c]..<events.eventStart[c + 1] {
                guard events.eventDay[e] <= until else { break }
                let category = events.eventCategory[e]
                rows[Int(category)] += 1
                total += 1
                if previous >= 0 { counts[Int(previous) * k + Int(category)] += 1 }
                previous = category
            }
        }
        self.counts = counts
        popularity = rows.map { Double($0 + 1) / Double(total + k) }
    }

    /// P(· | last category `from`); the popularity when `from` is nil.
    public func probabilities(after from: Int?) -> [Double] {
        guard let from else { return popularity }
        let k = categories.count
        let row = counts[(from * k)..<((from + 1) * k)]
        let n = Double(row.reduce(0, +))
        return (0..<k).map { j in (Double(row[from * k + j]) + smoothing * popularity[j]) / (n + smoothing) }
    }

    /// The `n` most likely next categories after `from`, most likely first (ties: lower index).
    public func top(_ n: Int, after from: Int?) -> [(category: Int, probability: Double)] {
        let p = probabilities(after: from)
        return p.indices.sorted { (p[$0], -$0) > (p[$1], -$1) }.prefix(n).map { ($0, p[$0]) }
    }

    enum CodingKeys: String, CodingKey {
        case categories, counts, popularity, smoothing
    }
}

/// Hit rates of the next-category model on a holdout: fitted on purchases up to a split day, it
/// predicts the category of each customer's first purchase after the split from their last
/// category before it.
public struct NextCategoryEvaluation: Sendable, Hashable, Codable {
    /// The last day of the fitting period.
    public var split: CalendarDay
    /// Customers with purchases both before and after the split.
    public var customers: Int
    /// Share whose first holdout category is the model's most likely one.
    public var hitRateAt1: Double?
    /// Share whose first holdout category is among the model's three most likely.
    public var hitRateAt3: Double?
    /// The same for the popularity ranking alone (the baseline).
    public var popularityHitRateAt1: Double?
    public var popularityHitRateAt3: Double?

    /// Evaluates the model on `events` with the holdout after `split`.
    public init(events: TransactionCategories, split: CalendarDay, smoothing: Double = 1) {
        self.split = split
        let model = CategoryTransitions(events: events, until: split.ordinal, smoothing: smoothing)
        let popular = model.top(3, after: nil).map(\.category)
        var n = 0, hit1 = 0, hit3 = 0, pop1 = 0, pop3 = 0
        // The top 3 of each last category, computed once.
        var cache: [Int: [Int]] = [:]
        for c in 0..<(events.eventStart.count - 1) {
            var last: Int?
            var next: Int?
            for e in events.eventStart[c]..<events.eventStart[c + 1] {
                if events.eventDay[e] <= split.ordinal {
                    last = Int(events.eventCategory[e])
                } else {
                    next = Int(events.eventCategory[e])
                    break
                }
            }
            guard let last, let next else { continue }
            let ranked: [Int]
            if let known = cache[last] {
                ranked = known
            } else {
                ranked = model.top(3, after: last).map(\.category)
                cache[last] = ranked
            }
            n += 1
            if ranked.first == next { hit1 += 1 }
            if ranked.contains(next) { hit3 += 1 }
            if popular.first == next { pop1 += 1 }
            if popular.contains(next) { pop3 += 1 }
        }
        customers = n
        func rate(_ hits: Int) -> Double? { n > 0 ? Double(hits) / Double(n) : nil }
        hitRateAt1 = rate(hit1)
        hitRateAt3 = rate(hit3)
        popularityHitRateAt1 = rate(pop1)
        popularityHitRateAt3 = rate(pop3)
    }

    enum CodingKeys: String, CodingKey {
        case split, customers, hitRateAt1 = "hit_rate_at_1", hitRateAt3 = "hit_rate_at_3"
        case popularityHitRateAt1 = "popularity_hit_rate_at_1", popularityHitRateAt3 = "popularity_hit_rate_at_3"
    }
}
