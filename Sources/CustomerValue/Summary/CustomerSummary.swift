/// One row per customer: the inputs of the purchase models and of RFM, with the BTYD
/// definitions of Fader, Hardie & Lee (2005) and of the lifetimes package, so that a summary
/// made here and one made there agree.
///
/// - `frequency` = purchase periods − 1 (repeat purchases); a period is a calendar day.
/// - `recency` = last − first purchase period; `T` = observation (or calibration) end − first.
/// - `monetary_value` = mean amount of the repeat periods (the first excluded), 0 when none.
public struct CustomerSummary: Sendable, Codable {
    /// The per-customer rows, in order of each customer's first appearance in the file.
    public var rows: [Row]
    /// The last day counted.
    public var observationEnd: CalendarDay
    /// The end of the calibration period, when the summary was split.
    public var calibrationEnd: CalendarDay?
    /// The unit of recency, T and duration_holdout.
    public var unit: TimeUnit
    /// Length of the trailing window behind days_since_last, window_orders and window_spend.
    public var windowDays: Int
    /// Customers whose first purchase comes after the calibration end (left out of a calibration summary).
    public var customersAfterCalibration: Int
    /// Customers with no purchase left once returns were netted (left out).
    public var customersWithoutPurchases: Int

    /// One customer.
    public struct Row: Sendable, Codable, Hashable {
        public var customerID: String
        public var firstPurchase: CalendarDay
        public var lastPurchase: CalendarDay
        /// Distinct orders (lines of one order count once).
        public var orders: Int
        /// Net spend over the observation period.
        public var totalSpend: Double
        public var averageOrderValue: Double
        public var frequency: Int
        public var recency: Double
        public var T: Double
        public var monetaryValue: Double
        public var daysSinceLast: Int
        public var windowOrders: Int
        public var windowSpend: Double
        /// Purchase periods after the calibration end (calibration summaries only).
        public var frequencyHoldout: Int?
        public var monetaryValueHoldout: Double?
        public var durationHoldout: Double?

        enum CodingKeys: String, CodingKey {
            case customerID = "customer_id", firstPurchase = "first_purchase", lastPurchase = "last_purchase"
            case orders, totalSpend = "total_spend", averageOrderValue = "average_order_value"
            case frequency, recency, T, monetaryValue = "monetary_value", daysSinceLast = "days_since_last"
            case windowOrders = "window_orders", windowSpend = "window_spend"
            case frequencyHoldout = "frequency_holdout", monetaryValueHoldout = "monetary_value_holdout"
            case durationHoldout = "duration_holdout"
        }
    }

    enum CodingKeys: String, CodingKey {
        case rows = "customers", observationEnd = "observation_end", calibrationEnd = "calibration_end", unit
        case windowDays = "window_days", customersAfterCalibration = "customers_after_calibration"
        case customersWithoutPurchases = "customers_without_purchases"
    }

    /// The column names of a summary, in output order.
    public var columnNames: [String] {
        var names = ["customer_id", "first_purchase", "last_purchase", "orders", "total_spend", "average_order_value",
                     "frequency", "recency", "T", "monetary_value", "days_since_last", "window_orders", "window_spend"]
        if calibrationEnd != nil { names += ["frequency_holdout", "monetary_value_holdout", "duration_holdout"] }
        return names
    }
}

/// Options of a customer summary.
public struct SummaryOptions: Sendable, Hashable {
    public var unit: TimeUnit
    /// Inclusive end of the calibration period; nil for no split.
    public var calibrationEnd: CalendarDay?
    /// Length of the trailing window (days) ending at the observation end.
    public var windowDays: Int

    public init(unit: TimeUnit = .day, calibrationEnd: CalendarDay? = nil, windowDays: Int = 365) {
        self.unit = unit
        self.calibrationEnd = calibrationEnd
        self.windowDays = windowDays
    }
}

/// Error for summary options that do not fit the data.
public struct SummaryError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

extension CustomerSummary {
    /// Summarises a transaction history.
    /// - Throws: ``SummaryError`` when the calibration end is not before the observation end or
    ///   the window is not positive.
    /// - Complexity: O(purchase periods).
    public init(history: TransactionHistory, options: SummaryOptions = .init()) throws {
        let end = history.observationEnd
        guard options.windowDays > 0 else {
            throw SummaryError(message: "--window-days must be at least 1, got \(options.windowDays)")
        }
        if let calibrationEnd = options.calibrationEnd {
            guard calibrationEnd < end else {
                throw SummaryError(message: "the calibration end \(calibrationEnd.iso) must come before the observation end \(end.iso)")
            }
            if let first = history.report.firstDate, calibrationEnd < first {
                throw SummaryError(message: "the calibration end \(calibrationEnd.iso) comes before the first transaction (\(first.iso))")
            }
        }
        let unitDays = options.unit.days
        let windowStart = end.ordinal - Int32(options.windowDays)   // window is (windowStart, end]
        let calibration = options.calibrationEnd?.ordinal
        var rows: [Row] = []
        rows.reserveCapacity(history.customerCount)
        var afterCalibration = 0
        var withoutPurchases = 0
        for c in 0..<history.customerCount {
            let range = history.periods(of: c)
            guard !range.isEmpty else { withoutPurchases += 1; continue }
            let firstDay = history.periodDay[range.lowerBound]
            if let calibration, firstDay > calibration { afterCalibration += 1; continue }
            var orders = 0, total = 0.0, windowOrders = 0, windowSpend = 0.0
            var calibrationPeriods = 0, calibrationLast = firstDay, calibrationRepeatSpend = 0.0
            var holdoutPeriods = 0, holdoutSpend = 0.0
            for p in range {
                let day = history.periodDay[p]
                let amount = history.periodAmount[p]
                let periodOrders = Int(history.periodOrders[p])
                orders += periodOrders
                total += amount
                if day > windowStart {
                    windowOrders += periodOrders
                    windowSpend += amount
                }
                if calibration == nil || day <= calibration! {
                    calibrationPeriods += 1
                    calibrationLast = day
                    if p != range.lowerBound { calibrationRepeatSpend += amount }
                } else {
                    holdoutPeriods += 1
                    holdoutSpend += amount
                }
            }
            let lastDay = history.periodDay[range.upperBound - 1]
            let frequency = calibrationPeriods - 1
            let referenceEnd = calibration ?? end.ordinal
            var row = Row(
                customerID: history.customerID(c),
                firstPurchase: CalendarDay(ordinal: firstDay),
                lastPurchase: CalendarDay(ordinal: lastDay),
                orders: orders,
                totalSpend: total,
                averageOrderValue: orders > 0 ? total / Double(orders) : 0,
                frequency: frequency,
                recency: Double(calibrationLast - firstDay) / unitDays,
                T: Double(referenceEnd - firstDay) / unitDays,
                monetaryValue: frequency > 0 ? calibrationRepeatSpend / Double(frequency) : 0,
                daysSinceLast: Int(end.ordinal - lastDay),
                windowOrders: windowOrders,
                windowSpend: windowSpend)
            if let calibration {
                row.frequencyHoldout = holdoutPeriods
                row.monetaryValueHoldout = holdoutPeriods > 0 ? holdoutSpend / Double(holdoutPeriods) : 0
                row.durationHoldout = Double(end.ordinal - calibration) / unitDays
            }
            rows.append(row)
        }
        self.init(
            rows: rows, observationEnd: end, calibrationEnd: options.calibrationEnd, unit: options.unit,
            windowDays: options.windowDays, customersAfterCalibration: afterCalibration,
            customersWithoutPurchases: withoutPurchases)
    }
}
