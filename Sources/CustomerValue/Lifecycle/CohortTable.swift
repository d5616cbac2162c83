/// Customers grouped by the period of their first purchase, followed period by period.
///
/// Cohort analysis as in the CRM guides: a cohort is every customer whose first purchase falls in
/// one period; its age-`a` cell counts the cohort's customers with at least one purchase in the
/// `a`-th period after it (age 0 = the first period, so age-0 retention is 1). Cells of periods
/// after the observation end have not happened yet: they are absent, never zero.
public struct CohortTable: Sendable, Hashable, Codable {
    /// The period length.
    public var period: LifecyclePeriod
    /// One cohort per period from the first purchase to the observation end, empty ones included.
    public var cohorts: [Cohort]
    /// The observation end: the last day counted.
    public var observationEnd: CalendarDay
    /// Cohorts of exactly one customer, whose rates are a single customer's 0 or 1.
    public var singleCustomerCohorts: Int
    /// Periods in which no customer was acquired (cohorts of size 0; their rates are empty).
    public var emptyCohorts: Int

    /// One cohort: its customers' activity and revenue at each age that has happened.
    public struct Cohort: Sendable, Hashable, Codable {
        /// The first day of the cohort's period.
        public var start: CalendarDay
        /// Customers whose first purchase falls in the period.
        public var size: Int
        /// Customers of the cohort with ≥ 1 purchase in period `start + age`, one entry per age
        /// that has happened (the last one possibly partial).
        public var activeCustomers: [Int]
        /// Net revenue of the cohort's customers in each age's period.
        public var revenue: [Double]
        /// Orders of the cohort's customers in each age's period.
        public var orders: [Int]

        /// Number of ages that have happened (the periods from the cohort's to the observation end's).
        public var ages: Int { activeCustomers.count }

        /// active / size at `age`; nil for an empty cohort or an age that has not happened.
        public func retention(age: Int) -> Double? {
            guard age < ages, size > 0 else { return nil }
            return Double(activeCustomers[age]) / Double(size)
        }

        /// Revenue at `age` / revenue at age 0 (net revenue retention of the cohort); nil when the
        /// age has not happened or the first period's revenue is not positive.
        public func revenueRetention(age: Int) -> Double? {
            guard age < ages, let first = revenue.first, first > 0 else { return nil }
            return revenue[age] / first
        }

        /// Revenue of ages 0...`age` / cohort size; nil for an empty cohort or a future age.
        public func cumulativeRevenuePerCustomer(age: Int) -> Double? {
            guard age < ages, size > 0 else { return nil }
            return revenue[0...age].reduce(0, +) / Double(size)
        }

        enum CodingKeys: String, CodingKey {
            case start, size, activeCustomers = "active_customers", revenue, orders
        }
    }

    enum CodingKeys: String, CodingKey {
        case period, cohorts, observationEnd = "observation_end", singleCustomerCohorts = "single_customer_cohorts"
        case emptyCohorts = "empty_cohorts"
    }
}
