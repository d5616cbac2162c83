import Foundation

/// Settings of the cohort table and the period KPIs.
public struct PeriodicOptions: Sendable, Hashable, Codable {
    /// Period length (month by default).
    public var period: LifecyclePeriod
    /// Churn span S in days: a customer churns after S days without a purchase. Must be at least
    /// the longest period (31 days for months) so that every churn follows a period start.
    public var churnDays: Int
    /// Gross margin (0...1) of the simple lifetime value; 1 gives a revenue lifetime value.
    public var grossMargin: Double

    /// The default churn span: 90 days, or two quarters (184 days) for quarters.
    public static func defaultChurnDays(for period: LifecyclePeriod) -> Int { max(90, 2 * period.maximumDays) }

    /// The longest churn span, and the longest span of the data, a century of days: longer spans
    /// would overflow the day counts, or build tables of thousands of periods.
    public static let maximumChurnDays = 36_525

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(period: LifecyclePeriod = .month, churnDays: Int? = nil, grossMargin: Double = 1) {
        self.period = period
        self.churnDays = churnDays ?? Self.defaultChurnDays(for: period)
        self.grossMargin = grossMargin
    }

    enum CodingKeys: String, CodingKey {
        case period, churnDays = "churn_days", grossMargin = "gross_margin"
    }
}

/// The cohort table and the KPIs of every period, computed together in one pass over the
/// purchase periods of a ``TransactionHistory``.
///
/// Memory beyond the history is per period only (counter arrays, and periods² cohort cells).
public struct PeriodicAnalysis: Sendable, Hashable, Codable {
    /// The settings used.
    public var options: PeriodicOptions
    /// Cohorts by first-purchase period.
    public var cohorts: CohortTable
    /// One entry per period from the first purchase to the observation end.
    public var kpis: [PeriodKPI]
    /// Customers left without any purchase period (returns netted away): not counted anywhere.
    public var customersWithoutPurchases: Int

    /// Periods in which no customer bought anything (their per-customer rates are null).
    public var periodsWithoutPurchases: [CalendarDay] { kpis.filter { $0.activeCustomers == 0 }.map(\.period) }

    /// Computes the cohorts and KPIs of `history`.
    /// - Throws: ``LifecycleError`` for a churn span shorter than the longest period or longer than
    ///   ``PeriodicOptions/maximumChurnDays``, a gross margin outside 0...1, a history without
    ///   purchases; ``DateSpanError`` for one spanning more than a century.
    /// - Complexity: O(purchase periods + periods²), two threads over halves of the customers.
    public init(history: TransactionHistory, options: PeriodicOptions = PeriodicOptions()) throws {
        guard options.churnDays >= options.period.maximumDays else {
            throw LifecycleError("churn span \(options.churnDays) days is shorter than a \(options.period.rawValue) (\(options.period.maximumDays) days): use \(options.period.maximumDays) or more")
        }
        guard options.churnDays <= PeriodicOptions.maximumChurnDays else {
            throw LifecycleError("churn span \(options.churnDays) days: expected at most \(PeriodicOptions.maximumChurnDays) (a century)")
        }
        guard options.grossMargin >= 0, options.grossMargin <= 1 else {
            throw LifecycleError("gross margin \(options.grossMargin): expected a share between 0 and 1")
        }
        guard let first = history.periodDay.min(), let last = history.periodDay.max() else {
            throw LifecycleError("no purchases: cohorts and KPIs need at least one purchase")
        }
        // The tables grow with the square of the periods: a mistyped year (2999) must not run for hours.
        let end = max(last, history.observationEnd.ordinal)
        try DateSpan.check(from: CalendarDay(ordinal: first), "the first purchase", to: CalendarDay(ordinal: end), "the observation end")
        self.options = options
        let calendar = PeriodCalendar(
            period: options.period, firstDay: CalendarDay(ordinal: first),
            lastDay: CalendarDay(ordinal: end))
        let n = history.customerCount
        let parts = n >= 50_000 ? 2 : 1
        let results = CounterSlots(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            var counters = PeriodCounters(periods: calendar.count)
            counters.count(history: history, customers: (n * k / parts)..<(n * (k + 1) / parts),
                           calendar: calendar, churnDays: options.churnDays)
            results.set(k, counters)
        }
        var total = results.get(0)
        for k in 1..<parts { total.add(results.get(k)) }

        let p = calendar.count
        var cohorts: [CohortTable.Cohort] = []
        cohorts.reserveCapacity(p)
        for c in 0..<p {
            let ages = p - c
            let base = c * p
            cohorts.append(CohortTable.Cohort(
                start: calendar.starts[c], size: total.newCustomers[c],
                activeCustomers: Array(total.cohortActive[base..<(base + ages)]),
                revenue: Array(total.cohortRevenue[base..<(base + ages)]),
                orders: Array(total.cohortOrders[base..<(base + ages)])))
        }
        self.cohorts = CohortTable(
            period: options.period, cohorts: cohorts, observationEnd: calendar.lastDay,
            singleCustomerCohorts: cohorts.filter { $0.size == 1 }.count, emptyCohorts: cohorts.filter { $0.size == 0 }.count)
        var atStart = 0
        kpis = (0..<p).map { k in
            atStart += total.atStartChange[k]
            return PeriodKPI(
                period: calendar.starts[k],
                end: CalendarDay(ordinal: min(calendar.starts[k + 1].ordinal - 1, calendar.lastDay.ordinal)),
                partial: calendar.isPartial(k), activeCustomers: total.active[k], newCustomers: total.newCustomers[k],
                returningCustomers: total.returning[k], reactivatedCustomers: total.reactivated[k],
                churnedCustomers: total.churned[k], customersAtStart: atStart, revenue: total.revenue[k],
                orders: total.orders[k], repeatCustomers: total.repeatCustomers[k])
        }
        customersWithoutPurchases = total.withoutPurchases
    }

    enum CodingKeys: String, CodingKey {
        case options, cohorts, kpis, customersWithoutPurchases = "customers_without_purchases"
    }
}

/// The counters of one pass, per period and per cohort cell.
struct PeriodCounters: Sendable {
    let periods: Int
    var active, newCustomers, returning, reactivated, churned, orders, repeatCustomers: [Int]
    /// Difference array of the customers alive at each period start.
    var atStartChange: [Int]
    var revenue: [Double]
    /// Cohort cells, cohort-major: cell (c, age) at c · periods + age.
    var cohortActive, cohortOrders: [Int]
    var cohortRevenue: [Double]
    var withoutPurchases = 0

    init(periods p: Int) {
        periods = p
        let zeros = [Int](repeating: 0, count: p)
        active = zeros; newCustomers = zeros; returning = zeros; reactivated = zeros; churned = zeros
        orders = zeros; repeatCustomers = zeros
        atStartChange = [Int](repeating: 0, count: p + 1)
        revenue = [Double](repeating: 0, count: p)
        cohortActive = [Int](repeating: 0, count: p * p)
        cohortOrders = cohortActive
        cohortRevenue = [Double](repeating: 0, count: p * p)
    }

    mutating func add(_ o: PeriodCounters) {
        func sum(_ a: inout [Int], _ b: [Int]) { for k in a.indices { a[k] += b[k] } }
        sum(&active, o.active); sum(&newCustomers, o.newCustomers); sum(&returning, o.returning)
        sum(&reactivated, o.reactivated); sum(&churned, o.churned); sum(&orders, o.orders)
        sum(&repeatCustomers, o.repeatCustomers); sum(&atStartChange, o.atStartChange)
        sum(&cohortActive, o.cohortActive); sum(&cohortOrders, o.cohortOrders)
        for k in revenue.indices { revenue[k] += o.revenue[k] }
        for k in cohortRevenue.indices { cohortRevenue[k] += o.cohortRevenue[k] }
        withoutPurchases += o.withoutPurchases
    }

    /// Counts the customers `range` of `history`: each purchase period is visited once.
    mutating func count(history: TransactionHistory, customers range: Range<Int>, calendar: PeriodCalendar, churnDays: Int) {
        let span = Int32(churnDays)
        let lastOrdinal = calendar.lastDay.ordinal
        let starts = calendar.starts.map(\.ordinal)
        let p = periods
        for c in range {
            let lo = history.periodStart[c], hi = history.periodStart[c + 1]
            guard lo < hi else { withoutPurchases += 1; continue }
            let p0 = calendar.period(ofOrdinal: history.periodDay[lo])
            newCustomers[p0] += 1
            let cohortBase = p0 * p - p0
            var current = -1
            var daysInCurrent = 0
            var previousDay: Int32 = 0
            for j in lo..<hi {
                let day = history.periodDay[j]
                let k = calendar.period(ofOrdinal: day)
                if j > lo { spell(from: previousDay, to: day, span: span, last: lastOrdinal, calendar: calendar) }
                if k != current {
                    if current >= 0, daysInCurrent >= 2 { repeatCustomers[current] += 1 }
                    active[k] += 1
                    cohortActive[cohortBase + k] += 1
                    if j > lo {
                        if starts[k] - previousDay <= span { returning[k] += 1 } else { reactivated[k] += 1 }
                    }
                    current = k
                    daysInCurrent = 0
                }
                daysInCurrent += 1
                let amount = history.periodAmount[j]
                let count = Int(history.periodOrders[j])
                revenue[k] += amount
                orders[k] += count
                cohortRevenue[cohortBase + k] += amount
                cohortOrders[cohortBase + k] += count
                previousDay = day
            }
            if daysInCurrent >= 2 { repeatCustomers[current] += 1 }
            spell(from: previousDay, to: nil, span: span, last: lastOrdinal, calendar: calendar)
        }
    }

    /// The time from a purchase on day `t` to the next one (`next`, nil for none): the customer
    /// is alive at every period start in (t, min(next, t + S)] and churns on t + S when the next
    /// purchase comes later (or never) and t + S is not after the observation end.
    @inline(__always)
    mutating func spell(from t: Int32, to next: Int32?, span: Int32, last: Int32, calendar: PeriodCalendar) {
        let churnDay = t + span
        let until = min(next ?? Int32.max, churnDay, last)
        let from = calendar.period(ofOrdinal: t) + 1
        let to = calendar.period(ofOrdinal: until)
        if to >= from {
            atStartChange[from] += 1
            atStartChange[to + 1] -= 1
        }
        if churnDay <= last, next.map({ $0 > churnDay }) ?? true {
            churned[calendar.period(ofOrdinal: churnDay)] += 1
        }
    }
}

/// Results of the parallel halves.
final class CounterSlots: @unchecked Sendable {
    private var slots: [PeriodCounters?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ k: Int, _ value: PeriodCounters) { lock.lock(); slots[k] = value; lock.unlock() }
    func get(_ k: Int) -> PeriodCounters {
        lock.lock()
        defer { lock.unlock() }
        guard let value = slots[k] else { preconditionFailure("counting task \(k) produced no result") }
        return value
    }
}
