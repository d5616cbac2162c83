import Foundation

/// Which order a numeric date like `03/04/2024` is written in.
public enum DayMonthOrder: String, Sendable, Codable {
    /// `dd/MM/yyyy` (Europe, most of Asia outside China).
    case dayFirst
    /// `MM/dd/yyyy` (United States).
    case monthFirst
}

/// Parses the date forms CRM exports use into a ``CalendarDay``.
///
/// Recognised without configuration: ISO 8601 dates and date-times (`2024-03-05`,
/// `2024-03-05T14:30:00Z`, `2024-03-05 14:30`), `yyyyMMdd`, `yyyy/M/d`, `yyyy.M.d`,
/// `yyyy年M月d日` (each optionally followed by a time). Day-first and month-first forms
/// (`05/03/2024`) need an order, given as a pattern (``init(pattern:)``) or inferred from the
/// data by ``inferOrder(from:)``. A time part is ignored: dates are calendar days in the data's
/// own time, so `2024-03-05T23:30:00+08:00` is 5 March whatever the offset.
///
/// Excel serial dates (`45356`, days since 1899-12-30 in Excel's 1900 date system, optionally
/// with a fraction for the time) are read with the pattern `excel`, or when
/// ``automatic(samples:)`` finds a column of whole numbers from 20000 to 80000 (1954–2119).
public struct DateParser: Sendable {
    /// The order used for `a/b/yyyy` dates; nil when none was given or inferred.
    public var order: DayMonthOrder?
    private var pattern: [PatternToken]?
    /// Whether dates are Excel serial day numbers.
    public private(set) var readsExcelSerials = false

    /// The `--date-format` value for Excel serial dates.
    public static let excelFormat = "excel"
    /// Excel serial `n` is day `n` after 1899-12-30 (serial 25569 is 1970-01-01, ordinal 0).
    static let excelEpochOrdinal = -25_569
    /// The serials read: from 61 (1900-03-01) to 2958465 (9999-12-31, Excel's last day).
    /// Excel counts a 29 February 1900 that never was, so serials 1–60 name a day one later
    /// than the formula gives: they are refused rather than read a day off.
    public static let excelSerials = 61...2_958_465
    /// The range in which a column of whole numbers is taken for Excel serials without being
    /// told: 20000 (1954-10-03) to 80000 (2119-01-11); `yyyyMMdd` numbers are far above.
    public static let detectedExcelSerials = 20_000...80_000

    /// What an Excel serial date must be, for messages.
    public static let excelExpectation = "an Excel serial date from 61 (1900-03-01) to 2958465 (9999-12-31), optionally with a fraction for the time: Excel's serials 1 to 60 count a 29 February 1900 that never was"

    /// The day of Excel serial `serial`: 1899-12-30 + `serial` days (so 1 is 1899-12-31 and
    /// 45356 is 2024-03-05). Correct from serial 61 on (see ``excelSerials``).
    public static func excelDay(serial: Int) -> CalendarDay {
        CalendarDay(ordinal: Int32(serial + excelEpochOrdinal))
    }

    /// A parser for the automatic forms; `order` settles `a/b/yyyy` dates.
    public init(order: DayMonthOrder? = nil) {
        self.order = order
        self.pattern = nil
    }

    /// A parser for an explicit pattern such as `dd/MM/yyyy`, `MM/dd/yyyy`, `d.M.yyyy`,
    /// `yyyy-MM-dd`, `dd-MM-yy` or `yyyyMMdd`: `yyyy` four-digit year, `yy` two-digit year
    /// (2000–2099), `MM`/`M` month, `dd`/`d` day (the short forms take one or two digits); any
    /// other character must match literally. Text after the date (a time) is ignored. The
    /// pattern `excel` reads Excel serial day numbers (see ``excelDay(serial:)``).
    /// - Throws: ``DateFormatError`` when the pattern lacks a year, month or day.
    public init(pattern text: String) throws {
        if text.lowercased() == DateParser.excelFormat {
            readsExcelSerials = true
            return
        }
        var tokens: [PatternToken] = []
        let chars = Array(text.utf8)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            var run = 1
            while i + run < chars.count && chars[i + run] == c { run += 1 }
            switch (c, run) {
            case (UInt8(ascii: "y"), 4): tokens.append(.year4)
            case (UInt8(ascii: "y"), 2): tokens.append(.year2)
            case (UInt8(ascii: "M"), 1), (UInt8(ascii: "M"), 2): tokens.append(run == 2 ? .month(fixed: true) : .month(fixed: false))
            case (UInt8(ascii: "d"), 1), (UInt8(ascii: "d"), 2): tokens.append(run == 2 ? .day(fixed: true) : .day(fixed: false))
            case (UInt8(ascii: "y"), _), (UInt8(ascii: "M"), _), (UInt8(ascii: "d"), _):
                throw DateFormatError(message: "date format \"\(text)\": use yyyy or yy, MM or M, dd or d")
            default:
                for _ in 0..<run { tokens.append(.literal(c)) }
            }
            i += run
        }
        let hasYear = tokens.contains { if case .year4 = $0 { return true }; if case .year2 = $0 { return true }; return false }
        let hasMonth = tokens.contains { if case .month = $0 { return true }; return false }
        let hasDay = tokens.contains { if case .day = $0 { return true }; return false }
        guard hasYear, hasMonth, hasDay else {
            throw DateFormatError(message: "date format \"\(text)\" needs a year (yyyy), a month (MM) and a day (dd), e.g. dd/MM/yyyy")
        }
        self.pattern = tokens
        self.order = nil
    }

    enum PatternToken: Sendable, Equatable {
        case year4, year2
        case month(fixed: Bool)
        case day(fixed: Bool)
        case literal(UInt8)
    }

    /// Parses a date; nil when the text is not a valid date in a recognised form.
    public func parse(_ text: String) -> CalendarDay? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    /// Parses a date from UTF-8 bytes; nil when it is not a valid date in a recognised form.
    /// Surrounding spaces are ignored.
    @inline(__always)
    public func parse(_ raw: UnsafeBufferPointer<UInt8>) -> CalendarDay? {
        var lo = 0
        var hi = raw.count
        while lo < hi && (raw[lo] == 0x20 || raw[lo] == 0x09) { lo += 1 }
        while hi > lo && (raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09) { hi -= 1 }
        guard hi > lo else { return nil }
        if readsExcelSerials { return DateParser.excelSerialDay(raw, lo, hi) }
        if let pattern { return DateParser.parse(raw, lo, hi, pattern: pattern) }
        // Fast path: yyyy-MM-dd, optionally followed by a time.
        if hi - lo >= 10, raw[lo + 4] == 0x2D, raw[lo + 7] == 0x2D,
           let y = digits(raw, lo, 4), let m = digits(raw, lo + 5, 2), let d = digits(raw, lo + 8, 2) {
            if hi - lo > 10 && !isTimeSeparator(raw[lo + 10]) { return nil }
            return CalendarDay(year: y, month: m, day: d)
        }
        return parseGeneral(raw, lo, hi)
    }

    @inline(__always)
    private func isTimeSeparator(_ c: UInt8) -> Bool { c == 0x20 || c == 0x54 || c == 0x74 || c == 0x09 }

    @inline(__always)
    private func digits(_ raw: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var v = 0
        for k in at..<(at + count) {
            let c = raw[k] &- 0x30
            guard c < 10 else { return nil }
            v = v * 10 + Int(c)
        }
        return v
    }

    /// Splits the date part into up to three numbers and the separators between them.
    private func parseGeneral(_ raw: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> CalendarDay? {
        var numbers: [(value: Int, length: Int)] = []
        numbers.reserveCapacity(3)
        var separators: [UInt8] = []
        var i = lo
        while i < hi && numbers.count < 3 {
            var v = 0
            let s = i
            while i < hi, raw[i] &- 0x30 < 10 {
                v = v * 10 + Int(raw[i] &- 0x30)
                i += 1
                if i - s > 8 { return nil }
            }
            guard i > s else { return nil }
            numbers.append((v, i - s))
            if numbers.count == 3 || i >= hi { break }
            // yyyyMMdd followed by a time: the date is complete.
            if numbers.count == 1 && i - s == 8 && isTimeSeparator(raw[i]) { break }
            // Separator: one ASCII byte, or the three-byte UTF-8 of 年 / 月 (E5 B9 B4 / E6 9C 88).
            if raw[i] < 0x80 {
                separators.append(raw[i])
                i += 1
            } else if i + 3 <= hi, (raw[i] == 0xE5 && raw[i + 1] == 0xB9 && raw[i + 2] == 0xB4) || (raw[i] == 0xE6 && raw[i + 1] == 0x9C && raw[i + 2] == 0x88) {
                separators.append(raw[i] == 0xE5 ? 0x01 : 0x02)   // 0x01 = 年, 0x02 = 月
                i += 3
            } else {
                return nil
            }
        }
        // What may follow the date: nothing, 日 (E6 97 A5), or a time after a space or T.
        if i < hi {
            if i + 3 <= hi && raw[i] == 0xE6 && raw[i + 1] == 0x97 && raw[i + 2] == 0xA5 { i += 3 }
            if i < hi && !isTimeSeparator(raw[i]) { return nil }
        }
        if numbers.count == 1 {
            // yyyyMMdd
            guard numbers[0].length == 8 else { return nil }
            let v = numbers[0].value
            return CalendarDay(year: v / 10000, month: v / 100 % 100, day: v % 100)
        }
        guard numbers.count == 3, separators.count == 2 else { return nil }
        let (a, b, c) = (numbers[0], numbers[1], numbers[2])
        if separators == [0x01, 0x02] {
            guard a.length == 4 else { return nil }
            return CalendarDay(year: a.value, month: b.value, day: c.value)
        }
        guard separators[0] == separators[1], [0x2D, 0x2F, 0x2E].contains(separators[0]) else { return nil }
        if a.length == 4 && b.length <= 2 && c.length <= 2 {
            return CalendarDay(year: a.value, month: b.value, day: c.value)
        }
        if c.length == 4 && a.length <= 2 && b.length <= 2 {
            switch order {
            case .dayFirst: return CalendarDay(year: c.value, month: b.value, day: a.value)
            case .monthFirst: return CalendarDay(year: c.value, month: a.value, day: b.value)
            case nil:
                // Unambiguous only when one part cannot be a month.
                if a.value > 12 { return CalendarDay(year: c.value, month: b.value, day: a.value) }
                if b.value > 12 { return CalendarDay(year: c.value, month: a.value, day: b.value) }
                return nil
            }
        }
        return nil
    }

    private static func parse(_ raw: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, pattern: [PatternToken]) -> CalendarDay? {
        var i = lo
        var year = -1, month = -1, day = -1
        func number(maxDigits: Int, minDigits: Int) -> Int? {
            var v = 0
            let s = i
            while i < hi && i - s < maxDigits, raw[i] &- 0x30 < 10 {
                v = v * 10 + Int(raw[i] &- 0x30)
                i += 1
            }
            return i - s >= minDigits ? v : nil
        }
        for token in pattern {
            switch token {
            case .year4: guard let v = number(maxDigits: 4, minDigits: 4) else { return nil }; year = v
            case .year2: guard let v = number(maxDigits: 2, minDigits: 2) else { return nil }; year = 2000 + v
            case .month(let fixed): guard let v = number(maxDigits: 2, minDigits: fixed ? 2 : 1) else { return nil }; month = v
            case .day(let fixed): guard let v = number(maxDigits: 2, minDigits: fixed ? 2 : 1) else { return nil }; day = v
            case .literal(let c): guard i < hi, raw[i] == c else { return nil }; i += 1
            }
        }
        if i < hi && !(raw[i] == 0x20 || raw[i] == 0x54 || raw[i] == 0x74) { return nil }
        return CalendarDay(year: year, month: month, day: day)
    }

    /// An Excel serial (digits, then optionally `.` and the digits of the time of day) as a day;
    /// nil outside ``excelSerials`` or when the text is not such a number.
    private static func excelSerialDay(_ raw: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> CalendarDay? {
        var i = lo
        var serial = 0
        while i < hi, raw[i] &- 0x30 < 10, i - lo < 8 {
            serial = serial * 10 + Int(raw[i] &- 0x30)
            i += 1
        }
        guard i > lo else { return nil }
        if i < hi {
            guard raw[i] == 0x2E else { return nil }
            i += 1
            let fraction = i
            while i < hi, raw[i] &- 0x30 < 10 { i += 1 }
            guard i == hi, i > fraction else { return nil }
        }
        return excelSerials.contains(serial) ? excelDay(serial: serial) : nil
    }

    /// The parser for a date column read without a `--date-format`: Excel serials when every
    /// non-empty sample is a whole number in ``detectedExcelSerials``, else the automatic forms
    /// with the day/month order inferred from the samples (``inferOrder(from:)``).
    /// - Throws: ``DateFormatError`` when the samples mix day-first and month-first dates.
    public static func automatic(samples: [String]) throws -> DateParser {
        let cells = samples.lazy.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !cells.isEmpty, cells.allSatisfy({ cell in
            cell.utf8.allSatisfy { $0 &- 0x30 < 10 } && Int(cell).map(detectedExcelSerials.contains) == true
        }) {
            return try DateParser(pattern: excelFormat)
        }
        return DateParser(order: try inferOrder(from: samples))
    }

    /// The `--date-format` pattern that reads `value` as the reading without a format does
    /// (``automatic(samples:)`` over `samples`, which settles the day/month order): `yyyy-MM-dd`
    /// for `2024-03-05`, `dd/MM/yyyy` for `25/03/2024`, `yyyyMMdd`, `yyyy年M月d日`, `excel` for
    /// `45356`, ... A pattern takes the digits of the value's numbers (`MM` for `03`, `M` for `3`).
    /// - Returns: nil when the automatic reading does not read `value`, or no pattern reads it
    ///   to the same day.
    public static func pattern(reading value: String, samples: [String]) -> String? {
        guard let automatic = try? automatic(samples: samples), let day = automatic.parse(value) else { return nil }
        if automatic.readsExcelSerials { return excelFormat }
        let bytes = Array(value.trimmingCharacters(in: .whitespaces).utf8)
        // The date's numbers (their digit counts) and the separators between them, as
        // ``parseGeneral`` splits them; a time after the date is left out.
        var lengths: [Int] = []
        var separators: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            let start = i
            while i < bytes.count, bytes[i] &- 0x30 < 10 { i += 1 }
            guard i > start else { return nil }
            lengths.append(i - start)
            if lengths.count == 3 || i >= bytes.count || (lengths.count == 1 && i - start == 8) { break }
            let width = bytes[i] < 0x80 ? 1 : 3   // one ASCII byte, or 年 / 月
            guard i + width <= bytes.count else { return nil }
            separators.append(Array(bytes[i..<(i + width)]))
            i += width
        }
        let dayMark: [UInt8] = [0xE6, 0x97, 0xA5]   // 日
        let tail = i + 3 <= bytes.count && Array(bytes[i..<(i + 3)]) == dayMark ? dayMark : []
        var candidates: [[UInt8]] = []
        if lengths == [8] {
            candidates = [Array("yyyyMMdd".utf8)]
        } else if lengths.count == 3 {
            func token(_ role: UInt8, _ length: Int) -> [UInt8] {
                role == UInt8(ascii: "y") ? Array("yyyy".utf8) : [UInt8](repeating: role, count: min(max(length, 1), 2))
            }
            let y = UInt8(ascii: "y"), m = UInt8(ascii: "M"), d = UInt8(ascii: "d")
            // Year first, then the order the samples settle (day-first when they do not).
            let orders: [[UInt8]] = automatic.order == .monthFirst ? [[y, m, d], [m, d, y], [d, m, y]] : [[y, m, d], [d, m, y], [m, d, y]]
            for order in orders {
                candidates.append(token(order[0], lengths[0]) + separators[0] + token(order[1], lengths[1]) + separators[1]
                                  + token(order[2], lengths[2]) + tail)
            }
        }
        for candidate in candidates {
            let text = String(decoding: candidate, as: UTF8.self)
            if let parser = try? DateParser(pattern: text), parser.parse(value) == day { return text }
        }
        return nil
    }

    /// Infers the day/month order from sample date texts: a first part above 12 means day-first,
    /// a second part above 12 month-first.
    /// - Returns: the order, or nil when the samples hold no `a/b/yyyy` date or none decides it.
    /// - Throws: ``DateFormatError`` when the samples contradict each other.
    public static func inferOrder(from samples: [String]) throws -> DayMonthOrder? {
        var dayFirst: String?
        var monthFirst: String?
        for sample in samples {
            // A sample starting with three digits (2024-03-05) has at least three characters
            // before any separator, so it can say neither order: skipped without splitting it
            // (5,000 ISO dates cost several milliseconds of String work per file).
            let head = sample.utf8.prefix(3)
            if head.count == 3 && head.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { continue }
            let parts = sample.split(whereSeparator: { $0 == " " || $0 == "T" }).first.map(String.init) ?? ""
            for sep: Character in ["/", ".", "-"] {
                let p = parts.split(separator: sep, omittingEmptySubsequences: false)
                guard p.count == 3, p[2].count == 4, p[0].count <= 2, p[1].count <= 2,
                      let a = Int(p[0]), let b = Int(p[1]) else { continue }
                if a > 12 && b <= 12 { dayFirst = dayFirst ?? sample }
                if b > 12 && a <= 12 { monthFirst = monthFirst ?? sample }
            }
        }
        if let dayFirst, let monthFirst {
            throw DateFormatError(message: "dates are written both day-first (\"\(dayFirst)\") and month-first (\"\(monthFirst)\"); pass --date-format to say which the file uses")
        }
        if dayFirst != nil { return .dayFirst }
        if monthFirst != nil { return .monthFirst }
        return nil
    }
}

/// Error for a date format that cannot be used.
public struct DateFormatError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var message: String
    public var description: String { message }
}
