/// A customer's lifecycle stage at an as-of date.
public enum LifecycleStage: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable {
    case new
    case active
    case atRisk = "at_risk"
    case lapsed
    case reactivated
}

/// The rules that assign a ``LifecycleStage``, checked in this order (the first that holds wins):
/// 1. **lapsed**: days since the last purchase > `lapsedDays`;
/// 2. **new**: days since the first purchase ≤ `newDays`;
/// 3. **reactivated**: the last purchase came after a pause of more than `lapsedDays` days
///    (last − previous purchase day) and days since the last purchase ≤ `reactivatedDays`;
/// 4. **at risk**: days since the last purchase > `overdueFactor` × the customer's own median
///    gap (customers with a single purchase day: × the median gap of all customers);
/// 5. **active**: everyone else.
/// Only purchases on or before the as-of date count.
public struct LifecycleRules: Sendable, Hashable, Codable {
    public var newDays: Int
    public var lapsedDays: Int
    public var reactivatedDays: Int
    public var overdueFactor: Double

    /// - Parameters: all positive; `overdueFactor` ≥ 1 makes "at risk" mean overdue.
    public init(newDays: Int = 30, lapsedDays: Int = 180, reactivatedDays: Int = 90, overdueFactor: Double = 1.5) {
        self.newDays = newDays
        self.lapsedDays = lapsedDays
        self.reactivatedDays = reactivatedDays
        self.overdueFactor = overdueFactor
    }

    /// The rules as text, for the output.
    public var definitions: [String: String] {
        [
            "lapsed": "days_since_last > \(lapsedDays)",
            "new": "not lapsed, and the first purchase at most \(newDays) days before the as-of date",
            "reactivated": "not lapsed or new, the last purchase came after a pause of more than \(lapsedDays) days, and days_since_last <= \(reactivatedDays)",
            "at_risk": "none of the above, and days_since_last > \(overdueFactor) x the customer's median gap (the median gap of all customers for customers with one purchase day)",
            "active": "none of the above",
            "expected_next_purchase": "last purchase + the customer's median gap (rounded to whole days); empty with one purchase day",
        ]
    }

    enum CodingKeys: String, CodingKey {
        case newDays = "new_days", lapsedDays = "lapsed_days", reactivatedDays = "reactivated_days"
        case overdueFactor = "overdue_factor"
    }
}

/// Every customer's lifecycle stage and own purchase cycle at an as-of date.
public struct LifecycleStages: Sendable, Hashable, Codable {
    /// The as-of date.
    public var asOf: CalendarDay
    public var rules: LifecycleRules
    /// Per customer (history order): the stage; nil for a customer without a purchase by the as-of date.
    public var stage: [LifecycleStage?]
    /// Per customer: days from the last purchase to the as-of date; nil without a purchase.
    public var daysSinceLast: [Int?]
    /// Per customer: last purchase + own median gap; nil with fewer than two purchase days.
    public var expectedNextPurchase: [CalendarDay?]
    /// The repurchase cycles the stages were judged against.
    public var cycle: RepurchaseCycle
    /// Customers in each stage.
    public var counts: [LifecycleStage: Int]
    /// Customers without a purchase on or before the as-of date.
    public var customersWithoutPurchases: Int

    /// Assigns the stages.
    /// - Parameters:
    ///   - asOf: the date to judge at (default: the history's observation end).
    /// - Throws: ``LifecycleError`` for rules out of range, or a history without purchases and no
    ///   `asOf`; ``DateSpanError`` for an `asOf` more than a century after the last purchase.
    /// - Complexity: O(P log P) for P purchase periods.
    public init(history: TransactionHistory, asOf: CalendarDay? = nil, rules: LifecycleRules = LifecycleRules()) throws {
        guard rules.newDays > 0, rules.lapsedDays > 0, rules.reactivatedDays > 0, rules.overdueFactor > 0,
              rules.overdueFactor.isFinite else {
            throw LifecycleError("lifecycle rules: the day spans and the overdue factor must be positive")
        }
        // Without purchases the observation end is a placeholder (1970-01-01), not a day of the data.
        guard asOf != nil || !history.periodDay.isEmpty else {
            throw LifecycleError("no purchases: lifecycle stages need at least one purchase")
        }
        let date = asOf ?? history.observationEnd
        if let last = history.periodDay.max() {
            try DateSpan.check(from: CalendarDay(ordinal: last), "the data's last date", to: date, "the as-of day")
        }
        self.asOf = date
        self.rules = rules
        cycle = RepurchaseCycle(history: history, asOf: date)
        let n = history.customerCount
        stage = [LifecycleStage?](repeating: nil, count: n)
        daysSinceLast = [Int?](repeating: nil, count: n)
        expectedNextPurchase = [CalendarDay?](repeating: nil, count: n)
        counts = Dictionary(uniqueKeysWithValues: LifecycleStage.allCases.map { ($0, 0) })
        customersWithoutPurchases = 0
        let overallMedian = cycle.overall?.median
        for c in 0..<n {
            let range = history.periods(of: c)
            // Purchases on or before the as-of date: the first `seen` periods.
            var seen = 0
            for j in range where history.periodDay[j] <= date.ordinal { seen += 1 }
            guard seen > 0 else { customersWithoutPurchases += 1; continue }
            let first = Int(history.periodDay[range.lowerBound])
            let last = Int(history.periodDay[range.lowerBound + seen - 1])
            let since = Int(date.ordinal) - last
            daysSinceLast[c] = since
            let median = cycle.medianGap[c]
            if let median { expectedNextPurchase[c] = CalendarDay(ordinal: Int32(last + Int(median.rounded()))) }
            let s: LifecycleStage
            if since > rules.lapsedDays {
                s = .lapsed
            } else if Int(date.ordinal) - first <= rules.newDays {
                s = .new
            } else if seen >= 2, last - Int(history.periodDay[range.lowerBound + seen - 2]) > rules.lapsedDays,
                      since <= rules.reactivatedDays {
                s = .reactivated
            } else if let cycleDays = median ?? overallMedian, Double(since) > rules.overdueFactor * cycleDays {
                s = .atRisk
            } else {
                s = .active
            }
            stage[c] = s
            counts[s, default: 0] += 1
        }
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", rules, stage, daysSinceLast = "days_since_last", expectedNextPurchase = "expected_next_purchase"
        case cycle, counts, customersWithoutPurchases = "customers_without_purchases"
    }
}
