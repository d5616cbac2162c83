/// Actual against expected repeat transactions period by period, over the calibration and the
/// holdout: the tracking plots of Fader, Hardie & Lee (2005, "Counting your customers the easy
/// way", Figures 2 and 3: weekly and cumulative repeat transactions).
///
/// The cohort is every customer whose first purchase is on or before the calibration end.
/// Customer i, first buying on day d_i, is expected to have made E[X(t − d_i)] repeat purchases
/// by day t (E[X] the model's unconditional expectation, in model time units), so the expected
/// cumulative total at t is Σ_d n_d · E[X(t − d)] over the first-purchase days d with n_d
/// customers. Actual repeat transactions are purchase periods after each customer's first
/// (purchases on one day are one, as in the summary).
public struct RepeatTransactionTracking: Sendable, Codable, Hashable {
    /// One period of the tracking.
    public struct Period: Sendable, Codable, Hashable {
        /// First day of the period.
        public var start: CalendarDay
        /// Repeat transactions in the period: actual and expected.
        public var actual: Int
        public var expected: Double
        /// Totals from the first day up to the end of the period.
        public var cumulativeActual: Int
        public var cumulativeExpected: Double
        /// True for periods after the calibration end.
        public var holdout: Bool

        enum CodingKeys: String, CodingKey {
            case start, actual, expected, holdout
            case cumulativeActual = "cumulative_actual", cumulativeExpected = "cumulative_expected"
        }
    }

    /// Customers of the calibration cohort.
    public var customers: Int
    /// Length of a period in days.
    public var periodDays: Int
    /// The periods in order.
    public var periods: [Period]

    enum CodingKeys: String, CodingKey {
        case customers, periods
        case periodDays = "period_days"
    }

    /// Tracks `history` from its first purchase day to `end`.
    /// - Parameters:
    ///   - history: all transactions (calibration and holdout).
    ///   - calibrationEnd: last day of the calibration period; customers first buying later are
    ///     not in the cohort.
    ///   - end: last day tracked (usually the observation end).
    ///   - periodDays: length of a period in days (7 for weekly tracking), ≥ 1.
    ///   - unitDays: days per model time unit (7 when the model was fitted in weeks).
    ///   - expectedRepeat: the fitted model's E[X(t)] for t in model units (t ≥ 0).
    /// - Complexity: O(purchase periods + first-purchase days × periods) model evaluations at most.
    public init(
        history: TransactionHistory, calibrationEnd: CalendarDay, end: CalendarDay, periodDays: Int, unitDays: Double,
        expectedRepeat: (Double) -> Double
    ) {
        precondition(periodDays >= 1 && unitDays > 0, "periods and units must be positive")
        var firstDay = Int32.max
        for c in 0..<history.customerCount where !history.periods(of: c).isEmpty {
            firstDay = min(firstDay, history.periodDay[history.periodStart[c]])
        }
        self.periodDays = periodDays
        guard firstDay != .max, end.ordinal >= firstDay else {
            customers = 0
            periods = []
            return
        }
        let count = (Int(end.ordinal - firstDay) + periodDays) / periodDays
        var actual = [Int](repeating: 0, count: count)
        var births: [Int32: Int] = [:]
        var cohort = 0
        for c in 0..<history.customerCount {
            let range = history.periods(of: c)
            guard let first = range.first, history.periodDay[first] <= calibrationEnd.ordinal else { continue }
            cohort += 1
            births[history.periodDay[first], default: 0] += 1
            for p in range.dropFirst() where history.periodDay[p] <= end.ordinal {
                actual[Int(history.periodDay[p] - firstDay) / periodDays] += 1
            }
        }
        // Expected cumulative repeat transactions at the end of each period (end of its last day).
        let birthDays = births.sorted { $0.key < $1.key }
        var cumulativeExpected = [Double](repeating: 0, count: count)
        for k in 0..<count {
            let periodEnd = Double(firstDay) + Double((k + 1) * periodDays)   // the day after the period, 0:00
            var total = 0.0
            for (day, n) in birthDays {
                // A customer first buying on day d is observed from the end of that day.
                let t = (periodEnd - Double(day) - 1) / unitDays
                if t > 0 { total += Double(n) * expectedRepeat(t) }
            }
            cumulativeExpected[k] = total
        }
        customers = cohort
        var out: [Period] = []
        out.reserveCapacity(count)
        var runningActual = 0
        for k in 0..<count {
            runningActual += actual[k]
            let start = CalendarDay(ordinal: firstDay + Int32(k * periodDays))
            out.append(Period(start: start, actual: actual[k],
                              expected: cumulativeExpected[k] - (k > 0 ? cumulativeExpected[k - 1] : 0),
                              cumulativeActual: runningActual, cumulativeExpected: cumulativeExpected[k],
                              holdout: start > calibrationEnd))
        }
        periods = out
    }
}
