import Foundation

/// A customer's alert with the value at stake: predicted CLV × churn probability.
public struct AlertAtRisk: Sendable, Hashable, Codable {
    public var customerID: String
    /// `clv × churnProbability`.
    public var valueAtRisk: Double
    /// Discounted expected spend over the next months (BG/NBD × Gamma-Gamma); nil when Gamma-Gamma
    /// could not be fitted.
    public var clv: Double?
    /// BG/NBD P(no purchase within the horizon) at the as-of date.
    public var churnProbability: Double
    public var alert: ChurnAlert

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id", valueAtRisk = "value_at_risk", clv, churnProbability = "churn_probability", alert
    }

    /// The alerts at `asOf` (default: the observation end), largest value at risk first.
    ///
    /// Churn probability: BG/NBD (weeks) fitted on the purchases up to `asOf`, P(no purchase within
    /// `horizonDays`) (see ``BTYDChurnRisk``). CLV: Σ over `months` of Gamma-Gamma expected spend ×
    /// the BG/NBD expected purchases of the month, discounted at `discountRate` a month (the
    /// lifetimes convention, references.md). Without a Gamma-Gamma fit the value at risk falls back
    /// to the mean spend per purchase period × expected purchases.
    /// - Parameters:
    ///   - fitted: BG/NBD and Gamma-Gamma already fitted (weeks) on the purchases up to `asOf`,
    ///     used instead of fitting them again (a nil spend model is fitted here).
    /// - Throws: the BG/NBD fit's error.
    public static func rank(
        history: TransactionHistory, activity: CustomerActivity, rules: WarningRules, asOf: CalendarDay? = nil,
        horizonDays: Int = 90, months: Int = 12, discountRate: Double = 0.01,
        fitted: (purchase: BGNBD, spend: GammaGamma?)? = nil
    ) throws -> (alerts: [AlertAtRisk], notes: [String]) {
        let day = asOf ?? history.observationEnd
        var notes: [String] = []
        let (applicable, ruleNotes) = rules.applicable(to: activity)
        notes += ruleNotes
        let alerts = applicable.evaluate(history: history, activity: activity, asOf: day)
        guard !alerts.isEmpty else { return ([], notes) }
        let risk = try BTYDChurnRisk.fit(history: history, cutoff: day, horizonDays: horizonDays, fitted: fitted?.purchase)
        var row = [Int: Int]()
        for (i, c) in risk.customers.enumerated() { row[c] = i }

        // Gamma-Gamma on mean repeat spend (the first period excluded), periods up to the as-of date.
        func summary(of c: Int) -> (x: Double, tx: Double, T: Double, monetary: Double, mean: Double) {
            let periods = history.periods(of: c)
            var count = 0, repeatSpend = 0.0, total = 0.0
            var first = Int32.max, last = Int32.min
            for p in periods where history.periodDay[p] <= day.ordinal {
                let d = history.periodDay[p]
                if count > 0 { repeatSpend += history.periodAmount[p] }
                total += history.periodAmount[p]
                first = min(first, d); last = max(last, d)
                count += 1
            }
            let x = Double(max(count - 1, 0))
            return (x, Double(last - first) / 7, Double(day.ordinal - first) / 7, x > 0 ? repeatSpend / x : 0,
                    count > 0 ? total / Double(count) : 0)
        }
        var spendModel = fitted?.spend
        if spendModel == nil {
            let histories = risk.customers.map(summary(of:))
            do {
                spendModel = try GammaGamma.fit(frequency: histories.map(\.x), monetary: histories.map(\.monetary)).model
            } catch {
                notes.append("Gamma-Gamma not fitted (\(error)): value at risk uses each customer's mean spend")
            }
        }
        let purchase = risk.model
        var ranked: [AlertAtRisk] = []
        for alert in alerts {
            guard let i = row[alert.customer] else { continue }
            let h = summary(of: alert.customer)
            let spend = spendModel?.conditionalExpectedSpend(frequency: h.x, monetary: h.monetary) ?? h.mean
            let clv = CustomerLifetimeValue.value(
                expectedPurchases: { purchase.conditionalExpectedPurchases(in: $0, frequency: h.x, recency: h.tx, age: h.T) },
                spend: spend, months: months, discountRate: discountRate, unit: .week)
            let p = risk.probabilityNoPurchase[i]
            ranked.append(AlertAtRisk(customerID: history.customerID(alert.customer), valueAtRisk: clv * p,
                                      clv: spendModel == nil ? nil : clv, churnProbability: p, alert: alert))
        }
        ranked.sort { $0.valueAtRisk != $1.valueAtRisk ? $0.valueAtRisk > $1.valueAtRisk : $0.customerID < $1.customerID }
        return (ranked, notes)
    }
}
