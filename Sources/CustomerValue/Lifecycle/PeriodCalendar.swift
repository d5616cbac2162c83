/// The length of the calendar periods that cohorts and KPIs are counted in.
public enum LifecyclePeriod: String, Sendable, Hashable, Codable, CaseIterable {
    /// ISO weeks, Monday to Sunday.
    case week
    /// Calendar months.
    case month
    /// Calendar quarters (January–March, ...).
    case quarter

    /// The longest such period, in days (7, 31, 92).
    public var maximumDays: Int {
        switch self {
        case .week: return 7
        case .month: return 31
        case .quarter: return 92
        }
    }

    /// A running index of the period holding `day`: consecutive periods have consecutive indexes.
    public func index(of day: CalendarDay) -> Int {
        switch self {
        case .week:
            // 1970-01-01 was a Thursday: the Monday before it is ordinal −3.
            let shifted = Int(day.ordinal) + 3
            return shifted >= 0 ? shifted / 7 : -((-shifted + 6) / 7)
        case .month:
            let (y, m, _) = day.components
            return y * 12 + (m - 1)
        case .quarter:
            let (y, m, _) = day.components
            return y * 4 + (m - 1) / 3
        }
    }

    /// The first day of the period with running index `index`.
    public func start(ofIndex index: Int) -> CalendarDay {
        switch self {
        case .week:
            return CalendarDay(ordinal: Int32(index * 7 - 3))
        case .month:
            return CalendarDay(year: index / 12, month: index % 12 + 1, day: 1) ?? CalendarDay(ordinal: 0)
        case .quarter:
            return CalendarDay(year: index / 4, month: (index % 4) * 3 + 1, day: 1) ?? CalendarDay(ordinal: 0)
        }
    }
}

/// The periods from the one holding the first purchase to the one holding the observation end,
/// with a day → period lookup table so that the hot loops do no calendar arithmetic.
///
/// Period `k` (0-based) runs from `start(k)` to `start(k + 1) − 1`; the last period ends at the
/// observation end and is partial when the observation end is not the period's last day.
public struct PeriodCalendar: Sendable, Hashable {
    /// The period length.
    public var period: LifecyclePeriod
    /// First day covered (the first purchase day).
    public var firstDay: CalendarDay
    /// Last day covered (the observation end).
    public var lastDay: CalendarDay
    /// The first day of each period, `count + 1` entries (the last one is the day after the
    /// last period's full end).
    public var starts: [CalendarDay]
    /// Period of each day from `firstDay` to `lastDay`.
    @usableFromInline var periodOfDay: [Int32]

    /// Number of periods.
    public var count: Int { starts.count - 1 }

    /// The calendar of periods covering `firstDay...lastDay` (`firstDay ≤ lastDay`).
    /// - Complexity: O(days covered).
    public init(period: LifecyclePeriod, firstDay: CalendarDay, lastDay: CalendarDay) {
        precondition(firstDay <= lastDay, "a period calendar needs firstDay ≤ lastDay")
        self.period = period
        self.firstDay = firstDay
        self.lastDay = lastDay
        let first = period.index(of: firstDay)
        let last = period.index(of: lastDay)
        starts = (first...(last + 1)).map { period.start(ofIndex: $0) }
        var table = [Int32](repeating: 0, count: lastDay.days(since: firstDay) + 1)
        var k: Int32 = 0
        var nextStart = starts[1].ordinal
        for offset in table.indices {
            let ordinal = firstDay.ordinal + Int32(offset)
            while ordinal >= nextStart {
                k += 1
                nextStart = starts[Int(k) + 1].ordinal
            }
            table[offset] = k
        }
        periodOfDay = table
    }

    /// The period (0-based) holding `day`, which must lie within `firstDay...lastDay`.
    @inlinable
    public func period(ofOrdinal ordinal: Int32) -> Int {
        Int(periodOfDay[Int(ordinal - firstDay.ordinal)])
    }

    /// Whether period `k` is cut short by the observation end.
    public func isPartial(_ k: Int) -> Bool { starts[k + 1].ordinal - 1 > lastDay.ordinal }
}
