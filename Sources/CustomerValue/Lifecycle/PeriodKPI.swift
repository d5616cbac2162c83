/// The customer KPIs of one period, as defined in ``PeriodKPI/definitions``.
///
/// S is the churn span in days. A customer with a purchase on day t and none on days t+1 … t+S
/// churns on day t+S. A customer is *alive at the start* of a period starting on day s when they
/// have a purchase before s and the last one, t, has s − t ≤ S (they have not churned before s).
/// The counts partition the active customers: active = new + returning + reactivated.
public struct PeriodKPI: Sendable, Hashable, Codable {
    /// First day of the period.
    public var period: CalendarDay
    /// Last day counted (the observation end for the last period).
    public var end: CalendarDay
    /// Whether the observation end cuts the period short.
    public var partial: Bool
    /// Customers with ≥ 1 purchase in the period.
    public var activeCustomers: Int
    /// Customers whose first purchase is in the period.
    public var newCustomers: Int
    /// Active, not new, and alive at the start (last earlier purchase ≤ S days before the start).
    public var returningCustomers: Int
    /// Active, not new, and lapsed at the start (no purchase for more than S days before it).
    public var reactivatedCustomers: Int
    /// Customers alive at the start whose churn day (last purchase + S, no purchase in between)
    /// falls in the period, up to the observation end.
    public var churnedCustomers: Int
    /// Customers alive at the start: the customers at risk of churning in the period.
    public var customersAtStart: Int
    /// Net revenue of the period.
    public var revenue: Double
    /// Orders of the period (same-day orders of a customer still count as separate orders).
    public var orders: Int
    /// Active customers with purchases on ≥ 2 different days of the period.
    public var repeatCustomers: Int

    /// churned / alive at the start; nil when no customer was alive at the start.
    public var churnRate: Double? { ratio(churnedCustomers, customersAtStart) }
    /// (alive at the start − churned) / alive at the start = 1 − churn rate; nil when no customer
    /// was alive at the start.
    public var retentionRate: Double? { customersAtStart > 0 ? Double(customersAtStart - churnedCustomers) / Double(customersAtStart) : nil }
    /// revenue / active customers.
    public var arpu: Double? { activeCustomers > 0 ? revenue / Double(activeCustomers) : nil }
    /// revenue / orders.
    public var averageOrderValue: Double? { orders > 0 ? revenue / Double(orders) : nil }
    /// orders / active customers.
    public var purchaseFrequency: Double? { ratio(orders, activeCustomers) }
    /// repeat customers / active customers.
    public var repurchaseRate: Double? { ratio(repeatCustomers, activeCustomers) }
    /// 1 / churn rate, in periods; nil when the churn rate is nil or 0.
    public var expectedLifespan: Double? {
        guard let rate = churnRate, rate > 0 else { return nil }
        return 1 / rate
    }

    /// The simple lifetime value of the CRM guides: average order value × purchase frequency ×
    /// expected lifespan × gross margin; nil when any factor is.
    public func simpleLifetimeValue(grossMargin: Double) -> Double? {
        guard let aov = averageOrderValue, let frequency = purchaseFrequency, let lifespan = expectedLifespan else { return nil }
        return aov * frequency * lifespan * grossMargin
    }

    private func ratio(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }

    /// Each KPI's definition, keyed by its output column; `S` is the churn span in days.
    public static let definitions: [String: String] = [
        "period": "first day of the period; the last period ends at the observation end",
        "active_customers": "customers with at least one purchase in the period",
        "new_customers": "customers whose first purchase is in the period",
        "returning_customers": "active customers, not new, whose last purchase before the period start s is at most S days before s (alive at the start)",
        "reactivated_customers": "active customers, not new, whose last purchase before the period start s is more than S days before s (lapsed at the start)",
        "churned_customers": "customers alive at the start whose churn day (last purchase t + S, with no purchase on days t+1..t+S) is in the period and not after the observation end",
        "customers_at_start": "customers alive at the period start s: some purchase before s, the last one t with s - t <= S",
        "churn_rate": "churned_customers / customers_at_start; null when customers_at_start = 0",
        "retention_rate": "(customers_at_start - churned_customers) / customers_at_start = 1 - churn_rate (= (customers alive at the end - new - reactivated) / customers at the start); null when customers_at_start = 0",
        "revenue": "net revenue of the period's purchases",
        "orders": "orders in the period",
        "arpu": "revenue / active_customers; null when no customer is active",
        "average_order_value": "revenue / orders; null without orders",
        "purchase_frequency": "orders / active_customers; null when no customer is active",
        "repurchase_rate": "customers with purchases on 2 or more different days of the period / active_customers; null when no customer is active",
        "expected_lifespan": "1 / churn_rate, in periods; null when the churn rate is null or 0",
        "simple_clv": "average_order_value x purchase_frequency x expected_lifespan x gross_margin (CRM guides' simple lifetime value, per customer); null when a factor is null",
    ]

    enum CodingKeys: String, CodingKey {
        case period, end, partial, activeCustomers = "active_customers", newCustomers = "new_customers"
        case returningCustomers = "returning_customers", reactivatedCustomers = "reactivated_customers"
        case churnedCustomers = "churned_customers", customersAtStart = "customers_at_start", revenue, orders
        case repeatCustomers = "repeat_customers"
    }
}
