/// One row per customer: the inputs of the purchase models and of RFM, with the BTYD
/// definitions of Fader, Hardie & Lee (2005) and of the lifetimes package, so that a summary
/// made here and one made there agree.
///
/// - `frequency` = purchase periods − 1 (repeat purchases); a period is a calendar day.
/// - `recency` = last − first purchase period; `T` = observation (or calibration) end − first.
/// - `monetary_value` = mean amount of the repeat periods (the first excluded), 0 when none.
///
/// Stored by column (about 70 bytes a customer), in order of each customer's first appearance
/// in the file, so that model code can loop over contiguous `[Double]`s; ``row(_:)`` gives one
/// customer as a value.
public struct CustomerSummary: Sendable {
    /// Customer ids; ``customerIndex`` points into it.
    public var identifiers: IdentifierTable
    /// Index of each row's customer in ``identifiers``.
    public var customerIndex: [Int32]
    public var firstPurchase: [CalendarDay]
    public var lastPurchase: [CalendarDay]
    /// Distinct orders (lines of one order count once).
    public var orders: [Int32]
    /// Net spend over the observation period.
    public var totalSpend: [Double]
    public var frequency: [Int32]
    public var recency: [Double]
    public var T: [Double]
    public var monetaryValue: [Double]
    public var daysSinceLast: [Int32]
    public var windowOrders: [Int32]
    public var windowSpend: [Double]
    /// Purchase periods after the calibration end (calibration summaries only, else empty).
    public var frequencyHoldout: [Int32]
    public var monetaryValueHoldout: [Double]

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

    /// Number of customers.
    public var count: Int { customerIndex.count }

    /// Length of the holdout period in `unit` (calibration summaries only).
    public var durationHoldout: Double? {
        calibrationEnd.map { Double(observationEnd.ordinal - $0.ordinal) / unit.days }
    }

    /// The id of customer row `i`.
    public func customerID(_ i: Int) -> String { identifiers.string(at: Int(customerIndex[i])) }

    /// Customer row `i` as a value.
    public func row(_ i: Int) -> Row {
        let split = calibrationEnd != nil
        return Row(
            customerID: customerID(i), firstPurchase: firstPurchase[i], lastPurchase: lastPurchase[i],
            orders: Int(orders[i]), totalSpend: totalSpend[i], averageOrderValue: averageOrderValue(i),
            frequency: Int(frequency[i]), recency: recency[i], T: T[i], monetaryValue: monetaryValue[i],
            daysSinceLast: Int(daysSinceLast[i]), windowOrders: Int(windowOrders[i]), windowSpend: windowSpend[i],
            frequencyHoldout: split ? Int(frequencyHoldout[i]) : nil,
            monetaryValueHoldout: split ? monetaryValueHoldout[i] : nil,
            durationHoldout: durationHoldout)
    }

    /// Net spend per order of customer row `i` (0 without orders).
    @inline(__always)
    public func averageOrderValue(_ i: Int) -> Double {
        orders[i] > 0 ? totalSpend[i] / Double(orders[i]) : 0
    }

    /// All rows as values (allocates one String per customer: for small summaries and tests).
    public var rows: [Row] { (0..<count).map(row) }

    /// One customer of a summary.
    public struct Row: Sendable, Codable, Hashable {
        public var customerID: String
        public var firstPurchase: CalendarDay
        public var lastPurchase: CalendarDay
        public var orders: Int
        public var totalSpend: Double
        public var averageOrderValue: Double
        public var frequency: Int
        public var recency: Double
        public var T: Double
        public var monetaryValue: Double
        public var daysSinceLast: Int
        public var windowOrders: Int
        public var windowSpend: Double
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

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
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
        try self.init(identifiers: history.identifiers, observationEnd: history.observationEnd,
                      firstDate: history.report.firstDate, customerCount: history.customerCount, options: options)
        append(history.allPeriods)
    }

    /// An empty summary of the customers of a transactions file, to be filled block by block
    /// with ``append(_:)`` (see ``load(path:options:summary:quarantine:progress:)``).
    /// - Parameters:
    ///   - identifiers: the file's customer ids.
    ///   - observationEnd: the observation end in force.
    ///   - firstDate: the file's first date (checked against the calibration end), nil if unknown.
    ///   - customerCount: the customers to come (room is reserved for them), ≥ 0.
    ///   - options: unit, calibration end (before `observationEnd`) and window (≥ 1 day).
    /// - Throws: ``SummaryError`` when the calibration end is not before the observation end
    ///   (or comes before `firstDate`) or the window is not positive.
    public init(
        identifiers: IdentifierTable, observationEnd end: CalendarDay, firstDate: CalendarDay?,
        customerCount: Int, options: SummaryOptions = .init()
    ) throws {
        guard options.windowDays > 0 else {
            throw SummaryError(message: "--window-days must be at least 1, got \(options.windowDays)")
        }
        if let calibrationEnd = options.calibrationEnd {
            guard calibrationEnd < end else {
                throw SummaryError(message: "the calibration end \(calibrationEnd.iso) must come before the observation end \(end.iso)")
            }
            if let first = firstDate, calibrationEnd < first {
                throw SummaryError(message: "the calibration end \(calibrationEnd.iso) comes before the first transaction (\(first.iso))")
            }
        }
        self.init(
            identifiers: identifiers, customerIndex: [], firstPurchase: [], lastPurchase: [], orders: [],
            totalSpend: [], frequency: [], recency: [], T: [], monetaryValue: [], daysSinceLast: [],
            windowOrders: [], windowSpend: [], frequencyHoldout: [], monetaryValueHoldout: [],
            observationEnd: end, calibrationEnd: options.calibrationEnd, unit: options.unit,
            windowDays: options.windowDays, customersAfterCalibration: 0, customersWithoutPurchases: 0)
        reserve(customerCount, split: options.calibrationEnd != nil)
    }

    /// Adds the rows of the customers of `block`, which come after those already added (their
    /// periods in increasing day order, as the loader gives them). Customers without periods
    /// and, in a calibration summary, customers whose first purchase comes after the
    /// calibration end are counted and left out.
    /// - Complexity: O(periods in the block).
    public mutating func append(_ block: PurchasePeriods) {
        let unitDays = unit.days
        let end = observationEnd
        // The window is (windowStart, end]; one longer than any day count (Int32) covers every
        // purchase, so the start is clamped instead of trapping on a huge --window-days.
        let windowStart = Int32(clamping: Int(end.ordinal) - min(windowDays, Int(Int32.max)))
        let split = calibrationEnd != nil
        let calibration = calibrationEnd?.ordinal ?? end.ordinal
        let base = block.firstCustomer
        block.start.withUnsafeBufferPointer { start in
        block.day.withUnsafeBufferPointer { day in
        block.amount.withUnsafeBufferPointer { amount in
        block.orders.withUnsafeBufferPointer { periodOrders in
            for k in 0..<block.customerCount {
                let lo = start[k], hi = start[k + 1]
                guard lo < hi else { customersWithoutPurchases += 1; continue }
                let firstDay = day[lo]
                if firstDay > calibration { customersAfterCalibration += 1; continue }
                var orderCount: Int32 = 0, total = 0.0, inWindowOrders: Int32 = 0, inWindowSpend = 0.0
                var calibrationPeriods: Int32 = 0, calibrationLast = firstDay, repeatSpend = 0.0
                var holdoutPeriods: Int32 = 0, holdoutSpend = 0.0
                for p in lo..<hi {
                    let d = day[p]
                    let a = amount[p]
                    orderCount += periodOrders[p]
                    total += a
                    if d > windowStart {
                        inWindowOrders += periodOrders[p]
                        inWindowSpend += a
                    }
                    if d <= calibration {
                        calibrationPeriods += 1
                        calibrationLast = d
                        if p != lo { repeatSpend += a }
                    } else {
                        holdoutPeriods += 1
                        holdoutSpend += a
                    }
                }
                let repeats = calibrationPeriods - 1
                customerIndex.append(Int32(base + k))
                firstPurchase.append(CalendarDay(ordinal: firstDay))
                lastPurchase.append(CalendarDay(ordinal: day[hi - 1]))
                orders.append(orderCount)
                totalSpend.append(total)
                frequency.append(repeats)
                recency.append(Double(calibrationLast - firstDay) / unitDays)
                T.append(Double(calibration - firstDay) / unitDays)
                monetaryValue.append(repeats > 0 ? repeatSpend / Double(repeats) : 0)
                daysSinceLast.append(end.ordinal - day[hi - 1])
                windowOrders.append(inWindowOrders)
                windowSpend.append(inWindowSpend)
                if split {
                    frequencyHoldout.append(holdoutPeriods)
                    monetaryValueHoldout.append(holdoutPeriods > 0 ? holdoutSpend / Double(holdoutPeriods) : 0)
                }
            }
        }}}}
    }

    private mutating func reserve(_ n: Int, split: Bool) {
        customerIndex.reserveCapacity(n)
        firstPurchase.reserveCapacity(n)
        lastPurchase.reserveCapacity(n)
        orders.reserveCapacity(n)
        totalSpend.reserveCapacity(n)
        frequency.reserveCapacity(n)
        recency.reserveCapacity(n)
        T.reserveCapacity(n)
        monetaryValue.reserveCapacity(n)
        daysSinceLast.reserveCapacity(n)
        windowOrders.reserveCapacity(n)
        windowSpend.reserveCapacity(n)
        if split {
            frequencyHoldout.reserveCapacity(n)
            monetaryValueHoldout.reserveCapacity(n)
        }
    }
}
