import Foundation

/// Customer lifetime value over a horizon with monthly discounting, the convention of the
/// lifetimes package (references.md): CLV = Σ_{i=1}^{months} spend · (E[Y(i·f)] − E[Y((i−1)·f)]) / (1+d)^i,
/// f = time units per month (day 30, week 4.345, month 1), d = monthly discount rate, spend =
/// the expected spend per transaction (Gamma-Gamma).
public enum CustomerLifetimeValue {
    /// Time units per month in the lifetimes convention.
    public static func unitsPerMonth(_ unit: TimeUnit) -> Double {
        switch unit {
        case .day: return 30
        case .week: return 4.345
        case .month: return 1
        }
    }

    /// CLV of one customer.
    /// - Parameters:
    ///   - expectedPurchases: E[Y(t)] of this customer for a horizon t in model units.
    ///   - spend: expected spend per transaction.
    ///   - months: horizon in months, ≥ 0.
    ///   - discountRate: monthly discount rate d ≥ 0.
    ///   - unit: the model's time unit.
    public static func value(
        expectedPurchases: (Double) -> Double, spend: Double, months: Int, discountRate: Double, unit: TimeUnit
    ) -> Double {
        let f = unitsPerMonth(unit)
        var total = 0.0
        var previous = 0.0
        var discount = 1.0
        for i in 1...max(months, 1) where months > 0 {
            let current = expectedPurchases(Double(i) * f)
            discount /= 1 + discountRate
            total += spend * (current - previous) * discount
            previous = current
        }
        return total
    }
}
