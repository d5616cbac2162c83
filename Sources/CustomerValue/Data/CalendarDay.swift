/// A calendar day in the data's own time, stored as days since 1970-01-01.
///
/// Transactions are compared and grouped by calendar day (purchases on the same day are one
/// purchase period), so a plain day number is both the fastest and the most honest
/// representation: no time zone or clock time can shift a purchase into another day.
///
/// Conversions use the proleptic Gregorian calendar (days-from-civil arithmetic), valid for
/// years 1...9999.
public struct CalendarDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public var ordinal: Int32

    /// Creates a day from its ordinal (days since 1970-01-01).
    public init(ordinal: Int32) { self.ordinal = ordinal }

    /// Creates a day from a year, month (1–12) and day of month, or returns nil when the
    /// combination is not a real date (e.g. 2023-02-29) or the year is outside 1...9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CalendarDay.daysInMonth(year: year, month: month)
        else { return nil }
        self.ordinal = Int32(CalendarDay.daysFromCivil(year: year, month: month, day: day))
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in the given month (1–12) of `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Days-from-civil: shifts the year to start in March so the leap day is the last day of the
    // shifted year, then counts 400-year eras of 146097 days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The (year, month, day) of this calendar day.
    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(ordinal) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Day of the week, 1 = Monday ... 7 = Sunday (ISO 8601).
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (ISO 4).
        let d = (Int(ordinal) % 7 + 7) % 7
        return (d + 3) % 7 + 1
    }

    /// The day `n` days after this one (before it when `n` is negative).
    public func adding(days n: Int) -> CalendarDay { CalendarDay(ordinal: ordinal + Int32(n)) }

    /// Days from `other` to `self` (positive when `self` is later).
    public func days(since other: CalendarDay) -> Int { Int(ordinal) - Int(other.ordinal) }

    /// ISO 8601 text, `yyyy-MM-dd`.
    public var iso: String {
        var bytes = [UInt8](repeating: 0, count: 10)
        writeISO(into: &bytes, at: 0)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `yyyy-MM-dd` (10 ASCII bytes) into `buffer` starting at `offset`, for fast CSV output.
    public func writeISO(into buffer: inout [UInt8], at offset: Int) {
        let (y, m, d) = components
        buffer[offset] = UInt8(48 + y / 1000 % 10)
        buffer[offset + 1] = UInt8(48 + y / 100 % 10)
        buffer[offset + 2] = UInt8(48 + y / 10 % 10)
        buffer[offset + 3] = UInt8(48 + y % 10)
        buffer[offset + 4] = 45
        buffer[offset + 5] = UInt8(48 + m / 10)
        buffer[offset + 6] = UInt8(48 + m % 10)
        buffer[offset + 7] = 45
        buffer[offset + 8] = UInt8(48 + d / 10)
        buffer[offset + 9] = UInt8(48 + d % 10)
    }

    public var description: String { iso }

    /// Orders days by date.
    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.ordinal < rhs.ordinal }

    /// Decodes a `yyyy-MM-dd` string, as ``encode(to:)`` writes it.
    /// - Throws: `DecodingError.dataCorrupted` for any other text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = CalendarDay(isoText: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a date as yyyy-MM-dd, got \"\(text)\"")
        }
        self = day
    }

    /// Encodes the day as one `yyyy-MM-dd` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }

    /// Parses exactly `yyyy-MM-dd`; nil for anything else.
    public init?(isoText: String) {
        let parts = isoText.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }
}
