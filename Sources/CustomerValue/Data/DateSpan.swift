/// The longest span of days an analysis accepts between the data's dates and a day the user
/// gives (an observation end, an as-of day): a century. A mistyped year (2999-01-01) would
/// otherwise give ages and recencies of centuries, or tables of thousands of periods.
public enum DateSpan {
    /// A century of days (100 × 365.25).
    public static let maximumDays = 36_525

    /// Refuses `end` when it is more than a century after `start`.
    /// - Parameters:
    ///   - start: the data's day the span counts from (its last date, or the first purchase of cohorts).
    ///   - startName: what `start` is, for the message ("the data's last date").
    ///   - end: the later day (an observation end or as-of day, given or read).
    ///   - endName: what `end` is, for the message ("the observation end").
    /// - Throws: ``DateSpanError`` naming both days when they are more than a century apart.
    public static func check(from start: CalendarDay, _ startName: String, to end: CalendarDay, _ endName: String) throws {
        guard Int(end.ordinal) - Int(start.ordinal) > maximumDays else { return }
        throw DateSpanError(message: "\(endName) \(end.iso) is more than a century after \(startName) \(start.iso): check \(endName) and the dates")
    }
}

/// A day more than a century after the data's dates (see ``DateSpan``).
public struct DateSpanError: Error, CustomStringConvertible, Sendable, Hashable {
    /// Both days and what to check.
    public var message: String
    public var description: String { message }
}
