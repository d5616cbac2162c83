/// Calendar periods used as the transaction opportunities of a discrete-time model (BG/BB).
public enum OpportunityPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Calendar years (the annual campaigns of Fader, Hardie & Shang 2010).
    case year
    /// Calendar quarters (January–March, ...).
    case quarter
    /// Calendar months.
    case month
    /// ISO weeks, Monday to Sunday.
    case week

    /// Index of the period holding `day`; consecutive periods have consecutive indexes.
    public func index(of day: CalendarDay) -> Int {
        switch self {
        case .year: return day.components.year
        case .quarter:
            let c = day.components
            return c.year * 4 + (c.month - 1) / 3
        case .month:
            let c = day.components
            return c.year * 12 + c.month - 1
        case .week:
            // 1970-01-01 (ordinal 0) was a Thursday: weeks start on ordinals ≡ −3 (mod 7).
            let shifted = Int(day.ordinal) + 3
            return shifted >= 0 ? shifted / 7 : -((-shifted + 6) / 7)
        }
    }

    /// First day of period `index`.
    public func firstDay(of index: Int) -> CalendarDay {
        func floorDivision(_ a: Int, _ b: Int) -> (Int, Int) {
            let q = a >= 0 ? a / b : -((-a + b - 1) / b)
            return (q, a - q * b)
        }
        switch self {
        case .year:
            return CalendarDay(ordinal: Int32(CalendarDay.daysFromCivil(year: index, month: 1, day: 1)))
        case .quarter:
            let (year, quarter) = floorDivision(index, 4)
            return CalendarDay(ordinal: Int32(CalendarDay.daysFromCivil(year: year, month: 3 * quarter + 1, day: 1)))
        case .month:
            let (year, month) = floorDivision(index, 12)
            return CalendarDay(ordinal: Int32(CalendarDay.daysFromCivil(year: year, month: month + 1, day: 1)))
        case .week:
            return CalendarDay(ordinal: Int32(7 * index - 3))
        }
    }

    /// Last day of period `index`.
    public func lastDay(of index: Int) -> CalendarDay { firstDay(of: index + 1).adding(days: -1) }

    /// The last period complete by the end of `day`: the period of `day` when `day` is its last
    /// day, otherwise the one before.
    public func lastCompletePeriod(through day: CalendarDay) -> Int {
        let i = index(of: day)
        return index(of: day.adding(days: 1)) == i ? i - 1 : i
    }

    /// A readable name of period `index`: 2024, 2024-Q1, 2024-03, or the week's Monday (week of 2024-01-01).
    public func label(_ index: Int) -> String {
        let first = firstDay(of: index).components
        switch self {
        case .year: return "\(first.year)"
        case .quarter: return "\(first.year)-Q\((first.month - 1) / 3 + 1)"
        case .month: return "\(first.year)-" + (first.month < 10 ? "0" : "") + "\(first.month)"
        case .week: return "week of \(firstDay(of: index).iso)"
        }
    }
}

/// Every customer's purchase history in discrete time, as the BG/BB model of Fader, Hardie &
/// Shang (2010) reads it: x purchases in n transaction opportunities, the last at opportunity t_x.
///
/// The opportunities are calendar periods (``OpportunityPeriod``). A customer's first purchase
/// period is the "birth", as the paper's cohort of first-time donors of 1995; the opportunities
/// are the periods after it up to the last complete period, n of them; x counts those with at
/// least one purchase (several purchases in one period are one, as at most one purchase per
/// opportunity is what the model describes), and t_x is the opportunity of the last one (0 when
/// x = 0).
///
/// A period is an opportunity only once it is complete by the observation end (or the
/// calibration end): a customer who has not bought yet in a period still under way may still
/// buy in it, so counting it would read "no purchase" into an opportunity not yet over.
/// Purchases after the last complete period are not used, and customers whose first purchase
/// falls after it are left out (``customersAfterLastPeriod``). A customer born in the last
/// complete period has n = 0: no evidence, the model's prior (such customers add nothing to
/// the likelihood).
public struct DiscreteSummary: Sendable {
    public var period: OpportunityPeriod
    /// Customer ids of the rows.
    public var customerIDs: [String]
    /// Opportunities with a purchase, x.
    public var frequency: [Int]
    /// Opportunity of the last purchase, t_x (0 when x = 0).
    public var recency: [Int]
    /// Opportunities observed, n (0 for a customer born in the last period).
    public var opportunities: [Int]
    /// Opportunities with a purchase among the holdout periods (calibration summaries only, else empty).
    public var frequencyHoldout: [Int]
    /// Index of the last complete period counted (of the calibration when split).
    public var lastPeriod: Int
    /// Index of the last complete period by the observation end.
    public var lastObservedPeriod: Int
    /// Complete periods after the calibration (0 without a calibration end).
    public var holdoutOpportunities: Int
    /// Customers whose first purchase falls after ``lastPeriod`` (left out).
    public var customersAfterLastPeriod: Int
    /// Index of the earliest first-purchase period of the rows.
    public var firstBirthPeriod: Int
    /// Rows by first-purchase period, from ``firstBirthPeriod`` to ``lastPeriod``.
    public var birthsPerPeriod: [Int]
    /// Opportunities taken (rows with a purchase) in each calendar period, calibration and holdout,
    /// from ``firstBirthPeriod`` to ``lastObservedPeriod``; first-purchase periods are not
    /// opportunities and not counted.
    public var purchasesPerPeriod: [Int]

    /// Number of customers.
    public var count: Int { customerIDs.count }

    /// Summarises `history` in `period`s.
    /// - Parameters:
    ///   - calibrationEnd: when given, (x, t_x, n) count the periods complete by this day and
    ///     ``frequencyHoldout`` the purchase periods complete after it by the observation end.
    /// - Throws: ``SummaryError`` when no period is complete, when no customer has an opportunity
    ///   after the first purchase period (a single period of data), or when the holdout holds no
    ///   complete period.
    /// - Complexity: O(purchase periods).
    public init(history: TransactionHistory, period: OpportunityPeriod, calibrationEnd: CalendarDay? = nil) throws {
        let end = history.observationEnd
        let observedLast = period.lastCompletePeriod(through: end)
        var last = observedLast
        if let calibrationEnd {
            guard calibrationEnd < end else {
                throw SummaryError(message: "the calibration end \(calibrationEnd.iso) must come before the observation end \(end.iso)")
            }
            last = period.lastCompletePeriod(through: calibrationEnd)
            guard last < observedLast else {
                throw SummaryError(message: "no complete \(period.rawValue) lies between the calibration end \(calibrationEnd.iso) and the observation end \(end.iso): the holdout needs at least one (the last complete \(period.rawValue) ends \(period.lastDay(of: observedLast).iso))")
            }
        }
        self.period = period
        lastPeriod = last
        lastObservedPeriod = observedLast
        holdoutOpportunities = calibrationEnd == nil ? 0 : observedLast - last
        customerIDs = []
        frequency = []
        recency = []
        opportunities = []
        frequencyHoldout = []
        customersAfterLastPeriod = 0
        firstBirthPeriod = 0
        birthsPerPeriod = []
        purchasesPerPeriod = []
        // Births and purchases per period, keyed by period index until the first birth is known.
        var births: [Int: Int] = [:], purchases: [Int: Int] = [:]
        var firstBirth = Int.max
        for c in 0..<history.customerCount {
            let range = history.periods(of: c)
            guard let first = range.first else { continue }
            let birth = period.index(of: CalendarDay(ordinal: history.periodDay[first]))
            guard birth <= last else {
                customersAfterLastPeriod += 1
                continue
            }
            firstBirth = min(firstBirth, birth)
            births[birth, default: 0] += 1
            var x = 0, tx = 0, holdout = 0
            var previous = birth
            for p in range.dropFirst() {
                let k = period.index(of: CalendarDay(ordinal: history.periodDay[p]))
                // Several purchase days in one period are one purchase opportunity taken.
                guard k != previous else { continue }
                previous = k
                if k <= observedLast { purchases[k, default: 0] += 1 }
                if k <= last {
                    x += 1
                    tx = k - birth
                } else if k <= observedLast {
                    holdout += 1
                }
            }
            customerIDs.append(history.customerID(c))
            frequency.append(x)
            recency.append(tx)
            opportunities.append(last - birth)
            if calibrationEnd != nil { frequencyHoldout.append(holdout) }
        }
        guard firstBirth != .max else {
            let through = calibrationEnd ?? end
            throw SummaryError(message: "no complete \(period.rawValue) with a purchase by \(through.iso): a \(period.rawValue) counts once it is complete (the last complete one ends \(period.lastDay(of: last).iso)); give --observation-end or a shorter --period")
        }
        firstBirthPeriod = firstBirth
        birthsPerPeriod = (firstBirth...last).map { births[$0] ?? 0 }
        purchasesPerPeriod = (firstBirth...observedLast).map { purchases[$0] ?? 0 }
        guard opportunities.contains(where: { $0 > 0 }) else {
            throw SummaryError(message: "the transactions cover a single complete \(period.rawValue) (\(period.label(last))): BG/BB needs at least one opportunity after a customer's first \(period.rawValue); give a shorter --period or more data")
        }
    }
}
